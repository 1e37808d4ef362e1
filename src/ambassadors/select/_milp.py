"""The exact problem as a mixed-integer program solved by HiGHS (``scipy.optimize.milp``)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ambassadors.select._coverage import Instance


class MilpResult(NamedTuple):
    chosen: np.ndarray | None
    bound: float | None
    optimal: bool


def solve_milp(inst: Instance, time_limit: float, *, relax: bool = False, floor: float | None = None) -> MilpResult:
    """Maximum coverage as a MILP solved by HiGHS (scipy.optimize.milp).

    max sum_j w_j y_j + eps sum_i s_i x_i  s.t.  y_j <= sum_{i covers j} x_i,  sum_i x_i = k,
    req_d <= sum_{i in d} x_i <= cap_d,  x binary,  0 <= y <= 1,  x_i = 1 for included people.

    With ``floor`` (the reach-tolerance problem) the objective is the score instead,
    max sum_i s_i x_i + tiny tie-breaks (reach, then person_id), under the extra constraint
    sum_j w_j y_j >= floor; the bound returned is then a bound on sum_i s_i.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    M = sp.csr_array(inst.cover.matrix)
    nc = inst.nc
    coverable = np.zeros(inst.cover.n_items, dtype=bool)
    coverable[M.indices] = True
    keep = np.flatnonzero(coverable & (inst.w > 0))
    A = sp.csr_array(M[:, keep]).astype(np.float64)
    ni = len(keep)
    eps = score_epsilon(inst)
    # a last, tiny preference for earlier person_ids makes ties deterministic and label-free
    prefer = 1e-4 * (1.0 - inst.idr.argsort().argsort() / max(nc, 1))
    if floor is None:
        cost = -np.concatenate([eps * (inst.s + prefer), inst.w[keep]])
    else:
        # score first; reach (at most 1e-6 in all) and person_id (1e-8 each) only break ties
        total_w = max(float(inst.w[keep].sum()), 1e-12)
        cost = -np.concatenate([inst.s + 1e-4 * prefer, 1e-6 * inst.w[keep] / total_w])
    link = sp.csr_array(sp.hstack([-A.T, sp.csr_array(sp.identity(ni, format="csr"))], format="csr"))
    n_dept = len(inst.req)
    P = sp.csr_array((np.ones(nc), (inst.dept, np.arange(nc))), shape=(n_dept, nc))
    dept_rows = sp.hstack([P, sp.csr_array((n_dept, ni))], format="csr")
    size_row = sp.hstack([sp.csr_array(np.ones((1, nc))), sp.csr_array((1, ni))], format="csr")
    cons = [
        LinearConstraint(link, -np.inf, 0.0),
        LinearConstraint(size_row, inst.k, inst.k),
        LinearConstraint(dept_rows, inst.req.astype(float), np.minimum(inst.cap, nc).astype(float)),
    ]
    if floor is not None:
        reach_row = sp.csr_array(np.concatenate([np.zeros(nc), inst.w[keep]])[None, :])
        cons.append(LinearConstraint(reach_row, float(floor), np.inf))
    lb = np.zeros(nc + ni)
    lb[inst.fixed] = 1.0
    integrality = np.concatenate([np.zeros(nc) if relax else np.ones(nc), np.zeros(ni)])
    res = milp(
        cost, constraints=cons, integrality=integrality, bounds=Bounds(lb, np.ones(nc + ni)),
        options={"time_limit": float(time_limit), "mip_rel_gap": 1e-9, "presolve": True},
    )
    if relax:
        bound = None if res.status != 0 else -float(res.fun)
        if bound is not None and inst.integral and floor is None:
            bound = math.floor(bound + 1e-6)
        return MilpResult(None, bound, False)
    chosen = None
    if res.x is not None:
        chosen = np.flatnonzero(res.x[:nc] > 0.5).astype(np.int64)
        if len(chosen) != inst.k:
            chosen = None
    dual = getattr(res, "mip_dual_bound", None)
    bound = None
    if dual is not None and np.isfinite(dual):
        bound = -float(dual)
        if inst.integral and floor is None:
            bound = math.floor(bound + 1e-6)
    optimal = res.status == 0 and chosen is not None
    return MilpResult(chosen, bound, optimal)


def score_epsilon(inst: Instance) -> float:
    """Weight of the secondary score: small enough never to trade any objective for score."""
    if inst.integral:
        return 0.5 / (inst.k + 1)
    positive = inst.w[inst.w > 0]
    smallest = float(positive.min()) if positive.size else 1.0
    return 1e-6 * smallest / (inst.k + 1)

