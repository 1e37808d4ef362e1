"""The reading rules on messy logs (same answer in memory and in DuckDB), the options, the
errors, and the engine ``auto`` picks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ambassadors.aggregate as agg
from ambassadors.aggregate import aggregate_interactions, is_tie_table
from ambassadors.errors import AmbassadorsError, InputError
from ambassadors.graph import build_graph

pytest.importorskip("duckdb")

PEOPLE = pd.DataFrame(
    {"department": ["A", "A", "B", "B"],
     "email": ["Ann@X.org", "bo@x.org", "cy@x.org", "di@x.org"]},
    index=pd.Index(["p1", "p2", "p3", "p4"], name="person_id"))
# ids, e-mails in other cases, padding, strangers, blanks
ADDRESSES = ["p1", "p2", " p3 ", "p4", "ann@x.org", "ANN@x.org", "BO@X.ORG", "cy@x.org",
             "di@x.org", "list@x.org", "ext@y.com", "", "P1"]
STAMPS = ["2025-01-06T09:00:00Z", "2025-01-20 10:30:00", "2025-02-03T08:00:00+01:00",
          "2025-03-01T12:00:00-05:00", "", "not a date"]

row = st.fixed_dictionaries({
    "sender": st.sampled_from(ADDRESSES),
    "recipients": st.lists(st.sampled_from(ADDRESSES), max_size=4).map(";".join),
    "cc": st.one_of(st.none(), st.lists(st.sampled_from(ADDRESSES), max_size=2).map(",".join)),
    "timestamp": st.sampled_from(STAMPS),
})


def both(frame: pd.DataFrame, **options):
    """(arrow result or the error, duckdb result or the error) on ``frame`` as a Parquet file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.parquet"
        frame.to_parquet(path, index=False)
        out = []
        for engine in ("arrow", "duckdb"):
            try:
                out.append(aggregate_interactions(path, people=PEOPLE, engine=engine, **options))
            except InputError as exc:
                out.append(exc)
        return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=3, max_size=12))
def test_messy_logs_give_the_same_ties_and_drops_in_memory_and_in_duckdb(rows):
    arrow, duck = both(pd.DataFrame(rows), half_life="10D")
    if isinstance(arrow, Exception) or isinstance(duck, Exception):
        assert type(arrow) is type(duck), (arrow, duck)
        return
    a, d = arrow.table, duck.table
    assert a[["source", "target"]].astype(str).equals(d[["source", "target"]].astype(str))
    np.testing.assert_allclose(a["weight"], d["weight"], rtol=1e-9)
    assert a["count"].equals(d["count"]) and a["first"].equals(d["first"])
    for attr in ("rows_read", "rows_used", "dropped", "pairs_read", "pairs_used",
                 "pairs_dropped"):
        assert getattr(arrow.report, attr) == getattr(duck.report, attr), attr
    assert duck.report.balanced


def test_one_over_recipients_and_case_insensitive_emails():
    log = pd.DataFrame({"sender": ["ANN@x.org", "p2"],
                        "recipients": ["bo@X.org; p3; list@x.org; p2", "p1"],
                        "timestamp": ["2025-01-06T09:00:00Z", "2025-01-07T09:00:00Z"]})
    for engine in ("arrow", "duckdb"):
        with tempfile.TemporaryDirectory() as tmp:
            log.to_csv(Path(tmp) / "log.csv", index=False)
            ties, report = aggregate_interactions(Path(tmp), people=PEOPLE, engine=engine)
        got = {(s, t): w for s, t, w in zip(ties["source"], ties["target"], ties["weight"], strict=True)}
        # bo@X.org and p2 are one person (merged); the list is a recipient nobody resolves
        assert got == {("p1", "p2"): 1 / 3, ("p1", "p3"): 1 / 3, ("p2", "p1"): 1.0}, engine
        assert report.pairs_dropped == {"unknown_recipient": 1}, engine
        assert any("repeated recipients" in n for n in report.notes), engine


def test_rules_drop_pairs_by_reason_and_keep_the_rows(tmp_path):
    log = pd.DataFrame({"source": ["p1", "p1", "p2", "p3"], "target": ["p2", "p3", "p1", "p4"],
                        "timestamp": ["2025-01-01", "2025-03-01", "", "2025-03-02"],
                        "channel": ["email", "chat", "email", "chat"]})
    log.to_parquet(tmp_path / "edges.parquet")
    for engine in ("arrow", "duckdb"):
        ties, report = aggregate_interactions(tmp_path, people=PEOPLE, engine=engine,
                                              window="30D", channels=["chat"])
        assert list(zip(ties["source"], ties["target"], strict=True)) == [("p1", "p3"), ("p3", "p4")]
        assert report.pairs_dropped == {"channel_not_selected": 2}
        assert report.rows_used == 4 and report.pairs_used == 2
        ties, report = aggregate_interactions(tmp_path, people=PEOPLE, engine=engine,
                                              window="30D")
        assert report.pairs_dropped == {"no_timestamp": 1, "outside_window": 1}


def test_build_graph_takes_a_tie_table_but_not_the_options_twice(tmp_path):
    log = pd.DataFrame({"source": ["p1", "p1", "p2"], "target": ["p2", "p2", "p3"],
                        "timestamp": ["2025-01-01", "2025-01-02", "2025-01-03"]})
    ties = aggregate_interactions(log, people=PEOPLE, period="day")
    assert is_tie_table(ties.table) and not is_tie_table(log)
    graph = build_graph(PEOPLE, ties)
    assert graph.counts[0, 1] == 2 and graph.weights[0, 1] == 2.0 and graph.n_ties == 2
    with pytest.raises(InputError, match="already aggregated"):
        build_graph(PEOPLE, ties, half_life="7D")


def test_auto_says_what_it_picked(tmp_path, monkeypatch):
    pd.DataFrame({"source": ["p1"], "target": ["p2"]}).to_parquet(tmp_path / "a.parquet")
    small = aggregate_interactions(tmp_path, people=PEOPLE)
    assert small.report.notes[0].startswith("engine: arrow (")
    monkeypatch.setattr(agg, "AUTO_IN_MEMORY_BYTES", 0)
    large = aggregate_interactions(tmp_path, people=PEOPLE)
    assert large.report.notes[0].startswith("engine: duckdb (") and "duckdb is installed" in \
        large.report.notes[0]


def test_bad_inputs_fail_in_one_line(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        aggregate_interactions(tmp_path / "nope", people=PEOPLE)
    pd.DataFrame({"who": ["p1"], "whom": ["p2"]}).to_parquet(tmp_path / "x.parquet")
    with pytest.raises(InputError, match="column 'source' not found.*who, whom"):
        aggregate_interactions(tmp_path, people=PEOPLE, engine="duckdb")
    with pytest.raises(InputError, match="engine='duckdb' reads files"):
        aggregate_interactions(pd.DataFrame({"source": ["p1"], "target": ["p2"]}),
                               people=PEOPLE, engine="duckdb")
    with pytest.raises(InputError, match="period"):
        aggregate_interactions(tmp_path, people=PEOPLE, period="fortnight")


def test_spark_without_java_says_what_to_install(monkeypatch, tmp_path):
    from ambassadors.aggregate import _spark

    monkeypatch.setattr(_spark, "available", lambda: True)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(AmbassadorsError, match="needs a Java runtime.*install OpenJDK 17"):
        _spark.local_session()
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _spark.find_java() is None


def test_locations_only_a_cluster_sees_go_to_spark_as_given(tmp_path):
    from ambassadors.aggregate._rules import find_input

    for where in ("abfss://exports@lake.dfs.core.windows.net/viva/", "/mnt/lake/emails"):
        found = find_input(where, remote=True)
        assert (found.paths, found.local, found.format) == ((where,), False, "parquet")
    with pytest.raises(InputError, match="no such file"):
        find_input("/mnt/lake/emails")
    with pytest.raises(InputError, match="needs engine='spark'|reads local files"):
        aggregate_interactions("s3a://bucket/lake/", people=PEOPLE, engine="duckdb")
