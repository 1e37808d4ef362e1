"""Slack workspace exports (zip and folder) and the Slack channel-activity signal."""

from __future__ import annotations

import pandas as pd
import pytest
from formats_fixtures import SECRET, no_content, roster, write_tree, write_zip
from hypothesis import given, settings
from hypothesis import strategies as st

import ambassadors
from ambassadors.errors import InputError
from ambassadors.io.formats import detect_format, read_format, read_slack_channel_activity

USERS = [
    {"id": "UA", "name": "ann", "profile": {"email": "ANN@x.org"}},
    {"id": "UB", "name": "bob", "profile": {"email": "bob@x.org"}},
    {"id": "UC", "name": "cy", "profile": {"email": "cy@x.org"}},
    {"id": "UD", "name": "di", "profile": {"email": "di@x.org"}},
    {"id": "UX", "name": "gone", "deleted": True, "profile": {"email": "gone@x.org"}},
    {"id": "UBOT", "name": "jira", "is_bot": True, "profile": {"bot_id": "B1"}},
]
BIG = ["UA", "UB", "UC", "UD"] + [f"U{i:03d}" for i in range(20)]


def msg(user, ts, **kw):
    return {"type": "message", "user": user, "ts": ts, "text": kw.pop("text", f"{SECRET}"), **kw}


def export_files():
    return {
        "users.json": USERS,
        "channels.json": [
            {"id": "C1", "name": "general", "members": BIG},
            {"id": "C2", "name": "team-it", "members": ["UC", "UD", "UBOT"]},
            {"id": "C3", "name": "social-media", "members": BIG},
        ],
        "dms.json": [{"id": "D1", "members": ["UA", "UB"]}],
        "mpims.json": [{"id": "G1", "name": "mpdm-ann--cy--di-1", "members": ["UA", "UC", "UD"]}],
        "general/2025-11-03.json": [
            msg("UA", "1762160400.000100", text=f"{SECRET} <@UB> and <@UC|cy>"),  # 2 mentions
            msg("UB", "1762160500.000200"),  # big channel, no mention: no_recipients
            msg("UC", "1762160600.000300", thread_ts="1762160400.000100",
                parent_user_id="UA"),  # reply -> UA
            msg("UD", "1762160700.000400", thread_ts="1762160400.000100"),  # reply, parent looked up
            msg("UB", "1762160800.000500", subtype="channel_join"),
            {"type": "message", "subtype": "bot_message", "bot_id": "B1", "ts": "1762160900.1",
             "text": SECRET},
            msg("UBOT", "1762161000.000600"),
            msg("UX", "1762161100.000700"),
            msg("UA", "1762161200.000800", text="ping <@UBOT>"),
        ],
        "team-it/2025-11-04.json": [msg("UC", "1762246800.000100")],  # small channel: -> UD
        "D1/2025-11-04.json": [msg("UA", "1762246900.000100"), msg("UB", "1762247000.000200")],
        "mpdm-ann--cy--di-1/2025-11-05.json": [msg("UA", "1762333200.000100", text="<@UC> ok")],
        "social-media/2025-11-05.json": [
            msg("UA", "1762333300.1", reactions=[{"name": "tada", "users": ["UB", "UC", "UBOT"], "count": 3}]),
            msg("UA", "1762333400.2"),
            msg("UB", "1762333500.3", reactions=[{"name": "+1", "users": ["UA"], "count": 1}]),
            msg("UB", "1762333600.4", subtype="channel_join"),
        ],
    }


EXPECTED = sorted([
    ("001", "002", 1.0), ("001", "003", 1.0),          # mentions
    ("003", "001", 1.0), ("004", "001", 1.0),          # thread replies
    ("003", "004", 1.0),                               # small channel (bot not a member)
    ("001", "002", 1.0), ("002", "001", 1.0),          # DM
    ("001", "003", 1.0), ("001", "004", 0.5),          # group DM: mention wins (max), other 1/2
])


def _pairs(table):
    return sorted(zip(table["source"].astype(str), table["target"].astype(str), table["weight"]))


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_slack_export_ties_and_accounting(tmp_path, kind):
    files = export_files()
    if kind == "folder":
        path = write_tree(tmp_path / "slack", files)
    else:  # real exports are often zipped with a top folder
        path = write_zip(tmp_path / "slack.zip", {f"Acme Slack export/{k}": v for k, v in files.items()})
    assert detect_format(path) == "slack"
    loaded = read_format(path, people=roster())
    table, report = loaded
    assert _pairs(table) == EXPECTED
    assert set(table["channel"].astype(str)) == {"chat"}
    assert str(table["timestamp"].min()) == "2025-11-03 09:00:00.000100+00:00"
    assert report.rows_read == 17 and report.rows_used == 7
    assert report.dropped["no_recipients"] == 5  # big-channel posts, and the bot-only mention
    assert report.dropped["bot"] == 2 and report.dropped["system_message"] == 2
    assert report.dropped["unknown_sender"] == 1  # deactivated account
    assert report.pairs_dropped.get("bot") == 1  # the mention of a bot
    assert report.balanced and no_content(loaded)


def test_read_interactions_delegates_to_slack(tmp_path):
    path = write_tree(tmp_path / "slack", export_files())
    table, report = ambassadors.read_interactions(path, people=roster())
    assert _pairs(table) == EXPECTED and report.balanced


def test_slack_without_roster_keys_by_email(tmp_path):
    table, report = read_format(write_tree(tmp_path / "s", export_files()), format="slack")
    assert {"ann@x.org", "bob@x.org"} <= set(table["source"].astype(str))
    assert "UA" not in set(table["source"].astype(str)) and report.balanced


def test_slack_channel_activity(tmp_path):
    path = write_zip(tmp_path / "slack.zip", export_files())
    signals, report = read_slack_channel_activity(path, "#social-media", people=roster())
    assert list(signals.columns) == ["activity_social_media_messages", "activity_social_media_reactions"]
    assert signals.loc["001"].tolist() == [2, 1]
    assert signals.loc["002"].tolist() == [1, 1]
    assert signals.loc["003"].tolist() == [0, 1]
    assert signals.loc["005"].tolist() == [0, 0]  # in the roster, inactive
    assert report.rows_read == 4 and report.dropped == {"system_message": 1} and report.balanced
    with pytest.raises(InputError, match="no Slack channel 'marketing'.*general"):
        read_slack_channel_activity(path, "marketing")


def test_not_a_slack_export(tmp_path):
    path = write_tree(tmp_path / "s", {"channels.json": [], "general/2025-11-03.json": []})
    with pytest.raises(InputError, match="no users.json"):
        read_format(path, format="slack")
    bad = write_tree(tmp_path / "b", {"users.json": "[{not json", "channels.json": []})
    with pytest.raises(InputError, match=r"users.json: not valid JSON"):
        read_format(bad, format="slack")


@settings(deadline=None, max_examples=15)
@given(st.lists(st.tuples(st.sampled_from(["UA", "UB", "UC", "UX", "UBOT", "UZZ", ""]),
                          st.sampled_from(["", "channel_join", "bot_message", "thread_broadcast"]),
                          st.lists(st.sampled_from(["UA", "UB", "UBOT", "UX", "UQ"]), max_size=3)),
                max_size=12))
def test_slack_accounting_property(tmp_path_factory, spec):
    files = {k: v for k, v in export_files().items() if "/" not in k}
    files["team-it/2025-11-04.json"] = [
        {"user": u, "ts": f"17622{i:05d}.0", "subtype": s, "text": " ".join(f"<@{m}>" for m in ms)}
        for i, (u, s, ms) in enumerate(spec)
    ]
    table, report = read_format(write_tree(tmp_path_factory.mktemp("s"), files), people=roster())
    assert report.balanced and report.rows_read == len(spec)
    assert (table["source"].astype(str) != table["target"].astype(str)).all()
    assert pd.api.types.is_float_dtype(table["weight"]) and (table["weight"] > 0).all()


def test_slack_zip_with_windows_separators(tmp_path):
    files = {k.replace("/", "\\"): v for k, v in export_files().items()}
    table, report = read_format(write_zip(tmp_path / "win.zip", files), people=roster())
    assert _pairs(table) == EXPECTED and report.balanced
