"""propose_ambassadors(reach_tolerance=...): trading a little reach for a higher composite score.

Oracles are independent of the implementation: reach by Python sets over the edge list, the
best plan by enumerating every feasible group.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ambassadors.select._coverage as coverage_module
import ambassadors.select._propose as propose_module
from ambassadors.errors import InfeasibleError, InputError
from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors

SETTINGS = settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def build(ids, depts, edges, scores, eligible=None):
    people = pd.DataFrame({"department": depts}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame(edges, columns=["source", "target"]) if edges else pd.DataFrame(
        {"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str)})
    graph = build_graph(people, log)
    eligible = [True] * len(ids) if eligible is None else eligible
    ranking = pd.DataFrame({
        "department": depts, "score": scores, "eligible": eligible,
        "ineligible_reason": ["" if e else "not eligible" for e in eligible], "reason": "",
    }, index=pd.Index(ids, name="person_id"))
    ranking["rank"] = ranking["score"].rank(ascending=False, method="first")
    ranking["department_rank"] = ranking.groupby("department")["score"].rank(ascending=False, method="first")
    return graph, ranking


def reach(ids, edges, group) -> int:
    nbrs = {i: {i} for i in ids}
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    return len(set().union(*(nbrs[i] for i in group))) if group else 0


def brute_force(ids, depts, edges, scores, eligible, k, min_per_department, tolerance):
    """(best reach, best total score among groups with reach >= (1 - tolerance) * best reach)."""
    cand = [i for i, e in zip(ids, eligible) if e]
    dept = dict(zip(ids, depts))
    score = dict(zip(ids, scores))
    need = {d: min(min_per_department, sum(dept[i] == d for i in cand)) for d in set(depts)}
    groups = []
    for group in itertools.combinations(cand, k):
        counts = pd.Series([dept[i] for i in group], dtype=object).value_counts()
        if all(counts.get(d, 0) >= r for d, r in need.items()):
            groups.append((reach(ids, edges, group), sum(score[i] for i in group)))
    if not groups:
        return None
    best = max(r for r, _ in groups)
    floor = (1 - tolerance) * best
    return best, max(s for r, s in groups if r >= floor - 1e-9)


def total_score(plan, ranking) -> float:
    return float(ranking.loc[plan.ids, "score"].sum())


# a small organisation: hubs with low scores, enthusiastic people with fewer ties
IDS = [f"p{i:02d}" for i in range(12)]
DEPTS = ["A"] * 6 + ["B"] * 6
EDGES = ([("p00", f"p{i:02d}") for i in range(1, 6)] + [("p06", f"p{i:02d}") for i in range(7, 12)]
         + [("p01", "p02"), ("p01", "p03"), ("p07", "p08"), ("p07", "p09"), ("p00", "p06")])
SCORES = [0.1, 0.9, 0.3, 0.2, 0.2, 0.2, 0.1, 0.8, 0.3, 0.2, 0.2, 0.95]


@pytest.fixture(scope="module")
def small():
    return build(IDS, DEPTS, EDGES, SCORES)


# ---------------------------------------------------------------------------------------
# behaviour
# ---------------------------------------------------------------------------------------
def test_zero_tolerance_is_the_default_plan(small):
    graph, ranking = small
    for method in ("auto", "greedy"):
        before = propose_ambassadors(graph, ranking, size=3, method=method)
        after = propose_ambassadors(graph, ranking, size=3, method=method, reach_tolerance=0.0)
        assert after.ids == before.ids
        assert after.objective_value == before.objective_value
        assert (after.method, after.status, after.bound) == (before.method, before.status, before.bound)
        assert "best_reach" not in after.params


def test_zero_tolerance_never_runs_the_trade_off_search(small, monkeypatch):
    graph, ranking = small

    def fail(*args, **kwargs):
        raise AssertionError("the trade-off search ran with reach_tolerance=0")

    monkeypatch.setattr(propose_module, "trade_reach", fail)
    propose_ambassadors(graph, ranking, size=3)
    propose_ambassadors(graph, ranking, size=3, reach_tolerance=0.0, method="greedy")


def test_out_of_time_falls_back_to_the_reach_optimal_plan(small):
    graph, ranking = small
    base = propose_ambassadors(graph, ranking, size=4, method="greedy")
    plan = propose_ambassadors(graph, ranking, size=4, method="greedy", reach_tolerance=0.2, time_limit=0.0)
    assert plan.objective_value >= 0.8 * base.objective_value
    assert total_score(plan, ranking) >= total_score(base, ranking) - 1e-12


@pytest.mark.parametrize("tolerance", [0.05, 0.2, 0.5])
@pytest.mark.parametrize("method", ["auto", "greedy", "exact"])
def test_tolerance_keeps_reach_above_the_threshold_and_raises_the_score(small, tolerance, method):
    graph, ranking = small
    base = propose_ambassadors(graph, ranking, size=4, method=method)
    plan = propose_ambassadors(graph, ranking, size=4, method=method, reach_tolerance=tolerance)
    best = plan.params["best_reach"]
    assert best == base.objective_value
    assert plan.params["reach_threshold"] >= (1 - tolerance) * best - 1e-9
    assert reach(IDS, EDGES, plan.ids) >= (1 - tolerance) * best - 1e-9
    assert plan.objective_value == reach(IDS, EDGES, plan.ids)
    assert total_score(plan, ranking) >= total_score(base, ranking) - 1e-12
    assert plan.params["score"] == pytest.approx(total_score(plan, ranking))
    assert set(plan.members["department"]) == {"A", "B"}


def test_a_large_enough_tolerance_picks_the_most_enthusiastic(small):
    graph, ranking = small
    base = propose_ambassadors(graph, ranking, size=2)
    assert sorted(base.ids) == ["p00", "p06"]  # the two hubs reach everyone
    plan = propose_ambassadors(graph, ranking, size=2, reach_tolerance=0.5)
    assert sorted(plan.ids) == ["p01", "p11"]  # the top score of each department
    assert plan.status == "optimal"
    assert plan.gap > 0  # measured against the best reach, which it gives up on purpose


def test_plan_records_the_trade(small):
    graph, ranking = small
    plan = propose_ambassadors(graph, ranking, size=2, reach_tolerance=0.3)
    p = plan.params
    assert p["reach_tolerance"] == 0.3
    assert p["best_reach"] == 12
    assert p["reach_threshold"] == math.ceil(0.7 * 12)
    assert p["best_reach_score"] == pytest.approx(0.2)
    assert p["score"] > p["best_reach_score"]
    assert p["score_bound"] >= p["score"] - 1e-9
    text = plan.summary()
    assert "reach tolerance 30.0%" in text and "threshold 9" in text and "best reach 12" in text
    traded = plan.members["reason"].str.contains("preferred for score over reach")
    assert traded.any()
    # a member who is also in the reach-optimal plan is not described as traded in
    base = set(propose_ambassadors(graph, ranking, size=2).ids)
    assert not traded[plan.members.index.isin(list(base))].any()


def test_equal_scores_keep_the_reach_optimal_plan(small):
    graph, _ = small
    base = propose_ambassadors(graph, None, size=3)
    plan = propose_ambassadors(graph, None, size=3, reach_tolerance=0.3)
    assert plan.ids == base.ids


def test_constraints_still_hold(small):
    graph, ranking = small
    plan = propose_ambassadors(graph, ranking, size=4, reach_tolerance=0.5, include=["p00"], exclude=["p11"],
                               max_per_department=2, min_per_department=2)
    assert "p00" in plan.ids and "p11" not in plan.ids
    assert plan.members["department"].value_counts().to_dict() == {"A": 2, "B": 2}


def test_weighted_and_spread_objectives_use_their_own_value(small):
    graph, ranking = small
    for kwargs in ({"weighted": True}, {"objective": "spread", "runs": 30, "p": 0.3}):
        base = propose_ambassadors(graph, ranking, size=3, **kwargs)
        plan = propose_ambassadors(graph, ranking, size=3, reach_tolerance=0.2, **kwargs)
        assert plan.params["best_reach"] == pytest.approx(base.objective_value)
        assert plan.objective_value >= 0.8 * base.objective_value - 1e-9
        assert total_score(plan, ranking) >= total_score(base, ranking) - 1e-12


def test_lazy_two_hop_path(small, monkeypatch):
    graph, ranking = small
    monkeypatch.setattr(coverage_module, "TWO_HOP_MAX_NNZ", 0)  # force lazily computed neighbourhoods
    base = propose_ambassadors(graph, ranking, size=2, hops=2)
    plan = propose_ambassadors(graph, ranking, size=2, hops=2, reach_tolerance=0.4)
    assert plan.objective_value >= 0.6 * base.objective_value
    assert total_score(plan, ranking) >= total_score(base, ranking) - 1e-12


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), True, "0.1", None])
def test_invalid_tolerance_is_refused(small, bad):
    graph, ranking = small
    with pytest.raises(InputError, match="reach_tolerance"):
        propose_ambassadors(graph, ranking, size=2, reach_tolerance=bad)


def test_tolerance_with_objective_score_is_refused(small):
    graph, ranking = small
    with pytest.raises(InputError, match="objective='score'"):
        propose_ambassadors(graph, ranking, size=2, objective="score", reach_tolerance=0.1)


# ---------------------------------------------------------------------------------------
# the exact path against enumeration
# ---------------------------------------------------------------------------------------
@st.composite
def organisations(draw, max_people=9):
    n = draw(st.integers(3, max_people))
    n_dept = draw(st.integers(1, 3))
    depts = [f"D{draw(st.integers(0, n_dept - 1))}" for _ in range(n)]
    ids = [f"p{i}" for i in range(n)]
    pairs = list(itertools.combinations(ids, 2))
    edges = draw(st.lists(st.sampled_from(pairs), max_size=2 * n, unique=True))
    # scores on a grid of 1/100: ties between different groups are exact, not rounding noise
    scores = [v / 100 for v in draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))]
    eligible = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return ids, depts, edges, scores, eligible


@SETTINGS
@given(org=organisations(), data=st.data())
def test_exact_path_matches_enumeration(org, data):
    ids, depts, edges, scores, eligible = org
    assume(sum(eligible) >= 1)
    k = data.draw(st.integers(1, sum(eligible)))
    m = data.draw(st.integers(0, 1))
    tolerance = data.draw(st.sampled_from([0.0, 0.1, 0.25, 0.5]))
    graph, ranking = build(ids, depts, edges, scores, eligible)
    oracle = brute_force(ids, depts, edges, scores, eligible, k, m, tolerance)
    try:
        plan = propose_ambassadors(graph, ranking, size=k, min_per_department=m, method="exact",
                                   reach_tolerance=tolerance)
    except InfeasibleError:
        assert oracle is None
        return
    assert oracle is not None
    best, best_score = oracle
    assert plan.objective_value == reach(ids, edges, plan.ids)
    if tolerance == 0:
        assert plan.objective_value == best
        return
    assert plan.params["best_reach"] == best
    assert plan.objective_value >= (1 - tolerance) * best - 1e-9
    assert total_score(plan, ranking) == pytest.approx(best_score, abs=1e-6)
    assert plan.status == "optimal"


@SETTINGS
@given(org=organisations(max_people=12), data=st.data())
def test_heuristic_path_is_sound(org, data):
    ids, depts, edges, scores, eligible = org
    assume(sum(eligible) >= 1)
    k = data.draw(st.integers(1, sum(eligible)))
    m = data.draw(st.integers(0, 2))
    tolerance = data.draw(st.floats(0.01, 0.9))
    graph, ranking = build(ids, depts, edges, scores, eligible)
    try:
        base = propose_ambassadors(graph, ranking, size=k, min_per_department=m, method="greedy")
    except InfeasibleError:
        return
    plan = propose_ambassadors(graph, ranking, size=k, min_per_department=m, method="greedy",
                               reach_tolerance=tolerance)
    assert plan.params["best_reach"] == base.objective_value
    assert reach(ids, edges, plan.ids) >= (1 - tolerance) * base.objective_value - 1e-9
    assert total_score(plan, ranking) >= total_score(base, ranking) - 1e-9
    assert plan.params["score"] <= plan.params["score_bound"] + 1e-9
    # the department minimums and eligibility still hold
    counts = plan.members["department"].value_counts()
    for d in set(depts):
        eligible_here = sum(e and dd == d for e, dd in zip(eligible, depts))
        assert counts.get(d, 0) >= min(m, eligible_here)
    assert ranking.loc[plan.ids, "eligible"].all()


# ---------------------------------------------------------------------------------------
# the bundled sample: enthusiastic connectors rather than heads of department
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    from ambassadors.datasets import load_sample
    from ambassadors.pipeline import analyze

    org = load_sample()
    analysis = analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity],
                       seed=0, progress=False, select=False)
    return org, analysis.graph, analysis.ranking


def test_sample_tolerance_brings_in_the_planted_connectors(sample):
    org, graph, ranking = sample
    connectors = set(org.truth["connectors"])
    # the reach-first pool (everyone eligible): the tolerance is what brings them in
    base = propose_ambassadors(graph, ranking, pool="all")
    plan = propose_ambassadors(graph, ranking, reach_tolerance=0.05, pool="all")
    assert len(connectors & set(plan.ids)) > len(connectors & set(base.ids))
    assert plan.reach_1.count >= 0.95 * base.reach_1.count
    assert (plan.coverage["ambassadors"] >= 1).all()
    assert plan.members["score"].sum() > base.members["score"].sum()


@pytest.mark.parametrize("seed", range(6))
def test_backups_follow_the_plans_own_trade(seed):
    """Without a tolerance, backups are whoever adds most reach (then score); with one, the most
    enthusiastic first (then reach), as the plan itself trades reach for score."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = 40
    ids = [f"p{i:02d}" for i in range(n)]
    depts = [f"D{i % 3}" for i in range(n)]
    edges = list({tuple(sorted(e)) for e in rng.choice(ids, size=(90, 2)).tolist() if e[0] != e[1]})
    graph, ranking = build(ids, depts, edges, rng.random(n).round(3).tolist())

    def ordered(backups, first, second):
        for _, group in backups.groupby("department"):
            keys = list(zip(-group[first], -group[second]))
            assert keys == sorted(keys), group
        return True

    plain = propose_ambassadors(graph, ranking, size=5)
    traded = propose_ambassadors(graph, ranking, size=5, reach_tolerance=0.3)
    assert len(plain.backups) and len(traded.backups)
    assert ordered(plain.backups, "added_reach", "score")
    assert ordered(traded.backups, "score", "added_reach")
