"""Meeting attendance CSV -> interactions (channel ``meeting``); shared meeting-to-pairs rule.

One row per meeting with the organizer, the attendees (``;``- or ``,``-separated addresses or
ids), the start and the end (or a duration in minutes). Columns matched case- and
space-insensitively (``columns={"their column": "role"}`` overrides):

=========== ===============================================================
role        accepted column names
=========== ===============================================================
organizer   ``organizer``, ``organiser``, ``organizer_email``, ``host``
attendees   ``attendees``, ``participants``, ``attendee_emails``, ``required_attendees``
start       ``start``, ``start_time``, ``start_date_time``, ``begin``
end         ``end``, ``end_time``, ``end_date_time``, ``finish``
duration    ``duration_minutes``, ``duration_min``, ``duration``, ``minutes``
event_id    ``meeting_id``, ``event_id``, ``uid``, ``id``
=========== ===============================================================

Weight rule (shared with the ICS reader): the participants of a meeting are the organizer and
the attendees (distinct). Each of the :math:`n` participants spends the meeting's
:math:`h` hours with the :math:`n - 1` others, so every ordered pair of participants gets

.. math:: w = h / (n - 1)

(a one-hour 1:1 gives weight 1 each way; a one-hour meeting of 5 gives 0.25 per pair).
Meetings with more than :data:`MAX_MEETING_SIZE` participants are town halls, not ties: they
are skipped and counted as ``too_large``. Meetings with a single participant are
``no_recipients``; an unparseable start is ``bad_timestamp``; a missing or negative duration is
``bad_value``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.io._pairs import finalize_pairs
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.tables import parse_datetimes, to_number

from ._common import new_report, read_role_columns, resolve_people_keys, roster_frame

__all__ = ["read_meetings_csv", "parse_meetings_csv", "meeting_pairs", "MAX_MEETING_SIZE", "ROLES"]

MAX_MEETING_SIZE = 50
"""Meetings with more participants than this are skipped (``too_large``)."""

ROLES: dict[str, tuple[str, ...]] = {
    "organizer": ("organizer", "organiser", "organizer_email", "organizer email", "host"),
    "attendees": ("attendees", "participants", "attendee_emails", "attendee emails",
                  "required_attendees", "required attendees"),
    "start": ("start", "start_time", "start time", "start_date_time", "begin", "date"),
    "end": ("end", "end_time", "end time", "end_date_time", "finish"),
    "duration": ("duration_minutes", "duration_min", "duration (minutes)", "duration", "minutes"),
    "event_id": ("meeting_id", "meeting id", "event_id", "uid", "id"),
}


def meeting_pairs(
    events: pd.DataFrame,
    members: pd.DataFrame,
    report: LoadReport,
    *,
    max_size: int = MAX_MEETING_SIZE,
    occurrences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """All ordered participant pairs of each meeting, weight ``hours / (n - 1)``.

    ``events`` has one row per meeting: ``row`` (int, 0..len-1), ``timestamp`` (ISO string or
    None), ``hours`` (float, NaN when unknown), ``bad_time`` (bool), ``event_id``. ``members``
    is long: ``row, key`` with distinct keys per row. Rows that give no pair are counted in
    ``report`` (``bad_timestamp``, ``no_recipients``, ``too_large``, ``bad_value``); the caller
    has counted ``rows_read``. ``occurrences`` (``row, timestamp``; several per row for a
    recurring event) replaces the ``timestamp`` of ``events``: every occurrence repeats the pairs.
    """
    n = np.bincount(members["row"].to_numpy(dtype=np.int64), minlength=len(events))[: len(events)]
    hours = events["hours"].to_numpy(dtype=float)
    bad_time = events["bad_time"].to_numpy(dtype=bool)
    alone = ~bad_time & (n < 2)
    large = ~bad_time & ~alone & (n > max_size)
    bad_dur = ~bad_time & ~alone & ~large & ~(np.isfinite(hours) & (hours >= 0))
    report.drop("bad_timestamp", int(bad_time.sum()))
    report.drop("no_recipients", int(alone.sum()))
    report.drop("too_large", int(large.sum()))
    report.drop("bad_value", int(bad_dur.sum()))
    if large.any():
        report.notes.append(f"{int(large.sum())} meetings with more than {max_size} participants skipped")
    ok = ~(bad_time | alone | large | bad_dur)
    keep = events[ok].assign(weight=hours[ok] / (n[ok] - 1))
    m = members[ok[members["row"].to_numpy(dtype=np.int64)]]
    pairs = m.rename(columns={"key": "source"}).merge(m.rename(columns={"key": "target"}), on="row")
    pairs = pairs[pairs["source"] != pairs["target"]]
    if occurrences is None:
        pairs = pairs.merge(keep[["row", "timestamp", "weight", "event_id"]], on="row", how="left")
    else:
        pairs = pairs.merge(keep[["row", "weight", "event_id"]], on="row", how="left")
        pairs = pairs.merge(occurrences[["row", "timestamp"]], on="row", how="inner")
    return pairs[["row", "source", "target", "timestamp", "weight", "event_id"]].reset_index(drop=True)


def finish_meetings(
    pairs: pd.DataFrame,
    report: LoadReport,
    *,
    people: pd.DataFrame | Loaded | None,
    channel: str | None,
) -> Loaded:
    """``finalize_pairs`` for meetings, whose rows have many senders.

    ``finalize_pairs`` merges repeated (row, recipient) pairs, which is right for a message (one
    sender) but would merge ``a -> c`` and ``b -> c`` of one meeting. So pairs are handed on with
    one sub-row per (meeting, participant) and the row accounting is done here per meeting: a
    meeting is used when one of its pairs is; a meeting left without pairs is dropped as
    ``unknown_sender`` when one of its participants is not in the roster, ``self_pair`` when
    all of them resolve to one person, else ``zero_weight`` (a meeting of no duration).
    """

    # one sub-row per (meeting, occurrence, participant)
    sub = pairs.groupby(["row", "timestamp", "source"], sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
    n_sub = int(sub.max()) + 1 if len(sub) else 0
    meeting = np.zeros(n_sub, dtype=np.int64)
    meeting[sub] = pairs["row"].to_numpy(dtype=np.int64)
    real_id = np.full(n_sub, "", dtype=object)
    eid = pairs["event_id"].astype(object)
    real_id[sub] = eid.where(eid.notna(), "").to_numpy(dtype=object)
    scratch = LoadReport(source=report.source, kind=report.kind)
    tmp = pairs.assign(row=sub, event_id=sub.astype(str))
    roster = as_frame(people) if people is not None else None
    table = finalize_pairs(tmp, people=roster, report=scratch, channel=channel or "meeting")
    report.pairs_read = (report.pairs_read or 0) + (scratch.pairs_read or 0)
    report.pairs_used = (report.pairs_used or 0) + (scratch.pairs_used or 0)
    for reason, count in scratch.pairs_dropped.items():
        report.drop(reason, count, unit="pairs")
    report.notes += scratch.notes
    kept_sub = table["event_id"].astype(str).astype(np.int64).to_numpy() if len(table) else np.zeros(0, np.int64)
    table["event_id"] = pd.Series(real_id[kept_sub], dtype=str)
    used = np.unique(meeting[kept_sub])
    report.rows_used += len(used)
    # why the other meetings gave nothing (all their participants are sources of sub-rows)
    parts = pd.DataFrame({"meeting": meeting, "key": pairs.groupby(sub, sort=True)["source"].first().to_numpy()})
    parts = parts[~np.isin(parts["meeting"], used)]
    if len(parts):
        who = resolve_people_keys(parts["key"], roster)
        per = pd.DataFrame({"meeting": parts["meeting"].to_numpy(), "who": who.to_numpy(),
                            "unknown": who.isna().to_numpy()})
        agg = per.groupby("meeting").agg(unknown=("unknown", "any"), persons=("who", "nunique"))
        report.drop("unknown_sender", int(agg["unknown"].sum()))
        report.drop("self_pair", int((~agg["unknown"] & (agg["persons"] <= 1)).sum()))
        report.drop("zero_weight", int((~agg["unknown"] & (agg["persons"] > 1)).sum()))
    return Loaded(table, report)


def distinct_participants(
    organizer: pd.Series, attendees: pd.Series, people: pd.DataFrame | Loaded | None = None
) -> pd.DataFrame:
    """Long ``row, key`` frame: distinct participants per row, organizer first.

    ``attendees`` cells are ``;``/``,``-separated; ``mailto:`` prefixes are removed and e-mail
    addresses lower-cased. With a roster, keys are resolved to ``person_id`` first, so that one
    person named twice (by e-mail and by id) is one participant; unknown keys stay as they are
    (and are counted by ``finalize_pairs``), but still count as present in the meeting.
    """
    n = len(organizer)
    org = pd.DataFrame({"row": np.arange(n), "order": 0, "key": organizer.astype(object).to_numpy()})
    att = attendees.astype(object).reset_index(drop=True).str.split(r"[;,]", regex=True).explode()
    att = pd.DataFrame({"row": att.index.to_numpy(), "order": 1, "key": att.to_numpy()})
    long = pd.concat([org, att], ignore_index=True)
    long = long[long["key"].notna()]
    key = long["key"].astype(str).str.strip()
    key = key.str.replace(r"^mailto:", "", case=False, regex=True)
    key = key.where(~key.str.contains("@", regex=False), key.str.lower())
    if people is not None:
        resolved = resolve_people_keys(key, people)
        key = resolved.where(resolved.notna(), key)
    long = long.assign(key=key)[key != ""]
    long = long.sort_values(["row", "order"], kind="stable").drop_duplicates(["row", "key"])
    return long[["row", "key"]].reset_index(drop=True)


def parse_meetings_csv(
    path: str | os.PathLike[str],
    *,
    columns: dict[str, str] | None = None,
    people: pd.DataFrame | Loaded | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from a meeting attendance CSV."""

    path = Path(path)
    report = new_report(path, fmt="meetings_csv")
    frame, roles = read_role_columns(path, ROLES, required=("attendees", "start"), columns=columns)
    if "end" not in roles and "duration" not in roles:
        report.notes.append("no end or duration column: every meeting counted as bad_value")
    frame = frame.reset_index(drop=True)
    report.rows_read += len(frame)
    start, bad_start = parse_datetimes(frame["start"], notes=report.notes)
    bad_start = bad_start | start.isna().to_numpy()
    if "end" in frame:
        end, _ = parse_datetimes(frame["end"], notes=report.notes)
        hours = (end - start).dt.total_seconds() / 3600.0
    else:
        hours = pd.Series(np.nan, index=frame.index)
    if "duration" in frame:
        minutes, _ = to_number(frame["duration"], decimal_comma=True)
        hours = hours.where(hours.notna(), minutes / 60.0)
    organizer = frame["organizer"] if "organizer" in frame else pd.Series(None, index=frame.index, dtype=object)
    members = distinct_participants(organizer, frame["attendees"], people)
    events = pd.DataFrame({
        "row": np.arange(len(frame), dtype=np.int64),
        "timestamp": start.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").astype(object).where(start.notna(), None),
        "hours": hours.to_numpy(dtype=float),
        "bad_time": bad_start,
        "event_id": frame["event_id"] if "event_id" in frame else None,
    })
    return meeting_pairs(events, members, report), report


def read_meetings_csv(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read a meeting attendance CSV into the canonical interactions table.

    Every ordered pair of participants of a meeting of :math:`h` hours and :math:`n`
    participants gets weight :math:`h / (n - 1)`.

    Parameters
    ----------
    path : path-like
        The CSV (one row per meeting).
    people : DataFrame or Loaded, optional
        Roster; ids and e-mail addresses are resolved to ``person_id``.
    columns : dict, optional
        ``{"their column": "role"}``; roles: ``organizer, attendees, start, end, duration,
        event_id``.
    channel : str, optional
        Channel label (default ``"meeting"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per meeting.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "meetings.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("organizer,attendees,start,end,subject\\n"
    ...                  "a@x.org,b@x.org;c@x.org,2025-11-03 09:00,2025-11-03 10:00,secret\\n")
    >>> table, _ = read_meetings_csv(p)
    >>> len(table), table["weight"].unique().tolist()
    (6, [0.5])

    Notes
    -----
    Vectorised; a meeting of :math:`n` participants gives :math:`n(n-1)` pairs, bounded by
    :data:`MAX_MEETING_SIZE`.
    """
    people = roster_frame(people)
    pairs, report = parse_meetings_csv(path, columns=columns, people=people)
    return finish_meetings(pairs, report, people=people, channel=channel)
