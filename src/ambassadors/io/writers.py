"""Safe writers: atomic files, formula-injection escaping.

Every table the library or the CLI writes (rankings, plans, coverage, reports) goes through this
module, so that two promises hold everywhere:

* **Atomic.** A file is written to a temporary file in the same directory, flushed, ``fsync``-ed
  and then moved over the target with :func:`os.replace`. An interrupted or failing run leaves the
  previous file untouched (or no file at all), never a half-written one, and the temporary file
  is removed. (The file plumbing lives in :mod:`ambassadors.io.files`, which needs no pandas;
  ``atomic_write_text``, ``atomic_write_bytes`` and ``check_output_path`` are re-exported here.)
* **No formula injection.** Text cells that a spreadsheet would read as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``, following the OWASP
  guidance on CSV injection. Numbers are never touched. ``write_xlsx`` additionally makes sure
  openpyxl stores every text as a string, never as a formula.

It hands plain files to the user; nothing is ever sent anywhere.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.files import atomic_open, atomic_write_bytes, atomic_write_text, check_output_path
from ambassadors.io.load_report import Loaded, as_frame

__all__ = [
    "DANGEROUS_PREFIXES",
    "escape_formulas",
    "write_csv",
    "write_xlsx",
    "write_markdown",
    "check_output_path",
    "atomic_write_text",
    "atomic_write_bytes",
]

PathLike = Union[str, "os.PathLike[str]"]

#: First characters that make a spreadsheet treat a text cell as a formula (OWASP).
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_EXCEL_MAX_ROWS = 1_048_576
# Everything str.splitlines() treats as a line end: none may survive inside a Markdown cell.
_LINE_BREAKS = "\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
_SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})


# --------------------------------------------------------------------------------------------
# escaping
# --------------------------------------------------------------------------------------------


def _escape_label(label: Any) -> Any:
    """Escape one column / index label (a string, or a tuple of them)."""
    if isinstance(label, str) and label.startswith(DANGEROUS_PREFIXES):
        return "'" + label
    if isinstance(label, tuple):
        return tuple(_escape_label(part) for part in label)
    return label


def _escape_series(values: pd.Series) -> pd.Series:
    """Prefix ``'`` to the text cells of one column that start with a dangerous character."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        # Escape the categories, not the rows: cost grows with the number of distinct labels.
        categories = pd.Series(dtype.categories)
        escaped = _escape_series(categories)
        if escaped.equals(categories):
            return values
        if escaped.is_unique:
            return values.cat.rename_categories(list(escaped))
        # "=a" and "'=a" both present: they become the same label, so leave categorical form.
        return _escape_series(values.astype(object))
    if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return values  # numbers, booleans, datetimes: never escaped
    try:
        mask = values.str.startswith(DANGEROUS_PREFIXES, na=False)
    except AttributeError:  # an object column without any text
        return values
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return values
    out = values.copy()
    out[mask] = "'" + values[mask].astype(str)
    return out


def _escape_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_escape_index(index.get_level_values(i)) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=[_escape_label(n) for n in index.names])
    name = _escape_label(index.name)
    if not (pd.api.types.is_object_dtype(index.dtype) or pd.api.types.is_string_dtype(index.dtype)
            or isinstance(index.dtype, pd.CategoricalDtype)):
        return index.rename(name)
    escaped = _escape_series(pd.Series(index, copy=False))
    return pd.Index(escaped, name=name)


def escape_formulas(frame: pd.DataFrame | pd.Series | Loaded) -> pd.DataFrame:
    """Return a copy of ``frame`` in which no text cell can be read as a spreadsheet formula.

    A text cell (in an object, string or categorical column, in the index, or a column / index
    name) that starts with one of ``= + - @``, tab or carriage return gets a leading
    single quote ``'``, as recommended by OWASP for CSV injection. Numeric, boolean and datetime
    columns are returned unchanged: a negative float stays a number, but the *text* ``"-1+2"``
    becomes ``"'-1+2"``.

    Parameters
    ----------
    frame : DataFrame, Series or Loaded
        The table to escape. A Series is turned into a one-column frame.

    Returns
    -------
    DataFrame
        A new frame of the same shape; ``frame`` itself is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.io.writers import escape_formulas
    >>> df = pd.DataFrame({"name": ["=HYPERLINK(\\"x\\")", "Ann", "-1+2"], "delta": [-1.5, 2.0, 0.0]})
    >>> escape_formulas(df)["name"].tolist()
    ['\\'=HYPERLINK("x")', 'Ann', "'-1+2"]
    >>> escape_formulas(df)["delta"].tolist()
    [-1.5, 2.0, 0.0]

    Notes
    -----
    Vectorised with the pandas string accessor: O(number of cells) in C, and for categorical
    columns O(number of categories). Empty strings and missing values are left alone.

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
    """
    frame = as_frame(frame)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"escape_formulas: expected a DataFrame, got {type(frame).__name__}")
    out = frame.copy()
    # Assign column by column through positions, so duplicate column names are fine.
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        escaped = _escape_series(column)
        if escaped is not column:
            out.isetitem(position, escaped)
    out.index = _escape_index(out.index)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [_escape_label(c) for c in out.columns],
            names=[_escape_label(n) for n in out.columns.names],
        )
    else:
        out.columns = pd.Index([_escape_label(c) for c in out.columns],
                               name=_escape_label(out.columns.name),
                               dtype=object if len(out.columns) == 0 else None)
    return out


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame | pd.Series | Loaded, path: PathLike, *, index: bool = True,
              encoding: str = "utf-8") -> Path:
    """Write a table to CSV: formula-like text escaped, UTF-8, CRLF line ends (RFC 4180), atomic.

    Parameters
    ----------
    frame : DataFrame, Series or Loaded
        The table.
    path : str or path-like
        Output file; its directory must exist. An existing file is replaced only once the new one
        is complete.
    index : bool, default True
        Write the index (e.g. ``person_id``) as the first column(s).
    encoding : str, default "utf-8"
        Use ``"utf-8-sig"`` if the file is meant to be opened by double-click in Excel, which
        otherwise guesses a legacy encoding for non-ASCII names.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from ambassadors.io.writers import write_csv
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> df = pd.DataFrame({"name": ["=1+1"], "score": [-0.5]}, index=pd.Index(["007"], name="person_id"))
    >>> print(write_csv(df, p).read_text(encoding="utf-8"), end="")
    person_id,name,score
    007,'=1+1,-0.5

    Notes
    -----
    Escaping is vectorised (:func:`escape_formulas`), then :meth:`pandas.DataFrame.to_csv` writes
    the file; floats are written with full precision, so numbers read back unchanged.
    """
    safe = escape_formulas(frame)
    with atomic_open(path, binary=False, encoding=encoding) as handle:
        # CRLF as in RFC 4180: the csv module then also quotes cells containing a bare "\r",
        # which with "\n" line ends it would write unquoted (and so split the row on read-back).
        safe.to_csv(handle, index=index, lineterminator="\r\n")
    return Path(path)


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def _sheet_names(names: Iterable[Any]) -> list[str]:
    """Excel-valid, unique (case-insensitively) sheet names of at most 31 characters."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = str(raw).translate(_SHEET_NAME_BAD).strip().strip("'")
        name = "".join(ch for ch in name if ch.isprintable()) or "Sheet"
        if name.lower() == "history":  # reserved by Excel
            name = "History_"
        name = name[:_SHEET_NAME_MAX]
        candidate, k = name, 2
        while candidate.lower() in seen:
            suffix = f" ({k})"
            candidate = name[: _SHEET_NAME_MAX - len(suffix)] + suffix
            k += 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def _excel_column(values: pd.Series | pd.Index) -> list[Any]:
    """Python values openpyxl can store: None for missing, naive UTC datetimes, str otherwise."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    series = pd.Series(values, copy=False)
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
        dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    elif pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        series = series.str.replace(ILLEGAL_CHARACTERS_RE.pattern, "", regex=True)
    missing = series.isna().to_numpy()
    cells = series.astype(object).to_numpy().tolist()
    for i, value in enumerate(cells):
        if missing[i]:
            cells[i] = None
        elif isinstance(value, str):
            cells[i] = ILLEGAL_CHARACTERS_RE.sub("", value) if pd.api.types.is_object_dtype(dtype) else value
        elif isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
            if isinstance(value, (float, np.floating)) and math.isinf(value):
                cells[i] = str(value)
        elif isinstance(value, pd.Timestamp):
            if value.tz:
                value = value.tz_convert("UTC").tz_localize(None)
            cells[i] = value.to_pydatetime()
        elif isinstance(value, pd.Timedelta):
            cells[i] = value.to_pytimedelta()
        elif not hasattr(value, "isoformat") or getattr(value, "tzinfo", None) is not None:
            cells[i] = str(value)  # lists, Periods, aware datetimes, ...: shown as text
    return cells


def write_xlsx(path: PathLike, sheets: Mapping[str, pd.DataFrame | pd.Series | Loaded], *,
               index: bool | None = None) -> Path:
    """Write one Excel workbook with one sheet per table: escaped, text never a formula, atomic.

    Parameters
    ----------
    path : str or path-like
        Output ``.xlsx`` file; its directory must exist.
    sheets : mapping of str to DataFrame
        Sheet name -> table, in order. Names are made valid for Excel: at most 31 characters, none
        of ``[ ] : * ? / \\``, unique ignoring case.
    index : bool, optional
        Write the index as the first column(s). By default it is written unless it is an unnamed
        ``RangeIndex`` (a plain row number).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    InputError
        No sheets, or a table with more rows than an Excel sheet holds.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, openpyxl
    >>> from ambassadors.io.writers import write_xlsx
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> df = pd.DataFrame({"note": ["=SUM(A1:A2)"]}, index=pd.Index(["a"], name="person_id"))
    >>> cell = openpyxl.load_workbook(write_xlsx(p, {"members": df}))["members"]["B2"]
    >>> cell.value, cell.data_type
    ("'=SUM(A1:A2)", 's')

    Notes
    -----
    Escaping is vectorised; openpyxl then stores cell by cell, so cost is O(cells) in Python.
    Timezone-aware datetimes are written in UTC (Excel has no time zones); infinities as text.
    """
    if not isinstance(sheets, Mapping) or len(sheets) == 0:
        raise InputError("write_xlsx: give at least one sheet as {name: DataFrame}")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name, table in zip(_sheet_names(sheets.keys()), sheets.values(), strict=False):
        frame = as_frame(table)
        if isinstance(frame, pd.Series):
            frame = frame.to_frame()
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"write_xlsx: sheet {name!r} is a {type(frame).__name__}, not a DataFrame")
        if len(frame) + 1 > _EXCEL_MAX_ROWS:
            raise InputError(f"write_xlsx: sheet {name!r} has {len(frame)} rows; Excel holds at most "
                             f"{_EXCEL_MAX_ROWS - 1}; write it with write_csv instead")
        safe = escape_formulas(frame)
        with_index = index if index is not None else not (
            isinstance(safe.index, pd.RangeIndex) and all(n is None for n in safe.index.names))
        columns: list[list[Any]] = []
        header: list[Any] = []
        if with_index:
            for level in range(safe.index.nlevels):
                level_name = safe.index.names[level]
                header.append("" if level_name is None else level_name)
                columns.append(_excel_column(safe.index.get_level_values(level)))
        for position, label in enumerate(safe.columns):
            header.append(" / ".join(map(str, label)) if isinstance(label, tuple) else label)
            columns.append(_excel_column(safe.iloc[:, position]))
        header = _excel_column(pd.Series(header, dtype=object))
        sheet = workbook.create_sheet(title=name)

        def cells(row: Iterable[Any], sheet: Any = sheet) -> list[Any]:
            out = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if cell.data_type == "f":  # belt and braces: text is text, never a formula
                    cell.data_type = "s"
                out.append(cell)
            return out

        sheet.append(cells(header))
        for row in zip(*columns, strict=False):
            sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _markdown_cells(values: pd.Series | pd.Index, float_format: str | None) -> pd.Series:
    series = pd.Series(values, copy=False).reset_index(drop=True)
    missing = series.isna().to_numpy()
    if float_format is not None and pd.api.types.is_float_dtype(series.dtype):
        text = series.map(lambda v: float_format.format(v), na_action="ignore")
    else:
        text = series.astype(object).astype(str)
    text = text.astype(object)
    text[missing] = ""
    text = text.astype(str)
    return (text.str.replace("|", "\\|", regex=False)
                .str.replace("<", "&lt;", regex=False)
                .str.replace(">", "&gt;", regex=False)
                .str.replace(_LINE_BREAKS, "<br>", regex=True))


def write_markdown(frame: pd.DataFrame | pd.Series | Loaded, path: PathLike | None = None, *,
                   index: bool = True, float_format: str | None = None) -> str:
    """Render a table as GitHub-flavoured Markdown (no ``tabulate`` needed); optionally write it.

    Cells are padded so the text is readable as is. ``|`` is escaped as ``\\|``, ``<``/``>`` as HTML
    entities and line breaks become ``<br>``, so no cell can break the table or inject markup.
    Numeric columns are right-aligned.

    Parameters
    ----------
    frame : DataFrame, Series or Loaded
        The table.
    path : str or path-like, optional
        If given, the text is also written there (atomically).
    index : bool, default True
        Include the index as the first column(s).
    float_format : str, optional
        A :meth:`str.format` pattern for float columns, e.g. ``"{:.3f}"``. Default: ``str(value)``.

    Returns
    -------
    str
        The Markdown table, ending with a newline.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.io.writers import write_markdown
    >>> df = pd.DataFrame({"department": ["R|D", "Ops"], "reach": [12, 3]},
    ...                   index=pd.Index(["a", "b"], name="person_id"))
    >>> print(write_markdown(df), end="")
    | person_id | department | reach |
    | :-------- | :--------- | ----: |
    | a         | R\\|D       |    12 |
    | b         | Ops        |     3 |

    Notes
    -----
    Vectorised string operations per column: O(cells).
    """
    frame = as_frame(frame)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"write_markdown: expected a DataFrame, got {type(frame).__name__}")
    headers: list[Any] = []
    columns: list[pd.Series] = []
    numeric: list[bool] = []
    if index:
        for level in range(frame.index.nlevels):
            level_name = frame.index.names[level]
            headers.append("" if level_name is None else level_name)
            values = frame.index.get_level_values(level)
            columns.append(_markdown_cells(values, float_format))
            numeric.append(pd.api.types.is_numeric_dtype(values.dtype)
                           and not pd.api.types.is_bool_dtype(values.dtype))
    for position, label in enumerate(frame.columns):
        headers.append(" / ".join(map(str, label)) if isinstance(label, tuple) else label)
        values = frame.iloc[:, position]
        columns.append(_markdown_cells(values, float_format))
        numeric.append(pd.api.types.is_numeric_dtype(values.dtype)
                       and not pd.api.types.is_bool_dtype(values.dtype))
    if not columns:
        text = ""
    else:
        head = _markdown_cells(pd.Series(headers, dtype=object), None)
        padded: list[pd.Series] = []
        rules: list[str] = []
        titles: list[str] = []
        for title, cells, right in zip(head, columns, numeric, strict=False):
            width = max(3, len(title), int(cells.str.len().max()) if len(cells) else 0)
            padded.append(cells.str.pad(width, side="left" if right else "right"))
            titles.append(title.ljust(width))
            rules.append("-" * (width - 1) + ":" if right else ":" + "-" * (width - 1))
        lines = ["| " + " | ".join(titles) + " |", "| " + " | ".join(rules) + " |"]
        if len(frame):
            body = padded[0]
            for cells in padded[1:]:
                body = body + " | " + cells
            lines.extend(("| " + body + " |").tolist())
        text = "\n".join(lines) + "\n"
    if path is not None:
        atomic_write_text(path, text)
    return text
