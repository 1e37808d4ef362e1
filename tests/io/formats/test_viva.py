"""Viva Insights person-to-person and person queries, and Viva Engage activity."""

from __future__ import annotations

import pandas as pd
import pytest
from formats_fixtures import SECRET, no_content, roster, write_zip
from hypothesis import given, settings
from hypothesis import strategies as st

import ambassadors
from ambassadors.errors import InputError
from ambassadors.io.formats import detect_format, read_engage_activity, read_format, read_viva_person_query

P2P = (
    "PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,"
    "PrimaryCollaborator_Organization,Meeting_hours,Email_hours,Chat_hours\n"
    "P1,P2,2025-10-26,Sales,1.5,0.25,0\n"
    "P1,P2,2025-11-02,Sales,0.5,,\n"
    "P2,P3,2025-11-02,Sales,0,0,0\n"        # no collaboration: zero_weight
    "P3,P9,2025-11-02,IT,1,0,0\n"           # unknown collaborator
    "P3,P1,11/2/2025,IT,n/a,0,0\n"          # not a number: bad_value
    ",P1,2025-11-02,IT,1,0,0\n"             # no primary id
)
PERSONS = (
    "PersonId,MetricDate,Organization,LevelDesignation,FunctionType,HireDate,Layer,Collaboration_hours,Emails_sent\n"
    "P1,2025-10-26,Sales,Junior,Sales,2020-01-15,3,10.5,40\n"
    "P1,2025-11-02,Marketing,Senior,Sales,2020-01-15,3,12.0,35\n"
    "P2,2025-11-02,Sales,Junior,Sales,2021-03-01,4,8.0,12\n"
    "P3,2025-11-02,IT,Manager,Engineering,2019-07-01,2,20.0,50\n"
    "P4,2025-11-02,,Junior,Sales,2022-01-01,4,1.0,1\n"
    ",2025-11-02,IT,Junior,Sales,2022-01-01,4,1.0,1\n"
)


def test_viva_person_query(tmp_path):
    p = tmp_path / "persons.csv"
    p.write_text(PERSONS)
    people, report = read_viva_person_query(p)
    assert people.index.tolist() == ["P1", "P2", "P3"]
    assert people.loc["P1", "department"] == "Marketing" and people.loc["P1", "level"] == "Senior"
    assert str(people.loc["P3", "hire_date"])[:10] == "2019-07-01"
    assert "FunctionType" in people.columns and "Layer" in people.columns
    assert "Collaboration_hours" not in people.columns and "Emails_sent" not in people.columns
    assert report.rows_read == 6 and report.rows_used == 4
    assert report.dropped == {"missing_id": 1, "bad_value": 1} and report.balanced


def test_viva_p2p_with_person_query(tmp_path):
    p, q = tmp_path / "p2p.csv", tmp_path / "persons.csv"
    p.write_text(P2P)
    q.write_text(PERSONS)
    assert detect_format(p) == "viva_p2p"
    people = read_viva_person_query(q)
    table, report = read_format(p, people=people)
    got = sorted(zip(table["source"].astype(str), table["target"].astype(str), table["weight"]))
    # a p2p row is an undirected tie: half its weight each way
    assert got == [("P1", "P2", 0.25), ("P1", "P2", 0.875), ("P2", "P1", 0.25), ("P2", "P1", 0.875)]
    assert set(table["channel"].astype(str)) == {"viva"}
    # P3 -> P9 read both ways: the row's first reason is its unknown sender (P9 -> P3)
    assert report.dropped == {"zero_weight": 1, "bad_value": 1, "unknown_sender": 2}
    assert report.balanced
    assert any("sum of" in n for n in report.notes)


def test_viva_p2p_explicit_score_and_read_interactions(tmp_path):
    p = tmp_path / "p2p.csv"
    p.write_text(P2P)
    from ambassadors.io.formats.viva import read_viva_p2p

    table, _ = read_viva_p2p(p, score="Meeting_hours", direction="as_given")
    assert sorted(table["weight"].tolist()) == [0.5, 1.0, 1.5]
    table, _ = read_viva_p2p(p, score="Meeting_hours")
    assert sorted(table["weight"].tolist()) == [0.25, 0.25, 0.5, 0.5, 0.75, 0.75]
    with pytest.raises(InputError, match="direction must be one of"):
        read_viva_p2p(p, direction="both")
    with pytest.raises(InputError, match="score column 'nope'"):
        read_viva_p2p(p, score="nope")
    table, report = ambassadors.read_interactions(p, format="viva_p2p")
    assert report.balanced and len(table) == 6 and report.rows_used == 3


def test_viva_p2p_semicolon_decimal_comma(tmp_path):
    p = tmp_path / "p2p_de.csv"
    p.write_text("PrimaryCollaborator_PersonId;SecondaryCollaborator_PersonId;MetricDate;Collaboration_hours\n"
                 "P1;P2;2025-11-02;1,25\n")
    table, report = read_format(p)
    assert table["weight"].tolist() == [0.625, 0.625] and report.balanced


ENGAGE_MESSAGES = (
    "id,replied_to_id,thread_id,group_id,group_name,participants,sender_id,sender_type,sender_name,"
    "sender_email,body,attachments,created_at,liked_by\n"
    f'1,,1,10,Social Media,,u1,user,Ann,ANN@x.org,"{SECRET}, really",,2025-11-03 09:00:00 UTC,u2;cy@x.org\n'
    f"2,1,1,10,Social Media,,u2,user,Bob,,{SECRET},,2025-11-03 09:05:00 UTC,\n"
    f"3,,3,11,All Company,,u1,user,Ann,ann@x.org,{SECRET},,2025-11-03 10:00:00 UTC,u2\n"
    f"4,,4,11,All Company,,b1,bot,Poll bot,,{SECRET},,2025-11-03 10:00:00 UTC,\n"
    f"5,,5,11,All Company,,u9,user,Zed,zed@else.com,{SECRET},,2025-11-03 10:00:00 UTC,\n"
    f"6,,6,11,All Company,,,user,,,{SECRET},,2025-11-03 10:00:00 UTC,\n"
)
ENGAGE_USERS = "id,name,email,job_title\nu1,Ann,ann@x.org,x\nu2,Bob,bob@x.org,y\n"


def test_engage_export_zip(tmp_path):
    z = write_zip(tmp_path / "export.zip", {"export/Messages.csv": ENGAGE_MESSAGES,
                                            "export/Users.csv": ENGAGE_USERS, "export/Groups.csv": "id,name\n"})
    loaded = read_engage_activity(z, people=roster(), group="#social-media")
    signals, report = loaded
    assert list(signals.columns) == ["posts", "replies", "reactions", "activity_social_media_posts"]
    assert signals.loc["001"].tolist() == [2, 0, 0, 1]
    assert signals.loc["002"].tolist() == [0, 1, 2, 1]   # Bob found through Users.csv
    assert signals.loc["003"].tolist() == [0, 0, 1, 0]
    assert signals.loc["005"].tolist() == [0, 0, 0, 0]
    assert report.dropped == {"bot": 1, "missing_id": 1, "unknown_person": 1} and report.balanced
    assert no_content(loaded, "really")
    # the signals table plugs into read_signals
    sig, _ = ambassadors.read_signals(signals.reset_index(), people=roster())
    assert sig.loc["002", "reactions"] == 2


def test_engage_messages_csv_errors(tmp_path):
    p = tmp_path / "Messages.csv"
    p.write_text("id,body\n1,x\n")
    with pytest.raises(InputError, match="Messages.csv: no sender_id or sender_email"):
        read_engage_activity(p)
    with pytest.raises(InputError, match="no Messages.csv"):
        read_engage_activity(write_zip(tmp_path / "x.zip", {"Users.csv": ENGAGE_USERS}))


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(st.sampled_from(["ann@x.org", "bob@x.org", "zed@y.com", ""]),
                          st.sampled_from(["user", "bot"]), st.booleans()), max_size=10))
def test_engage_counts_property(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("e") / "Messages.csv"
    p.write_text("id,replied_to_id,sender_type,sender_email\n" + "".join(
        f"{i},{'1' if reply else ''},{t},{who}\n" for i, (who, t, reply) in enumerate(rows)))
    signals, report = read_engage_activity(p, people=roster())
    assert report.balanced and report.rows_read == len(rows)
    assert int(signals[["posts", "replies"]].to_numpy().sum()) == report.rows_used
    assert list(signals.index) == list(roster().index)


def test_engage_activity_through_the_cli(tmp_path, capsys):
    """--engage turns an Engage export into enthusiasm signals that reach the ranking."""
    from ambassadors.cli import main

    z = write_zip(tmp_path / "export.zip", {"export/Messages.csv": ENGAGE_MESSAGES,
                                            "export/Users.csv": ENGAGE_USERS, "export/Groups.csv": "id,name\n"})
    roster().to_csv(tmp_path / "people.csv")
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n001,002\n002,003\n003,004\n004,005\n005,001\n")
    out = tmp_path / "ranking.csv"
    code = main(["rank", "--people", str(tmp_path / "people.csv"), "--interactions", str(edges),
                 "--engage", str(z), "--engage-group", "#social-media", "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 0, err
    ranking = pd.read_csv(out, dtype={"person_id": str}).set_index("person_id")
    assert ranking.loc["002", "enthusiasm"] > ranking.loc["005", "enthusiasm"]
    assert "reaction" in ranking.loc["002", "reason"] or "repl" in ranking.loc["002", "reason"]
