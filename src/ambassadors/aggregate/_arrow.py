"""The in-memory engine: today's readers, then the rules of ``build_graph`` in numpy.

Each file is read by :func:`ambassadors.io.read_interactions` (so every format, alias and date
layout it knows is known here too), the tables are combined, and the tie table is grouped with
pandas on integer codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ambassadors.io.interactions import combine_interactions, read_interactions
from ambassadors.io.load_report import Loaded, LoadReport

from ._rules import RULE_REASONS, Input, Rules

_PANDAS_PERIOD = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def read_inputs(inputs: Sequence[Input | pd.DataFrame | Loaded], *, people: pd.DataFrame,
                columns: dict | None, channel: str | None) -> Loaded:
    """Read every file of every input with today's reader and combine them.

    The report sums the files' counts; notes said by many files are said once.
    """
    loaded = []
    for item in inputs:
        if isinstance(item, Input):
            for path in item.paths:
                loaded.append(read_interactions(path, people=people, columns=columns,
                                                channel=channel))
        elif isinstance(item, Loaded):
            loaded.append(item)
        else:
            loaded.append(read_interactions(item, people=people, columns=columns, channel=channel))
    combined = combine_interactions(*loaded) if len(loaded) > 1 else loaded[0]
    report = combined.report
    if len(loaded) > 1:
        notes: dict[str, None] = {}
        for r in (x.report for x in loaded):
            for note in r.notes:
                notes[note] = None
        report.notes = list(notes)
        labels = [str(x.label) if isinstance(x, Input) else report.source for x in inputs]
        report.source = " + ".join(labels) if all(isinstance(x, Input) for x in inputs) \
            else report.source
    return Loaded(combined.table, report)


def _micros(ts: pd.Series) -> np.ndarray:
    """Timestamps as float microseconds since the epoch (NaN when missing)."""
    ts = pd.to_datetime(ts, errors="coerce", utc=True)
    ns = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    ns[ts.isna().to_numpy()] = np.nan
    return np.floor(ns / 1000.0)


def _codes(column: pd.Series, ids: pd.Index) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        mapping = np.append(ids.get_indexer(pd.Index(column.cat.categories.astype(str))), -1)
        return mapping[column.cat.codes.to_numpy().astype(np.int64)]
    return ids.get_indexer(pd.Index(column.astype(str))).astype(np.int64)


def aggregate_table(interactions: pd.DataFrame, *, people: pd.DataFrame, rules: Rules,
                    report: LoadReport) -> pd.DataFrame:
    """Apply the rules to a canonical interactions table; return the raw ties.

    ``report`` gains the pair drops of the rules (and ``unknown_person``/``self_pair`` for a
    table that was not read against this roster); ``pairs_used`` becomes the pairs tied.
    """
    ids = pd.Index(people.index.astype(str))
    n = len(interactions)
    s, t = _codes(interactions["source"], ids), _codes(interactions["target"], ids)
    ts = _micros(interactions["timestamp"]) if "timestamp" in interactions else np.full(n, np.nan)
    weight = interactions["weight"].to_numpy(dtype=np.float64) if "weight" in interactions \
        else np.ones(n)
    channel = interactions["channel"].astype(str).to_numpy() if "channel" in interactions \
        else np.full(n, "unknown", dtype=object)
    if report.pairs_read is None:
        report.pairs_read = n
    unknown, selfp = (s < 0) | (t < 0), (s == t) & (s >= 0)
    report.drop("unknown_person", int(unknown.sum()), unit="pairs")
    report.drop("self_pair", int(selfp.sum()), unit="pairs")
    keep = ~(unknown | selfp)
    dropped = dict.fromkeys(RULE_REASONS, 0)

    def cut(mask: np.ndarray, reason: str) -> None:
        dropped[reason] += int((keep & ~mask).sum())
        keep[:] = keep & mask

    if rules.channels is not None:
        cut(pd.Index(channel).isin(list(rules.channels)), "channel_not_selected")
    has_ts = ~np.isnan(ts)
    if rules.needs_time:
        cut(has_ts, "no_timestamp")

    def latest() -> int | None:
        alive = keep & has_ts
        return int(ts[alive].max()) if alive.any() else None

    bounds = rules.window_bounds(latest)
    if bounds is not None:
        cut((ts >= bounds[0]) & (ts <= bounds[1]), "outside_window")
    decay = rules.decay(latest)
    for reason in RULE_REASONS:
        report.drop(reason, dropped[reason], unit="pairs")
    report.pairs_used = int(keep.sum())

    if rules.channel_weights:
        weight = weight * pd.Series(channel).map(rules.channel_weights).fillna(1.0).to_numpy()
    if decay is not None:
        ref, hl = decay
        weight = weight * np.where(has_ts, np.power(0.5, (ref - np.nan_to_num(ts)) / hl), 1.0)
    frame = pd.DataFrame({"s": s[keep], "t": t[keep], "w": weight[keep], "ts": ts[keep]})
    keys = ["s", "t"]
    if rules.period is not None:
        stamps = pd.to_datetime(frame["ts"].to_numpy() * 1000, unit="ns", utc=True)
        start = stamps.tz_localize(None).to_period(_PANDAS_PERIOD[rules.period]).start_time
        frame["period"] = start.to_numpy(dtype="datetime64[ns]").astype(np.int64) // 1000
        keys.append("period")
    grouped = frame.groupby(keys, sort=False)
    raw = grouped.agg(weight=("w", "sum"), n=("w", "size"), first_us=("ts", "min"),
                      last_us=("ts", "max")).reset_index()
    return raw
