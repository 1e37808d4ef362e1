"""Tests of read_signals and combine_signals."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.datasets import LIKERT, make_organization
from ambassadors.enthusiasm import enthusiasm_scores
from ambassadors.errors import InputError
from ambassadors.io import combine_signals, read_signals
from ambassadors.io.signals import read_signal_files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def roster():
    return pd.DataFrame({"department": ["A", "B", "B"],
                         "email": ["ann@x.org", "bo@x.org", "cy@x.org"]},
                        index=pd.Index(["007", "012", "3"], name="person_id"))


def test_wide_numbers_text_and_booleans(tmp_path):
    path = write(tmp_path, "s.csv", "employee_id;posts;survey_q1;opt-in;Opted Out;likes_it\n"
                                    "007;12;Agree;ja;nee;yes\n"
                                    "012;3,5;Strongly agree;no;;no\n"
                                    "3;;;1;true;\n")
    table, report = read_signals(path)
    assert table.index.tolist() == ["007", "012", "3"] and table.index.name == "person_id"
    assert table["posts"].dtype == np.float64
    assert table["posts"].tolist()[:2] == [12.0, 3.5] and np.isnan(table["posts"].iloc[2])
    assert table["survey_q1"].tolist()[:2] == ["Agree", "Strongly agree"]
    assert pd.isna(table["survey_q1"].iloc[2])
    assert table["opt_in"].tolist() == [True, False, True]
    assert table["opt_out"].tolist()[::2] == [False, True] and pd.isna(table["opt_out"].iloc[1])
    assert table["likes_it"].tolist()[:2] == ["yes", "no"]  # other yes/no stay text
    assert report.balanced and report.rows_used == 3


def test_comma_file_does_not_read_decimal_commas(tmp_path):
    path = write(tmp_path, "s.csv", 'id,survey_q1\n1,"1,5"\n2,2\n')
    table, _ = read_signals(path)
    assert table["survey_q1"].tolist() == ["1,5", "2"]  # ambiguous: kept as text


def test_long_form_is_pivoted(tmp_path):
    path = write(tmp_path, "s.csv", "person_id,metric,value\n"
                                    "007,posts,4\n007,survey_q1,Agree\n012,posts,1\n"
                                    "007,posts,5\n,posts,9\n012,,3\n")
    table, report = read_signals(path)
    assert table.loc["007", "posts"] == 5.0  # the last of repeated answers
    assert table.loc["007", "survey_q1"] == "Agree" and pd.isna(table.loc["012", "survey_q1"])
    assert report.dropped == {"missing_id": 1, "bad_value": 1}
    assert any("last one kept" in n for n in report.notes)
    assert report.balanced and report.rows_read == 6


def test_unknown_people_dropped_and_emails_resolved(tmp_path):
    path = write(tmp_path, "s.csv", "Email,posts\nANN@x.org,1\nbo@x.org,2\nghost@x.org,3\n"
                                    "3,4\n")
    table, report = read_signals(path, people=roster())
    assert table.index.tolist() == ["007", "012", "3"]
    assert table["posts"].tolist() == [1.0, 2.0, 4.0]
    assert report.dropped == {"unknown_person": 1} and report.balanced


def test_conflicting_wide_rows_are_an_error(tmp_path):
    path = write(tmp_path, "survey.csv", "id,posts\n1,2\n1,3\n2,1\n2,1\n")
    with pytest.raises(InputError, match=r"survey\.csv: several different rows for person_id "
                                         r"'1'"):
        read_signals(path)


def test_missing_person_column(tmp_path):
    path = write(tmp_path, "s.csv", "who,posts\n1,2\n")
    with pytest.raises(InputError, match=r"s\.csv: column 'person_id' not found; columns are: "
                                         r"who, posts"):
        read_signals(path)


def test_columns_override(tmp_path):
    path = write(tmp_path, "s.csv", "Respondent,posts\n1,2\n")
    table, _ = read_signals(path, columns={"Respondent": "person_id"})
    assert table.index.tolist() == ["1"]


def test_combine_signals_outer_join_and_duplicate_columns(tmp_path):
    a = read_signals(write(tmp_path, "a.csv", "id,posts\n1,3\n2,4\n"))
    b = read_signals(write(tmp_path, "b.csv", "id,opt_in\n2,yes\n5,no\n"))
    table, report = combine_signals(a, b)
    assert table.index.tolist() == ["1", "2", "5"]
    assert table["posts"].tolist()[:2] == [3.0, 4.0] and np.isnan(table.loc["5", "posts"])
    assert table.loc["2", "opt_in"] == True and pd.isna(table.loc["1", "opt_in"])  # noqa: E712
    assert report.rows_read == 4 and report.balanced
    with pytest.raises(InputError, match=r"column 'posts' is in both a\.csv and a\.csv"):
        combine_signals(a, a)


def test_signals_table_can_be_read_again(tmp_path):
    table, _ = read_signals(write(tmp_path, "s.csv", "id,posts,survey\n007,1,Agree\n"))
    again, _ = read_signals(table)
    pd.testing.assert_frame_equal(again, table, check_dtype=False)


def test_long_form_with_a_date_column(tmp_path):
    path = write(tmp_path, "s.csv", "user_id,question,answer,submitted_at\n"
                                    "1,survey_q1,Agree,2024-01-01\n1,survey_q1,Disagree,2024-02-01\n")
    table, report = read_signals(path)
    assert table.loc["1", "survey_q1"] == "Disagree"
    assert any("submitted_at" in n for n in report.notes) and report.balanced


def test_a_file_without_signal_columns(tmp_path):
    with pytest.raises(InputError, match=r"ids\.csv: no signal columns .*columns are: id"):
        read_signals(write(tmp_path, "ids.csv", "id\n1\n2\n"))


# ---------------------------------------------------------------- every column accounted for

def column_notes(report) -> dict[str, str]:
    """Column -> what the load report says it was read as ("column 'x': ...")."""
    out = {}
    for note in report.notes:
        match = re.match(r"column '(.*?)'(?: \(.*?\))?: (.*)$", note)
        if match:
            out[match[1]] = match[2]
    return out


def test_every_column_is_used_or_named_unused_with_a_reason(tmp_path):
    path = write(tmp_path, "s.csv", "employee_id,enthusiasm,posts,opt_out,Timestamp,colour,mood\n"
                                    "007,5,3,no,2024-01-01,red,2\n012,2,0,yes,2024-01-02,blue,4\n")
    table, report = read_signals(path)
    notes = column_notes(report)
    assert notes["employee_id"] == "person id"
    assert notes["enthusiasm"].startswith("survey answer")
    assert notes["posts"].startswith("activity count")
    assert notes["opt_out"].startswith("opt-out")
    assert notes["Timestamp"].startswith("not used: when the answer was given")
    assert notes["colour"].startswith("not used: text") and "columns={'colour': 'survey'}" in notes["colour"]
    assert notes["mood"].startswith("not used: numbers") and "--survey-column 'mood'" in notes["mood"]
    assert table.attrs["kinds"] == {"enthusiasm": "survey", "posts": "activity", "opt_out": "opt_out",
                                    "Timestamp": "ignore", "colour": "ignore", "mood": "ignore"}


def test_nothing_recognised_is_an_error_naming_the_columns_and_the_mapping(tmp_path):
    path = write(tmp_path, "s.csv", "id,mood,colour\n1,4,red\n2,5,blue\n")
    with pytest.raises(InputError, match=r"s\.csv: no column is a survey answer.*'mood': numbers.*"
                                         r"'colour': text.*columns=\{'<column>': 'survey'\}.*"
                                         r"--survey-column"):
        read_signals(path)
    table, report = read_signals(path, columns={"mood": "survey:1-5"})
    assert column_notes(report)["mood"] == "survey answer (1-5; columns=)"
    e = enthusiasm_scores(table)                   # the decision travels with the table
    assert e["survey_answer"].tolist() == ["4/5", "5/5"] and e["enthusiast"].all()


def test_columns_mapping_is_matched_like_aliases_and_unknown_names_refused(tmp_path):
    path = write(tmp_path, "s.csv", "id,Mood Score\n1,4\n")
    table, _ = read_signals(path, columns={"mood_score": "survey"})
    assert table.attrs["kinds"] == {"Mood Score": "survey"}
    with pytest.raises(InputError, match=r"'feelings' given in columns= not found"):
        read_signals(path, columns={"feelings": "survey"})
    with pytest.raises(InputError, match=r"columns: 'sentiment' for column 'Mood Score'"):
        read_signals(path, columns={"Mood Score": "sentiment"})


@pytest.fixture(scope="module")
def org_2000():
    return make_organization(2000, seed=3)


@pytest.mark.parametrize("header, as_text", [
    ("enthusiasm", False),                                   # the case of issue 12
    ("How enthusiastic are you about becoming an ambassador? (1-5)", False),
    ("I would like to help my colleagues with the new way of working", True),
])
def test_the_2000_person_survey_column_is_read_not_ignored(tmp_path, org_2000, header, as_text):
    org = org_2000
    positions = {text: i + 1 for i, text in enumerate(LIKERT)}
    answers = org.survey["survey_enthusiasm"].map(positions)
    written = org.survey["survey_enthusiasm"] if as_text else answers
    pd.DataFrame({"Employee ID": org.survey["person_id"], header: written}).to_csv(
        tmp_path / "survey.csv", index=False)
    signals = read_signals(tmp_path / "survey.csv", people=org.people)
    assert column_notes(signals.report)[header].startswith("survey answer")
    e = enthusiasm_scores(signals, org.people)
    answered = answers.set_axis(org.survey["person_id"]).reindex(e.index)
    assert e["survey"].notna().sum() == answered.notna().sum() > 1000
    assert e.loc[answered <= 2, "enthusiasm"].max() < 0.5      # not the neutral 0.5
    assert (e["enthusiast"] == (answered >= 4)).all()
    assert (e["reluctant"] == (answered <= 2)).all()


# ---------------------------------------------------------------- consent fails closed

@pytest.mark.parametrize("value", ["Opted out", "opted-out", "yes please", "Yes, please", "Unsubscribed"])
def test_opt_out_words_are_understood(tmp_path, value):
    path = write(tmp_path, "s.csv", f'id,posts,opt_out\n1,3,"{value}"\n2,4,no\n')
    table, _ = read_signals(path)
    assert table["opt_out"].tolist() == [True, False]


@pytest.mark.parametrize("column", ["opt_out", "Opt-In", "volunteer"])
def test_unreadable_consent_values_are_an_error_naming_file_column_and_values(tmp_path, column):
    path = write(tmp_path, "consent.csv", f"id,posts,{column}\n1,3,perhaps\n2,4,no\n3,1,later\n")
    with pytest.raises(InputError, match=rf"consent\.csv: opt-\w+ column '{column}' has values that "
                                         r"are not yes/no: 'perhaps', 'later'"):
        read_signals(path)


def test_negative_counts_are_named_as_written(tmp_path):
    path = write(tmp_path, "act.csv", "id,posts\n1,3\n2,-4\n")
    with pytest.raises(InputError, match=r"^act\.csv: activity column 'posts' has negative counts: "
                                         r"'-4'$"):
        read_signals(path)


# ---------------------------------------------------------------- survey-tool exports

def test_microsoft_forms_export(tmp_path):
    frame = pd.DataFrame({
        "ID": [1, 2, 3, 4],
        "Start time": ["3/4/25 9:01:07"] * 4, "Completion time": ["3/4/25 9:03:40"] * 4,
        "Email": ["ann@x.org", "BO@x.org", "anonymous", "cy@x.org"],
        "Name": ["Ann", "Bo", "", "Cy"], "Last modified time": [""] * 4,
        "How enthusiastic are you about becoming an ambassador?": [5, 2, 4, 4],
        "I would like to help colleagues with the change": ["Strongly agree", "Disagree", "Agree",
                                                            "Neutral"],
        "Which office do you work in?": ["Leeds", "York", "Leeds", "York"],
    })
    frame.to_excel(tmp_path / "forms.xlsx", index=False)
    table, report = read_signals(tmp_path / "forms.xlsx", people=roster())
    assert table.index.tolist() == ["007", "012", "3"]
    assert report.dropped == {"anonymous": 1} and report.balanced
    notes = column_notes(report)
    assert notes["Email"] == "person id" and "response" in notes["ID"]
    assert notes["How enthusiastic are you about becoming an ambassador?"].startswith("survey answer")
    assert notes["I would like to help colleagues with the change"] == "survey answer (Likert answers)"
    for unused in ("Start time", "Completion time", "Name", "Last modified time",
                   "Which office do you work in?"):
        assert notes[unused].startswith("not used")
    e = enthusiasm_scores(table, roster())
    assert e["survey_answer"].tolist() == ["5/5, 5/5", "2/5, 2/5", "4/5, 3/5"]
    assert e["enthusiast"].tolist() == [True, False, False]


def test_google_forms_export(tmp_path):
    path = write(tmp_path, "google.csv",
                 'Timestamp,Email address,How enthusiastic are you about the programme? (1-7),'
                 'Would you like to volunteer as an ambassador?,Any comments?\n'
                 '2025/03/04 9:14:02 AM GMT+1,ann@x.org,7,Yes,"Great idea, count me in"\n'
                 '2025/03/04 9:20:41 AM GMT+1,bo@x.org,3,No,\n'
                 '2025/03/05 1:02:13 PM GMT+1,cy@x.org,5,,Not sure yet\n')
    table, report = read_signals(path, people=roster())
    notes = column_notes(report)
    assert notes["Email address"] == "person id"
    assert notes["How enthusiastic are you about the programme? (1-7)"] == \
        "survey answer (1-7; scale in the header)"
    assert notes["Would you like to volunteer as an ambassador?"].startswith("opt-in")
    assert notes["Any comments?"].startswith("not used: free-text answers")
    assert notes["Timestamp"].startswith("not used")
    e = enthusiasm_scores(table, roster())
    assert e["survey_answer"].tolist() == ["7/7", "3/7", "5/7"]        # 5 of 7, not 5 of 5
    assert e["enthusiast"].tolist() == [True, False, False]
    assert e["reluctant"].tolist() == [False, True, False]


QUALTRICS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,"
    "ResponseId,RecipientLastName,RecipientFirstName,RecipientEmail,ExternalReference,"
    "LocationLatitude,LocationLongitude,DistributionChannel,UserLanguage,Q1,Q2,Q3\n"
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,"
    "Recorded Date,Response ID,Recipient Last Name,Recipient First Name,Recipient Email,"
    "External Data Reference,Location Latitude,Location Longitude,Distribution Channel,"
    "User Language,How enthusiastic are you about the programme? (1-7),"
    "I am willing to be an ambassador,May we contact you about the network?\n"
    + ",".join(['"{""ImportId"":""startDate"",""timeZone"":""Europe/London""}"']
               + ['"{""ImportId"":""x""}"'] * 19)
    + "\n"
    "2025-03-04 09:00:00,2025-03-04 09:04:00,IP Address,100,240,True,2025-03-04 09:04:01,"
    "10.0.0.1,R_1a,Smith,Ann,ann@x.org,007,51.5,-0.1,email,EN,6,Strongly agree,Yes\n"
    "2025-03-04 10:00:00,2025-03-04 10:02:00,IP Address,100,120,True,2025-03-04 10:02:01,"
    "10.0.0.2,R_2b,Jones,Bo,bo@x.org,012,51.5,-0.1,email,EN,2,Somewhat disagree,No\n"
    "2025-03-04 11:00:00,2025-03-04 11:02:00,IP Address,100,120,True,2025-03-04 11:02:01,"
    "10.0.0.3,R_3c,Lee,Cy,cy@x.org,3,51.5,-0.1,email,EN,5,Somewhat agree,\n"
)


def test_qualtrics_export_with_three_header_rows(tmp_path):
    path = write(tmp_path, "qualtrics.csv", QUALTRICS)
    table, report = read_signals(path, people=roster())
    assert table.index.tolist() == ["007", "012", "3"]
    assert report.dropped == {"header_row": 2} and report.balanced and report.rows_read == 5
    notes = column_notes(report)
    assert notes["ExternalReference"] == "person id"
    assert notes["Q1"] == "survey answer (1-7; scale in the header)"
    assert notes["Q2"] == "survey answer (Likert answers)"
    assert notes["Q3"].startswith("not used: yes/no answers") and "'opt_in'" in notes["Q3"]
    assert any("How enthusiastic are you about the programme?" in n for n in report.notes)
    for unused in ("StartDate", "IPAddress", "ResponseId", "RecipientEmail", "Finished", "UserLanguage"):
        assert notes[unused].startswith("not used")
    e = enthusiasm_scores(table, roster())
    assert e["survey_answer"].tolist() == ["6/7, 5/5", "2/7, 2/5", "5/7, 4/5"]  # Qualtrics 5-point
    assert e["enthusiast"].tolist() == [True, False, False]
    again, _ = read_signals(path, people=roster(), columns={"Q3": "opt_in"})
    assert again["Q3"].tolist()[:2] == [True, False] and pd.isna(again["Q3"].iloc[2])
    assert enthusiasm_scores(again, roster())["opted_in"].tolist() == [True, False, False]


def test_surveymonkey_export_with_a_second_header_row(tmp_path):
    path = write(tmp_path, "monkey.csv",
                 "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
                 "Last Name,Custom Data 1,How enthusiastic are you about becoming an ambassador?,"
                 "Please rate each statement,,What is your department?\n"
                 ",,,,,,,,,Response,I enjoy explaining new tools,I would host a session,Response\n"
                 "114,4321,03/04/2025 09:00:00 AM,03/04/2025 09:04:00 AM,10.0.0.1,ann@x.org,Ann,"
                 "Smith,,Extremely enthusiastic,Strongly agree,Agree,Sales\n"
                 "115,4321,03/04/2025 10:00:00 AM,03/04/2025 10:04:00 AM,10.0.0.2,bo@x.org,Bo,"
                 "Jones,,Slightly enthusiastic,Disagree,Strongly disagree,Ops\n")
    table, report = read_signals(path, people=roster())
    assert table.index.tolist() == ["007", "012"]
    assert report.dropped == {"header_row": 1} and report.balanced
    notes = column_notes(report)
    assert notes["Email Address"] == "person id"
    assert notes["How enthusiastic are you about becoming an ambassador?"] == "survey answer (Likert answers)"
    for statement in ("I enjoy explaining new tools", "I would host a session"):
        assert notes[f"Please rate each statement - {statement}"] == "survey answer (Likert answers)"
    for unused in ("Respondent ID", "Collector ID", "IP Address", "First Name", "Custom Data 1",
                   "What is your department?"):
        assert notes[unused].startswith("not used")
    e = enthusiasm_scores(table, roster())
    assert e["survey_answer"].tolist()[:2] == ["5/5, 5/5, 4/5", "2/5, 2/5, 1/5"]
    assert e["enthusiast"].tolist() == [True, False, False]


# ---------------------------------------------------------------- properties

_HEADERS = st.sampled_from(["posts", "enthusiasm", "opt_out", "volunteer", "Timestamp", "office",
                            "How enthusiastic are you? (1-5)", "Q4", "mood", "Name", "comments",
                            "I like it", "score", "likes"])
_VALUES = st.sampled_from(["1", "3", "5", "12", "", "yes", "no", "Agree", "Strongly agree", "Leeds",
                           "n/a", "0"])


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_HEADERS, min_size=1, max_size=6, unique=True), st.data())
def test_every_column_of_a_signals_file_is_accounted_for(tmp_path, headers, data):
    rows = [[data.draw(_VALUES) for _ in headers] for _ in range(4)]
    frame = pd.DataFrame(rows, columns=headers).assign(person_id=["a", "b", "c", "d"])
    try:
        table, report = read_signals(frame)
    except InputError as exc:                  # refused: the message names a column or the columns
        assert "no column is" in str(exc) or any(repr(h) in str(exc) for h in headers)
        return
    notes = column_notes(report)
    assert set(notes) == {"person_id", *headers}
    for header in headers:
        assert notes[header].startswith(("survey answer", "activity count", "opt-in", "opt-out",
                                         "not used: "))
    assert set(table.attrs["kinds"]) == set(table.columns)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.sampled_from(["yes", "no", "", "Opted out", "perhaps", "later", "y", "n/a", "??maybe",
                                 "maybe not", "opted in", "0", "1", "N", "nope"]),
                min_size=1, max_size=8))
def test_unknown_opt_out_values_never_let_a_person_through(values):
    known = {"yes", "no", "", "opted out", "y", "n/a", "opted in", "0", "1", "n"}
    frame = pd.DataFrame({"person_id": [f"p{i}" for i in range(len(values))], "opt_out": values,
                          "posts": ["3"] * len(values)})
    if any(v.lower() not in known for v in values):
        with pytest.raises(InputError, match="opt-out column 'opt_out'"):
            read_signals(frame)
        with pytest.raises(InputError, match="opt-out column 'opt_out'"):
            enthusiasm_scores(frame.set_index("person_id"))
        return
    table, _ = read_signals(frame)
    e = enthusiasm_scores(table)
    says_out = [v.lower() in ("yes", "opted out", "y", "1") for v in values]
    assert e["opted_out"].tolist() == says_out
    assert not (e["opted_out"] & e["enthusiast"]).any()


# ---------------------------------------------------------------- the command line

def test_cli_survey_column_maps_a_column_the_rules_do_not_know(tmp_path, capsys):
    from ambassadors.cli import main

    write(tmp_path, "people.csv", "person_id,department\na,X\nb,X\nc,Y\nd,Y\n")
    write(tmp_path, "mail.csv", "source,target\na,b\nb,c\nc,d\nd,a\na,c\n")
    write(tmp_path, "survey.csv", "person_id,Feeling score,colour\na,5,red\nb,1,red\n"
                                  "c,4,blue\nd,2,blue\n")
    common = ["rank", "--people", str(tmp_path / "people.csv"), "--interactions",
              str(tmp_path / "mail.csv"), "--signals", str(tmp_path / "survey.csv")]
    assert main([*common, "--out", str(tmp_path / "r0.csv")]) != 0
    err = capsys.readouterr().err
    assert "no column is a survey answer" in err and "--survey-column" in err
    out = tmp_path / "r.csv"
    assert main([*common, "--survey-column", "Feeling score", "--out", str(out)]) == 0
    ranking = pd.read_csv(out, dtype={"person_id": str}).set_index("person_id")
    assert ranking.loc[["a", "b", "c", "d"], "enthusiast"].tolist() == [True, False, True, False]
    assert ranking.loc[["a", "b", "c", "d"], "reluctant"].tolist() == [False, True, False, True]
    assert main([*common, "--survey-column", "mood", "--out", str(out)]) != 0
    assert "--survey-column 'mood' is not one of them" in capsys.readouterr().err
    with pytest.raises(InputError, match=r"--survey-column: 'mood' not in any signals file"):
        read_signal_files([tmp_path / "survey.csv", write(tmp_path, "act.csv", "person_id,posts\na,3\n")],
                          survey_columns=["Feeling score", "mood"])
    assert main([*common, "--survey-column", "Feeling score", "--min-enthusiasm", "1",
                 "--out", str(out)]) == 0
    strict = pd.read_csv(out, dtype={"person_id": str}).set_index("person_id")
    assert strict.loc[["a", "b", "c", "d"], "enthusiast"].tolist() == [True, False, False, False]


def test_qualtrics_export_whose_extra_header_rows_were_deleted_keeps_every_answer(tmp_path):
    lines = QUALTRICS.splitlines(keepends=True)
    path = write(tmp_path, "cleaned.csv", lines[0] + "".join(lines[3:]))
    table, report = read_signals(path, people=roster())
    assert table.index.tolist() == ["007", "012", "3"]
    assert "header_row" not in report.dropped and report.rows_read == 3 and report.balanced


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["1", "2", "3", "4", "5", "07"]), unique=True), min_size=1,
                max_size=4))
def test_combine_signals_orders_people_like_a_plain_loop(id_lists):
    """People of the first input first, then each later input's new people in its order (oracle:
    a plain loop), each input's values on its own people."""
    frames = [pd.DataFrame({f"s{i}": np.arange(len(ids), dtype=float)},
                           index=pd.Index(ids, dtype=str, name="person_id"))
              for i, ids in enumerate(id_lists)]
    table, _ = combine_signals(*frames)
    expected: list[str] = []
    for ids in id_lists:
        expected += [p for p in ids if p not in expected]
    assert table.index.tolist() == expected
    for i, ids in enumerate(id_lists):
        assert table.loc[ids, f"s{i}"].tolist() == list(range(len(ids)))
