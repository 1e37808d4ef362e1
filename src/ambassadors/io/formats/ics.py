"""iCalendar (.ics) files -> interactions (channel ``meeting``).

A small, tolerant RFC 5545 reader (no dependency): content lines are unfolded, property
parameters parsed (quoted values too), and only these properties of each ``VEVENT`` are kept:
``UID``, ``RECURRENCE-ID``, ``ORGANIZER``, ``ATTENDEE``, ``DTSTART``, ``DTEND``, ``DURATION``,
``STATUS``, ``RRULE`` (its presence). ``SUMMARY``, ``DESCRIPTION``, ``LOCATION``, attachments and
alarms are skipped without being stored.

Times: ``...Z`` is UTC; ``TZID=`` is converted with :mod:`zoneinfo` (IANA names, and common
Windows names written by Outlook such as ``W. Europe Standard Time``); an unknown ``TZID`` or a
floating time (no zone) is taken as UTC, with a note. All-day events (``VALUE=DATE``) are
absences and holidays rather than meetings and are dropped as ``bad_value``; so are cancelled
events (``STATUS:CANCELLED``). Recurring events (``RRULE``, read with ``dateutil.rrule``, which
pandas already depends on) count once per occurrence, at the same wall-clock time across
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
         "RRULE", "EXDATE"}
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
            notes[f"unknown TZID {tzid!r} taken as UTC"] = notes.get(f"unknown TZID {tzid!r} taken as UTC", 0) + 1
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
            "uid", "base_uid", "start", "rid", "hours", "kind", "cancelled", "rrule", "exdates",
            "organizer", "attendees")}
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
        exdates: list[dt.datetime] = []
        for name, params, value in props:
            if name == "ATTENDEE":
                if params.get("CUTYPE", "").upper() in ("ROOM", "RESOURCE"):
                    continue
                if params.get("PARTSTAT", "").upper() == "DECLINED":
                    continue
                a = _address(value)
                if a:
                    attendees.append(a)
            elif name == "EXDATE":
                for v in value.split(","):
                    when, kind = _when(v, params, {})
                    if when is not None:
                        exdates.append(when.astimezone(dt.timezone.utc))
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
        self.cols["rrule"].append(first["RRULE"][1] if "RRULE" in first and rid_prop is None else None)
        self.cols["exdates"].append(exdates)
        self.cols["organizer"].append(_address(org[1]) if org else None)
        self.cols["attendees"].append(";".join(attendees))


def _occurrences(
    start: dt.datetime, rule: str, exdates: list[dt.datetime], moved: set[dt.datetime],
    horizon: dt.datetime | None,
) -> list[dt.datetime] | None:
    """UTC starts of a recurring event (None when the RRULE cannot be read).

    Series with ``COUNT`` or ``UNTIL`` are expanded in full; open-ended ones up to ``horizon``
    (the latest ``DTSTART`` in the input). At most :data:`MAX_OCCURRENCES`; ``EXDATE`` and moved or
    cancelled instances (``RECURRENCE-ID``) are left out.
    """
    from dateutil.rrule import rrulestr  # a dependency of pandas

    text = rule.strip()
    bounded = bool(re.search(r"(^|;)\s*(COUNT|UNTIL)\s*=", text, re.I))
    try:
        series = rrulestr(text, dtstart=start)
    except (ValueError, TypeError):
        # UNTIL without 'Z' next to a zoned DTSTART: RFC 5545 wants UTC; be tolerant
        try:
            fixed = re.sub(r"(UNTIL=\d{8}T\d{6})(?!Z)", r"\1Z", text, flags=re.I)
            fixed = re.sub(r"(UNTIL=\d{8})(?![T\d])", r"\1T235959Z", fixed, flags=re.I)
            series = rrulestr(fixed, dtstart=start)
        except (ValueError, TypeError):
            return None
    out: list[dt.datetime] = []
    skip = set(exdates) | moved
    for when in series:
        utc = when.astimezone(dt.timezone.utc)
        if not bounded and (horizon is None or utc > horizon):
            if not out and utc == start.astimezone(dt.timezone.utc):
                out.append(utc)  # the first occurrence always counts
            break
        if utc not in skip:
            out.append(utc)
        if len(out) >= MAX_OCCURRENCES:
            break
    return out


def _people_key(attendees: str) -> str:
    """Attendees in a canonical order (calendars list them in any order); one call per event."""
    return ";".join(sorted(set(attendees.split(";")))) if attendees else ""


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
    for uid, rid in zip(ev.loc[~dup, "base_uid"], ev.loc[~dup, "rid"]):
        if uid is not None and rid is not None:
            moved.setdefault(uid, set()).add(rid)
    occ: list[list[str | None]] = []
    expanded = unreadable = 0
    for i in range(len(ev)):  # per VEVENT, not per pair
        rule = ev.at[i, "rrule"]
        if rule is None or starts[i] is None or dup[i] or all_day[i] or cancelled[i]:
            occ.append([starts[i].isoformat() if starts[i] is not None else None])
            continue
        times = _occurrences(ev.at[i, "start"], rule, ev.at[i, "exdates"],
                             moved.get(ev.at[i, "base_uid"], set()), horizon)
        if times is None:
            unreadable += 1
            times = [starts[i]]
        expanded += 1
        occ.append([t.isoformat() for t in times] or [starts[i].isoformat()])
    if expanded:
        report.notes.append(f"{expanded} recurring events (RRULE) expanded; open-ended series up to "
                            f"the latest DTSTART in the input ({horizon:%Y-%m-%d})")
    if unreadable:
        report.notes.append(f"{unreadable} RRULEs not understood: counted once")
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
