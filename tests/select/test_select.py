"""propose_ambassadors and Plan: behaviour on hand-made graphs and on Krackhardt's managers."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ambassadors.errors import InfeasibleError, InputError
from ambassadors.graph import build_graph
from ambassadors.select import Plan, default_size, propose_ambassadors

DATA = Path(__file__).resolve().parents[2] / "data" / "real" / "krackhardt"


# ---------------------------------------------------------------------------------------
def graph_from(departments: dict[str, str], edges: list[tuple[str, str]]):
    people = pd.DataFrame({"department": list(departments.values())},
                          index=pd.Index(list(departments), name="person_id"))
    log = pd.DataFrame(edges, columns=["source", "target"]) if edges else pd.DataFrame(
        {"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str)})
    return build_graph(people, log)


def ranking_for(graph, scores: dict[str, float], *, eligible=None, opted_out=()) -> pd.DataFrame:
    ids = [str(i) for i in graph.ids]
    score = pd.Series([scores.get(i, 0.0) for i in ids], index=pd.Index(ids, name="person_id"))
    elig = pd.Series(True, index=score.index) if eligible is None else score.index.isin(list(eligible))
    elig = pd.Series(elig, index=score.index) & ~score.index.isin(list(opted_out))
    frame = pd.DataFrame({
        "department": graph.people["department"].astype(str).to_numpy(),
        "score": score,
        "rank": score.rank(ascending=False, method="first"),
        "department_rank": score.groupby(graph.people["department"].to_numpy()).rank(ascending=False, method="first"),
        "eligible": elig,
        "ineligible_reason": np.where(score.index.isin(list(opted_out)), "opted out",
                                      np.where(elig, "", "below minimum enthusiasm")),
        "reason": "enthusiastic and central",
    }, index=score.index)
    return frame.sort_values("rank")


def reach_of(graph, ids, hops=1) -> int:
    """Oracle: people within ``hops`` ties of ``ids`` (plain Python sets on the edge list)."""
    nbrs: dict[str, set[str]] = {str(i): set() for i in graph.ids}
    for s, t in zip(graph.edges()["source"], graph.edges()["target"]):
        nbrs[s].add(t)
        nbrs[t].add(s)
    reached = set(ids)
    frontier = set(ids)
    for _ in range(hops):
        frontier = {j for i in frontier for j in nbrs[i]} - reached
        reached |= frontier
    return len(reached)


@pytest.fixture(scope="module")
def krackhardt():
    att = pd.read_csv(DATA / "attributes.csv", sep=";", decimal=",", dtype={"ID": str, "DEPT": str})
    adv = pd.read_csv(DATA / "advice.csv", sep=";", dtype={"ego": str, "alter": str})
    people = pd.DataFrame({"department": att["DEPT"].to_numpy()}, index=pd.Index(att["ID"], name="person_id"))
    log = adv[(adv["edge"] == 1) & (adv["ego"] != adv["alter"])].rename(columns={"ego": "source", "alter": "target"})
    return build_graph(people, log[["source", "target"]])


def coverage_masks(graph, hops=1) -> dict[str, int]:
    """Oracle: for each person, the people within ``hops`` ties as a bit mask (Python ints)."""
    ids = [str(i) for i in graph.ids]
    bit = {i: 1 << k for k, i in enumerate(ids)}
    nbrs: dict[str, set[str]] = {i: {i} for i in ids}
    for s, t in zip(graph.edges()["source"], graph.edges()["target"]):
        nbrs[s].add(t)
        nbrs[t].add(s)
    masks = {}
    for i in ids:
        reached = {i}
        for _ in range(hops):
            reached = {k for j in reached for k in nbrs[j]}
        masks[i] = sum(bit[j] for j in reached)
    return masks


@pytest.fixture(scope="module")
def krackhardt_mutual(krackhardt):
    """Advice ties only where both managers name each other: sparser, so reach is not trivial."""
    edges = krackhardt.edges()[["source", "target"]]
    return build_graph(krackhardt.people, edges, reciprocal_only=True)


def brute_force(graph, k, *, hops=1, min_per_department=1, candidates=None):
    """Best reach over every feasible group of size k (each department with candidates gets
    min(min_per_department, its candidates))."""
    ids = [str(i) for i in graph.ids] if candidates is None else list(candidates)
    dept = dict(zip(graph.ids.astype(str), graph.people["department"].astype(str)))
    need = {d: min(min_per_department, sum(dept[i] == d for i in ids)) for d in set(dept.values())}
    masks = coverage_masks(graph, hops)
    best = -1
    for group in itertools.combinations(ids, k):
        counts: dict[str, int] = {}
        for i in group:
            counts[dept[i]] = counts.get(dept[i], 0) + 1
        if all(counts.get(d, 0) >= r for d, r in need.items()):
            cover = 0
            for i in group:
                cover |= masks[i]
            best = max(best, bin(cover).count("1"))
    return best


# ---------------------------------------------------------------------------------------
# Krackhardt's managers (real data)
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("size,hops,min_per_department", [(5, 1, 1), (2, 1, 0), (3, 1, 0), (6, 1, 1), (2, 2, 0)])
def test_krackhardt_exact_equals_brute_force_and_greedy_within_bound(krackhardt, size, hops, min_per_department):
    g = krackhardt
    best = brute_force(g, size, hops=hops, min_per_department=min_per_department)
    exact = propose_ambassadors(g, size=size, hops=hops, min_per_department=min_per_department, method="exact")
    greedy = propose_ambassadors(g, size=size, hops=hops, min_per_department=min_per_department, method="greedy")
    assert exact.status == "optimal" and exact.gap == 0.0
    assert exact.objective_value == best == reach_of(g, exact.ids, hops)
    assert reach_of(g, greedy.ids, hops) == greedy.objective_value
    factor = 1 - 1 / math.e if min_per_department == 0 else 0.5
    assert greedy.objective_value >= factor * best
    assert greedy.bound is not None and greedy.bound >= best >= greedy.objective_value


@pytest.mark.parametrize("size,min_per_department", [(1, 0), (2, 0), (5, 1)])
def test_krackhardt_mutual_ties_exact_equals_brute_force(krackhardt_mutual, size, min_per_department):
    g = krackhardt_mutual
    best = brute_force(g, size, min_per_department=min_per_department)
    exact = propose_ambassadors(g, size=size, min_per_department=min_per_department, method="exact")
    greedy = propose_ambassadors(g, size=size, min_per_department=min_per_department, method="greedy")
    assert exact.objective_value == best == reach_of(g, exact.ids)
    assert greedy.bound >= best >= greedy.objective_value
    if size <= 2:
        assert best < g.n_people  # a non-trivial instance


def test_krackhardt_default_plan_covers_every_department(krackhardt):
    plan = propose_ambassadors(krackhardt)
    assert plan.size == default_size(krackhardt) == 5
    assert set(plan.members["department"]) == {"0", "1", "2", "3", "4"}
    assert (plan.coverage["ambassadors"] >= 1).all()
    assert plan.coverage.index.tolist() == ["0", "1", "2", "3", "4"]
    assert all(isinstance(i, str) for i in plan.ids)
    assert plan.reach_1.count == reach_of(krackhardt, plan.ids, 1)
    assert plan.reach_2.count == reach_of(krackhardt, plan.ids, 2)


# ---------------------------------------------------------------------------------------
# hand-made graphs
# ---------------------------------------------------------------------------------------
def two_stars():
    """Department A: hub a0 with leaves a1..a4 and a twin hub a5 with the same leaves;
    department B: hub b0 with leaves b1, b2, and b3 whose only tie is to a0 (a bridge)."""
    deps = {f"a{i}": "A" for i in range(6)} | {f"b{i}": "B" for i in range(4)}
    edges = [("a0", f"a{i}") for i in range(1, 5)] + [("a5", f"a{i}") for i in range(1, 5)]
    edges += [("b0", "b1"), ("b0", "b2"), ("a0", "b3")]
    return graph_from(deps, edges)


def test_equal_reach_the_enthusiastic_win():
    g = two_stars()
    # a0 reaches one more (the bridge), so it wins despite a lower score ...
    plan = propose_ambassadors(g, ranking_for(g, {"a0": 0.1, "a5": 0.9}), size=2)
    assert "a0" in plan.ids
    # ... but when a0 and a5 tie on reach, the higher score wins
    h = graph_from({f"a{i}": "A" for i in range(6)} | {"b0": "B"},
                   [("a0", f"a{i}") for i in range(1, 5)] + [("a5", f"a{i}") for i in range(1, 5)])
    for method in ("greedy", "exact"):
        plan = propose_ambassadors(h, ranking_for(h, {"a0": 0.1, "a5": 0.9}), size=2, method=method)
        assert plan.ids == ["a5", "b0"], method
        plan = propose_ambassadors(h, ranking_for(h, {"a0": 0.9, "a5": 0.1}), size=2, method=method)
        assert plan.ids == ["a0", "b0"], method


def test_without_ranking_ties_break_by_person_id():
    h = graph_from({"x2": "A", "x1": "A", "c": "A"}, [("x2", "c"), ("x1", "c")])
    # every single person reaches 2 or 3; c reaches all three
    assert propose_ambassadors(h, size=1).ids == ["c"]
    h2 = graph_from({"x2": "A", "x1": "A"}, [])
    assert propose_ambassadors(h2, size=1).ids == ["x1"]
    assert propose_ambassadors(h2, size=1, method="exact").ids == ["x1"]


def test_include_exclude_and_eligibility_are_honoured():
    g = two_stars()
    plan = propose_ambassadors(g, size=3, include=["a3"], exclude=["a0"])
    assert "a3" in plan.ids and "a0" not in plan.ids
    assert plan.members.loc["a3", "included"]
    assert plan.members.loc["a3", "reason"].startswith("included on request")
    plan = propose_ambassadors(g, size=2, eligible=["a1", "a2", "b2"])
    assert set(plan.ids) <= {"a1", "a2", "b2"}
    mask = pd.Series(False, index=g.ids)
    mask[["a5", "b0"]] = True
    assert sorted(propose_ambassadors(g, size=2, eligible=mask).ids) == ["a5", "b0"]
    assert sorted(propose_ambassadors(g, size=2, eligible=mask.astype(int)).ids) == ["a5", "b0"]
    # an explicitly included person need not be eligible; the plan says so
    r = ranking_for(g, {}, eligible=["a0", "b0", "b1"])
    plan = propose_ambassadors(g, r, size=3, include=["a3"])
    assert "a3" in plan.ids and any("not eligible: 'a3'" in note for note in plan.notes)


def test_opted_out_people_are_never_chosen():
    g = two_stars()
    r = ranking_for(g, {"a0": 1.0, "b0": 1.0}, opted_out=["a0", "b0"])
    plan = propose_ambassadors(g, r, size=3)
    assert not {"a0", "b0"} & set(plan.ids)
    # even when an explicit eligible list names them
    plan = propose_ambassadors(g, r, size=2, eligible=["a0", "b0", "a1", "b1"])
    assert set(plan.ids) == {"a1", "b1"}
    with pytest.raises(InfeasibleError, match="opted out: 'a0'"):
        propose_ambassadors(g, r, size=3, include=["a0"])


def test_people_missing_from_the_ranking_are_not_eligible():
    g = two_stars()
    r = ranking_for(g, {}).drop(index=["a0", "a5"])
    assert not {"a0", "a5"} & set(propose_ambassadors(g, r, size=2).ids)


def test_caps_are_honoured():
    g = two_stars()
    plan = propose_ambassadors(g, size=4, max_per_department=2)
    assert plan.members["department"].value_counts().max() <= 2
    assert (plan.coverage["ambassadors"] <= 2).all()


def test_department_without_eligible_people_is_flagged_with_a_bridge():
    g = two_stars()
    r = ranking_for(g, {}, eligible=[f"a{i}" for i in range(6)])
    plan = propose_ambassadors(g, r, size=2)
    assert plan.uncovered.index.tolist() == ["B"]
    row = plan.uncovered.loc["B"]
    assert row["bridge"] == "a0" and row["bridge_ties"] == 1 and row["bridge_department"] == "A"
    assert "B" in plan.summary()
    with pytest.raises(InfeasibleError, match="'B'"):
        propose_ambassadors(g, r, size=2, strict=True)


@pytest.mark.parametrize("kwargs,match", [
    (dict(size=1), r"size=1 is below .*'A', 'B'.*raise size to at least 2"),
    (dict(size=2, include=["a1", "a2", "a3"]), r"include names 3 people but size is 2"),
    (dict(size=3, include=["a1", "a2", "a3"]), r"minimums of 'B'.*raise size to 4"),
    (dict(size=3, min_per_department=2, max_per_department=1), r"max_per_department=1 is below"),
    (dict(size=5, max_per_department=1), r"only 2 people can be chosen"),
    (dict(size=3, include=["a1", "a2"], max_per_department=1), r"include puts more .* 'A'"),
])
def test_infeasible_requests_raise_naming_what_to_change(kwargs, match):
    with pytest.raises(InfeasibleError, match=match):
        propose_ambassadors(two_stars(), **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(size=0), "size must be a positive"),
    (dict(size=-3), "size must be a positive"),
    (dict(objective="fame"), "objective must be one of"),
    (dict(hops=3), "hops must be 1 or 2"),
    (dict(include=["nobody"]), "unknown person_id: 'nobody'"),
    (dict(include=["a1"], exclude=["a1"]), "include and exclude both name 'a1'"),
])
def test_bad_options_raise_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        propose_ambassadors(two_stars(), **kwargs)


def test_score_objective_takes_top_scores_per_department():
    g = two_stars()
    scores = {"a1": 0.9, "a2": 0.8, "a3": 0.7, "b2": 0.1, "b1": 0.05}
    plan = propose_ambassadors(g, ranking_for(g, scores), size=3, objective="score")
    assert sorted(plan.ids) == ["a1", "a2", "b2"]
    assert plan.objective_value == pytest.approx(1.8) and plan.status == "optimal"


def test_reach_never_worse_than_top_score_under_same_constraints():
    g = two_stars()
    r = ranking_for(g, {"a1": 0.9, "a2": 0.8, "b2": 0.7})
    reach = propose_ambassadors(g, r, size=3, method="greedy")
    top = propose_ambassadors(g, r, size=3, objective="score")
    assert reach.reach_1.count >= top.reach_1.count


def test_weighted_reach_prefers_heavily_weighted_people():
    g = graph_from({"h1": "A", "h2": "A", "l1": "A", "l2": "A", "l3": "A", "v": "A"},
                   [("h1", "l1"), ("h1", "l2"), ("h1", "l3"), ("h2", "v")])
    assert propose_ambassadors(g, size=1).ids == ["h1"]
    weights = pd.Series({"v": 10.0})
    assert propose_ambassadors(g, size=1, weighted=weights).ids[0] in {"h2", "v"}
    plan = propose_ambassadors(g, size=1, weighted=True)
    assert plan.objective_value > 0


def test_two_hops_reach_and_lazy_two_hop_path(monkeypatch):
    import ambassadors.select._coverage as coverage_module

    chain = graph_from({f"p{i}": "A" for i in range(7)}, [(f"p{i}", f"p{i + 1}") for i in range(6)])
    plan = propose_ambassadors(chain, size=1, hops=2)
    assert plan.objective_value == 5 and plan.ids == ["p2"]
    monkeypatch.setattr(coverage_module, "TWO_HOP_MAX_NNZ", 0)
    lazy = propose_ambassadors(chain, size=2, hops=2)
    assert lazy.method == "greedy" and lazy.objective_value == reach_of(chain, lazy.ids, 2) == 7


def test_relabelling_and_reordering_people_does_not_change_the_plan(krackhardt):
    plan = propose_ambassadors(krackhardt, size=7, min_per_department=1, method="greedy")
    # shuffle the roster order
    people = krackhardt.people.sample(frac=1.0, random_state=3)
    shuffled = build_graph(people, krackhardt.edges()[["source", "target"]])
    assert propose_ambassadors(shuffled, size=7, method="greedy").ids == plan.ids
    # order-preserving renaming
    rename = {i: f"m{int(i):03d}" for i in krackhardt.ids}
    order = sorted(krackhardt.ids, key=str)
    rename = {old: f"m{rank:03d}" for rank, old in enumerate(order)}
    people2 = krackhardt.people.rename(index=rename)
    edges = krackhardt.edges()[["source", "target"]].replace(rename)
    renamed = build_graph(people2, edges)
    assert sorted(propose_ambassadors(renamed, size=7, method="greedy").ids) == sorted(rename[i] for i in plan.ids)


def test_plan_tables_and_outputs(tmp_path):
    g = two_stars()
    plan = propose_ambassadors(g, ranking_for(g, {"a0": 0.5, "b0": 0.4, "a1": 0.3}), size=2)
    assert isinstance(plan, Plan)
    m = plan.members
    assert list(m.columns[:6]) == ["department", "rank", "department_rank", "score", "reach", "marginal_reach"]
    assert m.index.name == "person_id"
    assert m.loc["a0", "reason"].startswith("covers A (only ambassador there); reaches 5 colleagues")
    assert "#1 in A by score" in m.loc["a0", "reason"] and "enthusiastic and central" in m.loc["a0", "reason"]
    assert m["marginal_reach"].sum() <= plan.objective_value
    cov = plan.coverage
    assert cov.loc["A", "size"] == 6 and cov.loc["B", "reached"] == 4
    assert cov["share_reached"].between(0, 1).all()
    b = plan.backups
    assert (b.groupby("department").size() <= 2).all() and not set(b["person_id"]) & set(plan.ids)
    frame = plan.to_frame()
    assert set(frame["role"]) == {"ambassador", "backup"} and frame.index.is_unique
    out = plan.to_csv(tmp_path / "plan.csv")
    back = pd.read_csv(out, dtype={"person_id": str}, index_col="person_id")
    assert back.index.tolist() == frame.index.tolist()
    text = plan.summary()
    assert "2 ambassadors covering 2 of 2 departments" in text
    assert "<table" in plan._repr_html_()


def test_html_escapes_department_names():
    g = graph_from({"x": "<b>R&D</b>", "y": "Ops"}, [("x", "y")])
    html = propose_ambassadors(g, size=2)._repr_html_()
    assert "<b>R&D</b>" not in html and "&lt;b&gt;R&amp;D&lt;/b&gt;" in html


def test_spread_objective_returns_a_valid_plan():
    g = two_stars()
    plan = propose_ambassadors(g, size=2, objective="spread", p=0.5, runs=50, seed=1)
    assert set(plan.members["department"]) == {"A", "B"}
    assert 2 <= plan.objective_value <= g.n_people
    assert plan.bound is None or plan.bound >= plan.objective_value - 1e-9
    again = propose_ambassadors(g, size=2, objective="spread", p=0.5, runs=50, seed=1)
    assert again.ids == plan.ids and again.objective_value == plan.objective_value


def test_default_size_rule():
    deps = {f"p{i}": ("Big" if i < 1000 else "Small") for i in range(1010)}
    g = graph_from(deps, [("p0", "p1")])
    assert default_size(g) == (1 + 1000 // 500) + 1


def test_exact_with_a_tiny_time_limit_still_returns_a_valid_plan_with_a_bound():
    rng = np.random.default_rng(5)
    ids = [f"r{i:03d}" for i in range(150)]
    people = pd.DataFrame({"department": [f"D{x}" for x in rng.integers(0, 5, 150)]}, index=ids)
    log = pd.DataFrame({"source": rng.choice(ids, 220), "target": rng.choice(ids, 220)})
    g = build_graph(people, log)
    plan = propose_ambassadors(g, size=12, hops=2, method="exact", time_limit=0.01)
    assert plan.size == 12 and (plan.coverage["ambassadors"] >= 1).all()
    assert plan.method == "exact" and plan.status in {"time_limit", "optimal"}
    assert plan.bound is not None and plan.bound >= plan.objective_value
    assert 0.0 <= plan.gap < 1.0
    assert plan.objective_value == reach_of(g, plan.ids, 2)


def test_to_html_renders_the_plan_without_the_report_module(monkeypatch):
    """Defect (issue 13): Plan.to_html imported ambassadors.report, an upward import."""
    import sys

    monkeypatch.setitem(sys.modules, "ambassadors.report", None)  # importing it would fail
    out = propose_ambassadors(two_stars(), size=2).to_html()
    assert out.startswith('<div class="ambassadors-plan">') and "<table" in out and "Backups" in out


def test_auto_skips_the_milp_when_cheap_bounds_prove_the_plan_optimal(monkeypatch):
    """Two stars, one per department: greedy finds the centres, the bounds prove it, no MILP."""
    import ambassadors.select._bounds as bounds_module
    import ambassadors.select._solve as solve_module
    from ambassadors.graph import build_graph

    ids = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]
    people = pd.DataFrame({"department": ["A"] * 6 + ["B"] * 6}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame({"source": ["a0"] * 5 + ["b0"] * 5 + ["a1"],
                        "target": [f"a{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 6)] + ["b1"]})
    graph = build_graph(people, log)
    real_milp = solve_module.solve_milp

    def only_relaxations(inst, time_limit, **kwargs):
        assert kwargs.get("relax"), "the integer program should not run when bounds prove optimality"
        return real_milp(inst, time_limit, **kwargs)

    monkeypatch.setattr(solve_module, "solve_milp", only_relaxations)
    monkeypatch.setattr(bounds_module, "solve_milp", only_relaxations)
    plan = propose_ambassadors(graph, size=2)
    assert sorted(plan.members.index) == ["a0", "b0"]
    assert plan.status == "optimal" and plan.method == "greedy+swap"
    assert plan.bound == plan.objective_value == 12


def test_auto_certifies_small_plans_and_skips_the_milp_within_the_gap_on_larger_ones(monkeypatch):
    """The bundled sample: greedy is proven within 0.34 % by the cheap bounds. Small instances
    still get the MILP's certificate; above AUTO_EXACT_NNZ the MILP is skipped."""
    import ambassadors.select._bounds as bounds_module
    import ambassadors.select._solve as solve_module
    from ambassadors.datasets import sample_paths
    from ambassadors.pipeline import analyze

    p = sample_paths()
    a = analyze(p["people"], [p["emails"], p["chat"]], [p["survey"], p["activity"]], select=False,
                progress=False)
    small = propose_ambassadors(a.graph, a.ranking)
    assert small.status == "optimal" and small.gap == 0.0 and small.bound == small.objective_value

    real_milp = solve_module.solve_milp

    def only_relaxations(inst, time_limit, **kwargs):
        assert kwargs.get("relax"), "the integer program should not run within AUTO_GAP"
        return real_milp(inst, time_limit, **kwargs)

    monkeypatch.setattr(solve_module, "AUTO_EXACT_NNZ", 0)
    monkeypatch.setattr(solve_module, "solve_milp", only_relaxations)
    monkeypatch.setattr(bounds_module, "solve_milp", only_relaxations)
    large = propose_ambassadors(a.graph, a.ranking)
    assert large.method == "greedy+swap" and large.status != "optimal"
    assert 0 < large.gap <= solve_module.AUTO_GAP
    assert large.bound >= small.objective_value >= large.objective_value
