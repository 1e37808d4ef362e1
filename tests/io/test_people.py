"""Tests of read_people: aliases, dtypes, drops, errors, file formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ambassadors.errors import InputError
from ambassadors.io import read_people

KRACKHARDT = Path(__file__).resolve().parents[2] / "data" / "real" / "krackhardt"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_krackhardt_attributes_with_columns_override():
    people, report = read_people(KRACKHARDT / "attributes.csv",
                                 columns={"ID": "person_id", "DEPT": "department"})
    assert len(people) == 21 and report.balanced and report.rows_used == 21
    assert people.index.name == "person_id"
    assert people.loc["1", "TENURE"] == pytest.approx(9.333)
    assert people.loc["3", "TENURE"] == pytest.approx(12.75)
    assert people["TENURE"].dtype == np.float64
    assert set(people["department"]) == {"0", "1", "2", "3", "4"}
    assert all(isinstance(d, str) for d in people["department"])
    assert people["AGE"].dtype.kind == "i"


def test_krackhardt_attributes_by_aliases_alone():
    people, report = read_people(KRACKHARDT / "attributes.csv")
    assert len(people) == 21
    assert any("'DEPT' read as 'department'" in n for n in report.notes)


@pytest.mark.parametrize("header", ["employee_id", "Employee ID", "emp_id", "id", "PersonID",
                                    "person id", "user_id", "Staff-ID"])
def test_person_id_aliases(tmp_path, header):
    people, report = read_people(write(tmp_path, "p.csv", f"{header},department\n007,A\n"))
    assert people.index.tolist() == ["007"]
    assert any(f"{header!r} read as 'person_id'" in n for n in report.notes)


@pytest.mark.parametrize("header", ["dept", "department_name", "Org Unit", "Organization",
                                    "division", "team", "DEPARTMENT"])
def test_department_aliases(tmp_path, header):
    people, _ = read_people(write(tmp_path, "p.csv", f"id,{header}\n1,Sales\n"))
    assert people["department"].tolist() == ["Sales"]


@pytest.mark.parametrize("header", ["mail", "Email Address", "e-mail", "work_email", "EMAIL"])
def test_email_aliases_lower_case_and_strip(tmp_path, header):
    people, _ = read_people(write(tmp_path, "p.csv", f"id,dept,{header}\n1,A, Ann@X.Org \n"))
    assert people["email"].tolist() == ["ann@x.org"]


@pytest.mark.parametrize("header", ["manager", "manager id", "supervisor_id", "reports_to"])
def test_manager_aliases_keep_ids_as_text(tmp_path, header):
    people, _ = read_people(write(tmp_path, "p.csv", f"id,dept,{header}\n1,A,007\n007,A,\n"))
    assert people.loc["1", "manager_id"] == "007"


@pytest.mark.parametrize(("header", "canonical"), [("full_name", "name"),
                                                    ("display_name", "name"),
                                                    ("Job Title", "title"),
                                                    ("office", "location"),
                                                    ("grade", "level"),
                                                    ("start_date", "hire_date"),
                                                    ("is_active", "active")])
def test_optional_column_aliases(tmp_path, header, canonical):
    value = {"hire_date": "2020-01-31", "active": "yes"}.get(canonical, "x1")
    people, _ = read_people(write(tmp_path, "p.csv", f"id,dept,{header}\n1,A,{value}\n"))
    assert canonical in people.columns


def test_columns_override_beats_aliases(tmp_path):
    path = write(tmp_path, "p.csv", "id,badge,dept,team\n1,B-1,A,T1\n2,B-2,A,T2\n")
    people, report = read_people(path, columns={"badge": "person_id", "team": "department"})
    assert people.index.tolist() == ["B-1", "B-2"]
    assert people["department"].tolist() == ["T1", "T2"]
    assert "id" in people.columns and "dept" in people.columns  # kept as extra attributes


def test_columns_override_naming_a_missing_column(tmp_path):
    path = write(tmp_path, "roster.csv", "id,dept\n1,A\n")
    with pytest.raises(InputError, match=r"roster\.csv: column 'EmpNo' given in columns= not "
                                         r"found; columns are: id, dept"):
        read_people(path, columns={"EmpNo": "person_id"})


def test_missing_department_lists_found_columns(tmp_path):
    path = write(tmp_path, "people.csv", "employee_id,dept_label,mail\n1,A,a@x\n")
    with pytest.raises(InputError) as err:
        read_people(path)
    msg = str(err.value)
    assert "people.csv" in msg and "'department' not found" in msg
    assert "employee_id, dept_label, mail" in msg and "\n" not in msg


def test_ids_and_departments_stay_strings(tmp_path):
    path = write(tmp_path, "p.csv", "id,department,cost_center,score\n007,01,0042,1.5\n"
                                    "7,1,0043,2\n0007,41,0044,3\n")
    people, _ = read_people(path)
    assert people.index.tolist() == ["007", "7", "0007"]
    assert people["department"].tolist() == ["01", "1", "41"]
    assert people["cost_center"].tolist() == ["0042", "0043", "0044"]  # a code, not a number
    assert people["score"].tolist() == [1.5, 2.0, 3.0]


def test_missing_ids_and_exact_duplicates_are_dropped_and_counted(tmp_path):
    path = write(tmp_path, "p.csv", "id,dept\n1,A\n,B\n  ,C\n2,B\n1,A\n2,B\n3,C\n")
    people, report = read_people(path)
    assert people.index.tolist() == ["1", "2", "3"]
    assert report.dropped == {"missing_id": 2, "duplicate_row": 2}
    assert report.rows_read == 7 and report.rows_used == 3 and report.balanced


def test_conflicting_duplicate_ids_name_ids_and_values(tmp_path):
    rows = "".join(f"{i},A\n{i},B\n" for i in range(10))
    path = write(tmp_path, "hr.csv", "id,dept\n" + rows)
    with pytest.raises(InputError) as err:
        read_people(path)
    msg = str(err.value)
    assert msg.startswith("hr.csv: duplicate person_id")
    assert "'0', '1', '2', '3', '4' and 5 more (10 in all)" in msg
    assert "'A' vs 'B'" in msg


def test_nothing_left_after_dropping(tmp_path):
    path = write(tmp_path, "p.csv", "id,dept\n,A\n,B\n")
    with pytest.raises(InputError, match=r"p\.csv: no people left .*missing_id: 2"):
        read_people(path)


def test_hire_date_excel_serials_and_active_flags(tmp_path):
    path = write(tmp_path, "p.csv", "id,dept,hire_date,active\n1,A,45292,ja\n2,A,2021-06-01,no\n"
                                    "3,A,,TRUE\n")
    people, _ = read_people(path)
    assert people["hire_date"].dtype == "datetime64[ns]"
    assert people.loc["1", "hire_date"] == pd.Timestamp("2024-01-01")
    assert pd.isna(people.loc["3", "hire_date"])
    assert people["active"].tolist() == [True, False, True]
    assert people["active"].dtype == bool


def test_content_like_columns_are_not_loaded(tmp_path):
    path = write(tmp_path, "p.csv", "id,dept,comment,Attachments\n1,A,private,x.pdf\n")
    people, report = read_people(path)
    assert list(people.columns) == ["department"]
    assert any("content columns not read" in n for n in report.notes)


def test_reads_xlsx_parquet_json_and_frames(tmp_path):
    frame = pd.DataFrame({"Employee ID": ["007", "12"], "Dept": ["0", "Sales"],
                          "Email": ["A@x.org", "b@x.org"]})
    frame.to_excel(tmp_path / "p.xlsx", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    (tmp_path / "records.json").write_text(frame.to_json(orient="records"))
    (tmp_path / "columns.json").write_text(json.dumps(frame.to_dict(orient="list")))
    expected = read_people(frame).table
    for name in ("p.xlsx", "p.parquet", "records.json", "columns.json"):
        people, report = read_people(tmp_path / name)
        pd.testing.assert_frame_equal(people, expected, check_dtype=False)
        assert report.source == name


def test_a_read_table_can_be_read_again():
    people = read_people(KRACKHARDT / "attributes.csv").table
    again = read_people(people).table
    pd.testing.assert_frame_equal(again, people)


def test_a_filtered_frame_index_is_not_an_attribute():
    frame = pd.DataFrame({"id": ["1", "2", "3"], "dept": ["A", "B", "A"]})
    people, _ = read_people(frame[frame["dept"] == "A"])
    assert people.index.tolist() == ["1", "3"] and list(people.columns) == ["department"]


def test_blank_department_is_an_error_naming_the_people(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("person_id,department\n1,Sales\n2,  \n3,\n4,IT\n")
    with pytest.raises(InputError, match=r"people\.csv: blank department for person_id '2', '3'"):
        read_people(path)
    path.write_text("person_id,department\n1,Sales\n2,Unassigned\n")
    assert read_people(path).table["department"].tolist() == ["Sales", "Unassigned"]


def test_one_email_in_two_cases_is_an_error_naming_both_ids(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("person_id,department,email\n1,A,Ann@X.org\n2,B,bo@x.org\n3,B,ann@x.org\n")
    with pytest.raises(InputError, match=r"people\.csv: person_id '1', '3' share the e-mail "
                                         r"address 'ann@x.org'"):
        read_people(path)


def test_a_roster_frame_with_one_email_twice_is_refused_when_resolving():
    from ambassadors.io.tables import Roster

    frame = pd.DataFrame({"department": ["A", "B"], "email": ["Ann@x.org", "ann@X.org"]},
                         index=pd.Index(["1", "2"], name="person_id"))
    with pytest.raises(InputError, match=r"person_id '1', '2' share e-mail addresses"):
        Roster(frame)
