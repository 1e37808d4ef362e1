"""Explicit conversions of string columns: text, datetimes, numbers and yes/no answers.

The readers keep every value as a string (:func:`ambassadors.io.tables.read_table`) and convert,
explicitly, only the columns that are numeric or temporal by contract. Each function works on the
distinct values of a column, so millions of rows with few distinct values cost little.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ambassadors._text import FALSE_WORDS, TRUE_WORDS

__all__ = ["as_str_series", "parse_datetimes", "to_number", "to_bool", "HAS_OFFSET",
           "FUTURE_TOLERANCE", "plausible_until"]

#: A timestamp later than the moment of reading plus this is not plausible (a clock set wrong, a
#: placeholder year such as 2099): readers drop it as ``future_timestamp``, and windows and
#: half-lives are measured back from the latest plausible timestamp.
FUTURE_TOLERANCE = pd.Timedelta(days=1)


def plausible_until() -> pd.Timestamp:
    """The latest plausible timestamp (UTC): now plus :data:`FUTURE_TOLERANCE`."""
    return pd.Timestamp.now(tz="UTC") + FUTURE_TOLERANCE


def as_str_series(values: object) -> pd.Series:
    """Stripped strings (missing -> ``""``) as an object-free pandas string Series."""
    s = pd.Series(values, copy=False)
    if s.dtype == object or not pd.api.types.is_string_dtype(s.dtype):
        s = s.astype(object).where(s.notna(), "").astype(str)
    return s.fillna("").str.strip()


_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")
_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")


#: A time followed by a UTC offset or zone (``09:00+02:00``, ``09:00Z``, ``09:00 GMT``).
HAS_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$",
                         re.IGNORECASE)


def _utc_naive_ns(ts: pd.Series) -> np.ndarray:
    """tz-aware UTC Series -> naive datetime64[ns] values; out-of-range values become NaT."""
    ts = pd.Series(ts, copy=False)
    ok = (ts.notna() & (ts >= _NS_MIN) & (ts <= _NS_MAX)).to_numpy()
    out = np.full(len(ts), np.datetime64("NaT", "ns"))
    if ok.any():
        out[ok] = ts[ok].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(
            dtype="datetime64[ns]")
    return out


def _parse_datetime_strings(s: pd.Series, notes: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Parse unique strings -> (datetime64[ns] naive UTC values, bad mask)."""
    s = as_str_series(s).reset_index(drop=True)
    blank = (s == "").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Naive and offset times are parsed apart: pandas 2.2 may apply one string's offset to
        # the naive strings parsed with it.
        aware = s.str.contains(HAS_OFFSET, regex=True).to_numpy(dtype=bool)
        out = np.full(len(s), np.datetime64("NaT", "ns"))
        for group in (aware & ~blank, ~aware & ~blank):
            if group.any():
                out[group] = _utc_naive_ns(pd.to_datetime(s[group], utc=True, errors="coerce",
                                                          format="ISO8601"))
        fail = np.isnat(out) & ~blank
        if fail.any():
            # Numbers: Excel serial dates (days since 1899-12-30) or Unix epoch seconds / millis.
            idx = np.flatnonzero(fail)
            num = pd.to_numeric(s.iloc[idx].str.replace(",", ".", regex=False), errors="coerce")
            num = num.to_numpy(dtype=float, na_value=np.nan)
            serial = (num > 0) & (num < 100_000)
            epoch_s = (num >= 1e8) & (num < 9e9)
            epoch_ms = (num >= 1e11) & (num < 9e12)
            nanos = np.zeros(len(num), dtype=np.int64)
            nanos[serial] = np.round(num[serial] * 86_400e9).astype(np.int64)
            nanos[epoch_s] = np.round(num[epoch_s] * 1e9).astype(np.int64)
            nanos[epoch_ms] = np.round(num[epoch_ms] * 1e6).astype(np.int64)
            base = np.where(serial, _EXCEL_EPOCH, np.datetime64(0, "ns"))
            hit = serial | epoch_s | epoch_ms
            out[idx[hit]] = (base + nanos.astype("timedelta64[ns]"))[hit]
            fail = np.isnat(out) & ~blank
        if fail.any():
            # Numeric day/month dates ("03.11.2025", "3/11/2025 10:00") in the column's order.
            _parse_numeric_dates(s, np.flatnonzero(fail), out, notes)
            fail = np.isnat(out) & ~blank
        if fail.any():
            # Anything else dateutil understands ("1 Mar 2024", RFC 2822).
            idx = np.flatnonzero(fail)
            try:
                more = pd.to_datetime(s.iloc[idx], utc=True, errors="coerce", format="mixed")
                out[idx] = _utc_naive_ns(more)
            except (ValueError, TypeError, OverflowError):
                pass
    return out, np.isnat(out) & ~blank


#: ``d.m.yyyy``, ``m/d/yy``, ``d-m-yyyy`` ... with an optional time after a space or a ``T``
#: (RE2 syntax for pyarrow: named groups, no back-references).
_NUMERIC_DATE = r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<year>\d{4}|\d{2})(?P<time>[ T].*)?$"
#: Time layouts tried with an explicit format (vectorised) before dateutil.
_TIME_LAYOUTS = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M", "T%H:%M:%S")


def _parse_numeric_dates(s: pd.Series, idx: np.ndarray, out: np.ndarray,
                         notes: list[str] | None = None) -> None:
    """Fill ``out[idx]`` for the values of ``s`` that are numeric day/month dates, read in the
    order the column shows (:func:`_day_first`); others stay NaT. When the column cannot show
    it and some dates would read differently the other way round, says so in ``notes``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(pa.array(s.iloc[idx].to_numpy(dtype=object), type=pa.string()), _NUMERIC_DATE)
    matched = np.asarray(parts.is_valid(), dtype=bool)
    if not matched.any():
        return
    rows = idx[matched]
    parts = parts.filter(pa.array(matched))
    field = {name: parts.field(name) for name in ("a", "sep", "b", "year", "time")}
    first = pc.cast(field["a"], pa.int32()).to_numpy()
    second = pc.cast(field["b"], pa.int32()).to_numpy()
    separators = np.asarray(field["sep"].to_numpy(zero_copy_only=False), dtype=object)
    dayfirst, settled = _day_first(first, second, separators)
    either = np.flatnonzero((first != second) & (first <= 12) & (second <= 12))
    if notes is not None and either.size and not settled:
        example = s.iloc[rows[either[0]]]
        notes.append(f"{either.size} date{'s' if either.size != 1 else ''} such as {example!r} read "
                     f"{'day' if dayfirst else 'month'}-first: "
                     f"no day above 12 in the column settles the order (ISO dates, 2025-11-03, are "
                     f"never ambiguous)")
    sep = pd.Series(separators).mode().iloc[0]
    year = "%Y" if len(field["year"][0].as_py()) == 4 else "%y"
    date = sep.join(["%d", "%m"] if dayfirst else ["%m", "%d"]) + sep + year
    # the layout of the first value first, then the other usual ones (explicit formats are
    # vectorised, ~50x faster than dateutil), then dateutil in the same day order
    guess = _time_layout(field["time"][0].as_py() or "")
    for layout in (guess, *[lay for lay in _TIME_LAYOUTS if lay != guess], None):
        todo = rows[np.isnat(out[rows])]
        if todo.size == 0:
            break
        fmt = "mixed" if layout is None else date + layout
        try:
            out[todo] = _utc_naive_ns(pd.to_datetime(s.iloc[todo], utc=True, errors="coerce",
                                                     format=fmt, dayfirst=dayfirst))
        except (ValueError, TypeError, OverflowError):
            pass


def _time_layout(shown: str) -> str:
    """strptime layout of a time part such as ``" 09:15"`` or ``"T09:15:00.5"``."""
    if not shown:
        return ""
    body = shown[1:].strip()
    layout = shown[0] + ("%H:%M" if body.count(":") == 1 else "%H:%M:%S")
    return layout + ".%f" if body.count(":") >= 2 and "." in body else layout


def _day_first(first: np.ndarray, second: np.ndarray, separator: np.ndarray) -> tuple[bool, bool]:
    """Whether a column's numeric dates put the day first, decided once for the whole column,
    and whether the column itself settles it (else the convention below is assumed).

    A first number above 12 can only be a day and a second number above 12 only a day too, so
    the column tells its own order whenever it holds one such date (any log of more than twelve
    days does). When it does not, dotted and dashed dates are day-first (``03.11.2025``,
    ``03-11-2025``: the German, Dutch, Nordic and Eastern European conventions) and slashed ones
    month-first (``03/11/2025``: the American convention, and dateutil's default).
    """
    day_in_first = bool((first > 12).any())
    day_in_second = bool((second > 12).any())
    if day_in_first != day_in_second:
        return day_in_first, True
    return bool((separator != "/").mean() >= 0.5), False


def parse_datetimes(values: object, *, notes: list[str] | None = None) -> tuple[pd.Series, np.ndarray]:
    """Parse timestamps to ``datetime64[ns, UTC]``, telling blanks from unparseable values.

    Naive times are taken as UTC; times with an offset (``+02:00``, ``Z``) are converted to UTC.
    Besides ISO 8601, numbers are read as Excel serial dates (``< 100000``, days since
    1899-12-30) or Unix epoch seconds/milliseconds, numeric day/month dates in the order the
    column shows (see ``_day_first``: ``03.11.2025`` is 3 November), and other text is tried
    with dateutil.
    Already-parsed datetimes are converted to UTC.

    Parameters
    ----------
    values : array-like or Series
        Strings, a Categorical of strings, or datetimes.
    notes : list of str, optional
        Receives a note when numeric day/month dates had to be read in an assumed order (no
        day above 12 in the column to settle it).

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
        u_vals, u_bad = _parse_datetime_strings(pd.Series(np.asarray(uniques, dtype=object)), notes)
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
    if isinstance(s.dtype, pd.CategoricalDtype):
        # parse each distinct value once
        codes = s.cat.codes.to_numpy().astype(np.int64)
        u_num, u_bad = to_number(pd.Series(np.asarray(s.cat.categories, dtype=object)),
                                 decimal_comma=decimal_comma)
        u_num = np.append(u_num.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)
        return pd.Series(u_num[codes]), np.append(u_bad, False)[codes]
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = s.astype("float64")
        return out, np.zeros(len(s), dtype=bool)
    s = as_str_series(s)
    blank = (s == "").to_numpy()
    if decimal_comma:
        s = s.str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True)
    out = pd.to_numeric(s.where(~pd.Series(blank)), errors="coerce").astype("float64")
    out[~np.isfinite(out.to_numpy(na_value=np.nan))] = np.nan
    bad = out.isna().to_numpy() & ~blank
    return out, bad


def to_bool(values: object) -> tuple[pd.Series, np.ndarray]:
    """Convert yes/no answers to booleans.

    The shared vocabulary of :mod:`ambassadors._text` is used: :data:`~ambassadors._text.TRUE_WORDS`
    (``true/t/yes/y/1/x/ja/waar/oui/si/✓`` ...) are True, :data:`~ambassadors._text.FALSE_WORDS`
    (``false/f/no/n/0/nee/onwaar/nein/non`` ...) False (any case); blanks are missing.

    Returns
    -------
    flags : Series
        ``bool`` when nothing is missing, else the nullable ``boolean`` dtype.
    bad : ndarray of bool
        True where a non-blank value is none of the above.

    Examples
    --------
    >>> flags, bad = to_bool(["Yes", "nee", "1", "maybe"])
    >>> flags.tolist(), bad.tolist()
    ([True, False, True, <NA>], [False, False, False, True])
    """
    s = pd.Series(values, copy=False).reset_index(drop=True)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean" if s.isna().any() else bool), np.zeros(len(s), dtype=bool)
    s = as_str_series(s).str.lower()
    is_true = s.isin(TRUE_WORDS).to_numpy()
    is_false = s.isin(FALSE_WORDS).to_numpy()
    blank = (s == "").to_numpy()
    out = pd.array(np.where(is_true, True, False), dtype="boolean")
    out[~(is_true | is_false)] = pd.NA
    flags = pd.Series(out)
    if not flags.isna().any():
        flags = flags.astype(bool)
    return flags, ~(is_true | is_false | blank)
