"""Mail and calendar archives as found on disks: blank first lines, '#' headers, mixed folders,
shared calendar UIDs and damaged zip entries."""

from __future__ import annotations

import struct
import zipfile

import pytest
from formats_fixtures import mail_bytes, roster, write_mbox, write_tree, write_zip

from ambassadors.errors import InputError
from ambassadors.io import read_interactions
from ambassadors.io.formats import detect_format, read_format

DATE = "Mon, 03 Nov 2025 10:00:00 +0100"


def vevent(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(f"{ln}\r\n" for ln in lines) + "END:VEVENT\r\n"


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def meeting(uid: str, start: str, *attendees: str) -> str:
    return vevent(f"UID:{uid}", f"DTSTART:{start}", "DURATION:PT1H", "ORGANIZER:mailto:ann@x.org",
                  *[f"ATTENDEE:mailto:{a}" for a in attendees])


def test_mbox_beginning_with_blank_lines_is_detected_and_read(tmp_path):
    box = write_mbox(tmp_path / "archive", [mail_bytes({"From": "ann@x.org", "To": "bob@x.org",
                                                        "Date": DATE})])
    box.write_bytes(b"\n\r\n" + box.read_bytes())
    assert detect_format(box) == "mbox"
    table, report = read_interactions(box, people=roster())
    assert table[["source", "target"]].astype(str).values.tolist() == [["001", "002"]]
    assert report.rows_read == 1 and report.balanced


def test_a_header_line_starting_with_hash_is_the_header(tmp_path):
    path = tmp_path / "edges.tsv"
    path.write_text("#Sender\tRecipient\ttime\nann@x.org\tbob@x.org\t2025-11-03\n"
                    "bob@x.org\tcy@x.org\t2025-11-04\n")
    table, report = read_interactions(path, people=roster())
    assert table[["source", "target"]].astype(str).values.tolist() == [["001", "002"], ["002", "003"]]
    assert "header read from a line starting with '#'" in report.notes and report.balanced
    # comment lines before a header are skipped, and counted nowhere as rows
    path.write_text("# exported 2025-11-05\n# 2 edges\nsender,recipient\nann@x.org,bob@x.org\n")
    table, report = read_interactions(path, people=roster())
    assert len(table) == 1 and report.rows_read == 1
    assert "2 comment lines ('#') before the header skipped" in report.notes


def test_a_folder_of_calendars_with_a_broken_one_reads_the_others(tmp_path):
    good = calendar(meeting("m1", "20251103T090000Z", "bob@x.org"))
    folder = write_tree(tmp_path / "cals", {"ann.ics": good, "broken.ics": "not a calendar\n",
                                            "notes.txt": "hello", "bob.ics": good})
    table, report = read_format(folder, people=roster())
    assert len(table) == 2 and report.rows_read == 2 and report.balanced
    assert report.dropped == {"duplicate_row": 1}  # the same meeting in two calendars
    assert report.skipped_files == {"not an iCalendar file (no BEGIN:VCALENDAR)": 1,
                                    "not an .ics file": 1}
    assert "skipped 1 files: not an .ics file" in str(report)
    with pytest.raises(InputError, match="no readable iCalendar file"):
        read_format(write_tree(tmp_path / "bad", {"a.ics": "x", "b.ics": "y"}), format="ics")


def test_a_zip_of_mailboxes_with_other_files_counts_what_it_skipped(tmp_path):
    box = write_mbox(tmp_path / "a.mbox", [mail_bytes({"From": "ann@x.org", "To": "bob@x.org",
                                                       "Date": DATE})]).read_bytes()
    z = write_zip(tmp_path / "mail.zip", {"a.mbox": box, "b.mbox": b"not mail at all\n",
                                          "readme.csv": "x,y\n", "photo.jpg": b"\xff\xd8\xff"})
    table, report = read_format(z, format="mbox", people=roster())
    assert len(table) == 1 and report.balanced
    assert report.skipped_files == {"not an mbox file": 2,
                                    "not an mbox file (no 'From ' line at the start)": 1}


def test_events_sharing_a_uid_are_duplicates_only_with_equal_times_and_people(tmp_path):
    cal = calendar(
        meeting("u1", "20251103T090000Z", "bob@x.org", "cy@x.org"),
        meeting("u1", "20251103T090000Z", "cy@x.org", "bob@x.org"),   # same: attendees reordered
        meeting("u1", "20251104T090000Z", "bob@x.org", "cy@x.org"),   # another day
        meeting("u1", "20251103T090000Z", "di@x.org"),                # other people
    )
    p = tmp_path / "cal.ics"
    p.write_text(cal)
    table, report = read_format(p, people=roster())
    assert report.rows_read == 4 and report.dropped == {"duplicate_row": 1} and report.balanced
    assert report.rows_used == 3
    assert table["timestamp"].dt.day.value_counts().to_dict() == {3: 6 + 2, 4: 6}


def _break_crc(path):
    """Rewrite the CRC-32 of the first entry in both headers, as a damaged copy would have it."""
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    wrong = struct.pack("<I", (struct.unpack_from("<I", data, local + 14)[0] + 1) & 0xFFFFFFFF)
    data[local + 14:local + 18] = wrong
    data[central + 16:central + 20] = wrong
    path.write_bytes(bytes(data))


def _damaged_zip(tmp_path):
    box = write_mbox(tmp_path / "a.mbox", [mail_bytes({"From": "ann@x.org", "To": "bob@x.org",
                                                       "Date": DATE})]).read_bytes()
    z = tmp_path / "mail.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("inbox.mbox", box)
    _break_crc(z)
    return z


def test_a_zip_entry_that_lies_is_bad_input_naming_the_entry(tmp_path):
    z = _damaged_zip(tmp_path)
    with pytest.raises(InputError, match=r"mail\.zip:inbox\.mbox: damaged zip entry"):
        read_format(z)


def test_the_cli_exits_2_on_a_damaged_zip_entry(tmp_path, capsys):
    from ambassadors.cli import main

    z = _damaged_zip(tmp_path)
    people = tmp_path / "people.csv"
    people.write_text("person_id,department,email\n001,Sales,ann@x.org\n002,IT,bob@x.org\n")
    code = main(["shortlist", "--people", str(people), "--interactions", str(z)])
    assert code == 2 and "inbox.mbox: damaged zip entry" in capsys.readouterr().err


def test_recurrences_rdate_exdate_and_the_cap_through_the_calendar_libraries(tmp_path):
    from ambassadors.io.formats.ics import MAX_OCCURRENCES

    cal = calendar(
        vevent("UID:r", "DTSTART;TZID=Europe/Berlin:20251013T100000", "DURATION:PT1H",
               "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Europe/Berlin:20251020T100000",
               "RDATE;TZID=Europe/Berlin:20251201T100000",
               "ORGANIZER:mailto:ann@x.org", "ATTENDEE:mailto:bob@x.org"),
        vevent("UID:d", "DTSTART:20200101T090000Z", "DURATION:PT30M",
               "RRULE:FREQ=DAILY;UNTIL=20991231T000000Z",
               "ORGANIZER:mailto:cy@x.org", "ATTENDEE:mailto:di@x.org"),
    )
    p = tmp_path / "rec.ics"
    p.write_text(cal)
    table, report = read_format(p, people=roster())
    weekly = table[table["source"].astype(str) == "001"]["timestamp"].dt.strftime("%Y-%m-%d %H:%M")
    # 13 Oct, (20 Oct excluded), 27 Oct, and the extra RDATE 1 Dec: 10:00 Berlin = 08:00 / 09:00 UTC
    assert weekly.tolist() == ["2025-10-13 08:00", "2025-10-27 09:00", "2025-12-01 09:00"]
    daily = table[table["source"].astype(str) == "003"]
    assert len(daily) == MAX_OCCURRENCES  # a series to 2099 is capped
    assert report.rows_read == 2 and report.rows_used == 2 and report.balanced
