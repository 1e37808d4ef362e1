"""coverage_curve (issue 12): reach against group size, checked against plain set arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.graph import build_graph
from ambassadors.select import coverage_curve, propose_ambassadors


def _org(seed: int, n: int = 50, m: int = 80, n_dept: int = 3):
    rng = np.random.default_rng(seed)
    ids = [f"k{i:02d}" for i in range(n)]
    people = pd.DataFrame(
        {"department": [f"D{i % n_dept}" for i in range(n)]}, index=pd.Index(ids, name="person_id")
    )
    log = pd.DataFrame({"source": rng.choice(ids, m), "target": rng.choice(ids, m)})
    graph = build_graph(people, log)
    nbrs = {i: {i} for i in ids}
    for s, t in zip(graph.edges()["source"], graph.edges()["target"], strict=True):
        nbrs[s].add(t)
        nbrs[t].add(s)
    return graph, nbrs


def _reach(nbrs, group, hops):
    reached = set(group)
    for _ in range(hops):
        reached = {j for i in reached for j in nbrs[i]}
    return len(reached)


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 10_000), n_dept=st.integers(1, 4))
def test_each_point_is_the_reach_of_a_group_of_that_size_covering_every_department(seed, n_dept):
    graph, nbrs = _org(seed, n_dept=n_dept)
    curve = coverage_curve(graph, max_size=12)
    frame = curve.to_frame()
    assert frame["size"].tolist() == list(range(n_dept, 13))
    assert frame["reach_1"].is_monotonic_increasing and frame["reach_2"].is_monotonic_increasing
    assert (frame["reach_2"] >= frame["reach_1"]).all() and (frame["share_1"] <= 1).all()
    # the same sizes planned one by one reach at least as many (the curve is greedy, nested)
    for k in (n_dept, 6, 12):
        plan = propose_ambassadors(graph, size=k, method="exact")
        row = frame[frame["size"] == k].iloc[0]
        assert plan.reach_1.count >= row["reach_1"] >= (1 - 1 / np.e) * plan.reach_1.count - n_dept
    # the oracle: reach of a group covering every department equals the curve's figures
    k80 = curve.smallest_size(0.8)
    if k80 is not None:
        assert frame.loc[frame["size"] == k80, "share_1"].iloc[0] >= 0.8
        smaller = frame[frame["size"] < k80]
        assert (smaller["share_1"] < 0.8).all()


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 10_000))
def test_the_curve_reaches_what_its_groups_reach_by_set_arithmetic(seed):
    graph, nbrs = _org(seed, n=40, m=60)
    curve = coverage_curve(graph, max_size=10)
    dept = graph.people["department"].astype(str)
    for size, r1, r2 in zip(curve.sizes, curve.reach_1, curve.reach_2, strict=True):
        group = curve.order[:size]
        assert len(set(group)) == size and set(dept[group]) == set(dept)
        assert r1 == _reach(nbrs, group, 1) and r2 == _reach(nbrs, group, 2)
    assert curve.marks.index.tolist() == [0.8, 0.9]


def test_the_curve_draws_from_the_enthusiast_pool():
    graph, nbrs = _org(3, n=60, m=150)
    ids = [str(i) for i in graph.ids]
    enthusiast = np.array([i.endswith(("1", "2")) for i in ids])
    ranking = pd.DataFrame(
        {
            "score": 0.5,
            "eligible": True,
            "enthusiast": enthusiast,
            "reluctant": False,
            "enthusiasm_known": True,
            "opted_out": False,
        },
        index=pd.Index(ids, name="person_id"),
    )
    curve = coverage_curve(graph, ranking, max_size=40)
    assert curve.pool.startswith("known enthusiasts") and curve.sizes.max() == int(enthusiast.sum())
    assert ranking.loc[curve.order, "enthusiast"].all()
    everyone = coverage_curve(graph, ranking, max_size=40, pool="all")
    assert everyone.sizes.max() == 40 and not ranking.loc[everyone.order, "enthusiast"].all()
