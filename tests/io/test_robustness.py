"""Robustness of the readers: the corpus of real-world files, errors, and fuzzing.

Every reader either returns a table whose report balances, or raises InputError with a one-line
message naming the file -- never a pandas/pyarrow/Unicode/Key error.
"""

from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.io import read_interactions, read_people, read_signals
from ambassadors.io.tables import is_content_column, read_table

CORPUS = Path(__file__).resolve().parent / "corpus"
FUZZ = settings(deadline=None, max_examples=40,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


# ---------------------------------------------------------------- corpus, one test per file

def test_corpus_bom_crlf_and_leading_zeros():
    people, report = read_people(CORPUS / "people_bom_crlf.csv")
    assert people.index.tolist() == ["007", "0042", "42"]  # three different people
    assert people["department"].tolist() == ["Sales", "R&D", "0"]
    assert people.loc["007", "email"] == "bond@mi6.gov.uk"
    assert report.balanced


def test_corpus_cp1252_semicolon_decimal_commas():
    people, report = read_people(CORPUS / "people_cp1252_semicolon.csv")
    assert people.loc["1", "department"] == "Märketing"
    assert people.loc["1", "name"] == "José Müller"
    assert people["tenure"].tolist() == [9.333, 12.75, 3.5]
    assert people["fte"].tolist() == [0.8, 1.0, 1.0]
    assert any("Windows-1252" in n for n in report.notes)


def test_corpus_mixed_line_endings_and_quoted_delimiters():
    people, _ = read_people(CORPUS / "people_mixed_endings.csv")
    assert people.index.tolist() == ["1", "2", "3"]
    assert people.loc["1", "name"] == "Smith, John"
    assert people.loc["2", "department"] == "R&D, Labs"
    assert people.loc["2", "name"] == "multi\nline"


def test_corpus_utf16_tab_separated():
    people, _ = read_people(CORPUS / "people_utf16.txt")
    assert people.index.tolist() == ["u1", "u2"]
    assert people["email"].tolist() == ["a@x.org", "b@x.org"]


def test_corpus_duplicate_headers():
    with pytest.raises(InputError, match=r"^people_duplicate_headers\.csv: duplicate column "
                                         r"names 'department'"):
        read_people(CORPUS / "people_duplicate_headers.csv")


def test_corpus_excel_serial_dates_csv_and_xlsx():
    people, _ = read_people(CORPUS / "people_excel_serial_dates.csv")
    assert people.loc["1", "hire_date"] == pd.Timestamp("2024-01-01")
    assert people.loc["2", "hire_date"] == pd.Timestamp("2023-01-01 12:00")
    assert people["active"].tolist() == [True, False, True, False]
    xl, report = read_people(CORPUS / "people.xlsx")
    assert xl.index.tolist() == ["007", "42", "0042"]
    assert xl.loc["007", "hire_date"] == pd.Timestamp("2020-01-15")
    assert xl["department"].tolist() == ["Sales", "0", "R&D"]
    assert report.balanced


def test_corpus_conflicting_ids():
    with pytest.raises(InputError, match=r"people_conflicting_ids\.csv: duplicate person_id "
                                         r"with different values '1'"):
        read_people(CORPUS / "people_conflicting_ids.csv")


def test_corpus_ragged_rows_are_counted():
    table, report = read_interactions(CORPUS / "edges_ragged.csv")
    assert len(table) == 2 and report.dropped == {"bad_row": 2} and report.balanced


@pytest.mark.parametrize(("name", "message"), [
    ("binary.csv", "not a text table"),
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "no interactions left"),
    ("no_such_file.csv", "file not found"),
])
def test_corpus_unreadable_files(name, message):
    with pytest.raises(InputError) as err:
        read_interactions(CORPUS / name)
    assert str(err.value).startswith(f"{name}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_folder_and_wrong_content_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_people(tmp_path)
    (tmp_path / "fake.xlsx").write_text("id,department\n1,A\n")
    with pytest.raises(InputError, match=r"fake\.xlsx: not an \.xlsx workbook"):
        read_people(tmp_path / "fake.xlsx")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"broken\.parquet: cannot read as Parquet"):
        read_people(tmp_path / "broken.parquet")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match=r"bad\.json: not valid JSON"):
        read_people(tmp_path / "bad.json")


def test_huge_recipient_list_and_empty_fields(tmp_path):
    recipients = ";".join(f"p{i}" for i in range(20_000))
    path = tmp_path / "big.csv"
    path.write_text(f"sender,recipients,timestamp\np0,{recipients},\np1,,\n,p1,\n")
    table, report = read_interactions(path)
    assert len(table) == 19_999  # p0 -> p0 is a self-pair
    assert np.allclose(table["weight"], 1 / 20_000)
    assert report.dropped == {"no_recipients": 1, "unknown_sender": 1}
    assert report.pairs_read == 20_001 and report.balanced


# ---------------------------------------------------------------- dialect round trips

safe_text = st.text(alphabet=string.ascii_letters + string.digits + "äöüßéèñçÆØÅ€ -_.@#&/()'!?",
                    min_size=0, max_size=8)
# content-like names (Body, Text, ...) are never read: keep them out of round trips
header_text = st.text(alphabet=string.ascii_letters, min_size=1, max_size=6).filter(
    lambda s: not is_content_column(s))


@st.composite
def tables(draw):
    n_cols = draw(st.integers(2, 5))
    names = draw(st.lists(header_text, min_size=n_cols, max_size=n_cols,
                          unique_by=lambda s: s.lower()))
    rows = draw(st.lists(st.lists(safe_text, min_size=n_cols, max_size=n_cols),
                         min_size=1, max_size=8))
    return names, rows


@FUZZ
@given(tables(), st.sampled_from([",", ";", "\t", "|"]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_any_dialect_round_trips_strings(tmp_path_factory, table, delimiter, newline, encoding,
                                         quoting):
    names, rows = table
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(names)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("dialect") / "t.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == names
    assert frame.astype(str).values.tolist() == rows
    assert frame.attrs["delimiter"] == delimiter or len(rows) == 0


# ---------------------------------------------------------------- fuzzing the readers

def _check(call):
    try:
        loaded = call()
    except InputError as err:
        assert "\n" not in str(err)
        return None
    assert loaded.report.balanced
    return loaded


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "input.csv"
    path.write_bytes(data)
    _check(lambda: read_people(path))
    _check(lambda: read_interactions(path))
    _check(lambda: read_signals(path))


any_text = st.text(max_size=10)
cells = st.one_of(any_text, st.sampled_from(["", " ", "007", "a@x.org", "A@X.ORG", "1,5",
                                             "2024-03-31T02:30:00+02:00", "x;y;z", '"', "\r\n"]))


@FUZZ
@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from([("person_id", "department", "email", "posts"),
                        ("sender", "recipients", "cc", "timestamp"),
                        ("ego", "alter", "edge", "channel"),
                        ("id", "metric", "value", "Subject")]))
def test_random_cells_in_random_dialects(tmp_path_factory, rows, delimiter, newline, header):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("cells") / "input.csv"
    path.write_bytes(buf.getvalue().encode("utf-8", errors="surrogatepass"))
    people = _check(lambda: read_people(path))
    _check(lambda: read_interactions(path, people=people.table if people else None))
    _check(lambda: read_signals(path))
    frame = pd.DataFrame(rows, columns=list(header))
    _check(lambda: read_people(frame))
    _check(lambda: read_interactions(frame))
    _check(lambda: read_signals(frame))


@FUZZ
@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=6, unique=True))
def test_random_unicode_names_and_ids(tmp_path_factory, names):
    people = pd.DataFrame({"person_id": names, "department": names[::-1]})
    loaded = _check(lambda: read_people(people))
    log = pd.DataFrame({"from": names, "to": names[1:] + names[:1]})
    interactions = _check(lambda: read_interactions(
        log, people=loaded.table if loaded else None))
    if loaded is not None and interactions is not None:
        assert set(interactions.table["source"].astype(object)) <= set(loaded.table.index)


@pytest.mark.parametrize(("encoding", "note"), [("utf-8", None), ("utf-8-sig", None),
                                                ("utf-16", None), ("cp1252", "Windows-1252")])
def test_each_encoding(tmp_path, encoding, note):
    text = "id;department;name\r\n1;Forschung & Entwicklung;Zoë Müller €\r\n"
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode(encoding))
    people, report = read_people(path)
    assert people.loc["1", "name"] == "Zoë Müller €"
    assert people.columns.tolist() == ["department", "name"]
    assert (note is None) == (not any("not UTF-8" in n for n in report.notes))


def test_latin1_fallback_when_not_cp1252(tmp_path):
    # 0x81 is undefined in Windows-1252: the file can only be Latin-1
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,department,name\n1,A,M\xfcller\x81\n")
    people, report = read_people(path)
    assert people.loc["1", "name"] == "Müller\x81"
    assert any("Latin-1" in n for n in report.notes)


# ---------------------------------------------------------------- numeric day/month dates

@settings(deadline=None, max_examples=60)
@given(days=st.lists(st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                              max_value=pd.Timestamp("2040-12-31").date()), min_size=1, max_size=25),
       sep=st.sampled_from(["." , "-", "/"]), day_first=st.booleans(), with_time=st.booleans())
def test_numeric_dates_round_trip_in_the_columns_own_order(days, sep, day_first, with_time):
    """d.m.Y and d-m-Y (European) and m/d/Y (American) always read back as written; the other
    orders whenever the column holds a day above 12, which settles it."""
    from hypothesis import assume

    from ambassadors.io.tables import parse_datetimes

    conventional = day_first == (sep != "/")
    assume(conventional or any(d.day > 12 for d in days))
    fmt = f"%d{sep}%m{sep}%Y" if day_first else f"%m{sep}%d{sep}%Y"
    text = [d.strftime(fmt) + (" 10:30" if with_time else "") for d in days]
    ts, bad = parse_datetimes(text)
    assert not bad.any()
    assert [t.date() for t in ts] == days


def test_an_unclosed_quote_is_counted_line_by_line_and_explained(tmp_path):
    """pyarrow reads everything after an unclosed quote as one field: those lines are still
    input rows the user can see, so each is counted as a bad row and the note says why."""
    log = tmp_path / "log.csv"
    log.write_text('source,target\na,b\n"c,d\ne,f\ng,h\ni,j\n')
    table, report = read_interactions(log)
    assert report.rows_read == 5 and report.rows_used == 1 and report.dropped == {"bad_row": 4}
    assert report.balanced
    assert any("never closes" in note for note in report.notes)
    last = tmp_path / "last.csv"  # in the last column the merged row has the right width
    last.write_text('source,target\na,b\nc,"d\ne,f\n')
    _, report = read_interactions(last)
    assert any("span several lines" in note for note in report.notes)
    fine = tmp_path / "fine.csv"  # a line break inside a content column is not reported
    fine.write_text('source,target,Subject\na,b,"hi\nthere"\nc,d,ok\n')
    _, report = read_interactions(fine)
    assert report.rows_read == 2 and not any("line" in note for note in report.notes)


@pytest.mark.parametrize("values, note", [
    (["03/11/2025", "04/11/2025"], "2 dates such as '03/11/2025' read month-first"),
    (["03-11-2025"], "1 date such as '03-11-2025' read day-first"),
    (["03/11/2025", "14/11/2025"], None),  # 14 settles it: day-first, nothing assumed
    (["03/03/2025", "2025-11-04"], None),  # the same either way round; ISO is never ambiguous
])
def test_an_assumed_day_month_order_is_reported(values, note):
    from ambassadors.io.tables import parse_datetimes

    notes: list[str] = []
    _, bad = parse_datetimes(values, notes=notes)
    assert not bad.any()
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0].startswith(note)


def test_mixed_object_cells_are_converted_once_per_distinct_value(tmp_path, monkeypatch):
    """Excel and JSON cells of mixed types: strings as before, each distinct value converted once."""
    import ambassadors.io.tables as tables

    seen = []
    original = tables._cell_to_str
    monkeypatch.setattr(tables, "_cell_to_str", lambda v: seen.append(v) or original(v))
    frame = pd.DataFrame({"x": [1.0, "007", None, pd.Timestamp("2025-11-03"), 1.0, "007", b"b"] * 500,
                          "to": [["b@x.org", "c@x.org"], "d@x.org", ["b@x.org", "c@x.org"], None,
                                 "d@x.org", ["e@x.org"], "f"] * 500})
    out = tables.read_table(frame)
    assert out["x"].tolist()[:7] == ["1", "007", "", "2025-11-03T00:00:00", "1", "007", "b"]
    assert out["to"].tolist()[:7] == ["b@x.org;c@x.org", "d@x.org", "b@x.org;c@x.org", "", "d@x.org",
                                      "e@x.org", "f"]
    assert len(seen) <= 12  # distinct values, not 7,000 cells


@pytest.mark.parametrize("bad_row", [False, True])
def test_a_cp1252_byte_past_the_first_bytes_is_still_found(tmp_path, bad_row):
    """A file whose first bytes are UTF-8 is parsed as UTF-8 at once; a Windows-1252 byte far
    into it (in a value, or only in a row skipped for its number of fields) still makes it read
    as Windows-1252, as when the whole file was decoded first."""
    filler = "".join(f"{i},A,Name {i}\n" for i in range(30_000))  # > the bytes sniffed
    tail = "30000,A,Zo\xeb,extra\n" if bad_row else "30000,A,Zo\xeb\n"
    path = tmp_path / "p.csv"
    path.write_bytes(("id,department,name\n" + filler + tail).encode("cp1252"))
    people, report = read_people(path)
    assert any("Windows-1252" in n for n in report.notes)
    assert len(people) == 30_000 + (not bad_row)
    if not bad_row:
        assert people.loc["30000", "name"] == "Zoë"
    plain = tmp_path / "q.csv"
    plain.write_bytes(("id,department,name\n" + filler).encode("utf-8"))
    assert not any("not UTF-8" in n for n in read_people(plain).report.notes)
