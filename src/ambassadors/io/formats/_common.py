"""Shared plumbing for the export readers: safe containers, CSV headers, accounting.

Every format reader opens its input through :func:`open_source` (a file, a folder or a zip
archive, with the zip safety checks below), turns what it reads into raw *pairs*
(``row, source, target, timestamp, weight, channel, event_id``) and hands them to
:func:`finish`, which calls :func:`ambassadors.io._pairs.finalize_pairs` so that
resolution against the roster and the drop accounting live in one place.

Zip safety
----------
An archive is refused with :class:`~ambassadors.errors.InputError` when an entry name is
absolute or contains ``..``, when the declared decompressed size of its entries exceeds
:data:`MAX_UNZIPPED_BYTES` (2 GiB), when one entry larger than 1 MiB compresses better than
:data:`MAX_COMPRESSION_RATIO` (a zip bomb), or when an entry turns out larger than declared
while it is read.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io._pairs import finalize_pairs
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.people import read_people
from ambassadors.io.tables import Roster

__all__ = [
    "MAX_UNZIPPED_BYTES",
    "MAX_COMPRESSION_RATIO",
    "Source",
    "open_source",
    "new_report",
    "finish",
    "norm_key",
    "read_csv_columns",
    "csv_header",
    "pick_column",
    "resolve_people_keys",
    "roster_frame",
    "empty_pairs",
    "slug",
    "starts_like_mbox",
]

MAX_UNZIPPED_BYTES = 2 * 1024**3
"""Largest total decompressed size accepted from one zip archive (bytes)."""
MAX_COMPRESSION_RATIO = 200
"""Largest accepted uncompressed/compressed ratio of a zip entry bigger than 1 MiB."""
_RATIO_MIN_SIZE = 1024**2

PAIR_COLUMNS = ["row", "source", "target", "timestamp", "weight", "channel", "event_id"]


def starts_like_mbox(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) opens an mbox: a ``From `` line, after any
    blank lines (real archives often begin with one)."""
    return head.lstrip(b"\r\n").startswith(b"From ")


def norm_key(name: object) -> str:
    """Header name for matching: lower case, letters and digits only (``Message ID`` -> ``messageid``)."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def slug(name: str) -> str:
    """Column-safe form of a group / channel name (``#Social-Media`` -> ``social_media``)."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower().lstrip("#")).strip("_")


# --------------------------------------------------------------------------- containers


class Source:
    """A file, a folder or a zip archive, read entry by entry.

    ``names`` are POSIX paths relative to the folder / archive (a plain file has one entry: its
    own name). ``open(name)`` returns a binary stream; nothing is extracted to disk.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = "file"
        self._zip: zipfile.ZipFile | None = None
        self._original: dict[str, str] = {}
        self._budget = MAX_UNZIPPED_BYTES
        if path.is_dir():
            self.kind = "folder"
            self.names = sorted(
                p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()
            )
        elif zipfile.is_zipfile(path):
            self.kind = "zip"
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"{path.name}: not a readable zip archive ({exc})") from None
            # entries written on Windows may use backslashes: names are POSIX, opened by original
            self._original = {n.replace("\\", "/"): n for n in _checked_zip_names(self._zip, path.name)}
            self.names = sorted(self._original)
        else:
            self.names = [path.name]

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one entry (zip entries are size-checked while read)."""
        if self.kind == "file":
            return open(self.path, "rb")
        if self.kind == "folder":
            return open(self.path / name, "rb")
        assert self._zip is not None
        info = self._zip.getinfo(self._original.get(name, name))
        raw = _BoundedReader(self._zip.open(info), info.file_size, self, f"{self.path.name}:{name}")
        return io.BufferedReader(raw, buffer_size=1 << 20)

    def read_bytes(self, name: str) -> bytes:
        with self.open(name) as fh:
            return fh.read()

    def label(self, name: str) -> str:
        """``archive.zip:entry`` / ``folder/entry`` / ``file`` for messages."""
        if self.kind == "file":
            return self.path.name
        sep = ":" if self.kind == "zip" else "/"
        return f"{self.path.name}{sep}{name}"


def _checked_zip_names(zf: zipfile.ZipFile, label: str) -> list[str]:
    names = []
    total = 0
    for info in zf.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise InputError(f"{label}: refusing zip entry {name!r} (absolute path or '..')")
        if info.is_dir():
            continue
        total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise InputError(
                f"{label}: archive expands to more than {MAX_UNZIPPED_BYTES} bytes; "
                "unpack it yourself and pass the folder"
            )
        if (
            info.file_size > _RATIO_MIN_SIZE
            and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise InputError(
                f"{label}: zip entry {name!r} compresses {info.file_size // max(info.compress_size, 1)}:1 "
                f"(limit {MAX_COMPRESSION_RATIO}:1); refusing a possible zip bomb"
            )
        names.append(name)
    return sorted(names)


class _BoundedReader(io.RawIOBase):
    """Reads a zip entry and stops with InputError if it yields more than it declared."""

    def __init__(self, raw: IO[bytes], declared: int, source: Source, label: str) -> None:
        self._raw = raw
        self._left = declared
        self._source = source
        self._label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            # a header that lies about the entry (size, CRC) is bad input, not an internal error
            raise InputError(f"{self._label}: damaged zip entry ({exc}); refusing it") from None
        n = len(data)
        self._left -= n
        self._source._budget -= n
        if self._left < 0 or self._source._budget < 0:
            raise InputError(f"{self._label}: entry is larger than its declared size; refusing it")
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_source(path: str | os.PathLike[str]) -> Source:
    """Open ``path`` (file, folder or zip) or raise InputError when it does not exist."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    return Source(p)


# --------------------------------------------------------------------------- CSV


def _sniff(raw: bytes) -> tuple[str, int, str]:
    """(encoding, rows to skip, separator) from the first bytes of a CSV export."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        text = raw.decode("utf-16", errors="replace")
    else:
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines() or [""]
    skip = 0
    # PowerShell 5 Export-Csv writes "#TYPE Deserialized...." before the header.
    while skip < len(lines) - 1 and lines[skip].startswith("#TYPE"):
        skip += 1
    header = lines[skip]
    sep = max([",", ";", "\t"], key=header.count)
    return encoding, skip, sep


def _head(path: Path | bytes) -> bytes:
    if isinstance(path, (bytes, bytearray)):
        return bytes(path[:65536])
    with open(path, "rb") as fh:
        return fh.read(65536)


def csv_header(path: Path | bytes) -> list[str]:
    """The column names of a CSV export (encoding, ``#TYPE`` line and separator sniffed)."""
    raw = _head(path)
    encoding, skip, sep = _sniff(raw)
    try:
        head = pd.read_csv(
            io.BytesIO(raw), sep=sep, skiprows=skip, nrows=0, encoding=encoding,
            encoding_errors="replace",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError):
        return []
    return [str(c) for c in head.columns]


def pick_column(header: Iterable[str], aliases: Iterable[str]) -> str | None:
    """The first header name matching one of ``aliases`` (compared by :func:`norm_key`)."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(norm_key(name), name)
    for alias in aliases:
        hit = by_key.get(norm_key(alias))
        if hit is not None:
            return hit
    return None


def resolve_roles(
    path: Path,
    header: list[str],
    roles: dict[str, tuple[str, ...]],
    *,
    required: Iterable[str],
    columns: dict[str, str] | None,
) -> dict[str, str]:
    """Map each role (``sender``, ``timestamp`` ...) to a header column, or raise InputError."""
    # ``columns`` follows read_interactions: {"their column": "our role"}; {"role": "column"}
    # is accepted too when unambiguous.
    overrides: dict[str, str] = {}
    for key, value in (columns or {}).items():
        if value in roles and key not in roles:
            overrides[value] = key
        elif key in roles:
            overrides[key] = value
        else:
            raise InputError(
                f"{path.name}: columns={{{key!r}: {value!r}}} not understood; "
                f"this format's roles are {', '.join(roles)}"
            )
    columns = overrides
    found: dict[str, str] = {}
    for role, aliases in roles.items():
        if role in columns:
            if columns[role] not in header:
                raise InputError(
                    f"{path.name}: column {columns[role]!r} (for {role}) not found; "
                    f"columns are: {', '.join(header)}"
                )
            found[role] = columns[role]
        else:
            hit = pick_column(header, aliases)
            if hit is not None:
                found[role] = hit
    missing = [r for r in required if r not in found]
    if missing:
        wanted = "; ".join(f"{r} (one of {', '.join(roles[r])})" for r in missing)
        raise InputError(
            f"{path.name}: no column for {wanted}; columns are: {', '.join(header)}"
        )
    return found


def read_csv_columns(path: Path | bytes, usecols: Iterable[str], *, label: str | None = None) -> pd.DataFrame:
    """Read only ``usecols`` of a CSV export (a path, or its bytes) as strings ('' -> missing).

    Content columns (subject, body ...) are never parsed into memory because they are not in
    ``usecols``.
    """
    wanted = set(usecols)
    raw = _head(path)
    encoding, skip, sep = _sniff(raw)
    label = label or (path.name if isinstance(path, Path) else "<csv>")
    try:
        frame = pd.read_csv(
            io.BytesIO(path) if isinstance(path, (bytes, bytearray)) else path, sep=sep, skiprows=skip, encoding=encoding, encoding_errors="replace",
            usecols=lambda c: c in wanted, dtype=object, keep_default_na=False, na_values=[""],
        )
    except (pd.errors.ParserError, UnicodeError, ValueError) as exc:
        raise InputError(f"{label}: cannot read as CSV ({exc})") from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in wanted})
    for col in frame.columns:
        frame[col] = clean_text(frame[col])
    frame.attrs["sep"] = sep
    return frame


# --------------------------------------------------------------------------- accounting


def clean_text(values: pd.Series, *, lower_emails: bool = False) -> pd.Series:
    """Strip cells (blank -> None), optionally lower-casing e-mail addresses, once per distinct value.

    Exports repeat the same addresses and dates millions of times; the string work is done on
    the distinct values only (``pd.factorize``) and mapped back.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str).str.strip()
    if lower_emails:
        u = u.where(~u.str.contains("@", regex=False), u.str.lower())
    u = u.where(u != "", None)
    out = np.append(u.to_numpy(dtype=object), None)[codes]
    return pd.Series(out, index=values.index, dtype=object)


def read_role_columns(
    path: Path, roles: dict[str, tuple[str, ...]], *, required: tuple[str, ...],
    columns: dict[str, str] | None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a CSV export's columns by role: ``(frame with role names as columns, role -> column)``.

    The header is sniffed, each role resolved to one of its known column names (``columns=``
    overrides), and only those columns are read, as strings.
    """
    found = resolve_roles(path, csv_header(path), roles, required=required, columns=columns)
    frame = read_csv_columns(path, found.values()).rename(columns={v: k for k, v in found.items()})
    return frame, found


def new_report(path: str | os.PathLike[str], kind: str = "interactions", fmt: str | None = None) -> LoadReport:
    report = LoadReport(source=Path(path).name, kind=kind)
    if fmt is not None:
        report.notes.append(f"format: {fmt}")
    return report


def empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series([], dtype="int64"),
            "source": pd.Series([], dtype=object),
            "target": pd.Series([], dtype=object),
            "timestamp": pd.Series([], dtype=object),
            "weight": pd.Series([], dtype="float64"),
            "channel": pd.Series([], dtype=object),
            "event_id": pd.Series([], dtype=object),
        }
    )


def finish(
    pairs: pd.DataFrame,
    report: LoadReport,
    *,
    people: pd.DataFrame | None,
    channel: str | None,
    default_channel: str,
) -> Loaded:
    """Hand raw pairs to ``finalize_pairs`` and return ``Loaded(table, report)``.

    ``report.rows_read`` and the row-level drops that produced no pair (``no_recipients``,
    ``bot`` ...) must already be set; pairs dropped before this call are in
    ``report.pairs_dropped`` and are added to ``pairs_read`` here.
    """
    pairs = pairs.copy()
    if "channel" not in pairs.columns or pairs["channel"].isna().all():
        pairs["channel"] = default_channel
    # pairs this reader dropped itself (e.g. bad Date headers) were never handed on: count them read
    pre_pairs = sum(report.pairs_dropped.values())
    report.pairs_read = (report.pairs_read or 0) + pre_pairs
    roster = roster_frame(people)
    table = finalize_pairs(pairs, people=roster, report=report, channel=channel)
    return Loaded(table, report)


def roster_frame(people: object) -> pd.DataFrame | None:
    """The roster as a DataFrame: a DataFrame, a ``Loaded`` or a path read with ``read_people``."""
    if people is None:
        return None
    if isinstance(people, (str, os.PathLike)):
        return read_people(people).table
    frame = as_frame(people)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"people must be a DataFrame, a Loaded or a path, not {type(people).__name__}")
    return frame


def resolve_people_keys(keys: pd.Series, people: pd.DataFrame | None) -> pd.Series:
    """Map raw person keys (ids or e-mail addresses) to roster ``person_id`` (None when unknown).

    Same rule as ``finalize_pairs``: an exact ``person_id``, else the roster ``email``
    case-insensitively. Without a roster the keys themselves are returned (stripped, e-mail
    addresses lower-cased; blanks -> None).
    """
    text = keys.astype(object).where(keys.notna(), "").astype(str).str.strip()
    if people is None:
        low = text.str.lower()
        out = low.where(text.str.contains("@", regex=False), text)
        return out.where(out != "", None).astype(object)
    roster = Roster(as_frame(people))
    pos = roster.resolve(text.reset_index(drop=True))
    ids = np.append(roster.ids.to_numpy(dtype=object), None)
    return pd.Series(ids[pos], index=keys.index, dtype=object)
