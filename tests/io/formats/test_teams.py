"""Microsoft Teams (Graph chatMessage JSON) and format detection."""

from __future__ import annotations

import pytest
from formats_fixtures import SECRET, mail_bytes, no_content, roster, write_tree, write_zip

import ambassadors
from ambassadors.errors import InputError
from ambassadors.io.formats import detect_format, read_format

MEMBERS = {"a": "ann@x.org", "b": "BOB@x.org", "c": "cy@x.org", "d": "di@x.org"}


def member(uid):
    return {"@odata.type": "#microsoft.graph.aadUserConversationMember", "userId": uid,
            "email": MEMBERS[uid], "displayName": f"Name {SECRET}"}


def message(mid, uid, when, *, chat=None, reply_to=None, mentions=(), app=False, kind="message", team=None):
    m = {"id": mid, "messageType": kind, "createdDateTime": when, "replyToId": reply_to,
         "body": {"contentType": "html", "content": f"<p>{SECRET}</p>"}, "subject": SECRET,
         "attachments": [{"name": SECRET}],
         "from": ({"application": {"id": "app1", "displayName": "Bot"}, "user": None} if app else
                  None if uid is None else {"user": {"id": uid, "displayName": SECRET}}),
         "mentions": [{"id": i, "mentionText": SECRET, "mentioned": {"user": {"id": u}}}
                      for i, u in enumerate(mentions)]}
    if chat:
        m["chatId"] = chat
    if team:
        m["channelIdentity"] = {"teamId": team, "channelId": "19:general"}
    return m


def files():
    return {
        "chats/one.json": {"id": "19:ab", "chatType": "oneOnOne", "members": [member("a"), member("b")],
                           "messages": [message("1", "a", "2025-11-03T09:00:00Z"),
                                        message("2", "b", "2025-11-03T09:01:00Z")]},
        "chats/group.json": {"id": "19:acd", "chatType": "group",
                             "members": [member("a"), member("c"), member("d")]},
        "chats/group-messages.json": {"@odata.context": "x", "value": [
            message("1", "c", "2025-11-03T10:00:00Z", chat="19:acd", mentions=["a"]),
            message("1", "c", "2025-11-03T10:00:00Z", chat="19:acd", mentions=["a"]),  # duplicate
            message("2", None, "2025-11-03T10:01:00Z", chat="19:acd", kind="systemEventMessage"),
            message("3", None, "2025-11-03T10:02:00Z", chat="19:acd", app=True),
        ]},
        "channels/general.json": {"value": [
            message("100", "d", "2025-11-04T08:00:00Z", team="t1"),                   # no recipient
            message("101", "a", "2025-11-04T08:05:00Z", team="t1", reply_to="100"),   # -> d
            message("102", "b", "2025-11-04T08:06:00Z", team="t1", reply_to="100", mentions=["c"]),
            message("103", None, "2025-11-04T08:07:00Z", team="t1"),                  # no sender
        ]},
    }


def test_teams_graph_json(tmp_path):
    for path in (write_tree(tmp_path / "teams", files()), write_zip(tmp_path / "teams.zip", files())):
        assert detect_format(path) == "teams"
        loaded = read_format(path, people=roster())
        table, report = loaded
        got = sorted(zip(table["source"].astype(str), table["target"].astype(str), table["weight"]))
        assert got == sorted([
            ("001", "002", 1.0), ("002", "001", 1.0),                      # 1:1 chat
            ("003", "001", 1.0), ("003", "004", 0.5),                      # group: mention wins
            ("001", "004", 1.0), ("002", "004", 1.0), ("002", "003", 1.0),  # channel replies, mention
        ])
        assert set(table["channel"].astype(str)) == {"chat"}
        assert report.rows_read == 10 and report.rows_used == 5
        assert report.dropped == {"duplicate_row": 1, "system_message": 1, "bot": 1,
                                  "unknown_sender": 1, "no_recipients": 1}
        assert report.balanced and no_content(loaded)


def test_teams_single_file_through_read_interactions(tmp_path):
    p = write_tree(tmp_path, {"chat.json": files()["chats/one.json"]}) / "chat.json"
    table, report = ambassadors.read_interactions(p)
    assert sorted(table["source"].astype(str)) == ["ann@x.org", "bob@x.org"] and report.balanced


def test_teams_chat_without_members_uses_writers(tmp_path):
    p = write_tree(tmp_path, {"m.json": [message("1", "a", "2025-11-03T09:00:00Z", chat="19:x"),
                                         message("2", "b", "2025-11-03T09:01:00Z", chat="19:x"),
                                         message("3", "c", "2025-11-03T09:02:00Z", chat="19:x")]}) / "m.json"
    table, report = read_format(p, format="teams")
    assert len(table) == 6 and (table["weight"] == 0.5).all()
    assert any("without a member list" in n for n in report.notes)


def test_detection(tmp_path):
    (tmp_path / "edges.csv").write_text("source,target,weight\na,b,1\n")
    assert detect_format(tmp_path / "edges.csv") is None
    (tmp_path / "Inbox").write_bytes(b"From x Mon Nov  3 09:00:00 2025\n" + mail_bytes({"From": "a@x", "To": "b@x"}))
    assert detect_format(tmp_path / "Inbox") == "mbox"
    (tmp_path / "cal.txt").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    assert detect_format(tmp_path / "cal.txt") == "ics"
    mixed = write_tree(tmp_path / "mixed", {"a.eml": mail_bytes({"From": "a@x", "To": "b@x"}),
                                            "b.ics": "BEGIN:VCALENDAR\nEND:VCALENDAR\n"})
    with pytest.raises(InputError, match="mixed: looks like several formats \\(eml, ics\\); pass format="):
        detect_format(mixed)
    assert len(read_format(mixed, format="eml").table) == 1
    with pytest.raises(InputError, match="nope.csv: no such file"):
        detect_format(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="columns= applies to CSV formats only"):
        read_format(mixed, format="eml", columns={"x": "sender"})
