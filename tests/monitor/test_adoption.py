"""read_adoption: every row accounted for; e-mails, groups, Slack channels."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.monitor import read_adoption

PEOPLE = pd.DataFrame({"department": ["A", "B", "C"], "email": ["ann@x.org", "bob@x.org", "cy@x.org"]},
                      index=pd.Index(["p1", "p2", "p3"], name="person_id"))

who = st.sampled_from(["p1", "p2", "p3", "ANN@x.org", "bob@x.org", "nobody", "", "zz@y.org"])
when = st.sampled_from(["2025-03-01T10:00:00Z", "2025-03-02", "not a date", "", "2025-04-05 08:00"])
group = st.sampled_from(["Social Media", "#social-media", "Other"])


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(who, when, group), min_size=1, max_size=40),
       by_group=st.booleans())
def test_every_adoption_row_is_accounted_for(rows, by_group):
    frame = pd.DataFrame(rows, columns=["person_id", "timestamp", "group_name"])
    known = frame["person_id"].str.lower().isin(["p1", "p2", "p3", "ann@x.org", "bob@x.org"])
    dated = pd.to_datetime(frame["timestamp"], errors="coerce", utc=True, format="mixed").notna()
    in_group = frame["group_name"].isin(["Social Media", "#social-media"]) if by_group else True
    expected = int((known & dated & in_group).sum())
    try:
        table, report = read_adoption(frame, people=PEOPLE, group="social media" if by_group else None)
    except InputError as exc:
        assert expected == 0, exc
        return
    assert report.rows_read == len(frame)
    assert report.rows_read == report.rows_used + sum(report.dropped.values())
    assert report.rows_used == len(table) == expected
    assert table["person_id"].isin(PEOPLE.index).all()
    assert str(table["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_an_engage_messages_export_reads_by_group():
    frame = pd.DataFrame({
        "id": [1, 2, 3, 4], "sender_email": ["ann@x.org", "bob@x.org", "ann@x.org", "bot@x.org"],
        "sender_type": ["user", "user", "user", "bot"],
        "group_name": ["Social Media", "Social Media", "All", "Social Media"],
        "created_at": ["2025-03-01T10:00:00Z"] * 4, "body": ["secret"] * 4})
    table, report = read_adoption(frame, people=PEOPLE, group="#social-media")
    assert table["person_id"].tolist() == ["p1", "p2"]
    assert report.dropped == {"other_group": 1, "bot": 1}
    assert "secret" not in table.to_string()


def test_a_slack_channel_is_an_adoption_log(tmp_path):
    path = tmp_path / "slack.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("users.json", json.dumps([{"id": "U1", "profile": {"email": "ann@x.org"}},
                                             {"id": "U2", "profile": {"email": "cy@x.org"}},
                                             {"id": "B1", "is_bot": True}]))
        z.writestr("channels.json", json.dumps([{"name": "social-media"}]))
        z.writestr("social-media/2025-03-01.json", json.dumps([
            {"user": "U1", "ts": "1740823200.000100", "text": "hi"},
            {"user": "B1", "ts": "1740823300.000100", "text": "bot"},
            {"user": "U9", "ts": "1740823400.000100", "text": "who"}]))
        z.writestr("general/2025-03-01.json", json.dumps([{"user": "U2", "ts": "1740823200.0"}]))
    table, report = read_adoption(path, people=PEOPLE, group="#social-media")
    assert table["person_id"].tolist() == ["p1"]
    assert report.rows_read == 3 and report.dropped == {"bot": 1, "unknown_person": 1}
    with pytest.raises(InputError, match="channel"):
        read_adoption(path, people=PEOPLE, group="nope")


def test_missing_columns_and_nobody_matching_are_one_line_errors():
    with pytest.raises(InputError, match="no when"):
        read_adoption(pd.DataFrame({"person_id": ["p1"]}), people=PEOPLE)
    with pytest.raises(InputError, match="no who"):
        read_adoption(pd.DataFrame({"timestamp": ["2025-01-01"]}), people=PEOPLE)
    with pytest.raises(InputError, match="matches anybody"):
        read_adoption(pd.DataFrame({"person_id": ["x"], "timestamp": ["2025-01-01"]}), people=PEOPLE)
