"""Every export format through ambassadors.read_interactions gives what read_format gives."""

from __future__ import annotations

import pandas as pd
import pytest
from formats_fixtures import mail_bytes, roster, write_mbox, write_tree, write_zip

import ambassadors
from ambassadors.io.formats import FORMATS, detect_format, read_format

MAIL = {"From": "ann@x.org", "To": "bob@x.org, cy@x.org", "Date": "Mon, 03 Nov 2025 10:00:00 +0100"}


def sample(fmt: str, tmp_path):
    """(path, needs format= in read_interactions) for a small input of each format."""
    if fmt == "mbox":
        return write_mbox(tmp_path / "a.mbox", [mail_bytes(MAIL)]), False
    if fmt == "eml":
        return write_zip(tmp_path / "mail.zip", {"x/1.eml": mail_bytes(MAIL)}), False
    if fmt == "m365_trace":
        p = tmp_path / "trace.csv"
        p.write_text("Received,SenderAddress,RecipientAddress,MessageId\n"
                     "2025-11-03T09:00:00Z,ann@x.org,bob@x.org,<1>\n2025-11-03T09:00:00Z,ann@x.org,cy@x.org,<1>\n")
        return p, True
    if fmt == "google_email_log":
        p = tmp_path / "log.csv"
        p.write_text('Date,Message ID,Sender,Recipient\n2025-11-03 09:00 UTC,<1>,ann@x.org,"bob@x.org,cy@x.org"\n')
        return p, True
    if fmt == "slack":
        return write_tree(tmp_path / "slack", {
            "users.json": [{"id": "UA", "profile": {"email": "ann@x.org"}},
                           {"id": "UB", "profile": {"email": "bob@x.org"}}],
            "dms.json": [{"id": "D1", "members": ["UA", "UB"]}],
            "D1/2025-11-03.json": [{"user": "UA", "ts": "1762160400.0", "text": "hi"}],
        }), False
    if fmt == "teams":
        chat = {"id": "19:x", "chatType": "oneOnOne",
                "members": [{"userId": "a", "email": "ann@x.org"}, {"userId": "b", "email": "bob@x.org"}],
                "messages": [{"id": "1", "messageType": "message", "createdDateTime": "2025-11-03T09:00:00Z",
                              "from": {"user": {"id": "a"}}}]}
        return write_tree(tmp_path, {"t.json": chat}) / "t.json", False
    if fmt == "viva_p2p":
        p = tmp_path / "p2p.csv"
        p.write_text("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,Collaboration_hours\n"
                     "001,002,2025-11-02,1.5\n")
        return p, True
    if fmt == "ics":
        p = tmp_path / "c.ics"
        p.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20251103T090000Z\nDURATION:PT1H\n"
                     "ORGANIZER:mailto:ann@x.org\nATTENDEE:mailto:bob@x.org\nEND:VEVENT\nEND:VCALENDAR\n")
        return p, False
    if fmt == "meetings_csv":
        p = tmp_path / "m.csv"
        p.write_text("organizer,attendees,start,end\nann@x.org,bob@x.org,2025-11-03 09:00,2025-11-03 10:00\n")
        return p, True
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_through_read_interactions(tmp_path, fmt):
    path, needs_format = sample(fmt, tmp_path)
    assert detect_format(path) == fmt
    direct = read_format(path, people=roster())
    via = ambassadors.read_interactions(path, people=roster(), format=fmt if needs_format else None)
    assert len(direct.table) > 0 and direct.report.balanced and via.report.balanced
    cols = ["source", "target", "timestamp", "weight", "channel"]
    pd.testing.assert_frame_equal(direct.table[cols].astype({"source": str, "target": str, "channel": str}),
                                  via.table[cols].astype({"source": str, "target": str, "channel": str}))
    assert set(direct.table["source"].astype(str)) <= set(roster().index)


def test_channel_override(tmp_path):
    path, _ = sample("ics", tmp_path)
    table, _ = read_format(path, channel="calendar")
    assert set(table["channel"].astype(str)) == {"calendar"}


def test_people_as_a_path(tmp_path):
    roster().to_csv(tmp_path / "people.csv")
    path, _ = sample("meetings_csv", tmp_path)
    table, report = read_format(path, people=tmp_path / "people.csv")
    assert sorted(table["source"].astype(str)) == ["001", "002"] and report.balanced


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_detected_without_format_option(tmp_path, fmt):
    """CSV exports too: the header tells a message trace or a meetings file from an edge list."""
    path, _ = sample(fmt, tmp_path)
    direct = read_format(path, people=roster())
    via = ambassadors.read_interactions(path, people=roster())
    assert via.report.balanced
    assert len(via.table) == len(direct.table) > 0


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_through_the_cli(tmp_path, fmt, capsys):
    from ambassadors.cli import main

    path, _ = sample(fmt, tmp_path)
    roster().to_csv(tmp_path / "people.csv")
    out = tmp_path / "ranking.csv"
    code = main(["rank", "--people", str(tmp_path / "people.csv"), "--interactions", str(path),
                 "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "rows read" in err and "0 ties" not in err
    ranking = pd.read_csv(out, dtype={"person_id": str})
    assert sorted(ranking["person_id"]) == sorted(roster().index)
