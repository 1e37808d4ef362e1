"""iCalendar (.ics) files -> interactions (channel ``meeting``).

The facts of each ``VEVENT`` are read by a small, tolerant line reader that streams the file
(content lines unfolded, quoted parameters), keeping only ``UID``, ``RECURRENCE-ID``,
``ORGANIZER``, ``ATTENDEE``, ``DTSTART``, ``DTEND``, ``DURATION``, ``STATUS`` and the presence of
``RRULE``/``RDATE``; recurring series are expanded by ``recurring-ical-events`` over the
``icalendar`` parse of their calendar (only calendars holding a recurring event are parsed
twice). ``bench/bench_ics.py`` compares this with the hand-written expansion it replaced.
``SUMMARY``, ``DESCRIPTION``, ``LOCATION``, attachments and
alarms are skipped without being stored.

Times: ``...Z`` is UTC; ``TZID=`` is converted with :mod:`zoneinfo` (IANA names, and common
Windows names written by Outlook such as ``W. Europe Standard Time``); an unknown ``TZID`` or a
floating time (no zone) is taken as UTC, with a note. All-day events (``VALUE=DATE``) are
absences and holidays rather than meetings and are dropped as ``bad_value``; so are cancelled
events (``STATUS:CANCELLED``). Recurring events (``RRULE``, ``RDATE``, ``EXDATE``, expanded by
the ``icalendar`` and ``recurring-ical-events`` libraries) count once per occurrence, at the
same wall-clock time across
daylight-saving changes: series with ``COUNT``/``UNTIL`` in full, open-ended ones up to the latest
``DTSTART`` found in the input, at most :data:`MAX_OCCURRENCES`; ``EXDATE`` dates and instances
moved or cancelled by a ``RECURRENCE-ID`` event are left out. One ``VEVENT`` stays one report
row. The same event (``UID`` + ``RECURRENCE-ID``, with the same start, organizer and attendees)
found in several calendars is counted once (``duplicate_row``); events that share a UID but not
their times or attendees are different meetings and are all kept. In a folder or zip, files
that are not calendars (other names, or no ``BEGIN:VCALENDAR``) are skipped and counted by
reason in ``report.skipped_files``.

Participants: the organizer and every ``ATTENDEE`` (``mailto:`` address) except rooms and
resources (``CUTYPE=ROOM|RESOURCE``) and attendees who declined (``PARTSTAT=DECLINED``). Weight
per ordered pair: ``duration_hours / (participants - 1)``, see :mod:`.meetings`; more than
:data:`~.meetings.MAX_MEETING_SIZE` participants -> ``too_large``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport

from ._common import new_report, open_source, roster_frame
from .meetings import distinct_participants, finish_meetings, meeting_pairs

__all__ = ["read_ics", "parse_ics", "WINDOWS_ZONES"]

_KEPT = {"UID", "RECURRENCE-ID", "ORGANIZER", "ATTENDEE", "DTSTART", "DTEND", "DURATION", "STATUS",
         "RRULE", "RDATE"}
MAX_OCCURRENCES = 1000
"""At most this many occurrences of one recurring event are counted."""
WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "GMT Standard Time": "Europe/London",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Helsinki",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Russian Standard Time": "Europe/Moscow",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "India Standard Time": "Asia/Kolkata",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Singapore Standard Time": "Asia/Singapore",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "UTC": "UTC",
}
"""Windows time-zone names (as written by Outlook/Exchange) -> IANA names."""
_DURATION = re.compile(
    r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)


def _unfold(text: str | Iterable[str]) -> Iterator[str]:
    """RFC 5545 3.1: a line starting with a space or tab continues the previous one.

    Takes the whole text or an iterable of lines (a text stream), and yields logical lines.
    """
    lines = re.split(r"\r\n|\n|\r", text) if isinstance(text, str) else text
    current: str | None = None
    for line in lines:
        line = line.rstrip("\r\n")
        if line[:1] in (" ", "\t") and current is not None:
            current += line[1:]
            continue
        if current:
            yield current
        current = line
    if current:
        yield current


def _split(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;P1=v;P2="q:v":value`` -> (NAME, {P1: v, P2: q:v}, value)."""
    quoted = False
    cut = -1
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            cut = i
            break
    if cut < 0:
        return line.strip().upper(), {}, ""
    head, value = line[:cut], line[cut + 1:]
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = parts[0].strip().upper() if parts else ""
    params: dict[str, str] = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        params[key.strip().upper()] = val.strip().strip('"')
    return name, params, value.strip()


def _zone(tzid: str) -> dt.tzinfo | None:
    tzid = tzid.strip().strip('"').lstrip("/")
    name = WINDOWS_ZONES.get(tzid, tzid)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # "/mozilla.org/20050126_1/Europe/Berlin" and the like: try the trailing Area/City
        m = re.search(r"([A-Za-z_]+/[A-Za-z_]+)$", tzid)
        if m:
            try:
                return zoneinfo.ZoneInfo(m.group(1))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                return None
        return None


def _when(value: str, params: dict[str, str], notes: dict[str, int]) -> tuple[dt.datetime | None, str]:
    """(aware datetime in its own zone, or None; kind) with kind in {"ok", "date", "bad"}.

    Convert with ``.astimezone(dt.timezone.utc)``; the local zone is kept so that recurrences
    repeat at the same wall-clock time across daylight-saving changes.
    """
    v = value.strip()
    if params.get("VALUE", "").upper() == "DATE" or re.fullmatch(r"\d{8}", v):
        return None, "date"
    m = re.fullmatch(r"(\d{8})T(\d{6})(Z?)", v)
    if not m:
        return None, "bad"
    try:
        naive = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None, "bad"
    if m.group(3):
        return naive.replace(tzinfo=dt.timezone.utc), "ok"
    tzid = params.get("TZID")
    if tzid:
        zone = _zone(tzid)
        if zone is None:
            note = f"unknown TZID {tzid!r} taken as UTC"
            notes[note] = notes.get(note, 0) + 1
            return naive.replace(tzinfo=dt.timezone.utc), "ok"
        return naive.replace(tzinfo=zone), "ok"
    notes["floating times (no zone) taken as UTC"] = notes.get("floating times (no zone) taken as UTC", 0) + 1
    return naive.replace(tzinfo=dt.timezone.utc), "ok"


def _duration_hours(value: str) -> float | None:
    m = _DURATION.fullmatch(value.strip().upper())
    if not m:
        return None
    w, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[1:])
    hours = w * 168 + d * 24 + h + mi / 60 + s / 3600
    return -hours if m.group(1) == "-" else hours


def _address(value: str) -> str | None:
    v = value.strip()
    if v.lower().startswith("mailto:"):
        v = v[7:]
    v = v.strip().lower()
    return v if "@" in v else None


class _Events:
    """Accumulates VEVENT facts (no content)."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in (
            "uid", "base_uid", "start", "rid", "hours", "kind", "cancelled", "rrule",
            "organizer", "attendees", "file")}
        self.file = 0  # which calendar of the input the events come from
        self.notes: dict[str, int] = {}

    def add_calendar(self, text: str | Iterable[str]) -> None:
        depth = 0  # nesting inside a VEVENT (VALARM ...)
        props: list[tuple[str, dict[str, str], str]] = []
        for line in _unfold(text):
            name, params, value = _split(line)
            if name == "BEGIN":
                if value.upper() == "VEVENT" and depth == 0:
                    depth, props = 1, []
                elif depth:
                    depth += 1
            elif name == "END" and depth:
                depth -= 1
                if depth == 0:
                    self._add_event(props)
            elif depth == 1 and name in _KEPT:
                props.append((name, params, value))

    def _add_event(self, props: list[tuple[str, dict[str, str], str]]) -> None:
        first: dict[str, tuple[dict[str, str], str]] = {}
        attendees: list[str] = []
        for name, params, value in props:
            if name == "ATTENDEE":
                if params.get("CUTYPE", "").upper() in ("ROOM", "RESOURCE"):
                    continue
                if params.get("PARTSTAT", "").upper() == "DECLINED":
                    continue
                a = _address(value)
                if a:
                    attendees.append(a)
            else:
                first.setdefault(name, (params, value))
        start, kind = (None, "bad")
        if "DTSTART" in first:
            start, kind = _when(first["DTSTART"][1], first["DTSTART"][0], self.notes)
        hours = np.nan
        if kind == "ok" and "DTEND" in first:
            end, end_kind = _when(first["DTEND"][1], first["DTEND"][0], self.notes)
            if end_kind == "ok" and end is not None and start is not None:
                hours = (end - start).total_seconds() / 3600
        elif kind == "ok" and "DURATION" in first:
            h = _duration_hours(first["DURATION"][1])
            hours = np.nan if h is None else h
        elif kind == "ok":
            hours = 0.0  # RFC 5545: a DATE-TIME start without end or duration is instantaneous
        uid = first.get("UID", ({}, ""))[1]
        rid_prop = first.get("RECURRENCE-ID")
        rid = None
        if rid_prop is not None:
            rid_when, _ = _when(rid_prop[1], rid_prop[0], {})
            rid = rid_when.astimezone(dt.timezone.utc) if rid_when is not None else None
        org = first.get("ORGANIZER")
        self.cols["uid"].append(f"{uid}|{rid_prop[1] if rid_prop else ''}" if uid else None)
        self.cols["base_uid"].append(uid or None)
        self.cols["start"].append(start)
        self.cols["rid"].append(rid)
        self.cols["hours"].append(hours)
        self.cols["kind"].append(kind)
        self.cols["cancelled"].append(first.get("STATUS", ({}, ""))[1].upper() == "CANCELLED")
        recurs = rid_prop is None and ("RRULE" in first or "RDATE" in first)
        rule = first["RRULE"][1] + (";X-RDATE=1" if "RDATE" in first else "") if "RRULE" in first \
            else "RDATE"
        self.cols["rrule"].append(rule if recurs else None)
        self.cols["file"].append(self.file)
        self.cols["organizer"].append(_address(org[1]) if org else None)
        self.cols["attendees"].append(";".join(attendees))


def _bounded(rule: str) -> bool:
    """A series with ``COUNT`` or ``UNTIL`` (or only ``RDATE`` dates) is expanded in full."""
    return rule == "RDATE" or bool(re.search(r"(^|;)\s*(COUNT|UNTIL)\s*=", rule, re.I))


def _by_uid(calendar: object) -> tuple[list[object], dict[str, list[object]]]:
    """The time zones of a calendar and its VEVENTs grouped by UID (one pass)."""
    zones, events = [], {}
    for comp in calendar.subcomponents:  # type: ignore[attr-defined]
        if comp.name == "VTIMEZONE":
            zones.append(comp)
        elif comp.name == "VEVENT":
            events.setdefault(str(comp.get("UID", "")), []).append(comp)
    return zones, events


def _series(zones: list[object], components: list[object]) -> object:
    """A calendar holding only the components of one series (and the time zones)."""
    import icalendar

    sub = icalendar.Calendar()
    for comp in [*zones, *components]:
        sub.add_component(comp)
    return sub


_PERIOD = {"SECONDLY": dt.timedelta(seconds=1), "MINUTELY": dt.timedelta(minutes=1),
           "HOURLY": dt.timedelta(hours=1), "DAILY": dt.timedelta(days=1),
           "WEEKLY": dt.timedelta(weeks=1), "MONTHLY": dt.timedelta(days=31),
           "YEARLY": dt.timedelta(days=366)}


def _window_end(rule: str, first: dt.datetime, horizon: dt.datetime | None) -> dt.datetime:
    """The end of the window a series is expanded in (one ``between`` query, no open search).

    Open-ended series: the horizon. Bounded ones: far enough for ``COUNT`` (or
    :data:`MAX_OCCURRENCES`) periods of the rule, and no further than ``UNTIL``.
    """
    if not _bounded(rule):
        return horizon if horizon is not None and horizon > first else first
    if rule == "RDATE" or "X-RDATE" in rule.upper():  # extra dates may lie anywhere
        return first + dt.timedelta(days=366 * 100)
    fields = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    step = _PERIOD.get(fields.get("FREQ", "DAILY"), dt.timedelta(days=1))
    step *= max(int(fields.get("INTERVAL", "1") or 1), 1) if fields.get("INTERVAL", "1").isdigit() else 1
    count = int(fields["COUNT"]) if fields.get("COUNT", "").isdigit() else MAX_OCCURRENCES
    end = first + step * (min(count, MAX_OCCURRENCES) + 1)
    until = re.match(r"(\d{8})(T\d{6})?", fields.get("UNTIL", ""))
    if until:
        stamp = dt.datetime.strptime(until.group(1) + (until.group(2) or "T235959"), "%Y%m%dT%H%M%S")
        end = min(end, stamp.replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1))
    return end


def _occurrences(series: object, start: dt.datetime, rule: str, moved: set[dt.datetime],
                 horizon: dt.datetime | None) -> list[dt.datetime] | None:
    """UTC starts of a recurring event (None when it cannot be read); ``series`` is a calendar
    holding its components only (:func:`_series`).

    Expanded by ``recurring-ical-events`` (RRULE, RDATE, EXDATE, time zones). Series with
    ``COUNT``/``UNTIL`` in full, open-ended ones up to ``horizon`` (the latest ``DTSTART`` in the
    input; the first occurrence always counts); at most :data:`MAX_OCCURRENCES`. Instances moved
    or cancelled by a ``RECURRENCE-ID`` event (``moved``) are their own rows and are left out.
    """
    import recurring_ical_events

    first = start.astimezone(dt.timezone.utc)
    end = _window_end(rule, first, horizon)
    out: list[dt.datetime] = []
    try:
        query = recurring_ical_events.of(series)
        span = (first - dt.timedelta(seconds=1), end + dt.timedelta(seconds=1))
        for when, rid in _starts(query, *span):
            utc = _as_utc(when)
            if utc is None or (_as_utc(rid) if rid is not None else utc) in moved:
                continue
            out.append(utc)
    except (ValueError, TypeError, KeyError, recurring_ical_events.InvalidCalendar):
        return None
    return sorted(out)[:MAX_OCCURRENCES] or [first]


def _starts(query: object, start: dt.datetime, end: dt.datetime) -> list[tuple[object, object]]:
    """(start, RECURRENCE-ID) of each occurrence in [start, end].

    ``between`` turns every occurrence into a copied ``icalendar`` component, three quarters of
    the cost here (``bench/bench_ics.py``); the occurrences themselves carry the two values we
    need, so they are used when this version of ``recurring-ical-events`` has them (3.x).
    """
    occurrences = getattr(query, "_occurrences_between", None)
    if occurrences is not None:
        found = occurrences(query.to_datetime(start), query.to_datetime(end))  # type: ignore[attr-defined]
        if all(hasattr(o, "start") and hasattr(o, "id") for o in found):
            return [(o.start, o.id.recurrence_id) for o in found]
    return [(c["DTSTART"].dt, c["RECURRENCE-ID"].dt if "RECURRENCE-ID" in c else None)
            for c in query.between(start, end)]  # type: ignore[attr-defined]


def _as_utc(when: object) -> dt.datetime | None:
    if not isinstance(when, dt.datetime):
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def _people_key(attendees: str) -> str:
    """Attendees in a canonical order (calendars list them in any order); one call per event."""
    return ";".join(sorted(set(attendees.split(";")))) if attendees else ""


def _expand(path: object, names: list[str], ev: pd.DataFrame, recurring: list[int],
            moved: dict[str, set[dt.datetime]], horizon: dt.datetime | None
            ) -> tuple[dict[int, list[dt.datetime]], int]:
    """Occurrences of the recurring events (row -> UTC starts), each calendar parsed once by
    ``icalendar``; and how many series could not be read (counted once each)."""
    import icalendar

    times_of: dict[int, list[dt.datetime]] = {}
    unreadable = 0
    by_file: dict[int, list[int]] = {}
    for i in recurring:
        by_file.setdefault(int(ev.at[i, "file"]), []).append(i)
    with open_source(path) as src:
        for f, rows in by_file.items():
            try:
                zones, events = _by_uid(icalendar.Calendar.from_ical(src.read_bytes(names[f])))
            except ValueError:
                zones, events = [], {}
            for i in rows:
                start = ev.at[i, "start"]
                uid = ev.at[i, "base_uid"] or ""
                times = None if uid not in events else _occurrences(
                    _series(zones, events[uid]), start, ev.at[i, "rrule"], moved.get(uid, set()),
                    horizon)
                if times is None:
                    unreadable += 1
                times_of[i] = times or [start.astimezone(dt.timezone.utc)]
    return times_of, unreadable


def parse_ics(
    path: str | os.PathLike[str], *, people: pd.DataFrame | Loaded | None = None
) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from one ``.ics`` file or a folder / zip of them."""
    report = new_report(path, fmt="ics")
    acc = _Events()
    with open_source(path) as src:
        names = src.names if src.kind == "file" else [
            n for n in src.names if n.lower().endswith((".ics", ".ical"))]
        report.skip_file("not an .ics file", len(src.names) - len(names))
        if not names:
            raise InputError(f"{Path(path).name}: no .ics file found")
        read = 0
        for name in names:
            with src.open(name) as fh:
                head = fh.read(4096).decode("utf-8-sig", errors="replace").upper()
            if "BEGIN:VCALENDAR" not in head and "BEGIN:VEVENT" not in head:
                if src.kind == "file" or len(names) == 1:
                    raise InputError(f"{src.label(name)}: not an iCalendar file (no BEGIN:VCALENDAR)")
                # one broken calendar in a folder does not stop the others from being read
                report.skip_file("not an iCalendar file (no BEGIN:VCALENDAR)")
                continue
            acc.file = names.index(name)
            with src.open(name) as fh:  # streamed line by line
                acc.add_calendar(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline=""))
            read += 1
        if not read:
            raise InputError(f"{Path(path).name}: no readable iCalendar file "
                             f"({', '.join(report.skipped_files)})")
    ev = pd.DataFrame({k: pd.Series(v, dtype=float if k == "hours" else object) for k, v in acc.cols.items()})
    report.rows_read += len(ev)
    # the same event in several calendars: same UID (+ RECURRENCE-ID), same start, same people.
    # Two events sharing a UID but not their times or attendees are two meetings.
    same = ev[["uid", "start", "organizer", "attendees"]].astype(str)
    same["attendees"] = ev["attendees"].map(_people_key)
    dup = ev["uid"].notna() & same.duplicated(keep="first")
    all_day = ~dup & (ev["kind"] == "date")
    bad = ~dup & (ev["kind"] == "bad")
    cancelled = ~dup & ~all_day & ~bad & ev["cancelled"].astype(bool)
    report.drop("duplicate_row", int(dup.sum()))
    report.drop("bad_value", int((all_day | cancelled).sum()))
    if all_day.any():
        report.notes.append(f"{int(all_day.sum())} all-day events skipped (bad_value)")
    if cancelled.any():
        report.notes.append(f"{int(cancelled.sum())} cancelled events skipped (bad_value)")
    for note, count in acc.notes.items():
        report.notes.append(f"{count} {note}")
    # occurrences: one for a single event, the expanded series for a recurring one
    starts = [s.astimezone(dt.timezone.utc) if s is not None else None for s in ev["start"]]
    horizon = max((s for s in starts if s is not None), default=None)
    moved: dict[str, set[dt.datetime]] = {}
    for uid, rid in zip(ev.loc[~dup, "base_uid"], ev.loc[~dup, "rid"], strict=True):
        if uid is not None and rid is not None:
            moved.setdefault(uid, set()).add(rid)
    recurring = [i for i in range(len(ev)) if ev.at[i, "rrule"] is not None and starts[i] is not None
                 and not (dup[i] or all_day[i] or cancelled[i])]
    times_of, unreadable = _expand(path, names, ev, recurring, moved, horizon)
    occ = [[t.isoformat() for t in times_of[i]] if i in times_of
           else [starts[i].isoformat() if starts[i] is not None else None] for i in range(len(ev))]
    expanded = len(recurring)
    if expanded:
        report.notes.append(f"{expanded} recurring events (RRULE/RDATE) expanded; open-ended series up to "
                            f"the latest DTSTART in the input ({horizon:%Y-%m-%d})")
    if unreadable:
        report.notes.append(f"{unreadable} recurrence rules not understood: counted once")
    keep = ~(dup | all_day | cancelled)
    ev = ev.assign(occ=occ)[keep].reset_index(drop=True)
    members = distinct_participants(ev["organizer"], ev["attendees"], people)
    events = pd.DataFrame({
        "row": np.arange(len(ev), dtype=np.int64),
        "timestamp": None,
        "hours": ev["hours"].astype(float),
        "bad_time": (ev["kind"] == "bad").to_numpy(),
        "event_id": ev["uid"].str.rstrip("|"),
    })
    occurrences = pd.DataFrame({"row": events["row"], "timestamp": ev["occ"]}).explode("timestamp")
    return meeting_pairs(events, members, report, occurrences=occurrences), report


def read_ics(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read iCalendar meetings into the canonical interactions table.

    Every ordered pair of participants of a meeting of :math:`h` hours and :math:`n`
    participants gets weight :math:`h / (n - 1)`.

    Parameters
    ----------
    path : path-like
        An ``.ics`` file (a calendar export, one or many ``VEVENT``), or a folder / zip of them
        (e.g. one exported calendar per person; events shared by UID are counted once).
    people : DataFrame or Loaded, optional
        Roster; addresses are resolved through its ``email`` column.
    channel : str, optional
        Channel label (default ``"meeting"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per ``VEVENT``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "cal.ics")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nUID:1\\nSUMMARY:secret\\n"
    ...                  "DTSTART;TZID=Europe/Berlin:20251103T100000\\nDURATION:PT30M\\n"
    ...                  "ORGANIZER;CN=Ann:mailto:ann@x.org\\nATTENDEE:mailto:bob@x.org\\n"
    ...                  "END:VEVENT\\nEND:VCALENDAR\\n")
    >>> t, _ = read_ics(p)
    >>> t[["source", "target", "weight"]].astype(str).values.tolist()
    [['ann@x.org', 'bob@x.org', '0.5'], ['bob@x.org', 'ann@x.org', '0.5']]
    >>> str(t["timestamp"][0])
    '2025-11-03 09:00:00+00:00'

    Notes
    -----
    Each file is read whole (calendar exports are small next to mailboxes) and parsed line by
    line; pair building is vectorised.

    References
    ----------
    RFC 5545, Internet Calendaring and Scheduling Core Object Specification (iCalendar).
    """
    people = roster_frame(people)
    pairs, report = parse_ics(path, people=people)
    return finish_meetings(pairs, report, people=people, channel=channel)
