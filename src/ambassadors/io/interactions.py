"""Communication metadata -> the canonical interactions table (one row per sender -> recipient).

Two tabular shapes are read (detected from the columns):

* **edge list** -- ``source, target[, timestamp][, weight][, channel][, event_id]``
  (aliases ``from/to``, ``sender/recipient``, ``ego/alter``); a Krackhardt-style 0/1 ``edge``
  column marks which rows are ties.
* **events** -- ``sender, recipients[, cc][, bcc][, timestamp][, event_id]``: one row per message,
  recipient lists separated by ``;`` or ``,``; each (message, recipient) is a *pair* of weight
  ``1 / number of recipients``.

Other inputs (mbox, .eml, Slack/Teams/Google exports, calendars) are read by
:mod:`ambassadors.io.formats`. Every reader hands its raw pairs to :func:`finalize_pairs`, which
resolves ids and e-mails against the roster, drops and counts what cannot be used, and builds the
table handed on to :func:`ambassadors.graph.build_graph`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.io.report import LoadReport, Loaded, as_frame
from ambassadors.io.tables import Roster, _as_str_series, parse_datetimes, to_number

__all__ = ["read_interactions", "combine_interactions", "finalize_pairs", "INTERACTION_COLUMNS"]

INTERACTION_COLUMNS = ["source", "target", "timestamp", "weight", "channel"]

# Pair drop reasons, in priority order: a pair gets the first that applies, and a row left with
# no usable pair is dropped for the first reason among its pairs (``unknown_sender`` first).
_PAIR_REASONS = ["unknown_sender", "bad_timestamp", "unknown_recipient", "self_pair", "bad_value",
                 "zero_weight"]


def _codes_and_values(col: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(int64 codes with -1 for missing, distinct values as stripped strings)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        uniques = col.cat.categories
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        codes = codes.astype(np.int64)
    return codes, _as_str_series(np.asarray(uniques, dtype=object))


def _no_roster_key(values: pd.Series) -> pd.Series:
    """Without a roster, ids are kept as given (stripped); e-mail addresses are lower-cased."""
    lower = values.str.lower()
    return lower.where(values.str.contains("@", regex=False), values)


def _resolve(source: pd.Series, target: pd.Series, people: pd.DataFrame | None
             ) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    s_codes, s_vals = _codes_and_values(source)
    t_codes, t_vals = _codes_and_values(target)
    if people is not None:
        roster = Roster(people)
        categories = roster.ids
        s_pos, t_pos = roster.resolve(s_vals), roster.resolve(t_vals)
    else:
        s_key, t_key = _no_roster_key(s_vals), _no_roster_key(t_vals)
        keys = pd.concat([s_key, t_key], ignore_index=True)
        keys = keys[keys != ""]
        categories = pd.Index(np.sort(keys.unique().astype(object)).astype(str), name="person_id")
        s_pos = categories.get_indexer(s_key.to_numpy(dtype=object)).astype(np.int64)
        t_pos = categories.get_indexer(t_key.to_numpy(dtype=object)).astype(np.int64)
        s_pos[(s_key == "").to_numpy()] = -1
        t_pos[(t_key == "").to_numpy()] = -1
    # append -1 so that a missing code (-1) maps to "unknown"
    src = np.append(s_pos, -1)[s_codes]
    tgt = np.append(t_pos, -1)[t_codes]
    return src, tgt, categories


def finalize_pairs(pairs: pd.DataFrame, *, people: pd.DataFrame | Loaded | None,
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
        row left with no usable pair is counted once in ``dropped``. The caller sets ``rows_read``
        and counts rows that produced no pair at all (e.g. ``no_recipients``) itself.
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
    Pairs are dropped for the first reason that applies, in this order: ``unknown_sender``,
    ``bad_timestamp`` (non-blank but unparseable; a blank timestamp is NaT, not a drop),
    ``unknown_recipient``, ``self_pair`` (after resolution, so an e-mail and the id of the same
    person are a self-pair), ``bad_value`` (weight not a finite number >= 0), ``zero_weight``.

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
    """
    if people is not None:
        people = as_frame(people)
    n = len(pairs)
    if "row" in pairs.columns:
        row_codes, row_uniques = pd.factorize(pairs["row"], use_na_sentinel=False)
    else:
        row_codes, row_uniques = np.arange(n), np.arange(n)
    row_codes = np.asarray(row_codes, dtype=np.int64)
    n_rows = len(row_uniques)

    src, tgt, categories = _resolve(pairs["source"], pairs["target"], people)
    reason = np.zeros(n, dtype=np.int8)  # 0 = kept, k = _PAIR_REASONS[k - 1]

    def mark(mask: np.ndarray, name: str) -> None:
        code = _PAIR_REASONS.index(name) + 1
        reason[(reason == 0) & mask] = code

    mark(src < 0, "unknown_sender")
    if "timestamp" in pairs.columns:
        ts, bad_ts = parse_datetimes(pairs["timestamp"])
        mark(bad_ts, "bad_timestamp")
    else:
        ts = pd.Series(np.full(n, np.datetime64("NaT", "ns")), copy=False).dt.tz_localize("UTC")
    mark(tgt < 0, "unknown_recipient")
    mark(src == tgt, "self_pair")
    if "weight" in pairs.columns:
        weight, bad_w = to_number(pairs["weight"], decimal_comma=True)
        weight = weight.to_numpy(dtype=np.float64, na_value=np.nan)
        mark(bad_w | np.isnan(weight) | (weight < 0), "bad_value")
        mark(weight == 0, "zero_weight")
    else:
        per_row = np.bincount(row_codes, minlength=n_rows)
        weight = 1.0 / per_row[row_codes] if n else np.zeros(0)

    keep = reason == 0
    report.pairs_read = (report.pairs_read or 0) + n
    report.pairs_used = (report.pairs_used or 0) + int(keep.sum())
    counts = np.bincount(reason, minlength=len(_PAIR_REASONS) + 1)
    for k, name in enumerate(_PAIR_REASONS, start=1):
        report.drop(name, counts[k], unit="pairs")

    # Row outcome: the smallest reason code among its pairs (0 if any pair is kept).
    row_min = np.full(n_rows, 127, dtype=np.int8)
    np.minimum.at(row_min, row_codes, reason)
    report.rows_used += int((row_min == 0).sum())
    row_counts = np.bincount(row_min[row_min > 0], minlength=len(_PAIR_REASONS) + 1)
    for k, name in enumerate(_PAIR_REASONS, start=1):
        report.drop(name, row_counts[k])

    if channel is not None:
        chan = pd.Categorical(np.full(int(keep.sum()), str(channel), dtype=object))
    elif "channel" in pairs.columns:
        c = _as_str_series(pairs["channel"])[keep].str.lower()
        chan = pd.Categorical(c.where(c != "", "unknown").to_numpy(dtype=object))
    else:
        chan = pd.Categorical(np.full(int(keep.sum()), "unknown", dtype=object))

    dtype = pd.CategoricalDtype(categories, ordered=False)
    out = pd.DataFrame({
        "source": pd.Categorical.from_codes(src[keep], dtype=dtype),
        "target": pd.Categorical.from_codes(tgt[keep], dtype=dtype),
        "timestamp": ts[keep].reset_index(drop=True),
        "weight": np.asarray(weight, dtype=np.float64)[keep],
        "channel": chan,
    })
    if "event_id" in pairs.columns:
        codes, uniques = _codes_and_values(pairs["event_id"])
        uniques = np.append(uniques.to_numpy(dtype=object), "")
        out["event_id"] = pd.Series(uniques[codes[keep]], dtype=str)
    return out
