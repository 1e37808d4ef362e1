"""Properties of propose_ambassadors on random small organisations (hypothesis).

Oracles are independent of the implementation: reach by Python bit masks over the edge list,
optimum by enumerating every feasible group.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ambassadors.errors import InfeasibleError
from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors

SETTINGS = settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def organisations(draw, max_people=9):
    n = draw(st.integers(3, max_people))
    n_dept = draw(st.integers(1, 3))
    depts = [f"D{draw(st.integers(0, n_dept - 1))}" for _ in range(n)]
    ids = [f"p{i}" for i in range(n)]
    pairs = list(itertools.combinations(range(n), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=2 * n, unique=True)) if pairs else []
    edges = [(ids[a], ids[b]) for a, b in chosen]
    scores = draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n))
    eligible = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return ids, depts, edges, scores, eligible


def build(org):
    ids, depts, edges, scores, eligible = org
    people = pd.DataFrame({"department": depts}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame(edges, columns=["source", "target"]) if edges else pd.DataFrame(
        {"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str)})
    graph = build_graph(people, log)
    ranking = pd.DataFrame({
        "department": depts, "score": scores, "eligible": eligible,
        "ineligible_reason": ["" if e else "not eligible" for e in eligible], "reason": "",
    }, index=pd.Index(ids, name="person_id"))
    ranking["rank"] = ranking["score"].rank(ascending=False, method="first")
    ranking["department_rank"] = ranking.groupby("department")["score"].rank(ascending=False, method="first")
    return graph, ranking


def masks(org, hops=1):
    ids, _, edges, _, _ = org
    nbrs = {i: {i} for i in ids}
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    out = {}
    for i in ids:
        reached = {i}
        for _ in range(hops):
            reached = {k for j in reached for k in nbrs[j]}
        out[i] = sum(1 << ids.index(j) for j in reached)
    return out


def reach(org, group, hops=1):
    m = masks(org, hops)
    cover = 0
    for i in group:
        cover |= m[i]
    return bin(cover).count("1")


def feasible_groups(org, k, min_per_department, max_per_department=None):
    ids, depts, _, _, eligible = org
    cand = [i for i, e in zip(ids, eligible, strict=False) if e]
    dept = dict(zip(ids, depts, strict=False))
    need = {d: min(min_per_department, sum(dept[i] == d for i in cand)) for d in set(depts)}
    for group in itertools.combinations(cand, k):
        counts = pd.Series([dept[i] for i in group], dtype=object).value_counts()
        if all(counts.get(d, 0) >= r for d, r in need.items()) and (
            max_per_department is None or counts.max() <= max_per_department
        ):
            yield group


def request(org, data):
    ids, depts, _, _, eligible = org
    n_cand = sum(eligible)
    assume(n_cand >= 1)
    k = data.draw(st.integers(1, n_cand))
    m = data.draw(st.integers(0, 2))
    return k, m


def try_plan(graph, ranking, **kwargs):
    try:
        return propose_ambassadors(graph, ranking, **kwargs)
    except InfeasibleError:
        return None


@SETTINGS
@given(org=organisations(), data=st.data())
def test_feasible_plans_respect_every_constraint(org, data):
    graph, ranking = build(org)
    ids, depts, _, _, eligible = org
    k, m = request(org, data)
    cap = data.draw(st.one_of(st.none(), st.integers(max(1, m), 4)))
    include = data.draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
    exclude = data.draw(
        st.lists(
            st.sampled_from([i for i in ids if i not in include])
            if len(include) < len(ids)
            else st.nothing(),
            max_size=2,
            unique=True,
        )
    )
    plan = try_plan(graph, ranking, size=k, min_per_department=m, max_per_department=cap,
                    include=include, exclude=exclude, method="greedy")
    if plan is None:
        return
    chosen = set(plan.ids)
    assert len(chosen) == k
    assert set(include) <= chosen and not set(exclude) & chosen
    elig = dict(zip(ids, eligible, strict=False))
    assert all(elig[i] or i in include for i in chosen)  # only included people may be ineligible
    counts = pd.Series(
        [d for i, d in zip(ids, depts, strict=False) if i in chosen], dtype=object
    ).value_counts()
    if cap is not None:
        assert counts.max() <= cap
    candidates = {i for i, e in zip(ids, eligible, strict=False) if e and i not in exclude} | set(include)
    for d in set(depts):
        available = sum(1 for i, dd in zip(ids, depts, strict=False) if dd == d and i in candidates)
        assert counts.get(d, 0) >= min(m, available)
    assert plan.objective_value == reach(org, plan.ids) == plan.reach_1.count


@SETTINGS
@given(org=organisations(max_people=8), data=st.data())
def test_exact_equals_brute_force_and_greedy_within_documented_bound(org, data):
    graph, ranking = build(org)
    k, m = request(org, data)
    groups = list(feasible_groups(org, k, m))
    exact = try_plan(graph, ranking, size=k, min_per_department=m, method="exact")
    if not groups:
        assert exact is None
        return
    best = max(reach(org, g) for g in groups)
    assert exact is not None and exact.status == "optimal"
    assert exact.objective_value == best == reach(org, exact.ids)
    # among the groups of best reach, the exact plan has the best total score
    score = dict(zip(org[0], org[3], strict=False))
    best_score = max(sum(score[i] for i in g) for g in groups if reach(org, g) == best)
    assert sum(score[i] for i in exact.ids) == pytest.approx(best_score, abs=1e-6)
    greedy = propose_ambassadors(graph, ranking, size=k, min_per_department=m, method="greedy")
    factor = (1 - 1 / math.e) if m == 0 else 0.5
    assert greedy.objective_value >= factor * best
    assert greedy.bound >= best >= greedy.objective_value


@SETTINGS
@given(org=organisations(), data=st.data())
def test_reach_plan_never_worse_than_top_score_plan(org, data):
    graph, ranking = build(org)
    k, m = request(org, data)
    plan = try_plan(graph, ranking, size=k, min_per_department=m, method="greedy")
    top = try_plan(graph, ranking, size=k, min_per_department=m, objective="score")
    assert (plan is None) == (top is None)
    if plan is not None:
        assert plan.reach_1.count >= top.reach_1.count
        # top-score is the best total score under the constraints
        score = dict(zip(org[0], org[3], strict=False))
        best = max(sum(score[i] for i in g) for g in feasible_groups(org, k, m))
        assert sum(score[i] for i in top.ids) == pytest.approx(best, abs=1e-9)


@SETTINGS
@given(org=organisations(), data=st.data(), seed=st.integers(0, 10))
def test_deterministic_and_invariant_under_reordering(org, data, seed):
    graph, ranking = build(org)
    k, m = request(org, data)
    first = try_plan(graph, ranking, size=k, min_per_department=m, seed=seed)
    if first is None:
        return
    second = propose_ambassadors(graph, ranking, size=k, min_per_department=m, seed=seed)
    assert first.ids == second.ids
    assert first.members.equals(second.members)
    # the same organisation with the roster in reverse order
    ids, depts, edges, scores, eligible = org
    rev = (ids[::-1], depts[::-1], edges, scores[::-1], eligible[::-1])
    g2, r2 = build(rev)
    third = propose_ambassadors(g2, r2, size=k, min_per_department=m, seed=seed)
    assert third.objective_value == first.objective_value
    greedy = propose_ambassadors(graph, ranking, size=k, min_per_department=m, seed=seed, method="greedy")
    greedy_rev = propose_ambassadors(g2, r2, size=k, min_per_department=m, seed=seed, method="greedy")
    assert greedy.ids == greedy_rev.ids


@SETTINGS
@given(org=organisations(), data=st.data())
def test_infeasible_requests_name_the_departments(org, data):
    graph, ranking = build(org)
    ids, depts, _, _, eligible = org
    with_candidates = sorted({d for d, e in zip(depts, eligible, strict=False) if e})
    assume(len(with_candidates) >= 2)
    with pytest.raises(InfeasibleError) as info:
        propose_ambassadors(graph, ranking, size=len(with_candidates) - 1, min_per_department=1)
    assert all(repr(d) in str(info.value) for d in with_candidates[:5])
    without = sorted(set(depts) - set(with_candidates))
    if without:
        with pytest.raises(InfeasibleError) as info:
            propose_ambassadors(graph, ranking, size=len(with_candidates), strict=True)
        assert repr(without[0]) in str(info.value)


@settings(deadline=None, max_examples=10)
@given(seed=st.integers(0, 1000))
def test_greedy_within_bound_of_exact_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n, m_edges = 60, 70
    ids = [f"q{i:02d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{x}" for x in rng.integers(0, 4, n)]}, index=ids)
    log = pd.DataFrame({"source": rng.choice(ids, m_edges), "target": rng.choice(ids, m_edges)})
    graph = build_graph(people, log)
    exact = propose_ambassadors(graph, size=8, method="exact", time_limit=20)
    greedy = propose_ambassadors(graph, size=8, method="greedy")
    assert exact.status == "optimal"
    assert exact.objective_value >= greedy.objective_value >= 0.5 * exact.objective_value
    assert greedy.bound >= exact.objective_value


def _instance(seed: int, n: int = 60, m_edges: int = 90, size: int = 6):
    """The internal coverage instance propose_ambassadors builds for a random organisation."""
    from unittest import mock

    import ambassadors.select._propose as propose_module

    rng = np.random.default_rng(seed)
    ids = [f"q{i:02d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{x}" for x in rng.integers(0, 4, n)]}, index=ids)
    log = pd.DataFrame({"source": rng.choice(ids, m_edges), "target": rng.choice(ids, m_edges)})
    seen = {}
    real = propose_module.optimise

    def record(inst, **kwargs):
        seen["inst"] = inst
        return real(inst, **kwargs)

    with mock.patch.object(propose_module, "optimise", record):
        propose_ambassadors(build_graph(people, log), size=size, method="greedy")
    return seen["inst"]


@settings(deadline=None, max_examples=12)
@given(seed=st.integers(0, 10_000), ratio=st.sampled_from([0.9, 1.0, 1.02, 1.2]))
def test_reduced_cost_pruning_never_sets_aside_a_better_plan(seed, ratio):
    """The restricted-LP bound used by method="auto" stays above the optimum, and every person
    set aside is in no plan worth more than the bound reported for the set-aside part."""
    import dataclasses

    from ambassadors.select import _bounds, _coverage, _milp

    inst = _instance(seed)
    best = _milp.solve_milp(inst, 30.0)
    assert best.optimal
    opt = _coverage.covered_value(inst, best.chosen)
    _, u = _bounds.lagrangian_bound(inst, opt, math.inf, 25)
    keep, set_aside = _bounds.reduced_cost_pruning(inst, u, ratio * opt)
    bound = _bounds.restricted_lp_bound(inst, keep, set_aside)
    assert bound is not None and bound >= opt - 1e-6
    dropped = np.setdiff1d(np.arange(inst.nc), keep)
    for i in dropped[:: max(1, len(dropped) // 4)]:
        forced = _milp.solve_milp(dataclasses.replace(inst, fixed=np.array([i])), 30.0)
        if forced.chosen is not None:
            assert _coverage.covered_value(inst, forced.chosen) <= set_aside + 1e-6


@settings(deadline=None, max_examples=12)
@given(seed=st.integers(0, 10_000), gap=st.sampled_from([0.0, 0.005, 0.05, 0.3]))
def test_cheap_bounds_never_fall_below_the_optimum(seed, gap):
    from ambassadors.select import _bounds, _coverage, _milp, _search

    inst = _instance(seed)
    greedy = _search.greedy(inst)
    best = _milp.solve_milp(inst, 30.0)
    assert best.optimal
    bound = _bounds.cheap_bound(inst, greedy, rel_gap=gap)
    assert bound >= _coverage.covered_value(inst, best.chosen) - 1e-6


@settings(deadline=None, max_examples=12)
@given(seed=st.integers(0, 10_000), slack=st.sampled_from([0.0, 0.01, 0.05, 0.3]))
def test_lagrangian_giving_up_keeps_the_bound_or_the_upper_bound_it_could_not_beat(seed, slack):
    """give_up=True (the certificate of large plans) only stops the subgradient steps while the
    bound is still above ``upper``: the result is the full run's bound, or ``upper`` itself, and
    never below the optimum."""
    from ambassadors.select import _bounds, _coverage, _milp, _search

    inst = _instance(seed)
    plan = _search.greedy(inst)
    value = _coverage.covered_value(inst, plan)
    best = _milp.solve_milp(inst, 30.0)
    assert best.optimal
    opt = _coverage.covered_value(inst, best.chosen)
    upper = _bounds.submodular_bound(inst, plan) * (1.0 - slack)
    full, _ = _bounds.lagrangian_bound(inst, value, upper, 60)
    quick, _ = _bounds.lagrangian_bound(inst, value, upper, 60, give_up=True)
    assert quick == full or (quick == upper and full < upper)
    if quick < upper:
        assert quick >= opt - 1e-6


def _plain_swap_search(inst, start):
    """Oracle: the 1-swap search with Python sets, every candidate tried for every ambassador
    (person_id order; most reach gained, then highest score, then person_id), until a pass
    makes no swap."""
    rows = [set(inst.cover.row(c).tolist()) for c in range(inst.nc)]
    w, s, idr, dept = inst.w, inst.s, inst.idr, inst.dept
    tol = 1e-9 * max(1.0, float(w.sum()))
    fixed = set(int(c) for c in inst.fixed)

    def value(group):
        return float(sum(w[j] for j in set().union(*(rows[c] for c in group))))

    def feasible(group):
        counts = np.bincount(dept[group], minlength=len(inst.req))
        return bool((counts >= inst.req).all() and (counts <= inst.cap).all())

    chosen = sorted((int(c) for c in start), key=lambda c: idr[c])
    changed = True
    while changed:
        changed = False
        for pos, i in enumerate(list(chosen)):
            i = chosen[pos]
            if i in fixed:
                continue
            base, best = value(chosen), None
            for c in range(inst.nc):
                trial = chosen[:pos] + [c] + chosen[pos + 1:]
                if c in chosen or not feasible(trial):
                    continue
                d = value(trial) - base
                if d > tol or (abs(d) <= tol and s[c] > s[i] + 1e-12):
                    key = (-round(d / tol) * tol, -s[c], idr[c])
                    best = (key, c) if best is None or key < best[0] else best
            if best is not None:
                chosen[pos], changed = best[1], True
    return sorted(chosen)


@settings(deadline=None, max_examples=15)
@given(seed=st.integers(0, 10_000), start=st.sampled_from(["greedy", "top-score"]))
def test_swap_search_matches_a_plain_one_swap_oracle(seed, start):
    """The vectorised swap search (which ranks only the candidates that lose no reach, and
    stops as soon as every ambassador was asked since the last swap) makes the same swaps as
    trying every candidate with Python sets."""
    from ambassadors.select import _search

    inst = _instance(seed, n=40, m_edges=60, size=5)
    first = _search.greedy(inst) if start == "greedy" else _search.top_score(inst)
    found, finished = _search.swap_search(inst, first, deadline=float("inf"))
    assert finished
    assert sorted(found.tolist()) == _plain_swap_search(inst, first)
