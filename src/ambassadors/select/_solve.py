"""Choosing the plan: greedy, swaps and perturbation, then the MILP when it pays."""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ambassadors.errors import InputError
from ambassadors.select._bounds import Certificate, cheap_certificate
from ambassadors.select._coverage import Instance, covered_value, plan_key
from ambassadors.select._milp import solve_milp
from ambassadors.select._search import greedy, lazy_greedy, perturb_and_repair, swap_search, top_score

#: The exact MILP is used by ``method="auto"`` when the candidate x colleague coverage matrix
#: has at most this many non-zeros ...
EXACT_MAX_NNZ = 200_000
#: ... and there are at most this many candidates.
EXACT_MAX_CANDIDATES = 3_000
#: ``method="auto"`` skips the MILP when cheap bounds prove the heuristic plan within this
#: relative gap of the optimum (the gap is recorded in the Plan). 0.5 % is the quality target
#: the selection is held to; closing the last fraction of a percent can take the MILP seconds
#: (9 s on a generated 2,000-person organisation) where the whole analysis takes two.
AUTO_GAP = 5e-3
#: ... except on small instances (at most this many coverage non-zeros, a few hundred people),
#: where the MILP usually proves optimality in a fraction of a second and always runs.
AUTO_EXACT_NNZ = 15_000


class Solved(NamedTuple):
    """What :func:`optimise` found: the plan (candidate positions, sorted), how (``method``,
    ``status``) and what it proved on the way (:class:`Certificate`)."""

    chosen: np.ndarray
    method: str
    status: str
    proof: Certificate


def _improve(inst: Instance, *, time_limit: float, seed: int) -> tuple[np.ndarray, bool]:
    """Greedy (or the top-score plan when better), then swaps and perturb-and-repair rounds;
    returns the plan and whether both searches finished (a local optimum)."""
    first = greedy(inst)
    top = top_score(inst)
    # never worse than the plain top-score plan under the same constraints
    start = first if plan_key(inst, first) >= plan_key(inst, top) else top
    deadline = time.monotonic() + float(time_limit)
    best, finished = swap_search(inst, start, deadline=deadline)
    best, finished_ils = perturb_and_repair(inst, best, seed=seed, deadline=deadline)
    return best, finished and finished_ils


def _exact(inst: Instance, best: np.ndarray, used: str, status: str, *, method: str,
           time_limit: float) -> Solved:
    """The MILP from the heuristic plan ``best``: keep the better plan, and HiGHS' bound."""
    res = solve_milp(inst, time_limit)
    if res.chosen is not None and plan_key(inst, res.chosen) > plan_key(inst, best):
        best = res.chosen
        used, status = "exact", ("optimal" if res.optimal else "time_limit")
    elif method == "exact":
        # the MILP stopped with nothing better than the heuristic start
        used, status = "exact", "time_limit"
    if res.bound is not None and covered_value(inst, best) >= res.bound - 1e-9:
        status = "optimal"
    return Solved(np.sort(best), used, status, Certificate(res.bound, None if res.bound is None else "milp"))


def optimise(inst: Instance, *, method: str, time_limit: float, seed: int) -> Solved:
    """Greedy + swaps and/or the MILP (see :func:`ambassadors.propose_ambassadors`, Notes)."""
    if method == "exact" and inst.cover.lazy:
        raise InputError("method='exact' needs the two-hop neighbourhoods in memory; use hops=1 or method='greedy'")
    none = Certificate(None, None)
    if inst.cover.lazy:
        return Solved(np.sort(lazy_greedy(inst)), "greedy", "heuristic", none)
    best, finished = _improve(inst, time_limit=time_limit, seed=seed)
    used, status = "greedy+swap", ("local_optimum" if finished else "heuristic")
    small = inst.cover.matrix.nnz <= EXACT_MAX_NNZ and inst.nc <= EXACT_MAX_CANDIDATES
    if method == "auto" and small:
        # when cheap bounds already prove the reach optimal, or within AUTO_GAP of it, the MILP
        # (seconds at a few thousand people) could at most add that sliver of reach or reorder
        # equally-reaching plans by score, which the swap search has already done locally
        cheap = cheap_certificate(inst, best, rel_gap=AUTO_GAP, time_limit=time_limit)
        value = covered_value(inst, best)
        if value >= cheap.bound - 1e-9:
            return Solved(np.sort(best), used, "optimal", cheap)
        if value >= cheap.bound * (1.0 - AUTO_GAP) and inst.cover.matrix.nnz > AUTO_EXACT_NNZ:
            return Solved(np.sort(best), used, status, cheap)
    if method == "exact" or (method == "auto" and small):
        return _exact(inst, best, used, status, method=method, time_limit=time_limit)
    return Solved(np.sort(best), used, status, none)
