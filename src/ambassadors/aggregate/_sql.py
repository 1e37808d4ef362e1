"""One SQL definition of the aggregation, run by DuckDB and by Spark SQL.

The statements below are the rules of :func:`ambassadors.io.interactions.finalize_pairs` and
:func:`ambassadors.graph.build_graph` written once in SQL; the two engines only fill in a few
dialect words (:class:`Dialect`: how to split a string, explode a list, read a timestamp as
microseconds) and provide a :class:`Backend` (how to register a table, materialise one, fetch
a result). The driver :func:`aggregate_sql` runs the same statements in the same order on
either, so the rules cannot drift apart between them.

Stages:

1. ``pairs`` (materialised once): every input row split into (row, recipient) pairs, blank
   recipients removed, senders and recipients resolved against the roster (``person_id``
   exactly, else ``email`` case-insensitively), repeated recipients of a row merged, the
   default weight ``1 / r`` set, and each pair given its first reading drop reason.
2. the load report: pairs and rows by reason, counted by the engine.
3. the rules (channels, window, channel weights, decay, period) and the tie table, grouped by
   the engine; only the tie table is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from ambassadors._text import normalize_name
from ambassadors.errors import InputError
from ambassadors.io.interactions import INTERACTION_ALIASES, LIST_TARGETS
from ambassadors.io.load_report import LoadReport
from ambassadors.io.tables import Roster, resolve_columns

from ._rules import READ_REASONS, RULE_REASONS, Input, Rules

_MAX_INPUTS = 64


@dataclass(frozen=True)
class Dialect:
    """The few words in which DuckDB and Spark SQL differ."""

    name: str
    quote: str            # identifier quote
    split: str            # split(string, regex) -> list of strings
    explode: str          # one output row per list element
    micros: str           # timestamp -> bigint microseconds since the epoch (UTC)
    from_micros: str      # bigint microseconds -> timestamp (UTC)
    timestamp: str        # the type a string with or without an offset is cast to
    row_id: str           # a unique id per input row

    def ident(self, name: str) -> str:
        q = self.quote
        return q + name.replace(q, q + q) + q


class Backend(Protocol):
    """What an engine provides to :func:`aggregate_sql`."""

    dialect: Dialect

    def register_input(self, name: str, source: Input) -> list[tuple[str, str]]:
        """Expose ``source`` as view ``name``; return its (column, kind) with kind in
        ``string``, ``number``, ``timestamp``."""

    def register_frame(self, name: str, frame: pd.DataFrame) -> None: ...

    def materialize(self, name: str, sql: str) -> None: ...

    def drop(self, name: str) -> None:
        """Forget a table made by :meth:`materialize` once nothing reads it any more."""

    def fetch(self, sql: str) -> pd.DataFrame: ...


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# stage 1: pairs
# --------------------------------------------------------------------------------------------

_DEDUP = """
{p}raw AS (
    SELECT {row_id} AS row_id, {sender} AS sender, {recipients} AS recipients,
           {ts} AS ts, {ts_bad} AS ts_bad, {weight} AS w, {weight_bad} AS w_bad,
           {has_weight} AS has_w, {channel} AS channel
    FROM {relation}
),
{p}items AS (
    SELECT row_id, sender, trim(r) AS r, ts, ts_bad, w, w_bad, has_w, channel
    FROM (SELECT {p}raw.*, {recipient_items} AS r FROM {p}raw) x
),
{p}named AS (
    SELECT row_id, sender, {recipient_norm} AS recipient, ts, ts_bad, w, w_bad, has_w, channel
    FROM {p}items WHERE r <> ''
),
{p}resolved AS (
    SELECT /*+ BROADCAST(si, se, ti, te) */
           n.row_id, coalesce(si.pos, se.pos) AS s, coalesce(ti.pos, te.pos) AS t,
           CASE WHEN coalesce(ti.pos, te.pos) IS NULL THEN n.recipient END AS unknown,
           n.ts, n.ts_bad, n.w, n.w_bad, n.has_w, n.channel
    FROM {p}named n
    LEFT JOIN amb_ids si ON n.sender = si.key
    LEFT JOIN amb_emails se ON lower(n.sender) = se.key
    LEFT JOIN amb_ids ti ON n.recipient = ti.key
    LEFT JOIN amb_emails te ON lower(n.recipient) = te.key
),
{p}dedup AS (
    SELECT row_id, t, min(s) AS s, min(ts) AS ts, bool_or(ts_bad) AS ts_bad, min(w) AS w,
           bool_or(w_bad) AS w_bad, bool_or(has_w) AS has_w, min(channel) AS channel,
           count(*) AS copies
    FROM {p}resolved GROUP BY row_id, t, unknown
)"""

# Materialised from ``amb_dedup`` (a table, scanned twice), not from a CTE used twice: a CTE
# referenced twice is kept in memory by DuckDB, a table spills.
_PAIRS = """
SELECT row_id, s, t, ts, channel, copies, w,
       CASE WHEN s IS NULL THEN 1
            WHEN ts_bad THEN 2
            WHEN t IS NULL THEN 3
            WHEN w_bad OR w IS NULL OR isnan(w) OR w < 0 THEN 4
            WHEN w = 0 THEN 5
            WHEN s = t THEN 6
            ELSE 0 END AS reason
FROM (SELECT d.row_id, d.s, d.t, d.ts, d.channel, d.copies, d.ts_bad, d.w_bad,
             CASE WHEN d.has_w THEN d.w ELSE CAST(1 AS DOUBLE) / pr.r END AS w
      FROM amb_dedup d
      JOIN (SELECT row_id, count(*) AS r FROM amb_dedup GROUP BY row_id) pr
        ON d.row_id = pr.row_id) x"""


@dataclass
class _Shape:
    """How one input's columns map to the canonical ones."""

    found: dict[str, tuple[str, str]]   # canonical -> (their column, kind)
    events: bool
    notes: list[str]
    rows: int


def _shape(backend: Backend, view: str, source: Input, columns: dict | None,
           kinds: list[tuple[str, str]]) -> _Shape:
    names = [c for c, _ in kinds]
    mapping, notes = resolve_columns(names, INTERACTION_ALIASES, columns=columns,
                                     source=source.label)
    kind_of = dict(kinds)
    found = {ours: (theirs, kind_of[theirs]) for theirs, ours in mapping.items()}
    for required in ("source", "target"):
        if required not in found:
            raise InputError(f"{source.label}: column {required!r} not found (an edge list needs "
                             "source,target; an event log sender,recipients); columns are: "
                             f"{', '.join(names) or '(none)'}")
    unused = [c for c in names if c not in mapping]
    if unused:
        notes.append(f"columns not used: {', '.join(unused)}")
    events = "cc" in found or "bcc" in found or \
        normalize_name(found["target"][0]) in LIST_TARGETS
    t = f"CAST({backend.dialect.ident(found['target'][0])} AS STRING)"
    probe = backend.fetch(f"SELECT count(*) AS n, max(CASE WHEN {t} LIKE '%;%' OR {t} LIKE '%,%' "
                          f"THEN 1 ELSE 0 END) AS lists FROM {view}")
    events = events or bool(int(pd.to_numeric(probe["lists"]).fillna(0).iloc[0]))
    notes.append("read as an event log (one row per message)" if events
                 else "read as an edge list (one row per pair)")
    return _Shape(found, events, notes, int(probe["n"].iloc[0]))


def _text(d: Dialect, column: str) -> str:
    return f"coalesce(trim(CAST({d.ident(column)} AS STRING)), '')"


def _pairs_sql(d: Dialect, *, prefix: str, index: int, view: str, shape: _Shape,
               channel: str | None) -> str:
    f = shape.found
    targets = [_text(d, f[c][0]) for c in ("target", "cc", "bcc") if c in f]
    recipients = targets[0] if len(targets) == 1 else f"concat_ws(';', {', '.join(targets)})"
    ts, ts_bad = "CAST(NULL AS BIGINT)", "false"
    if "timestamp" in f:
        col, kind = f["timestamp"]
        if kind == "timestamp":
            ts = f"{d.micros}(CAST({d.ident(col)} AS {d.timestamp}))"
        else:
            text = f"NULLIF({_text(d, col)}, '')"
            parsed = f"TRY_CAST({text} AS {d.timestamp})"
            ts, ts_bad = f"{d.micros}({parsed})", f"({text} IS NOT NULL AND {parsed} IS NULL)"
    weight, weight_bad, has_weight = "CAST(NULL AS DOUBLE)", "false", "false"
    if "weight" in f:
        col, kind = f["weight"]
        value = f"CAST({d.ident(col)} AS DOUBLE)" if kind == "number" else \
            f"TRY_CAST(NULLIF({_text(d, col)}, '') AS DOUBLE)"
        weight, weight_bad, has_weight = value, f"({value} IS NULL)", "true"
    if channel is not None:
        chan = _literal(str(channel).lower())
    elif "channel" in f:
        c = f"lower({_text(d, f['channel'][0])})"
        chan = f"CASE WHEN {c} = '' THEN 'unknown' ELSE {c} END"
    else:
        chan = "'email'" if shape.events else "'unknown'"
    items = f"{d.explode}({d.split}(recipients, '[;,]'))" if shape.events else "recipients"
    norm = "CASE WHEN r LIKE '%@%' THEN lower(r) ELSE r END" if shape.events else "r"
    return _DEDUP.format(
        p=prefix, row_id=f"({d.row_id}) * {_MAX_INPUTS} + {index}",
        sender=_text(d, f["source"][0]), recipients=recipients, ts=ts, ts_bad=ts_bad,
        weight=weight, weight_bad=weight_bad, has_weight=has_weight, channel=chan,
        relation=view, recipient_items=items, recipient_norm=norm)


# --------------------------------------------------------------------------------------------
# stages 2 and 3: report and ties
# --------------------------------------------------------------------------------------------

def _rule_sql(rules: Rules, bounds: tuple[int, int] | None) -> tuple[str, str, str]:
    """(channel kept, timestamp present, inside the window) as SQL conditions on ``pairs``."""
    chan = "true" if rules.channels is None else \
        ("channel IN (" + ", ".join(_literal(c) for c in rules.channels) + ")"
         if rules.channels else "false")
    has_ts = "ts IS NOT NULL" if rules.needs_time else "true"
    inside = "true" if bounds is None else f"ts BETWEEN {bounds[0]} AND {bounds[1]}"
    return chan, has_ts, inside


def _latest(backend: Backend, where: str) -> int | None:
    out = backend.fetch(f"SELECT max(ts) AS ts FROM amb_pairs WHERE reason = 0 AND {where}")
    value = out["ts"].iloc[0]
    return None if pd.isna(value) else int(value)


def _ties_sql(d: Dialect, rules: Rules, conditions: tuple[str, str, str],
              decay: tuple[int, float] | None) -> str:
    mult = "1.0"
    if rules.channel_weights:
        mult = "CASE channel " + " ".join(f"WHEN {_literal(k)} THEN {float(v)!r}" for k, v in
                                          rules.channel_weights.items()) + " ELSE 1.0 END"
    factor = "1.0" if decay is None else \
        f"CASE WHEN ts IS NULL THEN 1.0 ELSE power(0.5, CAST({decay[0]} - ts AS DOUBLE) / {decay[1]!r}) END"
    keys = "s, t"
    if rules.period is not None:
        keys += f", {d.micros}(date_trunc({_literal(rules.period)}, {d.from_micros}(ts))) AS period"
    group = "s, t" + (", period" if rules.period is not None else "")
    return (f"SELECT {keys}, sum(w * ({mult}) * ({factor})) AS weight, count(*) AS n, "
            f"min(ts) AS first_us, max(ts) AS last_us FROM amb_pairs "
            f"WHERE reason = 0 AND {' AND '.join(conditions)} GROUP BY {group}")


def _fill_report(backend: Backend, report: LoadReport, rows_read: int,
                 conditions: tuple[str, str, str]) -> None:
    """Count pairs by reason, rows by the first reason of their pairs, and the rules' drops.

    One statement (three groupings), so that a cluster runs one job for the whole report.
    """
    chan, has_ts, inside = conditions
    counts = backend.fetch(
        "SELECT 'pair' AS unit, reason AS code, count(*) AS n, sum(copies - 1) AS repeats "
        "FROM amb_pairs GROUP BY reason "
        "UNION ALL SELECT 'row' AS unit, rr AS code, count(*) AS n, 0 AS repeats FROM "
        "(SELECT row_id, min(reason) AS rr FROM amb_pairs GROUP BY row_id) x GROUP BY rr "
        f"UNION ALL SELECT 'rule' AS unit, CASE WHEN NOT ({chan}) THEN 1 WHEN NOT ({has_ts}) "
        f"THEN 2 WHEN NOT ({inside}) THEN 3 ELSE 0 END AS code, count(*) AS n, 0 AS repeats "
        "FROM amb_pairs WHERE reason = 0 GROUP BY 2")
    found: dict[str, dict[int, int]] = {"pair": {}, "row": {}, "rule": {}}
    for unit, code, n in zip(counts["unit"], counts["code"].astype(int), counts["n"].astype(int),
                             strict=True):
        found[str(unit)][int(code)] = int(n)
    by_reason, row_reason, by_rule = found["pair"], found["row"], found["rule"]
    repeats = int(pd.to_numeric(counts["repeats"]).fillna(0).sum())
    if repeats:
        report.notes.append(f"{repeats} repeated recipients of the same row counted once")
    report.rows_read = rows_read
    report.pairs_read = int(sum(by_reason.values()))
    report.drop("no_recipients", rows_read - sum(row_reason.values()))
    report.rows_used = row_reason.get(0, 0)
    for k, name in enumerate(READ_REASONS, start=1):
        report.drop(name, by_reason.get(k, 0), unit="pairs")
        report.drop(name, row_reason.get(k, 0))
    for k, name in enumerate(RULE_REASONS, start=1):
        report.drop(name, by_rule.get(k, 0), unit="pairs")
    report.pairs_used = by_rule.get(0, 0)


def _roster_tables(roster: Roster) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = pd.DataFrame({"key": roster.ids.to_numpy(dtype=object).astype(str),
                        "pos": np.arange(len(roster.ids), dtype=np.int32)})
    ids = ids[ids["key"] != ""]
    if roster.emails is None:
        emails = pd.DataFrame({"key": pd.Series([], dtype=str), "pos": np.zeros(0, np.int32)})
    else:
        emails = pd.DataFrame({"key": roster.emails.to_numpy(dtype=object).astype(str),
                               "pos": np.asarray(roster.email_pos, dtype=np.int32)})
    return ids, emails


def aggregate_sql(backend: Backend, inputs: Sequence[Input], *, people: pd.DataFrame,
                  rules: Rules, columns: dict | None, channel: str | None
                  ) -> tuple[pd.DataFrame, LoadReport]:
    """Run the aggregation on ``backend``; return (raw ties with integer codes, report).

    The raw ties have columns ``s, t[, period], weight, n, first_us, last_us`` (roster codes,
    microseconds); :func:`ambassadors.aggregate._frame.tie_frame` turns them into the tie table.
    """
    if len(inputs) > _MAX_INPUTS:
        raise InputError(f"aggregate_interactions: at most {_MAX_INPUTS} inputs, got {len(inputs)}")
    d = backend.dialect
    ids, emails = _roster_tables(Roster(people))
    backend.register_frame("amb_ids", ids)
    backend.register_frame("amb_emails", emails)
    report = LoadReport(source=" + ".join(s.label for s in inputs), kind="interactions")
    parts, rows_read = [], 0
    for i, source in enumerate(inputs):
        view = f"amb_raw_{i}"
        kinds = backend.register_input(view, source)
        shape = _shape(backend, view, source, columns, kinds)
        prefix = f"in{i}_"
        report.notes += [f"{source.label}: {n}" if len(inputs) > 1 else n for n in shape.notes]
        parts.append(_pairs_sql(d, prefix=prefix, index=i, view=view, shape=shape,
                                channel=channel))
        rows_read += shape.rows
    union = " UNION ALL ".join(f"SELECT * FROM in{i}_dedup" for i in range(len(inputs)))
    backend.materialize("amb_dedup", "WITH " + ",".join(parts) + "\n" + union)
    backend.materialize("amb_pairs", _PAIRS)
    backend.drop("amb_dedup")

    chan, has_ts, _ = _rule_sql(rules, None)
    bounds = rules.window_bounds(lambda: _latest(backend, f"{chan} AND {has_ts}"))
    conditions = _rule_sql(rules, bounds)
    decay = rules.decay(lambda: _latest(backend, " AND ".join(conditions)))
    _fill_report(backend, report, rows_read, conditions)
    ties = backend.fetch(_ties_sql(d, rules, conditions, decay))
    return ties, report
