"""The public function: :func:`propose_ambassadors`, a short chain of the steps in this package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ambassadors._progress import stages
from ambassadors.cascade import live_components
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import Loaded
from ambassadors.select._bounds import Certificate, certify
from ambassadors.select._coverage import Coverage, Instance, covered_value, person_coverage
from ambassadors.select._inputs import (
    Problem,
    check_options,
    id_rank,
    person_weights,
    plan_params,
    problem,
    scaled_scores,
)
from ambassadors.select._outreach import outreach_tables
from ambassadors.select._plan import Plan
from ambassadors.select._search import top_score
from ambassadors.select._solve import optimise
from ambassadors.select._tables import (
    backups_table,
    coverage_table,
    department_ranks,
    member_reach,
    member_reasons,
    plan_reach,
    recruit_here_table,
    uncovered_table,
)
from ambassadors.select._tradeoff import reach_floor, trade_reach

__all__ = ["propose_ambassadors"]


def propose_ambassadors(
    graph: CollaborationGraph,
    ranking: pd.DataFrame | Loaded | None = None,
    *,
    size: int | None = None,
    min_per_department: int = 1,
    max_per_department: int | None = None,
    include: Iterable[object] = (),
    exclude: Iterable[object] = (),
    eligible: Iterable[object] | pd.Series | None = None,
    objective: str = "reach",
    hops: int = 1,
    weighted: bool | pd.Series = False,
    method: str = "auto",
    time_limit: float = 10.0,
    strict: bool = False,
    seed: int = 0,
    p: float = 0.05,
    runs: int = 200,
    reach_tolerance: float = 0.0,
    pool: str = "enthusiasts",
    max_contacts: int | None = None,
    progress: bool | None = None,
) -> Plan:
    """Choose ambassadors who cover every department and reach the most colleagues.

    With ``x_i = 1`` when person ``i`` is chosen and ``N_h[i]`` the people within ``h`` ties of
    ``i`` (``i`` included; a tie is an interaction in either direction), the ``"reach"``
    objective solves

    .. math::

        \\max_{S} \\; \\sum_j w_j \\, [\\, j \\in \\textstyle\\bigcup_{i \\in S} N_h[i] \\,]
        + \\varepsilon \\sum_{i \\in S} s_i
        \\quad\\text{s.t.}\\quad |S| = k,\\;
        r_d \\le |S \\cap D_d| \\le c_d,\\; I \\subseteq S,\\; S \\subseteq E

    with ``w_j = 1`` (people reached), ``s_i`` the composite score scaled to [0, 1],
    ``r_d = min(min_per_department, eligible in d)``, ``c_d = max_per_department``, ``I`` the
    included and ``E`` the eligible, not excluded people (plus ``I``). ``eps`` is small enough
    never to trade one person of reach for score: among plans of equal reach the most
    enthusiastic wins, then person_id order. To trade reach for enthusiasm explicitly, pass
    ``reach_tolerance=t``: the plan then solves

    .. math::

        \\max_{S} \\sum_{i \\in S} s_i \\quad\\text{s.t. the same constraints and}\\quad
        \\Big|\\bigcup_{i \\in S} N_h[i]\\Big| \\ge (1 - t)\\, R

    with ``R`` the reach of the ``t = 0`` plan.

    Parameters
    ----------
    graph : CollaborationGraph
    ranking : DataFrame or Loaded, optional
        From :func:`ambassadors.ranking.rank_candidates`: indexed by ``person_id`` with
        ``score`` and, when present, ``eligible``, ``ineligible_reason``, ``rank``,
        ``department_rank``, ``reason`` (and ``opted_out``). People of the graph missing from it
        are not eligible. Without it every score is 0 and everyone is eligible.
    size : int, optional
        Number of ambassadors; default :func:`default_size` (clipped to what the constraints
        allow).
    min_per_department : int, default 1
        Each department gets at least this many ambassadors (or all its eligible people when it
        has fewer; with ``strict=True`` that is an error).
    max_per_department : int, optional
        At most this many ambassadors per department.
    include, exclude : iterables of person_id
        People who must (must not) be ambassadors. An included person need not be eligible,
        unless they opted out.
    eligible : iterable of person_id or boolean Series, optional
        Who may be chosen; replaces the ranking's ``eligible`` column. Opted-out people (in the
        ranking) are never eligible.
    objective : {"reach", "score", "spread"}
        ``"reach"``: people within ``hops`` ties (above). ``"score"``: highest composite scores
        under the same constraints. ``"spread"``: expected number of people reached by an
        independent cascade with tie probability ``p``, estimated on ``runs`` sampled live-tie
        graphs (fixed by ``seed``) and maximised with the same lazy greedy and swaps.
    hops : {1, 2}
        Reach counts people within this many ties.
    weighted : bool or Series, default False
        ``True``: a reached person counts ``w_j = strength_j / mean strength`` (their total tie
        weight, either direction, relative to the average person with ties), so well-connected
        colleagues count more and isolates count 0. A Series (index person_id) gives your own
        non-negative per-person weights (missing: 0).
    method : {"auto", "greedy", "exact"}
        ``"greedy"``: lazy greedy then 1-swap local search. ``"exact"``: HiGHS MILP (with
        ``time_limit``). ``"auto"``: greedy, then the MILP when the candidate x people coverage
        matrix has at most 200,000 non-zeros and at most 3,000 candidates, unless cheap
        bounds (submodular, LP relaxation, Lagrangian) already prove the greedy plan optimal or,
        above ``AUTO_EXACT_NNZ`` (15,000) non-zeros, within ``AUTO_GAP`` (0.5 %) of the
        optimum; the better plan is kept, and its bound and gap are recorded.
    time_limit : float, default 10
        Seconds for the MILP, and for the swap search (with ``reach_tolerance > 0``, the same
        again for the trade-off search and its MILP).
    strict : bool, default False
        Raise :class:`InfeasibleError` when a department has too few eligible people for its
        minimum, instead of listing it in ``Plan.uncovered``. With the enthusiast pool: no
        fallback to people whose enthusiasm is unknown; a department without a known enthusiast
        is left uncovered, listed in ``Plan.uncovered`` with its best enthusiastic bridge.
    seed : int, default 0
        Seed of the live-tie samples for ``objective="spread"`` (the rest is deterministic).
    p, runs :
        Tie activation probability and number of samples for ``objective="spread"``.
    reach_tolerance : float, default 0.0
        Share of reach you accept to give up for enthusiasm, ``0 <= t < 1``. With ``t > 0``
        the plan is the one with the **highest total composite score** among plans whose
        objective (reach, weighted reach or expected spread) is at least ``(1 - t) R``, where
        ``R`` is the objective of the plan chosen with ``t = 0`` (the proven optimum when
        that plan is ``"optimal"``); same size, department minimums and caps, include,
        exclude and eligibility. Reach is counted in whole people, so the threshold is rounded
        up. ``0`` (default) keeps reach first and the score as a tie-break only. Not
        available with ``objective="score"``. See Notes.

    pool : {"enthusiasts", "all"}, default "enthusiasts"
        Whom the group is drawn from. ``"enthusiasts"``: when the ranking carries enthusiasm
        signals (its ``enthusiast`` / ``enthusiasm_known`` columns, from
        :func:`ambassadors.rank_candidates`), only the eligible people known to be enthusiastic
        (a survey answer in the top two points of its scale, an opt-in, or a top share of
        activity; see ``docs/ranking.md``); a department with fewer than
        ``min_per_department`` of them gets its most promising eligible people whose enthusiasm
        is unknown (never someone ``reluctant``), flagged ``enthusiasm_unknown`` with the reason
        "enthusiasm unknown - ask first" and listed in ``Plan.recruit_here``. Without signals
        it is the same as ``"all"``: everyone eligible (the reach-first behaviour of earlier
        versions, where enthusiasm only breaks ties). The bound and gap are relative to the
        pool: the best plan drawn from it.

    max_contacts : int, optional
        At most this many colleagues per ambassador in ``Plan.outreach`` (the load is balanced:
        each ambassador takes its strongest ties first, a colleague whose ambassadors are full
        goes to the next one they are tied to, or to ``Plan.unreached``). Default: no limit.
    progress : bool, optional
        ``False`` hides the stage bar (coverage, search and bounds, tables); default: shown on a
        terminal or in a notebook.

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        Unknown ids, ``size <= 0``, bad option values.
    InfeasibleError
        ``size`` below the number of departments to cover, ``include`` longer than ``size``,
        includes plus minimums above ``size``, caps below minimums or includes, ``size`` above
        what the eligible people and caps allow, opted-out people in ``include``, or (with
        ``strict``) a department without enough eligible people. The message names the
        departments and what to change.

    Notes
    -----
    *Greedy* adds, one at a time, the candidate with the largest marginal gain (then the best
    score, then person_id), with reserved slots: a candidate from a department that already
    has its minimum is taken only while the free slots exceed the open minimums. Marginal gains
    are kept exact by vectorised sparse updates after each pick (every item is covered once,
    so all updates cost ``O(nnz)``), which picks the same people as lazy greedy (CELF,
    Leskovec et al. 2007); CELF itself is used when two-hop neighbourhoods are computed on
    demand. The reserved-slot rule is the greedy algorithm over a matroid (selections that can
    still be completed), so greedy reaches at least ``1 - 1/e`` (63 %) of the optimum without
    department constraints (Nemhauser, Wolsey & Fisher 1978) and at least 1/2 with minimums or
    caps (Fisher, Nemhauser & Wolsey 1978). Then a 1-swap local search (replace one ambassador
    by one candidate while reach, then score, improves and every constraint holds) and a few
    perturb-and-repair rounds (drop random ambassadors, refill greedily, swap again; seeded,
    a fixed number of rounds) only improve it; the plain top-score plan is the start when it
    is better, so the plan never reaches fewer people than top-k by score.

    Every greedy plan carries a proven upper bound: the smallest of ``f(S) + the k largest
    marginal gains w.r.t. S``, the LP relaxation (up to 300,000 coverage non-zeros) and a
    Lagrangian bound (subgradient steps, budgeted by size). The MILP gives the optimum, or the
    best plan found and HiGHS' dual bound when ``time_limit`` is hit. ``gap`` is the relative
    distance to the bound.

    *Reach tolerance.* The reach-optimal plan above fixes ``R`` and is itself a valid answer,
    so the traded plan never has a lower total score. If the top-score plan (exact, per
    department) already meets ``(1 - t) R`` it is optimal. Otherwise a Lagrangian blend:
    greedy on ``reach + mu * s`` (still submodular) for 8 values of ``mu`` found by bisection
    on ``log mu``, keeping the best-scoring plan above the threshold; then a swap search that
    replaces an ambassador by a higher-score candidate while reach stays above the threshold
    (most score gained per person of reach lost first). On instances small enough for the
    exact reach path (or with ``method="exact"``), the MILP ``max sum_i s_i x_i`` with the
    extra constraint ``sum_j w_j y_j >= (1 - t) R`` replaces it when better (ties: more
    reach, then person_id). ``params["score_bound"]`` is the MILP bound, or the top-score
    total. On the bundled sample, ``t = 0.05`` brings 7 of the 8 planted enthusiastic
    connectors into the plan instead of 1, for 4.8 % less reach (see ``docs/selection.md``).

    Cost: building the coverage matrix ``O(nnz)`` (``nnz`` = ties + people for one hop); greedy
    ``O(nnz + k * candidates)``; each swap pass ``O(k * candidates + sum of degree^2)``.
    Measured: 2.6 s (median of 3) for 50,000 people, 4.8 M ties and 128 ambassadors
    (``bench/bench_select.py``); 5.0 s with random scores and ``reach_tolerance=0.02``
    (``--scores --reach-tolerance 0.02``). Two-hop neighbourhoods are materialised up to 40 M non-zeros,
    otherwise evaluated lazily (greedy only, no swaps, no bound).

    References
    ----------
    Nemhauser, Wolsey & Fisher (1978), An analysis of approximations for maximizing submodular
    set functions I, Math. Programming 14. Fisher, Nemhauser & Wolsey (1978), ... II, Math.
    Programming Study 8. Leskovec et al. (2007), Cost-effective outbreak detection in networks,
    KDD. Kempe, Kleinberg & Tardos (2003), Maximizing the spread of influence through a social
    network, KDD.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "A", "B", "B"]},
    ...                       index=["a1", "a2", "a3", "b1", "b2"])
    >>> log = pd.DataFrame({"source": ["a1", "a1", "a2", "b1"], "target": ["a2", "a3", "b1", "b2"]})
    >>> plan = propose_ambassadors(build_graph(people, log), size=2)
    >>> plan.ids, plan.reach_1.count
    (['a1', 'b1'], 5)
    """
    reach_tolerance = check_options(
        graph=graph, objective=objective, method=method, hops=hops, size=size,
        min_per_department=min_per_department, max_per_department=max_per_department,
        reach_tolerance=reach_tolerance, pool=pool, max_contacts=max_contacts)
    params = plan_params(
        size=size,
        min_per_department=min_per_department,
        max_per_department=max_per_department,
        include=include,
        exclude=exclude,
        eligible=eligible,
        objective=objective,
        hops=hops,
        weighted=weighted,
        method=method,
        time_limit=time_limit,
        strict=strict,
        seed=seed,
        p=p,
        runs=runs,
        reach_tolerance=reach_tolerance,
        pool=pool,
    )
    with stages(("coverage", "search and bounds", "tables and outreach"), desc="selection",
                enabled=progress) as step:
        step()
        prob = problem(graph, ranking, params, eligible=eligible, size=size)
        setup = _setup(graph, prob, objective=objective, hops=hops, weighted=weighted, p=p, runs=runs,
                       seed=seed)
        step()
        result = _solve(setup, prob, objective=objective, method=method, time_limit=time_limit, seed=seed)
        if reach_tolerance > 0:
            result = _trade(setup, result, prob, params, method=method, time_limit=time_limit)
        step()
        plan = make_plan(graph, prob, setup, result, params=params, objective=objective, hops=hops)
        members = graph.codes(plan.ids) if plan.size else np.zeros(0, dtype=np.int64)
        plan.outreach, plan.unreached = outreach_tables(graph, members, hops=hops, max_contacts=max_contacts)
    return plan


class Setup(NamedTuple):
    """The coverage instance of a problem and what is needed to read its answer back."""

    inst: Instance
    cand: np.ndarray            # node code of each candidate position
    people_cover: Coverage      # people within ``hops`` of each candidate
    person_w: np.ndarray        # weight of each reached person
    score_range: tuple[float, float]


def _setup(graph: CollaborationGraph, prob: Problem, *, objective: str, hops: int, weighted: Any, p: float,
           runs: int, seed: int) -> Setup:
    """The instance over the candidates: coverage (people or cascade items), weights, scores."""
    cand = np.flatnonzero(prob.candidates)
    pos_of = np.full(graph.n_people, -1, dtype=np.int64)
    pos_of[cand] = np.arange(len(cand))
    s_norm, (lo, hi) = scaled_scores(prob.info, cand)
    people_cover = person_coverage(graph, cand, hops)
    person_w, integral = person_weights(graph, weighted)
    cover, w = people_cover, person_w
    if objective == "spread":
        comp_items, comp_sizes = live_components(graph, cand, p=p, runs=runs, seed=seed,
                                                 weighted=bool(weighted is True))
        cover, w, integral = Coverage(comp_items, len(comp_sizes)), comp_sizes / runs, False
    inst = Instance(
        cover=cover,
        w=w,
        s=s_norm,
        idr=id_rank(graph.ids)[cand],
        dept=graph.department_codes[cand],
        req=prob.req,
        cap=prob.cap,
        k=prob.size,
        fixed=pos_of[prob.include],
        integral=integral,
    )
    return Setup(inst, cand, people_cover, person_w, (lo, hi))


class Result(NamedTuple):
    """The chosen plan (candidate positions), how it was found and its certificate."""

    chosen: np.ndarray
    value: float
    method: str
    status: str
    proof: Certificate
    reach_plan: np.ndarray | None = None   # with a reach tolerance: the reach-optimal plan


def _solve(
    setup: Setup, prob: Problem, *, objective: str, method: str, time_limit: float, seed: int
) -> Result:
    inst = setup.inst
    if objective == "score":
        chosen = top_score(inst)
        value = float(prob.info["score"].to_numpy(dtype=np.float64)[setup.cand][chosen].sum())
        return Result(chosen, value, "top-score", "optimal", Certificate(value, "value"))
    solved = optimise(inst, method=method, time_limit=time_limit, seed=seed)
    proof, status = certify(inst, solved.chosen, solved.status, solved.proof, time_limit=time_limit)
    return Result(solved.chosen, covered_value(inst, solved.chosen), solved.method, status, proof)


def _trade(setup: Setup, best: Result, prob: Problem, params: dict[str, Any], *, method: str,
           time_limit: float) -> Result:
    """Trade reach for score: the best-scoring plan within the tolerance of the best reach."""
    inst, (lo, hi) = setup.inst, setup.score_range
    tolerance, size = params["reach_tolerance"], prob.size
    floor = reach_floor(inst, best.value, tolerance)
    trade = trade_reach(inst, best.chosen, floor, method=method, time_limit=time_limit)
    value = covered_value(inst, trade.chosen)
    sc = prob.info["score"].to_numpy(dtype=np.float64)[setup.cand]

    def to_raw(t: float) -> float:
        return size * lo + (hi - lo) * t if hi > lo else size * lo

    params.update(
        best_reach=float(best.value), best_reach_status=best.status, reach_threshold=float(floor),
        best_reach_score=float(sc[best.chosen].sum()), score=float(sc[trade.chosen].sum()),
        score_bound=None if trade.score_bound is None else float(to_raw(trade.score_bound)),
    )
    swapped = len(np.setdiff1d(trade.chosen, best.chosen))
    prob.notes.append(
        f"reach_tolerance={tolerance:g}: {swapped} of {size} ambassadors differ from the reach-optimal "
        f"plan; objective {value:,.6g} vs {best.value:,.6g}, composite score {params['score']:.4g} vs "
        f"{params['best_reach_score']:.4g}"
    )
    return Result(trade.chosen, value, trade.method, trade.status, best.proof, best.chosen)


def _gap(result: Result) -> float | None:
    bound = result.proof.bound
    if bound is None:
        return None
    if result.status == "optimal" and result.reach_plan is None:
        return 0.0
    return 0.0 if bound <= 0 else max(0.0, (bound - result.value) / bound)


def _members_frame(
    graph: CollaborationGraph,
    prob: Problem,
    setup: Setup,
    result: Result,
    members: np.ndarray,
    chosen: np.ndarray,
    *,
    params: dict[str, Any],
    objective: str,
    hops: int,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The members table; also who is reached (within ``hops``) and the department ranks."""
    info, inst = prob.info, setup.inst
    spread = objective == "spread"
    row_len, uniq_people, marginal, reached = member_reach(
        setup.people_cover, setup.person_w, chosen, graph.n_people,
        objective_cover=inst.cover if spread else None, objective_w=inst.w if spread else None)
    drank = department_ranks(graph, info, prob.candidates)
    included = np.isin(members, prob.include)
    traded_in = (np.zeros(len(members), dtype=bool) if result.reach_plan is None
                 else ~np.isin(chosen, result.reach_plan))
    ask_first = prob.pool.fallback[members]
    reasons = member_reasons(
        graph,
        members,
        included=included,
        traded_in=traded_in,
        row_len=row_len,
        uniq_people=uniq_people,
        drank=drank,
        rank_reason=info["reason"].to_numpy(dtype=object),
        has_ranking=bool(info.attrs.get("given", False)),
        hops=hops,
        params=params,
        ask_first=ask_first,
    )
    names, dcode = graph.department_names, graph.department_codes
    frame = pd.DataFrame(
        {"department": np.asarray(names)[dcode[members]], "rank": info["rank"].to_numpy(dtype=float)[members],
         "department_rank": drank[members], "score": info["score"].to_numpy(dtype=np.float64)[members],
         "reach": row_len.astype(np.int64), "marginal_reach": marginal, "included": included,
         "enthusiasm_basis": info["enthusiasm_basis"].to_numpy(dtype=object)[members],
         "enthusiasm_unknown": ask_first, "reason": reasons},
        index=pd.Index(graph.ids[members], name="person_id"),
    )
    return frame, reached, drank


def make_plan(
    graph: CollaborationGraph,
    prob: Problem,
    setup: Setup,
    result: Result,
    *,
    params: dict[str, Any],
    objective: str,
    hops: int,
) -> Plan:
    """The :class:`Plan` of a solved problem: its tables and its evidence."""
    members = setup.cand[result.chosen]
    order = np.argsort(id_rank(graph.ids)[members], kind="stable")
    chosen, members = result.chosen[order], members[order]
    members_df, reached, drank = _members_frame(graph, prob, setup, result, members, chosen, params=params,
                                                objective=objective, hops=hops)
    coverage = coverage_table(graph, prob.candidates, members, reached)
    reach_1, reach_2 = plan_reach(graph, members)
    info = prob.info
    backups = backups_table(graph, setup.inst, setup.cand, chosen, info["score"].to_numpy(dtype=np.float64),
                            info["rank"].to_numpy(dtype=float), drank, objective,
                            by_score=objective == "score" or result.reach_plan is not None)
    pool = prob.pool
    uncovered = uncovered_table(graph, coverage, prob.eligible, members,
                                bridge_among=prob.eligible if pool.active else None)
    recruit = recruit_here_table(graph, prob.eligible, pool.fallback, info["enthusiast"].to_numpy(dtype=bool),
                                 info["enthusiasm_basis"].to_numpy(dtype=object), members,
                                 min_per_department=params["min_per_department"] if pool.active else 0)
    bound = result.proof.bound
    return Plan(members=members_df, coverage=coverage, reach_1=reach_1, reach_2=reach_2, objective=objective,
                objective_value=float(result.value), method=result.method,
                bound=None if bound is None else float(bound), gap=_gap(result), status=result.status,
                uncovered=uncovered, backups=backups, params=params, notes=prob.notes,
                bound_method=result.proof.method, pool=pool.description, recruit_here=recruit)
