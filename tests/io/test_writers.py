"""Tests of ambassadors.io.writers: escaping, atomic files, refusing to overwrite inputs."""

from __future__ import annotations

import csv
import os
import stat
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.io.writers import (
    DANGEROUS_PREFIXES,
    atomic_write_bytes,
    atomic_write_text,
    check_output_path,
    escape_formulas,
    write_csv,
    write_markdown,
    write_xlsx,
)

DANGER = list(DANGEROUS_PREFIXES)
cell_text = st.one_of(
    st.text(max_size=12),
    st.tuples(st.sampled_from(DANGER), st.text(max_size=8)).map("".join),
    st.sampled_from(["-1+2", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+33 1 23", "'=already", ""]),
)


def _no_temp_files(directory) -> bool:
    return not [p for p in os.listdir(directory) if p.endswith(".tmp")]


# ---------------------------------------------------------------------------- escape_formulas


def test_escape_formulas_text_only_and_input_untouched():
    df = pd.DataFrame(
        {
            "name": ["=1+1", "Ann", "-1+2", None, "\tx", "\rx", "@me", "+4"],
            "delta": [-1.5, 2.0, -3.0, 0.0, 1.0, 1.0, 1.0, 1.0],
            "n": [-1, 2, 3, 4, 5, 6, 7, 8],
        },
        index=pd.Index(["=a", "b", "c", "d", "e", "f", "g", "h"], name="person_id"),
    )
    before = df.copy()
    out = escape_formulas(df)
    assert out["name"].tolist()[:3] == ["'=1+1", "Ann", "'-1+2"]
    assert pd.isna(out["name"].iloc[3])
    assert out["name"].tolist()[4:] == ["'\tx", "'\rx", "'@me", "'+4"]
    assert out.index[0] == "'=a"
    pd.testing.assert_series_equal(out["delta"], df["delta"].set_axis(out.index))
    pd.testing.assert_series_equal(out["n"], df["n"].set_axis(out.index))
    pd.testing.assert_frame_equal(df, before)


def test_escape_formulas_mixed_object_categorical_and_labels():
    df = pd.DataFrame(
        {
            "mixed": pd.Series([-1, "-x", 2.5, None], dtype=object),
            "cat": pd.Categorical(["=a", "b", "=a", "b"]),
            "=bad name": [1, 2, 3, 4],
        }
    )
    out = escape_formulas(df)
    assert out["mixed"].tolist()[:3] == [-1, "'-x", 2.5]
    assert isinstance(out["cat"].dtype, pd.CategoricalDtype)
    assert out["cat"].tolist() == ["'=a", "b", "'=a", "b"]
    assert "'=bad name" in out.columns
    assert isinstance(out.index, pd.RangeIndex)


def test_escape_formulas_categorical_with_colliding_labels():
    s = pd.Series(pd.Categorical(["=a", "'=a", "b"]))
    out = escape_formulas(s.to_frame("c"))["c"]
    assert out.tolist() == ["'=a", "'=a", "b"]


def test_escape_formulas_multiindex():
    idx = pd.MultiIndex.from_tuples([("=d", "x"), ("e", "-y")], names=["dept", "@who"])
    out = escape_formulas(pd.DataFrame({"v": [1, 2]}, index=idx))
    assert list(out.index) == [("'=d", "x"), ("e", "'-y")]
    assert out.index.names == ["dept", "'@who"]


# ---------------------------------------------------------------------------- CSV


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(cell_text, min_size=1, max_size=8),
    numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=8, max_size=8),
    ints=st.lists(st.integers(-10**12, 10**12), min_size=8, max_size=8),
)
def test_csv_no_cell_starts_dangerous_and_numbers_round_trip(tmp_path, texts, numbers, ints):
    n = len(texts)
    df = pd.DataFrame(
        {"text": texts, "=formula col": texts[::-1], "x": numbers[:n], "k": ints[:n]},
        index=pd.Index([f"{t}#{i}" for i, t in enumerate(texts)], name="person_id"),
    )
    path = write_csv(df, tmp_path / "out.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert len(body) == n
    text_positions = [0, 1, 2]  # index, text, "=formula col"
    for row in [header, *body]:
        for pos in text_positions:
            cell = row[pos]
            assert not cell.startswith(tuple(DANGER)), cell
    for row, original, reverse in zip(body, texts, texts[::-1]):
        expected = "'" + original if original.startswith(tuple(DANGER)) else original
        assert row[1] == expected
        assert row[2] == ("'" + reverse if reverse.startswith(tuple(DANGER)) else reverse)
    # numbers are written exactly (shortest repr): they parse back to the same values
    assert [float(row[3]) for row in body] == numbers[:n]
    assert [int(row[4]) for row in body] == ints[:n]
    back = pd.read_csv(path, index_col=0)
    assert pd.api.types.is_float_dtype(back["x"]) and pd.api.types.is_integer_dtype(back["k"])
    assert _no_temp_files(tmp_path)


def test_write_csv_keeps_leading_zero_ids_and_utf8(tmp_path):
    df = pd.DataFrame({"name": ["Zoë", "Łukasz"]}, index=pd.Index(["007", "010"], name="person_id"))
    text = write_csv(df, tmp_path / "a.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["person_id,name", "007,Zoë", "010,Łukasz"]
    assert write_csv(df, tmp_path / "b.csv", index=False).read_text(encoding="utf-8").splitlines()[0] == "name"


def test_write_csv_failure_mid_write_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "shortlist.csv"
    path.write_text("old,content\n", encoding="utf-8")

    def half_then_fail(self, handle, **kwargs):
        handle.write("person_id,na")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_csv(pd.DataFrame({"a": [1]}), path)
    assert path.read_text(encoding="utf-8") == "old,content\n"
    assert _no_temp_files(tmp_path)


def test_atomic_write_failure_in_fsync_or_replace_leaves_nothing_new(tmp_path, monkeypatch):
    fresh = tmp_path / "new.txt"

    def boom(*args, **kwargs):
        raise OSError("no")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        atomic_write_text(fresh, "x")
    assert not fresh.exists() and _no_temp_files(tmp_path)
    monkeypatch.undo()

    old = tmp_path / "old.bin"
    old.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_bytes(old, b"new")
    assert old.read_bytes() == b"old" and _no_temp_files(tmp_path)


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "x.txt"
    atomic_write_text(path, "one\r\n")
    assert path.read_bytes() == b"one\r\n"
    if os.name == "posix":
        os.chmod(path, 0o640)
        atomic_write_text(path, "two")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text() == "two" or os.name != "posix"


def test_atomic_write_through_symlink_updates_target(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_bad_output_locations_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "missing" / "x.csv")
    with pytest.raises(InputError, match="directory"):
        atomic_write_text(tmp_path, "x")


# ---------------------------------------------------------------------------- check_output_path


def test_check_output_path_refuses_inputs(tmp_path, monkeypatch):
    people = tmp_path / "people.csv"
    people.write_text("person_id,department\n1,A\n")
    monkeypatch.chdir(tmp_path)
    check_output_path(tmp_path / "out.csv", [people, None, pd.DataFrame()])  # fine
    check_output_path(None, [people])
    for same in ["people.csv", "./people.csv", str(people), tmp_path / "sub" / ".." / "people.csv"]:
        with pytest.raises(InputError, match="refusing to overwrite input file"):
            check_output_path(same, [people])
    with pytest.raises(InputError, match="people.csv"):
        check_output_path(people, str(people))  # a single path, not a list
    link = tmp_path / "alias.csv"
    try:
        link.symlink_to(people)
    except (OSError, NotImplementedError):
        return
    with pytest.raises(InputError):
        check_output_path(link, [people])
    hard = tmp_path / "hard.csv"
    try:
        os.link(people, hard)
    except OSError:
        return
    with pytest.raises(InputError):
        check_output_path(hard, ["people.csv"])


# ---------------------------------------------------------------------------- Excel


def test_xlsx_text_is_never_a_formula(tmp_path):
    members = pd.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "Ann\x07", "-1+2", None],
            "score": [-1.25, 2.0, 3.0, np.nan],
            "when": pd.to_datetime(["2024-01-01T10:00Z"] * 4, utc=True),
            "cat": pd.Categorical(["=x", "y", "=x", "y"]),
        },
        index=pd.Index(["=p1", "p2", "p3", "p4"], name="person_id"),
    )
    path = write_xlsx(tmp_path / "plan.xlsx", {"members": members, "coverage": pd.DataFrame({"n": [1, 2]})})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["members", "coverage"]
    ws = book["members"]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == ["person_id", "name", "score", "when", "cat"]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(tuple(DANGER))
    assert rows[1][0].value == "'=p1" and rows[1][1].value == "'=cmd|' /C calc'!A0"
    assert rows[2][1].value == "Ann"  # control character removed, not an error
    assert rows[1][2].value == -1.25 and rows[1][2].data_type == "n"
    assert rows[4][2].value is None and rows[4][1].value is None
    assert rows[1][3].value == pd.Timestamp("2024-01-01 10:00").to_pydatetime()
    assert rows[1][4].value == "'=x"
    # an unnamed RangeIndex is not written
    assert [c.value for c in next(book["coverage"].iter_rows())] == ["n"]


def test_xlsx_sheet_names_sanitised_and_unique(tmp_path):
    frames = {"a/b:c*d?[e]\\f": pd.DataFrame({"x": [1]}), "x" * 40: pd.DataFrame({"x": [2]}),
              "X" * 40: pd.DataFrame({"x": [3]}), "": pd.DataFrame({"x": [4]})}
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "s.xlsx", frames))
    names = book.sheetnames
    assert len(names) == 4 and len({n.lower() for n in names}) == 4
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert [book[n]["A2"].value for n in names] == [1, 2, 3, 4]


def test_xlsx_refuses_nothing_and_keeps_old_file_on_error(tmp_path):
    with pytest.raises(InputError):
        write_xlsx(tmp_path / "e.xlsx", {})
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(InputError):
        write_xlsx(path, {"bad": 42})
    assert path.read_bytes() == b"old" and _no_temp_files(tmp_path)


# ---------------------------------------------------------------------------- Markdown


def _split_row(line: str) -> list[str]:
    import re

    assert line.startswith("| ") and line.endswith(" |")
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=10), min_size=0, max_size=6))
def test_markdown_table_shape_survives_any_text(texts):
    df = pd.DataFrame({"t": texts, "n": range(len(texts))})
    text = write_markdown(df)
    lines = text.splitlines()
    assert len(lines) == len(texts) + 2
    for line in lines:
        assert len(_split_row(line)) == 3


def test_markdown_content_alignment_and_file(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tabulate", None)  # works without the tabulate package
    df = pd.DataFrame({"department": ["R|D", "Ops"], "share": [0.5, np.nan], "ok": [True, False]},
                      index=pd.Index(["a", "b"], name="person_id"))
    path = tmp_path / "t.md"
    text = write_markdown(df, path, float_format="{:.2f}")
    assert path.read_text(encoding="utf-8") == text
    lines = text.splitlines()
    assert _split_row(lines[0]) == ["person_id", "department", "share", "ok"]
    rule = _split_row(lines[1])
    assert rule[2].endswith(":") and rule[1].startswith(":") and rule[3].startswith(":")
    assert _split_row(lines[2]) == ["a", "R\\|D", "0.50", "True"]
    assert _split_row(lines[3]) == ["b", "Ops", "", "False"]
    assert write_markdown(df, index=False).splitlines()[0].startswith("| department")
