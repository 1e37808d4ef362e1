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

import copy
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors._text import normalize_name
from ambassadors.errors import InputError
from ambassadors.io._pairs import (
    PairArrays,
    channel_categorical,
    finalize_arrays,
    finalize_pairs,
    nat_series,
    no_roster_key,
    require_matches,
)
from ambassadors.io.convert import HAS_OFFSET, as_str_series, parse_datetimes, to_number
from ambassadors.io.formats import detect_format, read_format
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.people import as_roster
from ambassadors.io.tables import RawTable, read_raw, resolve_columns

__all__ = ["read_interactions", "combine_interactions", "finalize_pairs", "INTERACTION_COLUMNS"]

INTERACTION_COLUMNS = ["source", "target", "timestamp", "weight", "channel"]

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

    return _codes_values(pc.dictionary_encode(arr))


def _codes_values(enc: object) -> tuple[np.ndarray, pd.Series]:
    """(int64 codes, distinct values as stripped strings) of a dictionary-encoded array."""
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = as_str_series(np.asarray(enc.dictionary.to_pylist(), dtype=object))
    return codes, values


def _is_export(obj: object) -> bool:
    if not isinstance(obj, (str, PathLike)):
        return False
    path = Path(obj).expanduser()
    if path.is_dir() or path.suffix.lower() in _EXPORT_SUFFIXES:
        return True
    if path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".txt", ".gz", ""):
        # message traces, mail-log exports, meeting attendance and Viva queries are CSV too:
        # their headers tell them apart from a plain edge list or event log
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
    if any(HAS_OFFSET.search(v) for v in sample):
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


def _split_lists(joined: object) -> tuple[np.ndarray, object]:
    """(row of each recipient, the recipients dictionary-encoded) of ``;``-separated lists, where
    a comma separates too.

    Commas are looked for among the distinct recipients, not in the whole column: a comma in any
    list ends up in one of them, and only then are the lists split again at both separators.
    """
    import pyarrow.compute as pc

    lists = pc.split_pattern(joined, ";")
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    if _any_substring(encoded.dictionary, ","):
        lists = pc.split_pattern(pc.replace_substring(joined, ",", ";"), ";")
        encoded = pc.dictionary_encode(pc.list_flatten(lists))
    rows = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    return rows, encoded


def _recipient_pairs(target_cols: list, *, events: bool, n_rows: int,
                     target_encoded: object = None) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """(row of each pair, recipient codes, distinct recipients) of the recipient columns, all in
    pyarrow kernels; blank recipients give no pair. ``target_encoded``: the one recipient column
    of an edge list, already dictionary-encoded."""
    import pyarrow.compute as pc

    if events:
        joined = target_cols[0] if len(target_cols) == 1 else \
            pc.binary_join_element_wise(*target_cols, ";")
        rows, encoded = _split_lists(joined)
        del joined  # the big string arrays are not needed past this point
    else:
        rows = np.arange(n_rows, dtype=np.int64)
        encoded = target_encoded if target_encoded is not None else \
            pc.dictionary_encode(target_cols[0])
    t_codes, t_values = _codes_values(encoded)
    del encoded
    if events:
        # normalise the few distinct addresses, not the millions of pairs
        keys = no_roster_key(t_values)
        key_codes, key_values = pd.factorize(keys.to_numpy(dtype=object))
        t_codes = key_codes[t_codes]
        t_values = as_str_series(np.asarray(key_values, dtype=object))
    blank = (t_values == "").to_numpy()
    if blank.any():
        nonblank = ~blank[t_codes]
        t_codes, rows = t_codes[nonblank], rows[nonblank]
    return rows, t_codes, t_values


def _row_attributes(p: PairArrays, col, found: dict[str, str], *, decimal_comma: bool,
                    notes: list[str]) -> None:
    """Row-level timestamp, weight, channel and event id of a tabular log, into ``p``."""
    if "timestamp" in found:
        p.timestamp = _row_timestamps(col("timestamp"), notes)
    if "weight" in found:
        codes, values = _dict_encode(_as_string_array(col("weight")))
        w, bad = to_number(values, decimal_comma=decimal_comma)
        p.weight = (np.append(w.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)[codes],
                    np.append(bad, False)[codes])
    if p.channel is None and "channel" in found:
        codes, values = _dict_encode(_as_string_array(col("channel")))
        names = channel_categorical(values)  # one per distinct raw value, normalised
        p.channel_values = pd.Categorical.from_codes(names.codes[codes], dtype=names.dtype)
    if "event_id" in found:
        p.event_id = _as_string_array(col("event_id"))


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
    encoded = None
    if not events and n_rows:
        # separators are looked for in the first rows, then among the distinct recipients (the
        # encoding is kept for an edge list)
        events = _any_substring(target_cols[0].slice(0, 4096), ";", ",")
        if not events:
            encoded = pc.dictionary_encode(target_cols[0])
            events = _any_substring(encoded.dictionary, ";", ",")
    report.notes.append("read as an event log (one row per message)" if events
                        else "read as an edge list (one row per pair)")
    rows, t_codes, t_values = _recipient_pairs(target_cols, events=events, n_rows=n_rows,
                                               target_encoded=None if events else encoded)
    del encoded
    del target_cols
    has_pair = np.zeros(n_rows, dtype=bool)
    has_pair[rows] = True
    report.drop("no_recipients", int(n_rows - has_pair.sum()))

    s_codes, s_values = _dict_encode(_as_string_array(col("source")))
    if channel is None and "channel" not in found:
        channel = "email" if events else "unknown"
    p = PairArrays(rows=rows, n_rows=n_rows, source=(s_codes[rows], s_values),
                   target=(t_codes, t_values), at=rows, channel=channel)
    _row_attributes(p, col, found, decimal_comma=raw.decimal_comma, notes=report.notes)
    out = finalize_arrays(p, people=people, report=report)
    if people is not None:
        require_matches(report, people.index)
    # rows with no pair were counted above; finalize_arrays counted the rows it saw
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
        Unreadable file, no sender/recipient columns (the message lists the columns found),
        nothing left after dropping, or -- with a roster -- not one pair naming two of its people
        (:func:`~ambassadors.io._pairs.require_matches`: the message shows how much was read and
        example ids from both sides). :func:`~ambassadors.io.formats.read_format` itself only
        accounts; this check is made here, where a log meets its roster.

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
    loaded = read_format(path, format=format, people=people, columns=columns, channel=channel)
    if people is not None:
        require_matches(loaded.report, people.index)
    return loaded


def _as_categorical(col: pd.Series) -> pd.Categorical:
    """A Categorical of stripped strings (cheap when ``col`` already is one)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cat = col.array
        values = as_str_series(np.asarray(cat.categories, dtype=object))
        if values.is_unique:
            return pd.Categorical.from_codes(cat.codes, categories=pd.Index(
                values.to_numpy(dtype=object)))
        col = col.astype(object)
    return pd.Categorical(as_str_series(col).to_numpy(dtype=object))


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


def _checked_frames(items: tuple) -> tuple[list[pd.DataFrame], list[LoadReport]]:
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
    return frames, reports


def _part(frame: pd.DataFrame, cols: dict, categories: pd.Index, has_event: bool) -> dict:
    """One input's columns, recoded to the union categories."""
    n = len(frame)
    part = {name: _recode(cols[name], categories) for name in ("source", "target")}
    if "timestamp" in frame.columns:
        part["timestamp"], _ = parse_datetimes(frame["timestamp"])
    else:
        part["timestamp"] = nat_series(n)
    part["weight"] = pd.Series(frame["weight"].to_numpy(dtype=np.float64)) \
        if "weight" in frame else pd.Series(np.ones(n))
    chan = frame["channel"] if "channel" in frame else pd.Series(["unknown"] * n)
    part["channel"] = _as_categorical(chan)
    if has_event:
        part["event_id"] = frame["event_id"].reset_index(drop=True).astype(str) \
            if "event_id" in frame else _blank_strings(n)
    return part


def _blank_strings(n: int) -> pd.Series:
    """``n`` empty strings as a ``str`` Series, built as one arrow array (no Python list)."""
    import pyarrow as pa

    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int32))
    return pd.Series(pa.StringArray.from_buffers(n, offsets, pa.py_buffer(b"")).to_pandas(),
                     copy=False)


def _repeated_messages(parts: list[dict], reports: list[LoadReport]) -> np.ndarray:
    """Mask of the pairs whose (message id, sender, recipient) an earlier input already holds.

    Overlapping exports (two mail logs of the same weeks) repeat messages: the later copies are
    dropped and counted as ``duplicate_row`` -- rows by distinct message id, pairs one by one --
    in that input's report. Rows without a message id are never duplicates.
    """
    repeated = np.zeros(sum(len(p["source"]) for p in parts), dtype=bool)
    if sum(bool((p["event_id"] != "").any()) for p in parts) < 2:
        return repeated  # message ids in one input alone: nothing is read twice
    ids = pd.concat([p["event_id"] for p in parts], ignore_index=True)
    src = np.concatenate([p["source"] for p in parts]).astype(np.int64)
    tgt = np.concatenate([p["target"] for p in parts]).astype(np.int64)
    which = np.concatenate([np.full(len(p["source"]), i) for i, p in enumerate(parts)])
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(ids, type=pa.string())
    arr = pc.fill_null(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr, "")
    encoded = pc.dictionary_encode(arr)
    id_code = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    nonempty = pc.not_equal(arr, "").to_numpy(zero_copy_only=False)
    if not len(id_code):
        return repeated
    # Dictionary codes are numbered in order of first appearance, so an id's first row is where
    # the running maximum of the codes grows. Only rows of an id first seen in an earlier input
    # can repeat a message: usually none, and then nothing more is computed.
    grows = np.concatenate([[True], id_code[1:] > np.maximum.accumulate(id_code)[:-1]])
    first_row = np.flatnonzero(grows)
    if len(first_row) != len(encoded.dictionary):  # not in order of appearance: look them up
        first_row = np.unique(id_code, return_index=True)[1]
    later = (which != which[first_row[id_code]]) & nonempty
    if not later.any():
        return repeated
    rows = np.flatnonzero(np.isin(id_code, np.unique(id_code[later])))
    n = int(max(src.max(), tgt.max())) + 1
    if len(encoded.dictionary) * n * n < 2**62:  # one int64 per triple: cheap to hash
        key = pd.factorize((id_code[rows] * n + src[rows]) * n + tgt[rows])[0]
    else:
        key = pd.MultiIndex.from_arrays([id_code[rows], src[rows], tgt[rows]]).factorize()[0]
    first = np.empty(int(key.max()) + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)  # first position of each triple
    # the first copy is kept; a repeat inside one input is that reader's business (e.g. a
    # meeting's occurrences), so only copies from a later input than the first are dropped
    repeated[rows] = which[rows] != which[rows[first[key]]]
    repeated &= nonempty
    for i in np.unique(which[repeated]):
        mask = repeated & (which == i)
        n_rows = int(ids[mask].nunique())
        r = reports[i]
        r.rows_used -= n_rows
        r.drop("duplicate_row", n_rows)
        if r.pairs_read is not None:
            r.pairs_used = (r.pairs_used or 0) - int(mask.sum())
            r.drop("duplicate_row", int(mask.sum()), unit="pairs")
        r.notes.append(f"{int(mask.sum())} pairs of {n_rows} messages already read from an "
                       "earlier input (same message id): dropped as duplicate_row")
    return repeated


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
        and dropped by reason (:meth:`LoadReport.merge`); its notes are prefixed with each
        input's source.

    Notes
    -----
    Overlapping exports are not counted twice: a pair whose message id (``event_id``), sender
    and recipient an earlier input already holds is dropped as ``duplicate_row`` (the rows by
    distinct message id, the pairs one by one), as the mbox reader does within one file. The
    inputs' own reports are not changed.

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
    frames, reports = _checked_frames(items)
    reports = [copy.deepcopy(r) for r in reports]
    # Each column is recoded through its categories (distinct values), never row by row.
    coded = [{name: _as_categorical(frame[name]) for name in ("source", "target")}
             for frame in frames]
    categories = _union_categories(c[name] for c in coded for name in ("source", "target"))
    dtype = pd.CategoricalDtype(categories)
    has_event = any("event_id" in f.columns for f in frames)
    parts = [_part(frame, cols, categories, has_event) for frame, cols in zip(frames, coded, strict=True)]
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
        if len(parts) > 1:
            repeated = _repeated_messages(parts, reports)
            if repeated.any():
                table = table[~repeated].reset_index(drop=True)

    report = LoadReport(source=" + ".join(r.source for r in reports), kind="interactions")
    if any(r.pairs_read is not None for r in reports):
        report.pairs_read, report.pairs_used = 0, 0
    for r in reports:
        report.merge(r)
    return Loaded(table, report)
