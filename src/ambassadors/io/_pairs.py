"""Raw (sender, recipient) pairs -> the canonical interactions table, with the accounting.

Every interactions reader -- the tabular edge lists and event logs of
:mod:`ambassadors.io.interactions` and each export format of :mod:`ambassadors.io.formats` --
ends in :func:`finalize_pairs` (or :func:`finalize_arrays` on arrays), so that resolving people
against the roster, dropping what cannot be used and counting it by reason live in one place.
This module sits below both (it imports only ``tables``, ``people`` and ``load_report``), so
neither needs an import hidden inside a function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ambassadors.errors import InputError, describe_ids
from ambassadors.io.convert import FUTURE_TOLERANCE, plausible_until
from ambassadors.io.load_report import LoadReport
from ambassadors.io.people import as_roster
from ambassadors.io.tables import Roster, as_str_series, parse_datetimes, to_number

__all__ = [
    "PAIR_REASONS",
    "FUTURE_TOLERANCE",
    "PairArrays",
    "finalize_pairs",
    "finalize_arrays",
    "require_matches",
    "distinct_codes",
    "no_roster_key",
    "nat_series",
    "channel_categorical",
]

#: Pair drop reasons, in priority order: a pair gets the first that applies, and a row left with
#: no usable pair is dropped for the first reason among its pairs (``unknown_sender`` first).
PAIR_REASONS = ["unknown_sender", "bad_timestamp", "future_timestamp", "unknown_recipient",
                "bad_value", "zero_weight", "self_pair"]

#: How many of the most frequent unknown senders / recipients a report lists.
TOP_UNKNOWN = 5


def distinct_codes(col: object) -> tuple[np.ndarray, pd.Series]:
    """(int64 codes with -1 for missing, distinct values as stripped strings) of a column."""
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        uniques = col.cat.categories
    else:
        codes, uniques = pd.factorize(pd.Series(col, copy=False), use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
    return codes, as_str_series(np.asarray(uniques, dtype=object))


def no_roster_key(values: pd.Series) -> pd.Series:
    """Without a roster, ids are kept as given (stripped); e-mail addresses are lower-cased."""
    lower = values.str.lower()
    return lower.where(values.str.contains("@", regex=False), values)


def nat_series(n: int) -> pd.Series:
    """``n`` missing timestamps as ``datetime64[ns, UTC]``."""
    return pd.Series(np.full(n, np.datetime64("NaT", "ns")), copy=False).dt.tz_localize("UTC")


def channel_categorical(values: object) -> pd.Categorical:
    """Channel names, lower-cased, blank -> ``"unknown"``."""
    c = as_str_series(values).str.lower()
    return pd.Categorical(c.where(c != "", "unknown"))


def _resolve(s_codes: np.ndarray, s_vals: pd.Series, t_codes: np.ndarray, t_vals: pd.Series,
             people: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Roster positions of senders and recipients (-1 unknown), and the categories."""
    if people is not None:
        roster = Roster(people)
        categories = roster.ids
        s_pos, t_pos = roster.resolve(s_vals), roster.resolve(t_vals)
    else:
        s_key, t_key = no_roster_key(s_vals), no_roster_key(t_vals)
        keys = pd.concat([s_key, t_key], ignore_index=True)
        keys = keys[keys != ""]
        categories = pd.Index(np.sort(np.asarray(keys.unique(), dtype=object)), name="person_id")
        s_pos = categories.get_indexer(s_key.to_numpy(dtype=object)).astype(np.int64)
        t_pos = categories.get_indexer(t_key.to_numpy(dtype=object)).astype(np.int64)
        s_pos[(s_key == "").to_numpy()] = -1
        t_pos[(t_key == "").to_numpy()] = -1
    # append -1 so that a missing code (-1) maps to "unknown"
    src = np.append(s_pos, -1)[s_codes]
    tgt = np.append(t_pos, -1)[t_codes]
    return src, tgt, categories


@dataclass
class PairArrays:
    """Pairs as arrays, the input of :func:`finalize_arrays`.

    ``rows`` gives each pair's row code (0..n_rows-1, for accounting and default weights);
    ``source`` / ``target`` are (codes, distinct raw values). Attribute arrays (``timestamp`` =
    (datetime64[ns] naive UTC values, bad mask), ``weight`` = (float values, bad mask),
    ``channel_values``, ``event_id``) are indexed by ``at`` (default: one entry per pair), so that
    readers can pass row-level arrays without expanding them.
    """

    rows: np.ndarray
    n_rows: int
    source: tuple[np.ndarray, pd.Series]
    target: tuple[np.ndarray, pd.Series]
    at: np.ndarray | None = None
    timestamp: tuple[np.ndarray, np.ndarray] | None = None
    weight: tuple[np.ndarray, np.ndarray] | None = None
    channel: str | None = None
    channel_values: pd.Categorical | None = None
    event_id: object = None

    def take(self, values: np.ndarray) -> np.ndarray:
        return values if self.at is None else values[self.at]


def _merge_repeats(p: PairArrays, src: np.ndarray, tgt: np.ndarray, n_cat: int,
                   report: LoadReport) -> tuple[np.ndarray, np.ndarray]:
    """One pair per distinct recipient of a row: To and Cc, or an e-mail address and an id, may
    name the same person. Repeats are merged before counting (they are not pairs)."""
    if len(p.rows) <= 1:
        return src, tgt
    t_raw = np.asarray(p.target[0], dtype=np.int64)
    t_key = np.where(tgt >= 0, tgt, n_cat + 1 + t_raw)
    keys = p.rows * (n_cat + int(t_raw.max(initial=0)) + 3) + t_key
    # rows come in blocks, so a stable (run-aware) sort is nearly linear here
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    repeated = sorted_keys[1:] == sorted_keys[:-1]
    if not repeated.any():
        return src, tgt
    first = np.empty(len(keys), dtype=bool)
    first[order] = np.r_[True, ~repeated]
    report.notes.append(f"{int((~first).sum())} repeated recipients of the same row counted once")
    p.rows = p.rows[first]
    p.source = (p.source[0][first], p.source[1])
    p.target = (p.target[0][first], p.target[1])
    p.at = np.flatnonzero(first) if p.at is None else p.at[first]
    return src[first], tgt[first]


def _reasons(p: PairArrays, src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """Drop reason code of each pair: 0 = kept, k = ``PAIR_REASONS[k - 1]``."""
    reason = np.zeros(len(p.rows), dtype=np.int8)

    def mark(mask: np.ndarray, name: str) -> None:
        reason[(reason == 0) & mask] = PAIR_REASONS.index(name) + 1

    mark(src < 0, "unknown_sender")
    if p.timestamp is not None:
        values, bad = p.timestamp
        if bad.any():
            mark(p.take(bad), "bad_timestamp")
        latest = plausible_until().tz_localize(None).to_datetime64()
        future = ~np.isnat(values) & (values > latest)
        if future.any():
            mark(p.take(future), "future_timestamp")
    mark(tgt < 0, "unknown_recipient")
    if p.weight is not None:
        w_vals, w_bad = p.weight
        bad_w = w_bad | np.isnan(w_vals) | (w_vals < 0)
        if bad_w.any():
            mark(p.take(bad_w), "bad_value")
        if (w_vals == 0).any():
            mark(p.take(w_vals == 0), "zero_weight")
    mark(src == tgt, "self_pair")
    return reason


def _account(p: PairArrays, reason: np.ndarray, report: LoadReport) -> None:
    """Add the pair and row outcomes to ``report``."""
    n_keep = int((reason == 0).sum())
    report.pairs_read = (report.pairs_read or 0) + len(reason)
    report.pairs_used = (report.pairs_used or 0) + n_keep
    counts = np.bincount(reason, minlength=len(PAIR_REASONS) + 1)
    for k, name in enumerate(PAIR_REASONS, start=1):
        report.drop(name, counts[k], unit="pairs")
    # Row outcome: the smallest reason code among its pairs (0 if any pair is kept).
    row_min = np.full(p.n_rows, 127, dtype=np.int8)
    np.minimum.at(row_min, p.rows, reason)
    report.rows_used += int((row_min == 0).sum())
    row_counts = np.bincount(row_min[(row_min > 0) & (row_min < 127)],
                             minlength=len(PAIR_REASONS) + 1)
    for k, name in enumerate(PAIR_REASONS, start=1):
        report.drop(name, row_counts[k])


def _count_unknown(p: PairArrays, reason: np.ndarray, report: LoadReport) -> None:
    """The most frequent unknown senders and recipients, counted per distinct raw value."""
    for role, side, name in (("sender", p.source, "unknown_sender"),
                             ("recipient", p.target, "unknown_recipient")):
        codes = side[0][reason == PAIR_REASONS.index(name) + 1]
        codes = codes[codes >= 0]
        if not len(codes):
            continue
        counts = np.bincount(codes, minlength=len(side[1]))
        top = np.argsort(-counts, kind="stable")[:TOP_UNKNOWN]
        found = report.unknown.setdefault(role, {})
        for code in top[counts[top] > 0]:
            key = str(side[1].iloc[code])
            found[key] = found.get(key, 0) + int(counts[code])


def require_matches(report: LoadReport, roster_ids: pd.Index) -> None:
    """Refuse a log none of whose pairs names two people of the roster.

    Such a log would give a graph without ties -- and a plan "reaching 0 colleagues" -- so it is
    an error naming how much was read and example ids from the log (the most frequent unknown
    senders / recipients) and from the roster.

    Examples
    --------
    >>> r = LoadReport("p2p.csv", "interactions", rows_read=2, pairs_read=2, pairs_used=0,
    ...                dropped={"unknown_sender": 2}, pairs_dropped={"unknown_sender": 2},
    ...                unknown={"sender": {"8c1e": 2}})
    >>> try:
    ...     require_matches(r, pd.Index(["a1", "b2"]))
    ... except InputError as err:
    ...     print(str(err).replace(": ", ":\\n").replace("; ", ";\\n"))
    p2p.csv:
    none of the 2 sender->recipient pairs read (2 rows) matches the roster:
    ids in the log such as '8c1e';
    in the roster such as 'a1', 'b2' (2 people). Do both files use the same ids (or e-mail addresses)?
    """
    read = report.pairs_read or 0
    unknown = sum(report.pairs_dropped.get(r, 0) for r in ("unknown_sender", "unknown_recipient"))
    if not read or unknown < read:
        return
    seen: dict[str, int] = {}
    for counts in report.unknown.values():
        for key, n in counts.items():
            seen[key] = seen.get(key, 0) + n
    examples = sorted(seen, key=lambda k: -seen[k])[:3]
    raise InputError(f"{report.source}: none of the {read} sender->recipient pairs read "
                     f"({report.rows_read} rows) matches the roster: ids in the log such as "
                     f"{describe_ids(examples, limit=3)}; in the roster such as "
                     f"{describe_ids(roster_ids[:3], limit=3)} ({len(roster_ids)} people). Do both "
                     "files use the same ids (or e-mail addresses)?")


def _table(p: PairArrays, src: np.ndarray, tgt: np.ndarray, keep: np.ndarray,
           categories: pd.Index) -> pd.DataFrame:
    """The canonical table of the kept pairs."""
    n_keep = int(keep.sum())
    kept_at = np.flatnonzero(keep) if p.at is None else p.at[keep]
    if p.weight is not None:
        w = p.weight[0][kept_at]
    else:
        per_row = np.bincount(p.rows, minlength=p.n_rows)
        w = 1.0 / per_row[p.rows[keep]]
    if p.timestamp is not None:
        ts = pd.Series(p.timestamp[0][kept_at], copy=False).dt.tz_localize("UTC")
    else:
        ts = nat_series(n_keep)
    if p.channel is not None or p.channel_values is None:
        chan = pd.Categorical.from_codes(np.zeros(n_keep, dtype=np.int8),
                                         categories=[str(p.channel or "unknown")])
    else:
        chan = p.channel_values[kept_at]
    dtype = pd.CategoricalDtype(categories, ordered=False)
    out = pd.DataFrame({
        "source": pd.Categorical.from_codes(src[keep], dtype=dtype),
        "target": pd.Categorical.from_codes(tgt[keep], dtype=dtype),
        "timestamp": ts,
        "weight": np.asarray(w, dtype=np.float64),
        "channel": chan,
    })
    if p.event_id is not None:
        out["event_id"] = _take_strings(p.event_id, kept_at)
    return out


def finalize_arrays(p: PairArrays, *, people: pd.DataFrame | None,
                    report: LoadReport) -> pd.DataFrame:
    """Core of :func:`finalize_pairs` on arrays (see :class:`PairArrays`)."""
    src, tgt, categories = _resolve(*p.source, *p.target, people)
    src, tgt = _merge_repeats(p, src, tgt, len(categories), report)
    reason = _reasons(p, src, tgt)
    _account(p, reason, report)
    _count_unknown(p, reason, report)
    return _table(p, src, tgt, reason == 0, categories)


def _take_strings(values: object, at: np.ndarray) -> pd.Series:
    """values[at] as a str Series (pyarrow arrays are taken without going through Python)."""
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        taken = values.take(pa.array(at, type=pa.int64()))
        return pd.Series(taken.to_pandas(), copy=False).astype(str)
    codes, uniques = distinct_codes(values)
    uniques = np.append(uniques.to_numpy(dtype=object), "")
    return pd.Series(uniques[codes[at]], dtype=str)


def finalize_pairs(pairs: pd.DataFrame, *, people: pd.DataFrame | object | None,
                   report: LoadReport, channel: str | None = None) -> pd.DataFrame:
    """Resolve, check and count raw (source, target) pairs into the canonical interactions table.

    Every interactions reader (edge lists, event logs, and each export format) ends here, so that
    id resolution and accounting live in one place.

    Parameters
    ----------
    pairs : DataFrame
        One row per raw pair. ``row`` (int: the input row / event it came from), ``source``,
        ``target`` (raw person ids or e-mail addresses; strings or a Categorical of strings),
        optional ``timestamp`` (strings, Categorical of strings, or datetimes), ``weight``
        (numbers; if absent ``1 / number of pairs of its row``), ``channel``, ``event_id``.
        Content columns are ignored.
    people : DataFrame or Loaded, optional
        The roster (index ``person_id``, optional ``email``). Without it ids are kept as given
        (e-mail addresses lower-cased) and only blank ids are unknown.
    report : LoadReport
        Updated in place: ``pairs_read``, ``pairs_used`` and ``pairs_dropped`` are *added to*
        (so a caller may count pairs it dropped itself before), ``rows_used`` is added to, and each
        row left with no usable pair is counted once in ``dropped``; ``unknown`` gets the most
        frequent unknown senders and recipients. The caller sets ``rows_read`` and counts rows
        that produced no pair at all (e.g. ``no_recipients``) itself.
    channel : str, optional
        Channel of every pair; default the ``channel`` column, else ``"unknown"``.

    Returns
    -------
    DataFrame
        ``source, target`` (Categorical; categories = roster ids in roster order, or the sorted ids
        seen when no roster is given), ``timestamp`` (datetime64[ns, UTC], NaT if unknown),
        ``weight`` (float64), ``channel`` (Categorical) and ``event_id`` (str) when given.
        Input order is kept.

    Notes
    -----
    A recipient named twice in one row (in To and Cc, or by e-mail and by id) gives one pair:
    repeats are merged before counting (noted in the report).
    Pairs are dropped for the first reason that applies, in this order: ``unknown_sender``,
    ``bad_timestamp`` (non-blank but unparseable; a blank timestamp is NaT, not a drop),
    ``future_timestamp`` (later than the moment of reading plus one day:
    :data:`~ambassadors.io.convert.FUTURE_TOLERANCE`),
    ``unknown_recipient``, ``bad_value`` (weight not a finite number >= 0), ``zero_weight``
    (weight 0: not a tie), ``self_pair`` (after resolution, so an e-mail and the id of the same
    person are a self-pair).

    Cost: O(p) vectorised for p pairs; ids, e-mails and timestamps are resolved once per distinct
    value (Categorical inputs are resolved on their categories only).

    Examples
    --------
    >>> people = pd.DataFrame({"department": ["A", "B"], "email": ["Ann@x.org", "bo@x.org"]},
    ...                       index=pd.Index(["001", "002"], name="person_id"))
    >>> pairs = pd.DataFrame({"row": [0, 0, 1], "source": ["ann@X.org", "001", "zed"],
    ...                       "target": ["002", "ann@x.org", "001"]})
    >>> report = LoadReport(source="<example>", kind="interactions", rows_read=2)
    >>> table = finalize_pairs(pairs, people=people, report=report, channel="email")
    >>> table[["source", "target", "weight"]].to_dict("records")
    [{'source': '001', 'target': '002', 'weight': 0.5}]
    >>> report.pairs_dropped, report.dropped, report.balanced
    ({'unknown_sender': 1, 'self_pair': 1}, {'unknown_sender': 1}, True)
    >>> report.unknown
    {'sender': {'zed': 1}}
    """
    if people is not None:
        people = as_roster(people)
    n = len(pairs)
    if "row" in pairs.columns:
        rows, row_uniques = pd.factorize(pairs["row"], use_na_sentinel=False)
        rows, n_rows = np.asarray(rows, dtype=np.int64), len(row_uniques)
    else:
        rows, n_rows = np.arange(n, dtype=np.int64), n
    p = PairArrays(rows=rows, n_rows=n_rows, source=distinct_codes(pairs["source"]),
                   target=distinct_codes(pairs["target"]), channel=channel)
    if "timestamp" in pairs.columns:
        ts, bad = parse_datetimes(pairs["timestamp"], notes=report.notes)
        p.timestamp = (ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), bad)
    if "weight" in pairs.columns:
        w, bad = to_number(pairs["weight"], decimal_comma=True)
        p.weight = (w.to_numpy(dtype=np.float64, na_value=np.nan), bad)
    if channel is None and "channel" in pairs.columns:
        p.channel_values = channel_categorical(pairs["channel"])
    if "event_id" in pairs.columns:
        p.event_id = pairs["event_id"].reset_index(drop=True)
    return finalize_arrays(p, people=people, report=report)
