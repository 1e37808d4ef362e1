"""simulate_spread, compare_plans and top_k: Monte-Carlo against exact expectations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors
from ambassadors.spread import compare_plans, simulate_spread, top_k


def graph_from(departments: dict[str, str], edges, weights=None):
    people = pd.DataFrame({"department": list(departments.values())}, index=pd.Index(list(departments), name="person_id"))
    log = pd.DataFrame(edges, columns=["source", "target"])
    if weights is not None:
        log["weight"] = weights
    return build_graph(people, log)


# a small graph with a cycle, a pendant and an isolate
PEOPLE = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Y", "z": "Z"}
EDGES = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("b", "e")]


def exact_ic(edges, nodes, seeds, p):
    """Expected number reached under the independent cascade, by enumerating live-tie sets."""
    total = 0.0
    for live in itertools.product([False, True], repeat=len(edges)):
        prob = np.prod([p if keep else 1 - p for keep in live])
        nbrs = {v: set() for v in nodes}
        for (u, v), keep in zip(edges, live):
            if keep:
                nbrs[u].add(v)
                nbrs[v].add(u)
        reached, frontier = set(seeds), set(seeds)
        while frontier:
            frontier = {w for v in frontier for w in nbrs[v]} - reached
            reached |= frontier
        total += prob * len(reached)
    return total


def exact_lt(edges, nodes, seeds):
    """Expected number reached under the linear threshold model with uniform weights 1/degree,
    by enumerating which colleague each person listens to."""
    nbrs = {v: sorted({u for e in edges for u in e if v in e and u != v}) for v in nodes}
    choices = [nbrs[v] if nbrs[v] else [v] for v in nodes]
    total = 0.0
    for pick in itertools.product(*choices):
        prob = np.prod([1 / len(c) for c in choices])
        parent = dict(zip(nodes, pick))
        count = 0
        for v in nodes:
            seen, x = set(), v
            while x not in seen and x not in seeds:
                seen.add(x)
                x = parent[x]
            count += x in seeds
        total += prob * count
    return total


@pytest.mark.parametrize("seeds,p", [(["a"], 0.3), (["a", "f"], 0.5), (["z"], 0.4), (["d"], 0.15)])
def test_independent_cascade_ci_contains_exact_expectation(seeds, p):
    g = graph_from(PEOPLE, EDGES)
    expected = exact_ic(EDGES, list(PEOPLE), seeds, p)
    hits = 0
    for seed in range(20):
        res = simulate_spread(g, seeds, p=p, runs=400, seed=seed)
        hits += res.ci_low - 1e-9 <= expected <= res.ci_high + 1e-9
    assert hits >= 16  # a 95 % interval: about 19 of 20
    big = simulate_spread(g, seeds, p=p, runs=20000, seed=99)
    assert big.mean == pytest.approx(expected, abs=0.05)


def test_linear_threshold_converges_to_exact_expectation():
    g = graph_from(PEOPLE, EDGES)
    expected = exact_lt(EDGES, list(PEOPLE), {"c"})
    res = simulate_spread(g, ["c"], model="linear_threshold", runs=20000, seed=3)
    assert res.ci_low - 0.02 <= expected <= res.ci_high + 0.02
    assert res.model == "linear_threshold"


@settings(deadline=None, max_examples=15)
@given(p=st.floats(0.05, 0.95), seed=st.integers(0, 10_000), k=st.integers(1, 3))
def test_spread_is_between_seeds_and_component_and_reproducible(p, seed, k):
    g = graph_from(PEOPLE, EDGES)
    seeds = list(PEOPLE)[:k]
    res = simulate_spread(g, seeds, p=p, runs=50, seed=seed)
    assert (res.reached >= k).all() and (res.reached <= 6).all()  # z is unreachable from a, b, c
    assert res.ci_low <= res.mean <= res.ci_high
    again = simulate_spread(g, seeds, p=p, runs=50, seed=seed)
    assert np.array_equal(res.reached, again.reached)


def test_extreme_probabilities():
    g = graph_from(PEOPLE, EDGES)
    assert simulate_spread(g, ["a"], p=1.0, runs=5).mean == 6
    assert simulate_spread(g, ["a", "z"], p=1.0, runs=5).mean == 7
    assert simulate_spread(g, ["a", "b"], p=0.0, runs=5).mean == 2
    assert simulate_spread(g, [], runs=5).mean == 0


def test_weighted_ties_spread_further():
    edges = [("a", "b"), ("c", "d")]
    g = graph_from({"a": "X", "b": "X", "c": "X", "d": "X"}, edges, weights=[9.0, 1.0])
    # mean weight 5: a-b passes with 1-(1-p)^1.8, c-d with 1-(1-p)^0.2
    strong = simulate_spread(g, ["a"], p=0.3, runs=4000, seed=1, weighted=True)
    weak = simulate_spread(g, ["c"], p=0.3, runs=4000, seed=1, weighted=True)
    assert strong.mean == pytest.approx(1 + 1 - 0.7 ** 1.8, abs=0.03)
    assert weak.mean == pytest.approx(1 + 1 - 0.7 ** 0.2, abs=0.03)


def test_plan_as_seeds_and_result_outputs():
    g = graph_from(PEOPLE, EDGES)
    plan = propose_ambassadors(g, size=3)
    res = simulate_spread(g, plan, p=0.2, runs=100)
    assert res.n_seeds == 3 and res.runs == 100
    frame = res.to_frame()
    assert frame.loc[0, "mean"] == res.mean and frame.loc[0, "seeds"] == 3
    assert "95% CI" in str(res) and "<table" in res._repr_html_()


@pytest.mark.parametrize("kwargs,match", [
    (dict(p=1.5), "p must be a probability"),
    (dict(runs=0), "runs must be a positive"),
    (dict(model="sir"), "model must be one of"),
])
def test_bad_options(kwargs, match):
    g = graph_from(PEOPLE, EDGES)
    with pytest.raises(InputError, match=match):
        simulate_spread(g, ["a"], **kwargs)
    with pytest.raises(InputError, match="unknown person_id: 'nobody'"):
        simulate_spread(g, ["nobody"])


def test_compare_plans_side_by_side():
    g = graph_from(PEOPLE, EDGES)
    plan = propose_ambassadors(g, size=3)
    ranking = pd.DataFrame({"score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]}, index=list(PEOPLE))
    table = compare_plans(g, {"proposed": plan, "x only": ["a", "b", "c"]}, ranking=ranking, runs=300, seed=0)
    assert table.index.tolist() == ["proposed", "x only"]
    assert table.loc["proposed", "departments_covered"] == 3 and table.loc["x only", "departments_covered"] == 1
    assert (table["departments"] == 3).all()
    assert table.loc["x only", "reach_1"] == 5 and table.loc["x only", "reach_2"] == 6
    assert table.loc["proposed", "reach_1"] == plan.reach_1.count == 7
    assert table.loc["x only", "mean_score"] == pytest.approx(0.2)
    assert (table["spread_low"] <= table["spread"]).all() and (table["spread"] <= table["spread_high"]).all()
    assert table.loc["proposed", "spread"] >= table.loc["x only", "spread"]


def test_top_k_breaks_ties_by_person_id():
    scores = pd.DataFrame({"pagerank": [0.3, 0.5, 0.5, np.nan]}, index=["c", "b", "a", "d"])
    assert top_k(scores, "pagerank", 3) == ["a", "b", "c"]
    assert top_k(scores["pagerank"], k=1) == ["a"]
    with pytest.raises(InputError, match="column 'degree' not found"):
        top_k(scores, "degree", 2)
