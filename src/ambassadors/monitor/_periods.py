"""One pass over the interaction log: pairs grouped by period, one CSR graph per period.

:func:`period_ties` maps every interaction to integer codes (sender, recipient, period), applies
the options of :func:`ambassadors.build_graph` (channels, channel weights, half-life measured
from the end of each period, reciprocal ties, undirected, minimum weight) and sums the weights
per ``(period, sender, recipient)`` with one sort -- no loop that re-reads the log. The result,
:class:`PeriodTies`, holds those ties as flat arrays (the statistics are computed on them in
one vectorised pass) and hands out a :class:`~ambassadors.CollaborationGraph` per period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors._validation import check_choice, check_duration
from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph

__all__ = ["PERIODS", "PeriodTies", "period_starts", "period_ties", "tie_rules", "utc_ns"]

#: Period names and their pandas frequency (periods start on the 1st, on Mondays, on quarters).
PERIODS = {"month": "MS", "week": "W-MON", "quarter": "QS"}


def period_starts(first: pd.Timestamp, last: pd.Timestamp, period: str) -> pd.DatetimeIndex:
    """Starts (UTC) of the periods from the one holding ``first`` to the one holding ``last``."""
    check_choice(period, "period", PERIODS)
    freq = PERIODS[period]
    lo = first.tz_convert("UTC").tz_localize(None).normalize()
    if period == "week":
        lo = lo - pd.Timedelta(days=lo.weekday())
    else:
        lo = pd.Period(lo, freq="M" if period == "month" else "Q").start_time
    starts = pd.date_range(lo, last.tz_convert("UTC").tz_localize(None), freq=freq)
    if len(starts) == 0 or starts[0] != lo:
        starts = starts.insert(0, lo)
    return starts.tz_localize("UTC").as_unit("ns")


@dataclass(eq=False)
class PeriodTies:
    """Ties per period, as flat arrays sorted by ``(period, source, target)``.

    Attributes
    ----------
    people : DataFrame
        The roster (row ``i`` is person code ``i``).
    starts : DatetimeIndex
        Period starts (UTC); ``ends`` the next start (the last period ends after the data).
    period, source, target : ndarray of int
        One entry per tie (period code, person codes).
    weight, count : ndarray
        Tie weight and number of interactions behind it.
    sent : ndarray of int, shape (periods, people)
        Interactions each person sent in each period (after the channel filter).
    last_sent : ndarray of datetime64[ns]
        Time of each person's last sent interaction (NaT if none).
    directed : bool
    params : dict
        The graph options, for reports.
    dropped : dict
        Interactions left out, by reason.
    """

    people: pd.DataFrame
    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    period: np.ndarray
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    sent: np.ndarray
    last_sent: np.ndarray
    directed: bool
    params: dict[str, Any] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def n_periods(self) -> int:
        return len(self.starts)

    def graph(self, p: int) -> CollaborationGraph:
        """The collaboration graph of period ``p`` (same options as :func:`build_graph`)."""
        lo, hi = np.searchsorted(self.period, [p, p + 1])
        n = len(self.people)
        s, t = self.source[lo:hi], self.target[lo:hi]
        W = sp.csr_array((self.weight[lo:hi], (s, t)), shape=(n, n))
        C = sp.csr_array((self.count[lo:hi], (s, t)), shape=(n, n))
        return CollaborationGraph(people=self.people, weights=W, counts=C, directed=self.directed,
                                  params=dict(self.params, period=str(self.starts[p].date())),
                                  dropped={})


def period_ties(people: pd.DataFrame, interactions: pd.DataFrame, *, period: str = "month",
                starts: pd.DatetimeIndex | None = None, until: pd.Timestamp | None = None,
                directed: bool = True, min_weight: float = 0.0,
                reciprocal_only: bool = False, half_life: Any = None,
                channels: Iterable[str] | None = None,
                channel_weights: Mapping[str, float] | None = None) -> PeriodTies:
    """Group the interactions by period and build the ties of each period in one pass.

    Parameters
    ----------
    people : DataFrame
        Roster indexed by ``person_id`` with ``department``.
    interactions : DataFrame
        Canonical interactions (``source, target, timestamp, weight``, optional ``channel``).
    period : {"month", "week", "quarter"}
    starts : DatetimeIndex, optional
        Period starts to use (default: from the first to the last timestamp).
    until : Timestamp, optional
        End of the last period (default: one period after its start).
    directed, min_weight, reciprocal_only, half_life, channels, channel_weights
        As in :func:`ambassadors.build_graph`, applied within each period; ``half_life`` decays
        from the end of each period.

    Returns
    -------
    PeriodTies

    Notes
    -----
    One sparse sum of the interactions (a counting sort by period and sender): ``O(m)`` time and
    memory, plus the sort of each row's recipients.
    """
    n = len(people)
    ids = pd.Index(people.index.astype(str))
    dropped: dict[str, int] = {}
    src = _codes(interactions["source"], ids)
    dst = _codes(interactions["target"], ids)
    tns = utc_ns(interactions)
    weight = (pd.to_numeric(interactions["weight"], errors="coerce").fillna(1.0).to_numpy(np.float64)
              if "weight" in interactions.columns else np.ones(len(interactions)))
    keep = np.ones(len(interactions), dtype=bool)
    _drop(dropped, "unknown_person", keep, (src < 0) | (dst < 0))
    _drop(dropped, "self_pair", keep, src == dst)
    _drop(dropped, "no_timestamp", keep, tns == _NAT)
    if starts is None:   # the periods span the data, whichever channels are kept
        valid = tns[keep]
        if len(valid) == 0:
            raise InputError("interactions: no timestamped interaction between roster people")
        starts = period_starts(pd.Timestamp(valid.min(), tz="UTC"), pd.Timestamp(valid.max(), tz="UTC"),
                               period)
    channel = _text_codes(interactions["channel"]) if "channel" in interactions.columns else None
    if channels is not None:
        wanted = set(map(str, channels))
        ok = np.zeros(len(keep), bool) if channel is None else np.isin(channel[0], [
            k for k, c in enumerate(channel[1]) if c in wanted])
        _drop(dropped, "channel_not_selected", keep, ~ok)
    if channel_weights:
        if channel is None:
            raise InputError("channel_weights given but the interactions have no 'channel' column")
        spec = {str(k): float(v) for k, v in channel_weights.items()}
        weight = weight * np.array([spec.get(c, 1.0) for c in channel[1]] + [1.0])[channel[0]]
    last_end = starts[-1] + _offset(period) if until is None else pd.Timestamp(until)
    starts = pd.DatetimeIndex(starts).as_unit("ns")
    ends = starts[1:].append(pd.DatetimeIndex([last_end]).as_unit("ns"))
    edges = np.r_[starts.asi8, ends.asi8[-1]]
    p = np.searchsorted(edges, tns, side="right") - 1
    _drop(dropped, "outside_periods", keep, (p < 0) | (p >= len(starts)))
    if half_life is not None:
        weight = weight * _decay(half_life, tns, edges[np.clip(p + 1, 0, len(starts))])
    s, t, w, pk, tk = src[keep], dst[keep], weight[keep], p[keep], tns[keep]
    sent = np.bincount(pk * n + s, minlength=len(starts) * n).reshape(len(starts), n)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, s, tk)
    last_sent = np.where(last == np.iinfo(np.int64).min, np.datetime64("NaT"), last.astype("datetime64[ns]"))
    tp, ts_, tt, tw, tc = tie_rules(pk, s, t, w, n, directed=directed, min_weight=min_weight,
                                    reciprocal_only=reciprocal_only)
    params = {"period": period, "directed": directed, "min_weight": min_weight,
              "reciprocal_only": reciprocal_only, "half_life": half_life,
              "channels": None if channels is None else sorted(map(str, channels)),
              "channel_weights": None if channel_weights is None else dict(channel_weights),
              "interactions_used": int(keep.sum())}
    return PeriodTies(people=people, starts=starts, ends=ends, period=tp, source=ts_, target=tt,
                      weight=tw, count=tc, sent=sent, last_sent=last_sent, directed=directed,
                      params=params, dropped=dropped)


def tie_rules(group: np.ndarray, s: np.ndarray, t: np.ndarray, w: np.ndarray, n: int, *,
              directed: bool, min_weight: float, reciprocal_only: bool) -> tuple[np.ndarray, ...]:
    """Sum interactions into ties per ``group`` and apply the tie options of ``build_graph``.

    Returns ``(group, source, target, weight, count)`` sorted by ``(group, source, target)``.
    The sums are a sparse matrix with one row per ``(group, source)`` (scipy's counting sort,
    no general sort), in ``build_graph``'s order: sum, reciprocal ties, symmetrise, minimum
    weight.
    """
    n_groups = int(group.max()) + 1 if len(group) else 1
    row = group.astype(np.int64) * n + s
    g, a, b, weight, count = _summed(row, t, w, np.ones(len(w), dtype=np.int64), n_groups, n)
    if reciprocal_only and len(g):
        key = (g * n + a) * n + b          # sorted: rows, then columns within a row
        back = (g * n + b) * n + a
        pos = np.minimum(np.searchsorted(key, back), len(key) - 1)
        mutual = key[pos] == back
        g, a, b, weight, count = g[mutual], a[mutual], b[mutual], weight[mutual], count[mutual]
    if not directed:
        g, a, b, weight, count = _summed(np.r_[g * n + a, g * n + b], np.r_[b, a], np.r_[weight, weight],
                                         np.r_[count, count], n_groups, n)
    strong = (weight >= min_weight) & (weight > 0) if min_weight and min_weight > 0 else weight > 0
    return g[strong], a[strong], b[strong], weight[strong], count[strong]


def _summed(row: np.ndarray, col: np.ndarray, w: np.ndarray, c: np.ndarray, n_groups: int,
            n: int) -> tuple[np.ndarray, ...]:
    """Sum duplicates of ``(row, col)``; rows are ``group * n + source``."""
    shape = (n_groups * n, n)
    W = sp.csr_array(sp.coo_array((w, (row, col)), shape=shape))
    C = sp.csr_array(sp.coo_array((c.astype(np.int64), (row, col)), shape=shape))
    for m in (W, C):
        m.sum_duplicates()
        m.sort_indices()
    rows = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(W.indptr))
    g, a = np.divmod(rows, n)
    return g, a, W.indices.astype(np.int64), W.data.astype(np.float64), C.data.astype(np.int64)


_NAT = np.iinfo(np.int64).min


def utc_ns(interactions: pd.DataFrame) -> np.ndarray:
    """The ``timestamp`` column as int64 nanoseconds since the epoch, UTC (NaT: int64 minimum)."""
    if "timestamp" not in interactions.columns:
        return np.full(len(interactions), _NAT, dtype=np.int64)
    ts = interactions["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype) or ts.dt.tz is None:
        ts = pd.to_datetime(ts, utc=True)
    return pd.DatetimeIndex(ts).tz_convert("UTC").as_unit("ns").asi8


def _text_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes and their labels (``-1``: missing), without a string per row."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    return column.cat.codes.to_numpy().astype(np.int64), [str(c) for c in column.cat.categories]


def _codes(column: pd.Series, ids: pd.Index) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = ids.get_indexer(pd.Index(column.cat.categories.astype(str)))
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[np.maximum(codes, 0)], -1).astype(np.int64)
    return ids.get_indexer(column.astype(str).to_numpy()).astype(np.int64)


def _drop(dropped: dict[str, int], reason: str, keep: np.ndarray, mask: np.ndarray) -> None:
    hit = keep & mask
    k = int(hit.sum())
    if k:
        dropped[reason] = dropped.get(reason, 0) + k
    keep &= ~mask


def _offset(period: str) -> pd.DateOffset:
    return {"month": pd.DateOffset(months=1), "week": pd.DateOffset(weeks=1),
            "quarter": pd.DateOffset(months=3)}[period]


def _decay(half_life: Any, tns: np.ndarray, end_ns: np.ndarray) -> np.ndarray:
    hl = check_duration(half_life, "half_life")
    age = np.maximum(end_ns - tns, 0) / hl.value
    return np.power(0.5, age)
