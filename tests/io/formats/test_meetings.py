"""Meetings: iCalendar files (tolerant parser) and attendance CSVs."""

from __future__ import annotations

import pytest
from formats_fixtures import SECRET, no_content, roster, write_tree, write_zip
from hypothesis import given, settings
from hypothesis import strategies as st

import ambassadors
from ambassadors.errors import InputError
from ambassadors.io.formats import detect_format, read_format
from ambassadors.io.formats.ics import _split, _unfold
from ambassadors.io.formats.meetings import MAX_MEETING_SIZE


def vevent(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(f"{ln}\r\n" for ln in lines) + "END:VEVENT\r\n"


def calendar(*events: str) -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n")


ONE_TO_ONE = vevent(
    "UID:e1", f"SUMMARY:{SECRET}", f"DESCRIPTION:{SECRET}\\n more", f"LOCATION:{SECRET}",
    "DTSTART;TZID=W. Europe Standard Time:20251103T100000",
    "DTEND;TZID=W. Europe Standard Time:20251103T110000",
    "ORGANIZER;CN=\"Müller, Ann\":mailto:ANN@x.org",
    "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:bob@x.org",
    "ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@x.org",
    "BEGIN:VALARM", "TRIGGER:-PT15M", f"DESCRIPTION:{SECRET}", "END:VALARM",
)
TEAM = vevent(  # folded attendee line, DURATION, 4 people (one declined)
    "UID:e2", "DTSTART:20251104T090000Z", "DURATION:PT1H30M",
    "ORGANIZER:mailto:cy@x.org",
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann\r\n @x.org",
    "ATTENDEE:mailto:bob@x.org", "ATTENDEE:mailto:di@x.org",
    "ATTENDEE;PARTSTAT=DECLINED:mailto:ed@x.org",
)
OTHERS = [
    vevent("UID:e3", "DTSTART;VALUE=DATE:20251105", "DTEND;VALUE=DATE:20251106",
           "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),           # all day
    vevent("UID:e4", "STATUS:CANCELLED", "DTSTART:20251105T090000Z", "DURATION:PT1H",
           "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),           # cancelled
    vevent("UID:e5", "DTSTART:2025-11-05 09:00", "DURATION:PT1H",
           "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),           # bad time
    vevent("UID:e6", "DTSTART:20251105T090000Z", "DURATION:PT1H",
           "ORGANIZER:mailto:ann@x.org"),                                        # alone
    vevent("UID:e7", "DTSTART:20251105T090000Z", "DURATION:PT1H",
           "ORGANIZER:mailto:ann@x.org",
           *[f"ATTENDEE:mailto:p{i}@x.org" for i in range(MAX_MEETING_SIZE)]),   # town hall
]


def _pairs(table):
    return sorted(zip(table["source"].astype(str), table["target"].astype(str), table["weight"].round(6)))


def test_ics_calendar(tmp_path):
    p = tmp_path / "ann.ics"
    p.write_text(calendar(ONE_TO_ONE, TEAM, *OTHERS), encoding="utf-8")
    assert detect_format(p) == "ics"
    loaded = read_format(p, people=roster())
    table, report = loaded
    team = [(a, b, 0.5) for a in ("001", "002", "003", "004") for b in ("001", "002", "003", "004") if a != b]
    assert _pairs(table) == sorted([("001", "002", 1.0), ("002", "001", 1.0), *team])
    assert set(table["channel"].astype(str)) == {"meeting"}
    # 10:00 in Berlin (CET, UTC+1 in November) is 09:00 UTC
    assert str(table["timestamp"].min()) == "2025-11-03 09:00:00+00:00"
    assert report.rows_read == 7 and report.rows_used == 2
    assert report.dropped == {"bad_value": 2, "bad_timestamp": 1, "no_recipients": 1, "too_large": 1}
    assert report.balanced and no_content(loaded, "Room 1", "Müller")


def test_ics_folder_of_calendars_counts_shared_events_once(tmp_path):
    files = {"ann.ics": calendar(ONE_TO_ONE), "bob.ics": calendar(ONE_TO_ONE, TEAM), "readme.txt": "x"}
    for path in (write_tree(tmp_path / "cals", files), write_zip(tmp_path / "cals.zip", files)):
        assert detect_format(path) == "ics"
        table, report = ambassadors.read_interactions(path, people=roster())
        assert report.dropped == {"duplicate_row": 1} and report.rows_used == 2 and report.balanced
        assert len(table) == 2 + 12


def test_ics_time_zones_and_notes(tmp_path):
    p = tmp_path / "tz.ics"
    p.write_text(calendar(
        vevent("UID:a", "DTSTART;TZID=\"America/New_York\":20251103T090000", "DURATION:PT1H",
               "ORGANIZER:mailto:a@x.org", "ATTENDEE:mailto:b@x.org"),
        vevent("UID:b", "DTSTART;TZID=Mars/Olympus:20251103T090000", "DURATION:PT1H",
               "ORGANIZER:mailto:a@x.org", "ATTENDEE:mailto:b@x.org"),
        vevent("UID:c", "DTSTART:20251103T090000", "DTEND:20251103T091500",
               "ORGANIZER:mailto:a@x.org", "ATTENDEE:mailto:b@x.org", "RRULE:FREQ=WEEKLY"),
    ))
    table, report = read_format(p)
    times = sorted(set(table["timestamp"].astype(str)))
    assert times == ["2025-11-03 09:00:00+00:00", "2025-11-03 14:00:00+00:00"]
    assert sorted(table["weight"].unique()) == [0.25, 1.0]
    notes = " ".join(report.notes)
    assert "Mars/Olympus" in notes and "floating" in notes and "RRULE" in notes


def test_ics_line_parser():
    assert list(_unfold("A:1\r\n 2\r\n\t3\r\nB:x\n")) == ["A:123", "B:x"]
    name, params, value = _split('ATTENDEE;CN="Doe: Jane; PhD";ROLE=REQ-PARTICIPANT:mailto:j@x.org')
    assert (name, params["CN"], params["ROLE"], value) == ("ATTENDEE", "Doe: Jane; PhD", "REQ-PARTICIPANT", "mailto:j@x.org")


def test_not_a_calendar(tmp_path):
    p = tmp_path / "x.ics"
    p.write_text("hello")
    with pytest.raises(InputError, match="x.ics: not an iCalendar"):
        read_format(p)


def test_meetings_csv(tmp_path):
    p = tmp_path / "meetings.csv"
    p.write_text(
        "Meeting ID,Organizer,Attendees,Start,End,Subject\n"
        f"m1,ann@x.org,bob@x.org;CY@x.org;ann@x.org,2025-11-03T09:00:00+01:00,2025-11-03T10:00:00+01:00,{SECRET}\n"
        f"m2,bob@x.org,,2025-11-03 09:00,2025-11-03 10:00,{SECRET}\n"
        f"m3,bob@x.org,ann@x.org,someday,2025-11-03 10:00,{SECRET}\n"
        f"m4,bob@x.org,ann@x.org,2025-11-03 11:00,2025-11-03 10:00,{SECRET}\n"
        f"m5,bob@x.org,ann@x.org;stranger@y.com,2025-11-03 09:00,2025-11-03 09:30,{SECRET}\n"
    )
    assert detect_format(p) == "meetings_csv"
    loaded = read_format(p, people=roster())
    table, report = loaded
    trio = [(a, b, 0.5) for a in ("001", "002", "003") for b in ("001", "002", "003") if a != b]
    assert _pairs(table) == sorted([*trio, ("002", "001", 0.25), ("001", "002", 0.25)])
    assert str(table["timestamp"].min()) == "2025-11-03 08:00:00+00:00"
    assert report.dropped == {"no_recipients": 1, "bad_timestamp": 1, "bad_value": 1}
    assert report.pairs_dropped["unknown_recipient"] == 2 and report.pairs_dropped["unknown_sender"] == 2
    assert report.balanced and no_content(loaded)


def test_meetings_csv_duration_minutes(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("organizer,participants,start_time,duration_minutes\na,b;c;d,2025-11-03 09:00,90\n")
    table, report = read_format(p)
    assert len(table) == 12 and (table["weight"] == 0.5).all() and report.balanced


@settings(deadline=None, max_examples=15)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["ann@x.org", "bob@x.org", "cy@x.org", "zed@y.com"]),
                                   max_size=4),
                          st.integers(-30, 240)), min_size=1, max_size=6))
def test_meeting_weights_property(tmp_path_factory, meetings):
    p = tmp_path_factory.mktemp("m") / "m.csv"
    p.write_text("organizer,attendees,start,duration_minutes\n" + "".join(
        f"di@x.org,{';'.join(a)},2025-11-03 09:00,{d}\n" for a, d in meetings))
    table, report = read_format(p)
    assert report.balanced and report.rows_read == len(meetings)
    # every participant's outgoing weight in a meeting sums to its duration in hours
    out = table.groupby(table["source"].astype(str))["weight"].sum()
    expected = sum(d / 60 for a, d in meetings if len({"di@x.org", *a}) >= 2 and d > 0)
    assert out.get("di@x.org", 0.0) == pytest.approx(expected)


@settings(deadline=None, max_examples=15)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["ann@x.org", "001", "bob@x.org", "zed@y.com", "di@x.org"]),
                                   max_size=4),
                          st.integers(-30, 120)), min_size=1, max_size=6))
def test_meeting_accounting_with_roster_property(tmp_path_factory, meetings):
    """Many senders per meeting: rows are meetings, and the accounting still balances."""
    p = tmp_path_factory.mktemp("m") / "m.csv"
    p.write_text("organizer,attendees,start,duration_minutes\n" + "".join(
        f"di@x.org,{';'.join(a)},2025-11-03 09:00,{d}\n" for a, d in meetings))
    table, report = read_format(p, people=roster())
    assert report.balanced and report.rows_read == len(meetings)
    ids = {"ann@x.org": "001", "001": "001", "bob@x.org": "002", "di@x.org": "004"}
    useful = [m for m in meetings if m[1] > 0 and len({ids[x] for x in ["di@x.org", *m[0]] if x in ids}) >= 2]
    assert report.rows_used == len(useful)
    # 'ann@x.org' and '001' are the same person: never a self-pair in the table
    assert (table["source"].astype(str) != table["target"].astype(str)).all()
    sizes = [len({ids[x] for x in ["di@x.org", *m[0]] if x in ids}) for m in useful]
    assert len(table) == sum(k * (k - 1) for k in sizes)


def test_ics_recurring_events(tmp_path):
    """Weekly 10:00 Berlin across the end of summer time; EXDATE and a moved instance."""
    p = tmp_path / "rec.ics"
    p.write_text(calendar(
        vevent("UID:w", "DTSTART;TZID=Europe/Berlin:20251013T100000", "DURATION:PT1H",
               "RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20251020T100000",
               "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),
        vevent("UID:w", "RECURRENCE-ID;TZID=Europe/Berlin:20251103T100000",
               "DTSTART;TZID=Europe/Berlin:20251104T150000", "DURATION:PT30M",
               "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),
        vevent("UID:open", "DTSTART:20251001T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY",
               "ORGANIZER:mailto:cy@x.org", "ATTENDEE:mailto:di@x.org"),
    ))
    table, report = read_format(p, people=roster())
    ann_bob = table[(table["source"].astype(str) == "001") & (table["target"].astype(str) == "002")]
    assert sorted(ann_bob["timestamp"].astype(str)) == [
        "2025-10-13 08:00:00+00:00",   # summer time (UTC+2)
        "2025-10-27 09:00:00+00:00",   # winter time (UTC+1), same wall clock
        "2025-11-04 14:00:00+00:00",   # the moved instance (its own VEVENT)
        "2025-11-10 09:00:00+00:00",
    ]
    assert sorted(ann_bob["weight"]) == [0.5, 1.0, 1.0, 1.0]
    # open-ended: weekly from 1 Oct up to the latest DTSTART in the file (4 Nov): 1 Oct ... 29 Oct
    cy_di = table[(table["source"].astype(str) == "003") & (table["target"].astype(str) == "004")]
    assert len(cy_di) == 5 and str(cy_di["timestamp"].max()) == "2025-10-29 09:00:00+00:00"
    assert report.rows_read == 3 and report.rows_used == 3 and report.balanced
    assert any("expanded" in n for n in report.notes)
