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

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import LoadReport, Loaded, as_frame
from ambassadors.io.tables import (
    _HAS_OFFSET,
    RawTable,
    Roster,
    _as_str_series,
    parse_datetimes,
    normalize_name,
    read_raw,
    resolve_columns,
    to_number,
)

__all__ = ["read_interactions", "combine_interactions", "finalize_pairs", "INTERACTION_COLUMNS"]

INTERACTION_COLUMNS = ["source", "target", "timestamp", "weight", "channel"]

# Pair drop reasons, in priority order: a pair gets the first that applies, and a row left with
# no usable pair is dropped for the first reason among its pairs (``unknown_sender`` first).
_PAIR_REASONS = ["unknown_sender", "bad_timestamp", "unknown_recipient", "bad_value", "zero_weight",
                 "self_pair"]



def _distinct(col: object) -> tuple[np.ndarray, pd.Series]:
    """(int64 codes with -1 for missing, distinct values as stripped strings) of a column."""
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        uniques = col.cat.categories
    else:
        codes, uniques = pd.factorize(pd.Series(col, copy=False), use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
    return codes, _as_str_series(np.asarray(uniques, dtype=object))


def _no_roster_key(values: pd.Series) -> pd.Series:
    """Without a roster, ids are kept as given (stripped); e-mail addresses are lower-cased."""
    lower = values.str.lower()
    return lower.where(values.str.contains("@", regex=False), values)


def _resolve(s_codes: np.ndarray, s_vals: pd.Series, t_codes: np.ndarray, t_vals: pd.Series,
             people: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Roster positions of senders and recipients (-1 unknown), and the categories."""
    if people is not None:
        roster = Roster(people)
        categories = roster.ids
        s_pos, t_pos = roster.resolve(s_vals), roster.resolve(t_vals)
    else:
        s_key, t_key = _no_roster_key(s_vals), _no_roster_key(t_vals)
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


def _nat_series(n: int) -> pd.Series:
    return pd.Series(np.full(n, np.datetime64("NaT", "ns")), copy=False).dt.tz_localize("UTC")


def _finalize(*, rows: np.ndarray, n_rows: int, source: tuple[np.ndarray, pd.Series],
              target: tuple[np.ndarray, pd.Series], people: pd.DataFrame | None,
              report: LoadReport, at: np.ndarray | None = None,
              timestamp: tuple[np.ndarray, np.ndarray] | None = None,
              weight: tuple[np.ndarray, np.ndarray] | None = None,
              channel: str | None = None, channel_values: pd.Categorical | None = None,
              event_id: object = None) -> pd.DataFrame:
    """Core of :func:`finalize_pairs` on arrays.

    ``rows`` gives each pair's row code (0..n_rows-1, for accounting and default weights).
    Attribute arrays (``timestamp`` = (datetime64[ns] naive UTC values, bad mask), ``weight`` =
    (float values, bad mask), ``channel_values``, ``event_id``) are indexed by ``at`` (default:
    one entry per pair), so that readers can pass row-level arrays without expanding them.
    """
    src, tgt, categories = _resolve(*source, *target, people)
    # One pair per distinct recipient of a row: To and Cc, or an e-mail address and an id, may
    # name the same person. Repeats are merged before counting (they are not pairs).
    if len(rows) > 1:
        n_cat = len(categories)
        t_raw = np.asarray(target[0], dtype=np.int64)
        t_key = np.where(tgt >= 0, tgt, n_cat + 1 + t_raw)
        keys = rows * (n_cat + int(t_raw.max(initial=0)) + 3) + t_key
        # rows come in blocks, so a stable (run-aware) sort is nearly linear here
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        repeated = sorted_keys[1:] == sorted_keys[:-1]
        if repeated.any():
            first = np.empty(len(keys), dtype=bool)
            first[order] = np.r_[True, ~repeated]
            report.notes.append(f"{int((~first).sum())} repeated recipients of the same row "
                                "counted once")
            rows, src, tgt = rows[first], src[first], tgt[first]
            at = np.flatnonzero(first) if at is None else at[first]
    n = len(rows)
    take = (lambda a: a) if at is None else (lambda a: a[at])
    reason = np.zeros(n, dtype=np.int8)  # 0 = kept, k = _PAIR_REASONS[k - 1]

    def mark(mask: np.ndarray, name: str) -> None:
        code = _PAIR_REASONS.index(name) + 1
        reason[(reason == 0) & mask] = code

    mark(src < 0, "unknown_sender")
    if timestamp is not None and timestamp[1].any():
        mark(take(timestamp[1]), "bad_timestamp")
    mark(tgt < 0, "unknown_recipient")
    if weight is not None:
        w_vals, w_bad = weight
        bad_w = w_bad | np.isnan(w_vals) | (w_vals < 0)
        if bad_w.any():
            mark(take(bad_w), "bad_value")
        if (w_vals == 0).any():
            mark(take(w_vals == 0), "zero_weight")
    mark(src == tgt, "self_pair")

    keep = reason == 0
    n_keep = int(keep.sum())
    report.pairs_read = (report.pairs_read or 0) + n
    report.pairs_used = (report.pairs_used or 0) + n_keep
    counts = np.bincount(reason, minlength=len(_PAIR_REASONS) + 1)
    for k, name in enumerate(_PAIR_REASONS, start=1):
        report.drop(name, counts[k], unit="pairs")
    # Row outcome: the smallest reason code among its pairs (0 if any pair is kept).
    row_min = np.full(n_rows, 127, dtype=np.int8)
    np.minimum.at(row_min, rows, reason)
    report.rows_used += int((row_min == 0).sum())
    row_counts = np.bincount(row_min[(row_min > 0) & (row_min < 127)],
                             minlength=len(_PAIR_REASONS) + 1)
    for k, name in enumerate(_PAIR_REASONS, start=1):
        report.drop(name, row_counts[k])

    kept_at = np.flatnonzero(keep) if at is None else at[keep]
    if weight is not None:
        w = weight[0][kept_at]
    else:
        per_row = np.bincount(rows, minlength=n_rows)
        w = 1.0 / per_row[rows[keep]]
    if timestamp is not None:
        ts = pd.Series(timestamp[0][kept_at], copy=False).dt.tz_localize("UTC")
    else:
        ts = _nat_series(n_keep)
    if channel is not None or channel_values is None:
        chan = pd.Categorical.from_codes(np.zeros(n_keep, dtype=np.int8),
                                         categories=[str(channel or "unknown")])
    else:
        chan = channel_values[kept_at]
    dtype = pd.CategoricalDtype(categories, ordered=False)
    out = pd.DataFrame({
        "source": pd.Categorical.from_codes(src[keep], dtype=dtype),
        "target": pd.Categorical.from_codes(tgt[keep], dtype=dtype),
        "timestamp": ts,
        "weight": np.asarray(w, dtype=np.float64),
        "channel": chan,
    })
    if event_id is not None:
        out["event_id"] = _take_strings(event_id, kept_at)
    return out


def _take_strings(values: object, at: np.ndarray) -> pd.Series:
    """values[at] as a str Series (pyarrow arrays are taken without going through Python)."""
    try:
        import pyarrow as pa

        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            taken = values.take(pa.array(at, type=pa.int64()))
            return pd.Series(taken.to_pandas(), copy=False).astype(str)
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pass
    codes, uniques = _distinct(values)
    uniques = np.append(uniques.to_numpy(dtype=object), "")
    return pd.Series(uniques[codes[at]], dtype=str)


def _channel_categorical(values: object) -> pd.Categorical:
    c = _as_str_series(values).str.lower()
    return pd.Categorical(c.where(c != "", "unknown"))


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
    A recipient named twice in one row (in To and Cc, or by e-mail and by id) gives one pair:
    repeats are merged before counting (noted in the report).
    Pairs are dropped for the first reason that applies, in this order: ``unknown_sender``,
    ``bad_timestamp`` (non-blank but unparseable; a blank timestamp is NaT, not a drop),
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
    """
    if people is not None:
        from ambassadors.io.people import as_roster

        people = as_roster(people)
    n = len(pairs)
    if "row" in pairs.columns:
        rows, row_uniques = pd.factorize(pairs["row"], use_na_sentinel=False)
        rows, n_rows = np.asarray(rows, dtype=np.int64), len(row_uniques)
    else:
        rows, n_rows = np.arange(n, dtype=np.int64), n
    timestamp = weight = channel_values = event_id = None
    if "timestamp" in pairs.columns:
        ts, bad = parse_datetimes(pairs["timestamp"], notes=report.notes)
        timestamp = (ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), bad)
    if "weight" in pairs.columns:
        w, bad = to_number(pairs["weight"], decimal_comma=True)
        weight = (w.to_numpy(dtype=np.float64, na_value=np.nan), bad)
    if channel is None and "channel" in pairs.columns:
        channel_values = _channel_categorical(pairs["channel"])
    if "event_id" in pairs.columns:
        event_id = pairs["event_id"].reset_index(drop=True)
    return _finalize(rows=rows, n_rows=n_rows, source=_distinct(pairs["source"]),
                     target=_distinct(pairs["target"]), people=people, report=report,
                     timestamp=timestamp, weight=weight, channel=channel,
                     channel_values=channel_values, event_id=event_id)


# --------------------------------------------------------------------------------------------
# tabular readers
# --------------------------------------------------------------------------------------------

#: Canonical column -> accepted names (case/space/underscore/hyphen-insensitive), priority order.
INTERACTION_ALIASES: dict[str, list[str]] = {
    "source": ["from", "sender", "ego", "src", "fromid", "senderid", "sourceid", "fromaddress",
               "fromemail", "senderemail", "senderaddress", "author", "organizer", "caller"],
    "target": ["to", "recipients", "recipient", "alter", "dst", "toid", "recipientid", "targetid",
               "toaddress", "toaddresses", "torecipients", "recipientemail", "recipientemails",
               "receiver", "receivers", "attendees", "callee"],
    "cc": ["ccrecipients", "ccaddress", "ccaddresses"],
    "bcc": ["bccrecipients", "bccaddress", "bccaddresses"],
    "timestamp": ["time", "datetime", "date", "sentat", "senttime", "sentdatetime", "sent", "ts",
                  "createdat", "created", "createddatetime", "receiveddatetime", "datetimesent",
                  "when", "start", "starttime"],
    "weight": ["edge", "tie", "w", "strength", "count", "frequency", "value"],
    "channel": ["medium"],
    "event_id": ["messageid", "internetmessageid", "msgid", "eventid", "meetingid", "id"],
}

_LIST_TARGETS = {"recipients", "toaddresses", "torecipients", "recipientemails", "receivers",
                 "attendees"}
_LIST_TARGETS = {"recipients", "toaddresses", "torecipients", "recipientemails", "receivers",
                 "attendees"}
#: Recipient columns whose values are lists, so the log is read as events (the SQL engines too).
LIST_TARGETS = frozenset(_LIST_TARGETS)
_EXPORT_SUFFIXES = {".mbox", ".eml", ".zip", ".ics", ".ical", ".msg", ".mbx", ".vcs"}


def _as_string_array(column: object):
    """A single (non-chunked) pyarrow string array; nulls -> ""."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def _dict_encode(arr: object) -> tuple[np.ndarray, pd.Series]:
    """(int64 codes, distinct values as stripped strings) of a pyarrow string array."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(arr)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = _as_str_series(np.asarray(enc.dictionary.to_pylist(), dtype=object))
    return codes, values


def _is_export(obj: object) -> bool:
    if not isinstance(obj, (str, PathLike)):
        return False
    path = Path(obj).expanduser()
    if path.is_dir() or path.suffix.lower() in _EXPORT_SUFFIXES:
        return True
    if path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".txt", ".gz"):
        # message traces, mail-log exports, meeting attendance and Viva queries are CSV too:
        # their headers tell them apart from a plain edge list or event log
        try:
            from ambassadors.io.formats import detect_format
        except ImportError:
            return False
        return detect_format(path) is not None
    return False


def _any_substring(arr: object, *needles: str) -> bool:
    import pyarrow.compute as pc

    return any(bool(pc.any(pc.match_substring(arr, s)).as_py()) for s in needles)


def _row_timestamps(column: object, notes: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Row-level timestamps: (datetime64[ns] naive UTC values, bad mask), fast path in arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_timestamp(arr.type):
        ts, bad = parse_datetimes(arr.to_pandas())
        return ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), bad
    arr = _as_string_array(arr)
    blank = pc.equal(arr, "")
    nullable = pc.if_else(blank, pa.scalar(None, pa.string()), arr)
    # a failed cast costs as much as a parse: try first the kind of the first values
    sample = [v for v in arr.slice(0, 200).to_pylist() if v]
    targets = [pa.timestamp("ns"), pa.timestamp("ns", tz="UTC")]
    if any(_HAS_OFFSET.search(v) for v in sample):
        targets.reverse()
    for target in targets:
        try:
            parsed = pc.cast(nullable, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        values = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False)
        out = values.astype("datetime64[ns]") if parsed.null_count == 0 else \
            np.where(parsed.is_null().to_numpy(zero_copy_only=False), np.datetime64("NaT", "ns"),
                     np.nan_to_num(values, nan=0).astype(np.int64).astype("datetime64[ns]"))
        return out, np.zeros(len(arr), dtype=bool)
    ts, bad = parse_datetimes(arr.to_pandas(), notes=notes)
    return ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), bad


def _read_tabular(raw: RawTable, *, people: pd.DataFrame | None, columns: dict | None,
                  channel: str | None) -> Loaded:
    import pyarrow.compute as pc

    source = raw.source
    table = raw.table
    report = raw.new_report("interactions")
    mapping, notes = resolve_columns(raw.columns, INTERACTION_ALIASES, columns=columns,
                                     source=source)
    report.notes += notes
    found = {ours: theirs for theirs, ours in mapping.items()}
    for required in ("source", "target"):
        if required not in found:
            raise InputError(f"{source}: column {required!r} not found (an edge list needs "
                             "source,target; an event log sender,recipients); columns are: "
                             f"{', '.join(raw.columns) or '(none)'}")
    n_rows = table.num_rows

    def col(name: str):
        return table.column(found[name])

    target_cols = [_as_string_array(col(c)) for c in ("target", "cc", "bcc") if c in found]
    events = len(target_cols) > 1 or normalize_name(found["target"]) in _LIST_TARGETS
    if not events and n_rows:
        events = _any_substring(target_cols[0], ";", ",")
    report.notes.append("read as an event log (one row per message)" if events
                        else "read as an edge list (one row per pair)")

    # ---- recipients -> (row, recipient) pairs, all in pyarrow kernels
    if events:
        joined = target_cols[0] if len(target_cols) == 1 else \
            pc.binary_join_element_wise(*target_cols, ";")
        if _any_substring(joined, ","):
            joined = pc.replace_substring(joined, ",", ";")
        lists = pc.split_pattern(joined, ";")
        del joined
        flat = pc.list_flatten(lists)
        rows = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
        del lists
    else:
        flat = target_cols[0]
        rows = np.arange(n_rows, dtype=np.int64)
    del target_cols
    t_codes, t_values = _dict_encode(flat)
    del flat  # the big string arrays are not needed past this point
    if events:
        # normalise the few distinct addresses, not the millions of pairs
        keys = _no_roster_key(t_values)
        key_codes, key_values = pd.factorize(keys.to_numpy(dtype=object))
        t_codes = key_codes[t_codes]
        t_values = _as_str_series(np.asarray(key_values, dtype=object))
    blank_codes = np.flatnonzero((t_values == "").to_numpy())
    if len(blank_codes):
        nonblank = ~np.isin(t_codes, blank_codes)
        t_codes, rows = t_codes[nonblank], rows[nonblank]
    has_pair = np.zeros(n_rows, dtype=bool)
    has_pair[rows] = True
    report.drop("no_recipients", int(n_rows - has_pair.sum()))

    s_codes, s_values = _dict_encode(_as_string_array(col("source")))
    timestamp = weight = channel_values = event_id = None
    if "timestamp" in found:
        timestamp = _row_timestamps(col("timestamp"), report.notes)
    if "weight" in found:
        codes, values = _dict_encode(_as_string_array(col("weight")))
        w, bad = to_number(values, decimal_comma=raw.decimal_comma)
        weight = (np.append(w.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)[codes],
                  np.append(bad, False)[codes])
    if channel is None and "channel" in found:
        codes, values = _dict_encode(_as_string_array(col("channel")))
        names = _channel_categorical(values)  # one per distinct raw value, normalised
        channel_values = pd.Categorical.from_codes(names.codes[codes], dtype=names.dtype)
    if "event_id" in found:
        event_id = _as_string_array(col("event_id"))
    if channel is None and "channel" not in found:
        channel = "email" if events else "unknown"
    out = _finalize(rows=rows, n_rows=n_rows, source=(s_codes[rows], s_values),
                    target=(t_codes, t_values), people=people, report=report, at=rows,
                    timestamp=timestamp, weight=weight, channel=channel,
                    channel_values=channel_values, event_id=event_id)
    # rows with no pair were counted above; _finalize counted the rows it saw
    if out.empty:
        raise InputError(f"{source}: no interactions left after dropping rows ("
                         + (", ".join(f"{r}: {n}" for r, n in report.dropped.items()) or "empty")
                         + ")")
    return Loaded(out, report)


def read_interactions(path_or_frame: str | PathLike | pd.DataFrame, *,
                      people: pd.DataFrame | Loaded | str | PathLike | None = None,
                      columns: dict[str, str] | None = None, channel: str | None = None,
                      format: str | None = None) -> Loaded:
    """Read communication metadata into the canonical interactions table.

    Two tabular shapes are detected from the columns:

    * **edge list** -- ``source, target[, timestamp][, weight][, channel][, event_id]`` (also
      ``from/to``, ``sender/recipient``, ``ego/alter``). ``weight`` is used as given; a
      Krackhardt-style 0/1 ``edge`` column is read as the weight, and rows with 0 are not ties
      (dropped as ``zero_weight``).
    * **events** -- ``sender, recipients[, cc][, bcc][, timestamp][, event_id/message_id]``, one row
      per message, recipient lists separated by ``;`` or ``,`` (a ``to`` column with lists, or
      ``cc``/``bcc`` columns, mark this shape). Each distinct recipient of a message gives one pair
      of weight :math:`w = 1 / r`, with :math:`r` the number of recipients of the message
      (To + Cc + Bcc), so a message to 50 people counts as much as one to a single person.

    Other inputs -- ``format=`` given, a folder, ``.mbox``, ``.eml``, ``.zip``, ``.ics``, or a
    ``.json`` that is not a table of pairs -- are read by
    :func:`ambassadors.io.formats.read_format`.

    Parameters
    ----------
    path_or_frame : path or DataFrame
        The log: CSV/TSV, ``.xlsx``, ``.parquet``, ``.json`` or a DataFrame.
    people : DataFrame, Loaded or path, optional
        The roster (a table from :func:`~ambassadors.io.people.read_people`, or anything it
        reads). Senders and recipients are matched by ``person_id`` or, case-insensitively,
        by ``email``; anyone else (distribution lists, external addresses) is dropped and
        counted. Without a roster ids are kept as given.
    columns : dict, optional
        ``{"their column": "our column"}`` overrides of the aliases (:data:`INTERACTION_ALIASES`).
    channel : str, optional
        Channel of every row; default the file's ``channel`` column, else ``"email"`` for events
        and ``"unknown"`` for edge lists.
    format : str, optional
        Read with an export-format reader (``"mbox"``, ``"slack"``, ...) instead.

    Returns
    -------
    Loaded
        ``table``: ``source, target`` (Categorical; categories = roster ids when a roster is
        given), ``timestamp`` (datetime64[ns, UTC]; naive times are taken as UTC, offsets
        converted; all NaT without a timestamp column), ``weight`` (float64), ``channel``
        (Categorical), ``event_id`` (str, when given). ``report``: rows and (row, recipient) pairs
        read, used and dropped by reason (``no_recipients``, ``unknown_sender``,
        ``unknown_recipient``, ``bad_timestamp``, ``self_pair``, ``zero_weight``, ``bad_value``,
        ``bad_row``).

    Raises
    ------
    InputError
        Unreadable file, no sender/recipient columns (the message lists the columns found), or
        nothing left after dropping.

    Examples
    --------
    >>> log = pd.DataFrame({"From": ["ann@x.org", "bo@x.org"],
    ...                     "To": ["bo@x.org; cy@x.org", "list@x.org"],
    ...                     "Subject": ["never read", "never read"],
    ...                     "Date": ["2024-03-01T09:00:00+01:00", "2024-03-01 10:00"]})
    >>> people = pd.DataFrame({"department": ["A", "B", "B"],
    ...                        "email": ["ann@x.org", "bo@x.org", "cy@x.org"]},
    ...                       index=pd.Index(["1", "2", "3"], name="person_id"))
    >>> table, report = read_interactions(log, people=people)
    >>> table[["source", "target", "weight"]].to_dict("records")
    [{'source': '1', 'target': '2', 'weight': 0.5}, {'source': '1', 'target': '3', 'weight': 0.5}]
    >>> report.dropped, report.pairs_dropped
    ({'unknown_recipient': 1}, {'unknown_recipient': 1})

    Notes
    -----
    Cost is linear in the file: CSV is parsed by pyarrow with every column as a string, recipient
    lists are split with pyarrow compute kernels, and ids, e-mails and timestamps are resolved
    once per distinct value. About 2 million messages (5-6 million pairs, 100 MB) read in a few
    seconds on two cores (``bench/bench_read.py``).
    """
    if people is not None:
        from ambassadors.io.people import as_roster

        people = as_roster(people)
    if format is not None or _is_export(path_or_frame):
        return _read_format(path_or_frame, format=format, people=people, columns=columns,
                            channel=channel)
    try:
        raw = read_raw(path_or_frame)
    except InputError:
        if isinstance(path_or_frame, (str, PathLike)) and \
                Path(path_or_frame).suffix.lower() == ".json" and Path(path_or_frame).is_file():
            return _read_format(path_or_frame, format=None, people=people, columns=columns,
                                channel=channel)
        raise
    if Path(raw.source).suffix.lower() == ".json" and isinstance(path_or_frame, (str, PathLike)):
        mapping, _ = resolve_columns(raw.columns, INTERACTION_ALIASES, columns=None,
                                     source=raw.source)
        if not {"source", "target"} <= set(mapping.values()):
            return _read_format(path_or_frame, format=None, people=people, columns=columns,
                                channel=channel)
    return _read_tabular(raw, people=people, columns=columns, channel=channel)


def _read_format(path: object, *, format: str | None, people: pd.DataFrame | None,
                 columns: dict | None, channel: str | None) -> Loaded:
    try:
        from ambassadors.io.formats import read_format
    except ImportError:
        name = Path(path).name if isinstance(path, (str, PathLike)) else "<input>"
        raise InputError(f"{name}: not a table of interactions, and no export-format reader is "
                         f"available{f' for format={format!r}' if format else ''}") from None
    return read_format(path, format=format, people=people, columns=columns, channel=channel)


def _as_categorical(col: pd.Series) -> pd.Categorical:
    """A Categorical of stripped strings (cheap when ``col`` already is one)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cat = col.array
        values = _as_str_series(np.asarray(cat.categories, dtype=object))
        if values.is_unique:
            return pd.Categorical.from_codes(cat.codes, categories=pd.Index(
                values.to_numpy(dtype=object)))
        col = col.astype(object)
    return pd.Categorical(_as_str_series(col).to_numpy(dtype=object))


def _union_categories(cats: object) -> pd.Index:
    """Union of the categories, in order of first appearance."""
    union = np.empty(0, dtype=object)
    for cat in cats:
        new = np.asarray(cat.categories, dtype=object)
        missing = pd.Index(union, dtype=object).get_indexer(new) < 0
        union = np.concatenate([union, new[missing]])
    return pd.Index(union) if len(union) else pd.Index([], dtype=object)


def _recode(cat: pd.Categorical, categories: pd.Index) -> np.ndarray:
    """Codes of ``cat`` in ``categories`` (-1 stays -1)."""
    mapping = np.append(categories.get_indexer(np.asarray(cat.categories, dtype=object)), -1)
    return mapping[np.asarray(cat.codes, dtype=np.int64)]


def combine_interactions(*items: pd.DataFrame | Loaded) -> Loaded:
    """Concatenate interactions tables (e.g. e-mail + chat + meetings) into one.

    Parameters
    ----------
    *items : DataFrame or Loaded
        Canonical interactions tables.

    Returns
    -------
    Loaded
        Rows of every input in order; ``source``/``target`` categories are the union (first
        input's order, then new ids in order of appearance); ``channel`` kept per row;
        ``event_id`` kept ("" for inputs without it). The report sums rows and pairs read, used
        and dropped by reason; its notes are prefixed with each input's source.

    Examples
    --------
    >>> a = pd.DataFrame({"source": ["1"], "target": ["2"], "weight": [1.0], "channel": ["email"]})
    >>> b = pd.DataFrame({"source": ["3"], "target": ["1"], "weight": [0.5], "channel": ["chat"]})
    >>> table, report = combine_interactions(a, b)
    >>> list(table["source"].cat.categories), table["channel"].tolist(), report.rows_used
    (['1', '2', '3'], ['email', 'chat'], 2)
    """
    if not items:
        raise InputError("combine_interactions: nothing to combine")
    frames, reports = [], []
    for i, item in enumerate(items):
        frame = as_frame(item)
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"combine_interactions: item {i + 1} is not a table")
        missing = [c for c in ("source", "target") if c not in frame.columns]
        if missing:
            raise InputError(f"combine_interactions: item {i + 1} has no column "
                             f"{', '.join(map(repr, missing))}; columns are: "
                             f"{', '.join(map(str, frame.columns))}")
        if isinstance(item, Loaded):
            reports.append(item.report)
        else:
            reports.append(LoadReport(source=f"<DataFrame {i + 1}>", kind="interactions",
                                      rows_read=len(frame), rows_used=len(frame)))
        frames.append(frame)

    # Each column is recoded through its categories (distinct values), never row by row.
    coded = [{name: _as_categorical(frame[name]) for name in ("source", "target")}
             for frame in frames]
    categories = _union_categories(c[name] for c in coded for name in ("source", "target"))
    dtype = pd.CategoricalDtype(categories)
    has_event = any("event_id" in f.columns for f in frames)
    parts = []
    for frame, cols in zip(frames, coded):
        n = len(frame)
        part = {name: _recode(cols[name], categories) for name in ("source", "target")}
        if "timestamp" in frame.columns:
            part["timestamp"], _ = parse_datetimes(frame["timestamp"])
        else:
            part["timestamp"] = _nat_series(n)
        part["weight"] = pd.Series(frame["weight"].to_numpy(dtype=np.float64)) \
            if "weight" in frame else pd.Series(np.ones(n))
        chan = frame["channel"] if "channel" in frame else pd.Series(["unknown"] * n)
        part["channel"] = _as_categorical(chan)
        if has_event:
            part["event_id"] = frame["event_id"].reset_index(drop=True).astype(str) \
                if "event_id" in frame else pd.Series([""] * n, dtype=str)
        parts.append(part)
    channels = _union_categories(p["channel"] for p in parts)
    table = pd.DataFrame({
        "source": pd.Categorical.from_codes(np.concatenate([p["source"] for p in parts]),
                                            dtype=dtype),
        "target": pd.Categorical.from_codes(np.concatenate([p["target"] for p in parts]),
                                            dtype=dtype),
        "timestamp": pd.concat([p["timestamp"] for p in parts], ignore_index=True
                               ).astype("datetime64[ns, UTC]"),
        "weight": pd.concat([p["weight"] for p in parts], ignore_index=True),
        "channel": pd.Categorical.from_codes(
            np.concatenate([_recode(p["channel"], channels) for p in parts]),
            dtype=pd.CategoricalDtype(channels)),
    })
    if has_event:
        table["event_id"] = pd.concat([p["event_id"] for p in parts], ignore_index=True)

    report = LoadReport(source=" + ".join(r.source for r in reports), kind="interactions")
    for r in reports:
        report.rows_read += r.rows_read
        report.rows_used += r.rows_used
        for reason, n in r.dropped.items():
            report.drop(reason, n)
        if r.pairs_read is not None:
            report.pairs_read = (report.pairs_read or 0) + r.pairs_read
            report.pairs_used = (report.pairs_used or 0) + (r.pairs_used or 0)
            for reason, n in r.pairs_dropped.items():
                report.drop(reason, n, unit="pairs")
        elif any(x.pairs_read is not None for x in reports):
            # an input without pair accounting: its rows are its pairs
            report.pairs_read = (report.pairs_read or 0) + r.rows_used
            report.pairs_used = (report.pairs_used or 0) + r.rows_used
        report.notes += [f"{r.source}: {note}" for note in r.notes]
    return Loaded(table, report)
