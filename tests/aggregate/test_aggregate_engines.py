"""The three engines give today's ties: arrow against build_graph on the readers' output (the
oracle), DuckDB and Spark against arrow, on a month-partitioned Parquet lake."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ambassadors.aggregate import aggregate_interactions
from ambassadors.graph import build_graph
from ambassadors.io import combine_interactions, read_interactions
from ambassadors.pipeline import analyze

duckdb = pytest.importorskip("duckdb")

OPTIONS = [
    {},
    {"half_life": "30D", "channel_weights": {"chat": 0.5, "email": 2.0}},
    {"window": "45D", "half_life": "14D"},
    {"window": ("2025-01-20", "2025-02-28"), "channels": ["email"]},
]


def lake_inputs(lake):
    return [lake / "emails", lake / "chat"]


def assert_same_ties(got, expected):
    """Same rows, weights to 1e-9, same counts, times, and the same accounting."""
    a, b = got.table, expected.table
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in ("source", "target"):
        assert (a[col].astype(str).to_numpy() == b[col].astype(str).to_numpy()).all()
    if "period" in a:
        assert a["period"].equals(b["period"])
    np.testing.assert_allclose(a["weight"], b["weight"], rtol=1e-9, atol=0)
    assert (a["count"].to_numpy() == b["count"].to_numpy()).all()
    assert a["first"].equals(b["first"]) and a["last"].equals(b["last"])
    r, s = got.report, expected.report
    assert (r.rows_read, r.rows_used, r.dropped) == (s.rows_read, s.rows_used, s.dropped)
    assert (r.pairs_read, r.pairs_used, r.pairs_dropped) == \
        (s.pairs_read, s.pairs_used, s.pairs_dropped)
    assert r.balanced and s.balanced


@pytest.fixture(scope="module")
def today(org):
    """What the default path reads from the same organisation (the frames the lake holds)."""
    return combine_interactions(read_interactions(org.emails, people=org.people),
                                read_interactions(org.chat, people=org.people))


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_arrow_ties_build_todays_graph(org, lake, today, options):
    ties = aggregate_interactions(lake_inputs(lake), people=org.people, engine="arrow", **options)
    from_ties = build_graph(org.people, ties)
    expected = build_graph(org.people, today, **options)
    np.testing.assert_allclose(from_ties.weights.toarray(), expected.weights.toarray(),
                               rtol=1e-9, atol=1e-12)
    assert (from_ties.counts != expected.counts).nnz == 0
    # the rows are today's reader's rows; the pairs the graph leaves out are counted as pairs
    assert (ties.report.rows_read, ties.report.dropped) == \
        (today.report.rows_read, today.report.dropped)
    left_out = {k: v for k, v in ties.report.pairs_dropped.items()
                if k not in today.report.pairs_dropped}
    assert left_out == expected.dropped
    assert ties.report.pairs_used == ties.table["count"].sum() == expected.counts.sum()


@pytest.mark.parametrize("options", [*OPTIONS, {"period": "month", "half_life": "30D"},
                                     {"period": "week", "window": "60D"}],
                         ids=lambda o: ",".join(o) or "plain")
def test_duckdb_gives_the_arrow_ties(org, lake, options):
    arrow = aggregate_interactions(lake_inputs(lake), people=org.people, engine="arrow", **options)
    duck = aggregate_interactions(lake_inputs(lake), people=org.people, engine="duckdb",
                                  memory_limit="500MB", **options)
    assert_same_ties(duck, arrow)
    assert duck.report.notes[0] == "engine: duckdb (asked for)"


def test_periods_split_the_ties_and_sum_back(org, lake):
    plain = aggregate_interactions(lake_inputs(lake), people=org.people, engine="duckdb")
    monthly = aggregate_interactions(lake_inputs(lake), people=org.people, engine="duckdb",
                                     period="month")
    months = monthly.table["period"]
    assert (months.dt.day == 1).all() and (months.dt.hour == 0).all()
    assert (monthly.table["first"] >= months).all()
    summed = monthly.table.groupby(["source", "target"], observed=True)[["weight", "count"]].sum()
    summed = summed.reset_index()
    assert_frame = plain.table[["source", "target", "weight", "count"]]
    pd.testing.assert_frame_equal(summed.astype({"source": str, "target": str}),
                                  assert_frame.astype({"source": str, "target": str}),
                                  check_exact=False, rtol=1e-9)


def test_duckdb_spills_into_the_directory_given_and_cleans_up(org, lake, tmp_path):
    spill = tmp_path / "spill"
    mine = spill / "keep.txt"
    spill.mkdir()
    mine.write_text("not ours")
    ties = aggregate_interactions(lake_inputs(lake), people=org.people, engine="duckdb",
                                  memory_limit="64MB", spill_dir=spill)
    assert any("memory limit 61.0 MiB" in n for n in ties.report.notes)
    assert sorted(p.name for p in spill.iterdir()) == ["keep.txt"]


def test_same_ambassadors_from_duckdb_ties(org, lake):
    options = {"half_life": "30D"}
    ties = aggregate_interactions(lake_inputs(lake), people=org.people, engine="duckdb",
                                  **options)
    from_lake = analyze(org.people, ties, graph_options={}, progress=False)
    today = analyze(org.people, [org.emails, org.chat], graph_options=options, progress=False)
    assert list(from_lake.plan.members.index) == list(today.plan.members.index)
    assert from_lake.ranking.index[:20].tolist() == today.ranking.index[:20].tolist()


def test_spark_gives_the_arrow_ties_and_the_same_ambassadors(org, lake, spark):
    options = {"period": "month", "half_life": "30D", "channel_weights": {"chat": 0.5}}
    arrow = aggregate_interactions(lake_inputs(lake), people=org.people, engine="arrow", **options)
    sparked = aggregate_interactions(lake_inputs(lake), people=org.people, engine="spark",
                                     spark=spark, **options)
    assert_same_ties(sparked, arrow)
    assert sparked.report.notes[0] == "engine: spark (asked for)"
    # the session is the user's: the aggregation leaves no views and its settings restored
    assert not [t for t in spark.catalog.listTables() if t.name.startswith("amb_")]
    plan = analyze(org.people, sparked, progress=False).plan
    today = analyze(org.people, [org.emails, org.chat], progress=False,
                    graph_options={"half_life": "30D", "channel_weights": {"chat": 0.5}}).plan
    assert list(plan.members.index) == list(today.members.index)
