"""Tabular files -> DataFrames of strings, column aliases, and explicit conversions.

:func:`read_table` reads any tabular input (CSV/TSV with a sniffed dialect, Excel, Parquet, JSON, or
a DataFrame) into a DataFrame whose columns are *strings* -- ids keep their leading zeros and
department labels stay labels. The readers (:mod:`~ambassadors.io.people`,
:mod:`~ambassadors.io.interactions`, :mod:`~ambassadors.io.signals`) then rename columns through
the alias tables here and convert, explicitly, only the columns that are numeric or temporal by
contract (:func:`parse_datetimes`, :func:`to_number`, :func:`to_bool`).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors._text import normalize_name
from ambassadors._validation import check_unique_ids
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.convert import as_str_series, parse_datetimes, to_bool, to_number
from ambassadors.io.load_report import LoadReport

__all__ = [
    "read_table",
    "normalize_name",
    "resolve_columns",
    "is_content_column",
    "parse_datetimes",
    "to_number",
    "to_bool",
    "Roster",
    "as_str_series",
]

# kept for io/signals.py, which still imports the old private name (owned by another change)
_as_str_series = as_str_series

# --------------------------------------------------------------------------------------------
# resolving people by id or e-mail
# --------------------------------------------------------------------------------------------


class Roster:
    """Resolve raw ids or e-mail addresses to positions in a people table.

    A value matches a ``person_id`` exactly (after stripping spaces), or else an ``email`` of the
    roster case-insensitively. Unknown and blank values resolve to ``-1``.

    Parameters
    ----------
    people : DataFrame
        Indexed by ``person_id`` (or with a ``person_id`` column), optional ``email`` column.
    """

    def __init__(self, people: pd.DataFrame) -> None:
        if "person_id" in people.columns and people.index.name != "person_id":
            people = people.set_index("person_id")
        ids = pd.Index(people.index.astype(str).str.strip(), name="person_id")
        check_unique_ids(ids, "people")
        self.ids = ids
        self.emails: pd.Index | None = None
        self.email_pos: np.ndarray | None = None
        if "email" in people.columns:
            em = as_str_series(people["email"]).str.lower()
            shared = (em != "").to_numpy() & em.duplicated(keep=False).to_numpy()
            if shared.any():
                raise InputError(f"people: person_id {describe_ids(ids[shared])} share e-mail "
                                 f"addresses (compared case-insensitively), e.g. "
                                 f"{em[shared].iloc[0]!r}")
            ok = (em != "").to_numpy()
            self.emails = pd.Index(em[ok].to_numpy())
            self.email_pos = np.flatnonzero(ok)

    def __len__(self) -> int:
        return len(self.ids)

    def resolve(self, values: object) -> np.ndarray:
        """Positions (int64) of ``values`` in the roster; ``-1`` for unknown or blank."""
        s = as_str_series(values)
        pos = self.ids.get_indexer(s.to_numpy(dtype=object)).astype(np.int64)
        pos[(s == "").to_numpy()] = -1
        miss = pos < 0
        if self.emails is not None and miss.any():
            idx = np.flatnonzero(miss)
            hit = self.emails.get_indexer(s.iloc[idx].str.lower().to_numpy(dtype=object))
            found = hit >= 0
            pos[idx[found]] = self.email_pos[hit[found]]
        return pos


# --------------------------------------------------------------------------------------------
# column names: aliases and content columns
# --------------------------------------------------------------------------------------------

_CONTENT_EXACT = {"subject", "body", "text", "message", "content", "contents", "snippet", "preview",
                  "bodypreview", "messagebody", "messagetext", "html", "plaintext", "comment",
                  "transcript"}
_CONTENT_PREFIX = ("attachment", "subject", "body")


def is_content_column(name: object) -> bool:
    """True for columns that may hold message content; readers never load them.

    ``subject, body, text, message, content, snippet, preview, attachment*`` (and a few variants),
    compared case-, space- and underscore-insensitively.

    Examples
    --------
    >>> [is_content_column(c) for c in ["Subject", "message_id", "Attachments", "body_preview"]]
    [True, False, True, True]
    """
    key = normalize_name(name)
    return key in _CONTENT_EXACT or key.startswith(_CONTENT_PREFIX)


def resolve_columns(found: list[str], aliases: dict[str, list[str]], *,
                    columns: dict[str, str] | None = None, source: str = "<table>"
                    ) -> tuple[dict[str, str], list[str]]:
    """Map the columns of a file to canonical names.

    Parameters
    ----------
    found : list of str
        Column names as found in the file.
    aliases : dict
        Canonical name -> accepted aliases, in priority order (compared with
        :func:`normalize_name`). The canonical name itself is always accepted first.
    columns : dict, optional
        ``{"their name": "our name"}`` overrides, applied first; ``their name`` must exist
        (exactly, or case/space/underscore-insensitively).
    source : str
        File name for error messages.

    Returns
    -------
    mapping : dict
        Found name -> canonical name, for the columns that got one.
    notes : list of str
        One note per alias used (``"column 'Employee ID' read as 'person_id'"``).

    Examples
    --------
    >>> resolve_columns(["Employee ID", "Dept", "Dept Name"],
    ...                 {"person_id": ["employeeid"], "department": ["deptname", "dept"]})[0]
    {'Employee ID': 'person_id', 'Dept Name': 'department'}
    """
    mapping: dict[str, str] = {}
    notes: list[str] = []
    keys = {name: normalize_name(name) for name in found}
    for theirs, ours in (columns or {}).items():
        match = theirs if theirs in keys else next(
            (f for f, k in keys.items() if k == normalize_name(theirs)), None)
        if match is None:
            raise InputError(f"{source}: column {theirs!r} given in columns= not found; columns "
                             f"are: {', '.join(map(str, found))}")
        if ours in mapping.values():
            raise InputError(f"{source}: two columns given in columns= map to {ours!r}")
        mapping[match] = ours
        if match != ours:
            notes.append(f"column {match!r} read as {ours!r} (columns=)")
    for canonical, names in aliases.items():
        if canonical in mapping.values():
            continue
        # the canonical name itself, exactly, wins over any alias or case variant of it
        match = canonical if canonical in keys and canonical not in mapping else None
        for alias in [normalize_name(canonical), *map(normalize_name, names)]:
            if match is not None:
                break
            match = next((f for f, k in keys.items() if k == alias and f not in mapping), None)
        if match is None:
            continue
        mapping[match] = canonical
        if match != canonical:
            notes.append(f"column {match!r} read as {canonical!r}")
        # two columns that could both be this one: one is kept under the canonical name, the
        # others under their own names (never two columns of one name)
        wanted = {normalize_name(canonical), *map(normalize_name, names)}
        rivals = [f for f, k in keys.items() if k in wanted and f not in mapping and f != match]
        if rivals:
            notes.append(f"{', '.join(map(repr, rivals))} could also be {canonical!r}: "
                         f"{match!r} is used, the other kept under its own name")
    return mapping, notes


# --------------------------------------------------------------------------------------------
# reading tabular files
# --------------------------------------------------------------------------------------------

_DELIMITERS = [",", ";", "\t", "|"]
_SNIFF_BYTES = 256 * 1024


@dataclass
class RawTable:
    """A file read as strings, before aliasing: what the readers start from.

    ``table`` is a :class:`pyarrow.Table` whose columns are strings (``""`` for blank), except
    datetime columns of typed inputs (Parquet, DataFrames), which are kept.
    """

    table: object  # pyarrow.Table
    source: str
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    bad_rows: int = 0
    skipped_content: list[str] = field(default_factory=list)

    def new_report(self, kind: str) -> LoadReport:
        """A LoadReport for this file: rows read (including malformed ones, dropped as
        ``bad_row``) and the notes gathered while reading."""
        report = LoadReport(source=self.source, kind=kind,
                            rows_read=self.table.num_rows + self.bad_rows)
        report.drop("bad_row", self.bad_rows)
        report.notes += self.notes
        if self.skipped_content:
            report.notes.append(f"content columns not read: {', '.join(self.skipped_content)}")
        return report

    @property
    def decimal_comma(self) -> bool:
        """Decimal commas are read in numbers unless the file is comma-delimited."""
        return self.delimiter != ","

    @property
    def columns(self) -> list[str]:
        return list(self.table.column_names)

    def to_pandas(self) -> pd.DataFrame:
        frame = self.table.to_pandas()
        for name in frame.columns:
            if frame[name].dtype == object:
                frame[name] = frame[name].fillna("").astype(str)
        return frame


def _source_name(obj: object, source: str | None) -> str:
    if source is not None:
        return str(source)
    if isinstance(obj, (str, PathLike)):
        return Path(obj).name or str(obj)
    return "<DataFrame>"


def _check_header(names: list[object], source: str) -> list[str]:
    out = []
    for i, name in enumerate(names):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        text = text.strip().lstrip("\ufeff")
        out.append(text if text else f"unnamed_{i + 1}")
    seen = pd.Index(out)
    if seen.has_duplicates:
        dups = seen[seen.duplicated()].unique()
        raise InputError(f"{source}: duplicate column names {describe_ids(dups)}; rename them so "
                         "that each column has one meaning")
    return out


def _stringify_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Strings for every column (blank for missing); datetime columns kept."""
    # a named index (person_id) is data; an unnamed one (0..n, or what a filter left) is not
    frame = frame.reset_index(drop=all(name is None for name in frame.index.names))
    out = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            out[name] = col
        elif pd.api.types.is_float_dtype(col.dtype):
            vals = col.to_numpy(dtype=float, na_value=np.nan)
            integral = np.isfinite(vals) & (np.floor(vals) == vals) & (np.abs(vals) < 2**53)
            text = col.astype(object).astype(str)
            ints = pd.Series(vals[integral].astype(np.int64)).astype(str).to_numpy(dtype=object)
            text = text.to_numpy(dtype=object)
            text[integral] = ints
            text[np.isnan(vals)] = ""
            out[name] = pd.Series(text, index=col.index, dtype=object)
        elif pd.api.types.is_string_dtype(col.dtype) and pd.api.types.infer_dtype(
                col, skipna=True) in ("string", "empty"):
            out[name] = col.astype(object).where(col.notna(), "")
        elif pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.astype(object).where(col.notna(), "").astype(str)
        else:
            out[name] = _mixed_to_str(col)
    result = pd.DataFrame(out, index=frame.index)
    result.columns = [str(c) for c in frame.columns]
    return result.reset_index(drop=True)


def _mixed_to_str(col: pd.Series) -> pd.Series:
    """Strings of a column of mixed Python objects (Excel and JSON cells), one conversion per
    *distinct* value: the column is factorised (unhashable cells -- JSON lists -- by their text)
    and only its distinct values go through :func:`_cell_to_str`."""
    try:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        firsts = np.asarray(uniques, dtype=object)
    except TypeError:  # lists / dicts: group by their text, convert one cell of each group
        codes, keys = pd.factorize(col.astype(str), use_na_sentinel=True)
        at = np.flatnonzero(codes >= 0)  # missing cells (code -1) stay blank
        first_at = np.zeros(len(keys), dtype=np.int64)
        first_at[codes[at][::-1]] = at[::-1]  # the first cell of each distinct text
        firsts = col.to_numpy(dtype=object)[first_at]
    text = np.array([_cell_to_str(v) for v in firsts] + [""], dtype=object)
    return pd.Series(text[codes], index=col.index, dtype=object)


def _cell_to_str(value: object) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (list, tuple)):  # a JSON list of recipients
        return ";".join(_cell_to_str(v) for v in value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _frame_to_raw(frame: pd.DataFrame, source: str, *, delimiter: str | None = None,
                  notes: list[str] | None = None) -> RawTable:
    import pyarrow as pa

    header = _check_header(list(frame.columns), source)
    frame = frame.copy(deep=False)
    frame.columns = header
    frame = _stringify_frame(frame)
    content = [c for c in frame.columns if is_content_column(c)]
    frame = frame.drop(columns=content)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise InputError(f"{source}: cannot read the table ({_one_line(exc)})") from None
    return RawTable(table, source, delimiter, list(notes or []), 0, content)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """Non-blank lines, split on CR, LF and CRLF only (as the CSV parser does)."""
    return [ln for ln in _LINE_BREAK.split(text) if ln.strip()]


def _csv_rows(lines: list[str], delimiter: str) -> list[list[str]] | None:
    """Parse a few lines with the csv module (no field size limit); None if it cannot."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # huge recipient lists are legitimate
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(limit)


def _sniff_delimiter(text: str) -> str:
    lines = _lines(text)[:60]
    if not lines:
        return ","
    best, best_score = ",", (-1.0, 0, 0)
    for priority, delim in enumerate(reversed(_DELIMITERS)):
        rows = _csv_rows(lines, delim)
        if rows is None:
            continue
        counts = [len(r) for r in rows]
        if not counts or counts[0] <= 1:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistent, counts[0], priority)
        if score > best_score:
            best, best_score = delim, score
    return best


def _comment_lines(text: str) -> tuple[int, bool, str]:
    """Leading ``#`` lines of a CSV: (lines to skip, whether the last of them is the header,
    the text the dialect is sniffed from).

    Research data sets write their header as a comment (``#Sender<TAB>Recipient<TAB>time``) or
    precede it with comment lines. The last ``#`` line is the header when, without its ``#``, it
    has as many fields as the first data line; the others are comments.
    """
    lines = _LINE_BREAK.split(text)
    k = 0
    while k < len(lines) - 1 and lines[k].startswith("#"):
        k += 1
    if k == 0:
        return 0, False, text
    candidate, rest = lines[k - 1][1:].lstrip(), lines[k:]
    delimiter = _sniff_delimiter("\n".join([candidate, *rest[:60]]))
    fields = [len(r) for r in (_csv_rows([candidate, rest[0]], delimiter) or [[], []])]
    if fields[0] > 1 and fields[0] == fields[1]:
        return k - 1, True, "\n".join([candidate, *rest])
    return k, False, "\n".join(rest)


def _csv_notes(table, *, delimiter: str, bad_rows: int, swallowed: list, spanning_possible: bool,
               notes: list[str]) -> None:
    """What a user should know about how a CSV was parsed."""
    import pyarrow.compute as pc

    if delimiter != ",":
        notes.append(f"delimiter {_DELIM_NAMES[delimiter]!s} detected")
    if bad_rows:
        notes.append(f"{bad_rows} rows with a wrong number of fields skipped (bad_row)")
    if swallowed:
        where = next((f" (row {n})" for n, _ in swallowed if n is not None), "")
        notes.append(f"{sum(e for _, e in swallowed)} of them are lines swallowed by a quoted field "
                     f"that never closes{where}: check the quotes (\") there")
    if spanning_possible:
        spanning = sum(int(pc.sum(pc.match_substring(col, "\n")).as_py() or 0) for col in table.columns)
        if spanning:
            notes.append(f"{spanning} values span several lines (a line break inside quotes); if "
                         "that is not intended, an unclosed quote has merged the lines after it")


def _head_is_utf8(head: bytes) -> bool:
    """Whether the first bytes decode as UTF-8 (the last character may be cut)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _text_head(path: Path, head: bytes, source: str, notes: list[str], *,
               assume_utf8: bool = False) -> tuple[str, str]:
    """(encoding, decoded first bytes) of a CSV file; ``assume_utf8``: do not check the whole
    file (pyarrow checks the values it parses)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in head[:8192]:
        raise InputError(f"{source}: not a text table (binary content); expected CSV/TSV, .xlsx, "
                         ".parquet or .json")
    else:
        encoding = "utf-8" if assume_utf8 else _detect_encoding(path, source)
        if encoding != "utf-8":
            notes.append(f"file is not UTF-8: read as {_ENCODING_NAMES[encoding]}")
    text = head.decode(encoding if encoding != "utf-8" else "utf-8", errors="replace")
    if len(head) >= _SNIFF_BYTES:  # the last line may be cut
        text = text[: text.rfind("\n") + 1] or text
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    return encoding, text


def _read_csv_bytes(path: Path, head: bytes, source: str) -> RawTable:
    """A CSV file as a table of strings.

    A file whose first bytes are UTF-8 is parsed as UTF-8 at once, without skipping bad rows:
    pyarrow validates every value it parses, so the file is decoded in Python
    (:func:`_detect_encoding`) and parsed again, counting bad rows, only when that fails.
    """
    if _head_is_utf8(head):
        raw = _read_csv(path, head, source, assume_utf8=True)
        if raw is not None:
            return raw
    raw = _read_csv(path, head, source, assume_utf8=False)
    assert raw is not None
    return raw


def _read_csv(path: Path, head: bytes, source: str, *, assume_utf8: bool) -> RawTable | None:
    """One parse of :func:`_read_csv_bytes`; ``None`` when the file is not UTF-8 after all."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    notes: list[str] = []
    encoding, text = _text_head(path, head, source, notes, assume_utf8=assume_utf8)
    skip, hash_header, text = _comment_lines(text)
    if hash_header:
        notes.append("header read from a line starting with '#'")
    if skip:
        notes.append(f"{skip} comment line{'s' if skip != 1 else ''} ('#') before the header skipped")
    delimiter = _sniff_delimiter(text)
    first = (_csv_rows(_lines(text)[:1], delimiter) or [[]])[0]
    n_guess = len(first)
    bad_rows = [0]
    swallowed: list[tuple[object, int]] = []

    def on_invalid(row: object) -> str:
        # a bad row spanning several lines holds the lines an unclosed quote ran over: each of
        # them is an input row the user sees, so each is counted (and reported below)
        extra = str(getattr(row, "text", "") or "").count("\n")
        bad_rows[0] += 1 + extra
        if extra:
            swallowed.append((getattr(row, "number", None), extra))
        return "skip"

    read = pacsv.ReadOptions(autogenerate_column_names=True, encoding=encoding,
                             block_size=16 << 20, skip_rows=skip)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values='"' in text,
                               invalid_row_handler=None if assume_utf8 else on_invalid)
    types = {f"f{i}": pa.string() for i in range(max(n_guess, 1) + 64)}
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                   quoted_strings_can_be_null=False, null_values=[])
    try:
        table = pacsv.read_csv(path, read_options=read, parse_options=parse,
                               convert_options=convert)
    except (pa.ArrowException, UnicodeError, OSError, ValueError) as exc:
        if assume_utf8 and isinstance(exc, pa.ArrowInvalid):
            return None  # not UTF-8, or rows to skip: read again as before
        raise InputError(f"{source}: cannot read as a {_DELIM_NAMES[delimiter]}-separated table "
                         f"({_one_line(exc)})") from None
    if table.num_rows == 0:
        raise InputError(f"{source}: the file is empty")
    for i, col in enumerate(table.columns):
        if col.type != pa.string():
            table = table.set_column(i, table.column_names[i], col.cast(pa.string()))
    names = list(table.slice(0, 1).to_pylist()[0].values())
    if hash_header:
        names[0] = str(names[0]).lstrip("#").lstrip()
    header = _check_header(names, source)
    table = table.slice(1).rename_columns(header)
    content = [c for c in header if is_content_column(c)]
    if content:
        table = table.drop_columns(content)
    _csv_notes(table, delimiter=delimiter, bad_rows=bad_rows[0], swallowed=swallowed,
               spanning_possible=parse.newlines_in_values, notes=notes)
    return RawTable(table, source, delimiter, notes, bad_rows[0], content)


_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}
_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def _detect_encoding(path: Path, source: str) -> str:
    """UTF-8 if the whole file decodes as UTF-8 (checked in chunks), else cp1252 or Latin-1."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    decoder = codecs.getincrementaldecoder("utf-8")()
    cp1252_ok = True
    try:
        with opener(path, "rb") as fh:
            utf8_ok = True
            while chunk := fh.read(8 << 20):
                if utf8_ok:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_ok = False
                if not utf8_ok and _CP1252_UNDEFINED.search(chunk):
                    cp1252_ok = False
                    break
            if utf8_ok:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8_ok = False
    except (OSError, EOFError) as exc:
        raise InputError(f"{source}: cannot open ({_one_line(exc)})") from None
    if utf8_ok:
        return "utf-8"
    return "cp1252" if cp1252_ok else "latin-1"


def _read_excel(path: Path, source: str) -> RawTable:
    try:
        import openpyxl  # noqa: F401

        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except ImportError:
        raise InputError(f"{source}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise InputError(f"{source}: cannot read as an Excel workbook ({_one_line(exc)})") from None
    frame = frame.dropna(how="all").dropna(axis=1, how="all")
    if frame.empty:
        raise InputError(f"{source}: the file is empty (first sheet has no cells)")
    header = _check_header(list(frame.iloc[0]), source)
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    return _frame_to_raw(body.astype(object), source, notes=["read the first sheet"])


def _read_parquet(path: Path, source: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        frame = table.to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"{source}: cannot read as Parquet ({_one_line(exc)})") from None
    return _frame_to_raw(frame, source)


def _read_json(path: Path, data: bytes, source: str) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{source}: JSON is not UTF-8 text") from None
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        try:
            obj = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: not valid JSON ({_one_line(exc)})") from None
    if isinstance(obj, dict) and len(obj) == 1 and isinstance(next(iter(obj.values())), list):
        inner = next(iter(obj.values()))  # {"records": [...]} / {"data": [...]}
        if inner and all(isinstance(r, dict) for r in inner):
            obj = inner
    try:
        if isinstance(obj, list) and all(isinstance(r, dict) for r in obj):
            frame = pd.DataFrame.from_records(obj)
        elif isinstance(obj, dict) and all(isinstance(v, (list, dict)) for v in obj.values()):
            frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in obj.items()})
        else:
            raise ValueError("neither a list of records nor a mapping of columns")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{source}: JSON is not a table ({_one_line(exc)})") from None
    frame = frame.astype(object)
    return _frame_to_raw(frame, source, notes=["read JSON"])


def read_raw(path_or_frame: object, *, source: str | None = None) -> RawTable:
    """Read any tabular input as strings (the readers' starting point); see :func:`read_table`."""
    name = _source_name(path_or_frame, source)
    if isinstance(path_or_frame, pd.DataFrame):
        return _frame_to_raw(path_or_frame, name)
    if isinstance(path_or_frame, pd.Series):
        return _frame_to_raw(path_or_frame.to_frame(), name)
    if not isinstance(path_or_frame, (str, PathLike)):
        raise InputError(f"{name}: expected a file path or a DataFrame, got "
                         f"{type(path_or_frame).__name__}")
    path = Path(path_or_frame).expanduser()
    if not path.exists():
        raise InputError(f"{name}: file not found ({path})")
    if path.is_dir():
        raise InputError(f"{name}: is a folder, not a table file")
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                head = fh.read(_SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise InputError(f"{name}: cannot open ({_one_line(exc)})") from None
    if not head.strip():
        raise InputError(f"{name}: the file is empty")
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK\x03\x04"):
            raise InputError(f"{name}: not an .xlsx workbook (wrong content)")
        return _read_excel(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name}: old binary .xls workbooks are not read; save as .xlsx or CSV")
    if head.startswith(b"PAR1") or suffix in (".parquet", ".pq"):
        return _read_parquet(path, name)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".json", ".jsonl", ".ndjson") or (suffix not in (".csv", ".tsv", ".txt")
                                                   and stripped[:1] in (b"{", b"[")):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot open ({_one_line(exc)})") from None
        return _read_json(path, data, name)
    return _read_csv_bytes(path, head, name)


def read_table(path_or_frame: str | PathLike | pd.DataFrame, *, source: str | None = None
               ) -> pd.DataFrame:
    """Read a tabular file (or DataFrame) into a DataFrame of strings.

    CSV/TSV: the delimiter is sniffed among ``,`` ``;`` tab ``|``; UTF-8 (with or without BOM),
    UTF-16 with BOM, else Windows-1252/Latin-1; CRLF, CR and mixed line endings; quoted fields
    (with delimiters or newlines inside); rows with a wrong number of fields are skipped and
    counted. Also ``.xlsx`` (first sheet), ``.parquet``, ``.json`` (a list of records, a mapping of
    columns, or JSON lines) and gzip-compressed CSV.

    Every value is read as a string (``""`` when blank), so ids keep leading zeros (``007``) and
    labels stay labels; the readers convert the columns that are numeric by contract. Content
    columns (``subject``, ``body``, ``text``, ``message``, ``content``, ``attachment*``) are never
    loaded.

    Parameters
    ----------
    path_or_frame : path or DataFrame
        The input. A DataFrame's named index becomes a column.
    source : str, optional
        Name used in messages (default: the file name).

    Returns
    -------
    DataFrame
        Columns as in the file; ``df.attrs["notes"]`` lists what was detected,
        ``df.attrs["bad_rows"]`` the rows skipped, ``df.attrs["delimiter"]`` the delimiter.

    Raises
    ------
    InputError
        Missing, empty, binary or unreadable file; duplicate column names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfid;dept;tenure\\r\\n007;0;9,333\\r\\n")
    >>> read_table(path).to_dict("records")
    [{'id': '007', 'dept': '0', 'tenure': '9,333'}]

    Notes
    -----
    CSV is parsed by pyarrow (multi-threaded, in C++); cost is linear in the file size.
    """
    raw = read_raw(path_or_frame, source=source)
    frame = raw.to_pandas()
    frame.attrs.update(notes=list(raw.notes), bad_rows=raw.bad_rows, delimiter=raw.delimiter,
                       source=raw.source)
    return frame
