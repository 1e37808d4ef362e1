"""Tests of read_signals and combine_signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ambassadors.errors import InputError
from ambassadors.io import combine_signals, read_signals


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
    path = write(tmp_path, "s.csv", 'id,score\n1,"1,5"\n2,2\n')
    table, _ = read_signals(path)
    assert table["score"].tolist() == ["1,5", "2"]  # ambiguous: kept as text


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
