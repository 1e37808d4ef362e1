"""Trading reach for score (``reach_tolerance``): the highest-score plan within a reach floor."""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np

from ambassadors.select._coverage import Instance, covered_value
from ambassadors.select._milp import solve_milp
from ambassadors.select._search import SwapState, greedy, lazy_greedy, swap_passes, top_score
from ambassadors.select._solve import EXACT_MAX_CANDIDATES, EXACT_MAX_NNZ

#: Reach-tolerance heuristic: bisection steps on the blend weight ``mu`` of ``reach + mu * score``,
#: over ``mu`` in this range (times the plan's reach per ambassador; score scaled to [0, 1]) ...
TOLERANCE_BISECTION_STEPS = 8
TOLERANCE_MU_RANGE = (1e-2, 1e3)
#: ... then at most this many passes of the score swap search.
TOLERANCE_SWAP_PASSES = 4


class Trade(NamedTuple):
    chosen: np.ndarray
    method: str
    status: str
    score_bound: float | None  # proven upper bound on sum of s over plans meeting the floor


def reach_floor(inst: Instance, best: float, tolerance: float) -> float:
    """``(1 - tolerance) * best``, rounded up to a whole person when reach counts people."""
    floor = (1.0 - tolerance) * best
    return float(math.ceil(floor - 1e-9)) if inst.integral else floor


def trade_reach(inst: Instance, reach_plan: np.ndarray, floor: float, *, method: str,
                 time_limit: float) -> Trade:
    """The highest-score plan whose objective (reach) is at least ``floor``.

    ``reach_plan`` (the reach-optimal plan, whose value defines ``floor``) is always a feasible
    answer, so the result never has a lower score. In order:

    1. the top-score plan (:func:`top_score`, exact) when it already meets the floor: optimal;
    2. a Lagrangian blend: greedy on ``reach + mu * s`` with bisection on ``log mu``, keeping the
       best-scoring plan that meets the floor (each step one greedy, ``O(nnz + k * candidates)``);
    3. a score swap search from that plan and from ``reach_plan`` (:func:`score_swap_search`);
    4. on small instances (as for the exact reach path) or with ``method="exact"``, the MILP
       with the floor as a constraint and the score as objective (:func:`solve_milp`).
    """
    eps_v = 1e-9 * max(1.0, float(inst.w.sum()))
    top = top_score(inst)
    score_bound = float(inst.s[top].sum())

    def key(ch: np.ndarray) -> tuple[float, float]:
        return round(float(inst.s[ch].sum()), 9), covered_value(inst, ch)

    free = np.ones(inst.nc, dtype=bool)
    free[inst.fixed] = False
    if not free.any() or np.ptp(inst.s[free]) == 0:
        # every plan has the same score: the reach-optimal plan is the best tie-break
        return Trade(np.sort(reach_plan), "top-score", "optimal", score_bound)
    if covered_value(inst, top) >= floor - eps_v:
        return Trade(np.sort(top), "top-score", "optimal", score_bound)

    deadline = time.monotonic() + float(time_limit)
    best, best_key = np.sort(reach_plan), key(reach_plan)
    # scale of mu: a typical marginal gain per person of score range
    scale = max(covered_value(inst, reach_plan) / max(inst.k, 1), 1e-12)
    lo, hi = math.log(scale * TOLERANCE_MU_RANGE[0]), math.log(scale * TOLERANCE_MU_RANGE[1])
    pick = lazy_greedy if inst.cover.lazy else greedy
    for _ in range(TOLERANCE_BISECTION_STEPS):
        if time.monotonic() > deadline:
            break
        mid = 0.5 * (lo + hi)
        trial = pick(inst, bonus=math.exp(mid) * inst.s)
        if covered_value(inst, trial) >= floor - eps_v:
            lo = mid
            k_trial = key(trial)
            if k_trial > best_key:
                best, best_key = np.sort(trial), k_trial
        else:
            hi = mid
    used, status = ("lagrangian" if inst.cover.lazy else "lagrangian+swap"), "heuristic"
    if not inst.cover.lazy:
        starts = [best] if np.array_equal(best, np.sort(reach_plan)) else [best, np.sort(reach_plan)]
        for start in starts:
            trial, _ = score_swap_search(inst, start, floor, deadline)
            if covered_value(inst, trial) >= floor - eps_v and key(trial) > best_key:
                best, best_key = np.sort(trial), key(trial)
    small = (not inst.cover.lazy and inst.cover.matrix.nnz <= EXACT_MAX_NNZ
             and inst.nc <= EXACT_MAX_CANDIDATES)
    if method == "exact" or (method == "auto" and small):
        res = solve_milp(inst, time_limit, floor=floor - eps_v)
        if res.bound is not None:
            score_bound = min(score_bound, res.bound)
        if res.chosen is not None and covered_value(inst, res.chosen) >= floor - eps_v and key(res.chosen) >= best_key:
            best, best_key = np.sort(res.chosen), key(res.chosen)
            used, status = "exact", ("optimal" if res.optimal else "time_limit")
        elif method == "exact":
            used, status = "exact", "time_limit"
        if best_key[0] >= score_bound - (2e-6 + 1e-8 * inst.k):  # the MILP bound includes the tie-breaks
            status = "optimal"
    return Trade(best, used, status, score_bound)


def score_swap_search(inst: Instance, chosen: np.ndarray, floor: float, deadline: float,
                      max_passes: int | None = None) -> tuple[np.ndarray, bool]:
    """1-swap local search on the score under a reach floor.

    For each ambassador in turn (person_id order), among the candidates with a higher score
    whose swap keeps every constraint and the objective at least ``floor``, take the one with
    the most score gained per unit of reach lost (swaps that lose no reach first; then more
    reach, then person_id). Repeats for at most ``max_passes`` passes, until none is left.
    Returns the selection and whether no such swap is left.
    """
    max_passes = TOLERANCE_SWAP_PASSES if max_passes is None else max_passes
    s = inst.s
    tol = 1e-9 * max(1.0, float(inst.w.sum()))

    def more_score(state: SwapState, i: int) -> tuple[int, float] | None:
        allowed = state.allowed(i) & (s > s[i] + 1e-12)
        if not allowed.any():
            return None
        delta = state.delta(i)
        ok = allowed & (state.value + delta >= floor - tol)
        if not ok.any():
            return None
        idx = np.flatnonzero(ok)
        lost = np.maximum(-delta[idx], 0.0)
        ratio = np.where(lost > tol, (s[idx] - s[i]) / np.maximum(lost, tol), np.inf)
        order = np.lexsort((inst.idr[idx], -delta[idx], -(s[idx] - s[i]), -ratio))
        c = int(idx[order[0]])
        return c, float(delta[c])

    return swap_passes(inst, chosen, deadline, more_score, max_passes=max_passes)
