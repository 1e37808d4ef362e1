"""Tabular files -> DataFrames of strings, column aliases, and explicit conversions.

:func:`read_table` reads any tabular input (CSV/TSV with a sniffed dialect, Excel, Parquet, JSON, or
a DataFrame) into a DataFrame whose columns are *strings* -- ids keep their leading zeros and
department labels stay labels. The readers (:mod:`~ambassadors.io.people`,
:mod:`~ambassadors.io.interactions`, :mod:`~ambassadors.io.signals`) then rename columns through
the alias tables here and convert, explicitly, only the columns that are numeric or temporal by
contract (:func:`parse_datetimes`, :func:`to_number`, :func:`to_bool`).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ambassadors.errors import InputError

__all__ = [
    "normalize_name",
    "parse_datetimes",
    "to_number",
    "Roster",
]

_NAME_JUNK = re.compile(r"[\s_\-.]+")


def normalize_name(name: object) -> str:
    """Column name key used for alias matching: lower case, no spaces, ``_``, ``-`` or ``.``.

    Examples
    --------
    >>> normalize_name(" Employee_ID ")
    'employeeid'
    >>> normalize_name("E-mail")
    'email'
    """
    return _NAME_JUNK.sub("", str(name).strip().lower())


# --------------------------------------------------------------------------------------------
# explicit conversions
# --------------------------------------------------------------------------------------------

_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")
_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")


def _as_str_series(values: object) -> pd.Series:
    """Stripped strings (missing -> ``""``) as an object-free pandas string Series."""
    s = pd.Series(values, copy=False)
    if s.dtype == object or not pd.api.types.is_string_dtype(s.dtype):
        s = s.astype(object).where(s.notna(), "").astype(str)
    return s.fillna("").str.strip()


def _parse_datetime_strings(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse unique strings -> (datetime64[ns] naive UTC values, bad mask)."""
    s = _as_str_series(s).reset_index(drop=True)
    blank = (s == "").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(s.where(~blank), utc=True, errors="coerce", format="ISO8601")
        fail = parsed.isna().to_numpy() & ~blank
        if fail.any():
            # Numbers: Excel serial dates (days since 1899-12-30) or Unix epoch seconds / millis.
            num = pd.to_numeric(s[fail].str.replace(",", ".", regex=False), errors="coerce")
            num = num.to_numpy(dtype=float, na_value=np.nan)
            idx = np.flatnonzero(fail)
            serial = (num > 0) & (num < 100_000)
            epoch_s = (num >= 1e8) & (num < 1e11)
            epoch_ms = (num >= 1e11) & (num < 1e14)
            if serial.any():
                ns = np.round(num[serial] * 86_400e9).astype(np.int64)
                vals = _EXCEL_EPOCH + ns.astype("timedelta64[ns]")
                parsed.iloc[idx[serial]] = pd.to_datetime(vals).tz_localize("UTC")
            if epoch_s.any():
                parsed.iloc[idx[epoch_s]] = pd.to_datetime(num[epoch_s], unit="s", utc=True)
            if epoch_ms.any():
                parsed.iloc[idx[epoch_ms]] = pd.to_datetime(num[epoch_ms], unit="ms", utc=True)
            fail = parsed.isna().to_numpy() & ~blank
        if fail.any():
            # Anything else dateutil understands ("03/01/2024 10:00", "1 Mar 2024", RFC 2822).
            idx = np.flatnonzero(fail)
            more = pd.to_datetime(s.iloc[idx], utc=True, errors="coerce", format="mixed")
            parsed.iloc[idx] = more.to_numpy()
    parsed = pd.Series(parsed)
    out_of_range = parsed.notna() & ((parsed < _NS_MIN) | (parsed > _NS_MAX))
    parsed = parsed.mask(out_of_range)
    values = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    bad = np.isnat(values) & ~blank
    return values, bad


def parse_datetimes(values: object) -> tuple[pd.Series, np.ndarray]:
    """Parse timestamps to ``datetime64[ns, UTC]``, telling blanks from unparseable values.

    Naive times are taken as UTC; times with an offset (``+02:00``, ``Z``) are converted to UTC.
    Besides ISO 8601, numbers are read as Excel serial dates (``< 100000``, days since
    1899-12-30) or Unix epoch seconds/milliseconds, and other text is tried with dateutil.
    Already-parsed datetimes are converted to UTC.

    Parameters
    ----------
    values : array-like or Series
        Strings, a Categorical of strings, or datetimes.

    Returns
    -------
    timestamps : Series of datetime64[ns, UTC]
        ``NaT`` where the value is blank or unparseable.
    bad : ndarray of bool
        True where a non-blank value could not be parsed (callers drop it as ``bad_timestamp``).

    Examples
    --------
    >>> ts, bad = parse_datetimes(["2024-03-31T02:30:00+02:00", "", "not a date", "45292"])
    >>> [str(t) for t in ts]
    ['2024-03-31 00:30:00+00:00', 'NaT', 'NaT', '2024-01-01 00:00:00+00:00']
    >>> bad.tolist()
    [False, False, True, False]

    Notes
    -----
    Each distinct string is parsed once (values are factorised first), so a log with millions of
    rows but fewer distinct timestamps costs proportionally less.
    """
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    n = len(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
        return out, np.zeros(n, dtype=bool)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        out = s.astype("datetime64[ns]").dt.tz_localize("UTC").reset_index(drop=True)
        return out, np.zeros(n, dtype=bool)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        uniques = s.cat.categories
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) and pd.api.types.is_datetime64_any_dtype(getattr(uniques, "dtype", None)):
        u_ts, u_bad = parse_datetimes(pd.Series(uniques))
        u_vals = u_ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    else:
        u_vals, u_bad = _parse_datetime_strings(pd.Series(np.asarray(uniques, dtype=object)))
    u_vals = np.append(u_vals, np.datetime64("NaT", "ns"))  # code -1 -> NaT, not bad
    u_bad = np.append(u_bad, False)
    codes = np.asarray(codes, dtype=np.int64)
    vals = u_vals[codes]
    out = pd.Series(vals, copy=False).dt.tz_localize("UTC")
    return out, u_bad[codes]


_DECIMAL_COMMA = re.compile(r"^([+-]?\d*),(\d+)$")


def to_number(values: object, *, decimal_comma: bool = True) -> tuple[pd.Series, np.ndarray]:
    """Convert strings to float64, with decimal commas when allowed.

    Parameters
    ----------
    values : array-like or Series
        Strings (or numbers, returned as floats).
    decimal_comma : bool, default True
        Read ``9,333`` as 9.333. Readers pass False for comma-delimited files, where a comma
        inside a field is a thousands separator or text.

    Returns
    -------
    numbers : Series of float64
        NaN where blank or not a number.
    bad : ndarray of bool
        True where a non-blank value is not a number.

    Examples
    --------
    >>> nums, bad = to_number(["9,333", "12.5", "", "n/a"])
    >>> nums.tolist()[:2], bad.tolist()
    ([9.333, 12.5], [False, False, False, True])
    """
    s = pd.Series(values, copy=False).reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = s.astype("float64")
        return out, np.zeros(len(s), dtype=bool)
    s = _as_str_series(s)
    blank = (s == "").to_numpy()
    if decimal_comma:
        s = s.str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True)
    out = pd.to_numeric(s.where(~pd.Series(blank)), errors="coerce").astype("float64")
    out[~np.isfinite(out.to_numpy(na_value=np.nan))] = np.nan
    bad = out.isna().to_numpy() & ~blank
    return out, bad


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
        if ids.has_duplicates:
            dup = ids[ids.duplicated()].unique()
            from ambassadors.errors import describe_ids

            raise InputError(f"people: duplicate person_id {describe_ids(dup)}")
        self.ids = ids
        self.emails: pd.Index | None = None
        self.email_pos: np.ndarray | None = None
        if "email" in people.columns:
            em = _as_str_series(people["email"]).str.lower()
            ok = (em != "").to_numpy() & ~em.duplicated().to_numpy()
            self.emails = pd.Index(em[ok].to_numpy())
            self.email_pos = np.flatnonzero(ok)

    def __len__(self) -> int:
        return len(self.ids)

    def resolve(self, values: object) -> np.ndarray:
        """Positions (int64) of ``values`` in the roster; ``-1`` for unknown or blank."""
        s = _as_str_series(values)
        pos = self.ids.get_indexer(s.to_numpy(dtype=object)).astype(np.int64)
        pos[(s == "").to_numpy()] = -1
        miss = pos < 0
        if self.emails is not None and miss.any():
            idx = np.flatnonzero(miss)
            hit = self.emails.get_indexer(s.iloc[idx].str.lower().to_numpy(dtype=object))
            found = hit >= 0
            pos[idx[found]] = self.email_pos[hit[found]]
        return pos
