"""Per-period graphs equal build_graph on each period's interactions; the trend figures equal a
plain pandas recount."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.graph import build_graph
from ambassadors.monitor import period_ties
from ambassadors.monitor._trends import period_table

PEOPLE = pd.DataFrame({"department": list("AAABBBCC")},
                      index=pd.Index([f"p{i}" for i in range(8)], name="person_id"))


def _log(rows: list[tuple[int, int, int, float, int]]) -> pd.DataFrame:
    """(source, target, day of 2025, weight, channel) -> canonical interactions."""
    s, t, d, w, c = zip(*rows, strict=True)
    return pd.DataFrame({
        "source": [f"p{i}" for i in s], "target": [f"p{i}" for i in t],
        "timestamp": pd.Timestamp("2025-01-01", tz="UTC")
        + pd.to_timedelta(np.array(d) * 86400 + 3600, unit="s"),
        "weight": np.array(w, dtype=float), "channel": np.array(["email", "chat"])[list(c)],
    })


rows = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 120),
                          st.sampled_from([0.25, 0.5, 1.0, 2.0]), st.integers(0, 1)),
                min_size=1, max_size=60)
options = st.sampled_from([{}, {"directed": False}, {"reciprocal_only": True}, {"min_weight": 1.0},
                           {"channel_weights": {"chat": 3.0}}, {"channels": ["email"]},
                           {"directed": False, "min_weight": 2.0, "reciprocal_only": True}])


@settings(max_examples=60, deadline=None)
@given(rows=rows, options=options, period=st.sampled_from(["month", "week"]))
def test_each_period_graph_is_build_graph_on_that_period(rows, options, period):
    log = _log(rows)
    log = log[log["source"] != log["target"]]
    if log.empty:
        return
    ties = period_ties(PEOPLE, log, period=period, **options)
    for p in range(ties.n_periods):
        inside = ((log["timestamp"] >= ties.starts[p]) & (log["timestamp"] < ties.ends[p])).to_numpy()
        expected = build_graph(PEOPLE, log[inside], **options)
        got = ties.graph(p)
        np.testing.assert_allclose(got.weights.toarray(), expected.weights.toarray())
        np.testing.assert_array_equal(got.counts.toarray(), expected.counts.toarray())
        assert got.n_ties == expected.n_ties


def test_periods_run_from_the_first_to_the_last_timestamp():
    log = _log([(0, 1, 3, 1.0, 0), (1, 2, 70, 1.0, 0)])
    ties = period_ties(PEOPLE, log, period="month")
    assert list(ties.starts.strftime("%Y-%m-%d")) == ["2025-01-01", "2025-02-01", "2025-03-01"]
    weeks = period_ties(PEOPLE, log, period="week")
    assert weeks.starts[0] == pd.Timestamp("2024-12-30", tz="UTC")   # the Monday before
    assert (weeks.starts.day_of_week == 0).all()


def test_unknown_people_and_self_pairs_are_counted_not_kept():
    log = _log([(0, 1, 3, 1.0, 0), (2, 2, 3, 1.0, 0)])
    log.loc[len(log)] = ["zz", "p1", log["timestamp"].iloc[0], 1.0, "email"]
    ties = period_ties(PEOPLE, log)
    assert ties.dropped == {"unknown_person": 1, "self_pair": 1}
    assert ties.params["interactions_used"] == 1


@settings(max_examples=40, deadline=None)
@given(rows=rows, amb=st.sets(st.integers(0, 7), min_size=1, max_size=3))
def test_period_figures_equal_a_pandas_recount(rows, amb):
    log = _log(rows)
    log = log[log["source"] != log["target"]].reset_index(drop=True)
    if log.empty:
        return
    is_amb = np.isin(np.arange(8), list(amb))
    ties = period_ties(PEOPLE, log, period="month")
    first = np.full(8, np.datetime64("NaT"), dtype="datetime64[ns]")
    table = period_table(ties, is_amb, first, pd.Timestamp("2025-02-15", tz="UTC"))
    dept = PEOPLE["department"]
    ambassadors = {f"p{i}" for i in amb}
    for p, row in table.iterrows():
        part = log[(log["timestamp"] >= ties.starts[p]) & (log["timestamp"] < ties.ends[p])]
        active = set(part["source"]) | set(part["target"])
        assert row["active_people"] == len(active)
        w = part["weight"]
        cross = dept[part["source"]].to_numpy() != dept[part["target"]].to_numpy()
        if w.sum() > 0:
            assert row["cross_department_share"] == pytest.approx(w[cross].sum() / w.sum())
        senders = set(part["source"]) & ambassadors
        reached = set(part.loc[part["source"].isin(senders), "target"]) | \
            set(part.loc[part["target"].isin(senders), "source"])
        others = active - ambassadors
        if others:
            assert row["reach_share"] == pytest.approx(len(reached & others) / len(others))
        assert row["active_ambassadors"] == len(senders)
