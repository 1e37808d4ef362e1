"""Proven upper bounds on the best reach: submodular, Lagrangian, LP relaxation (restricted by
reduced costs), and the certificate a plan carries (bound, how it was proved, status)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ambassadors.select._coverage import Coverage, Instance, as_float, covered_value, gather_rows
from ambassadors.select._milp import solve_milp
from ambassadors.select._search import top_score

#: The LP-relaxation bound is computed for greedy plans up to this many coverage non-zeros.
LP_BOUND_MAX_NNZ = 300_000
#: Subgradient steps for the Lagrangian bound of large greedy plans: at most this many, and at
#: most LAGRANGIAN_WORK / coverage non-zeros (60 steps up to 5M non-zeros: about 1.5 s at
#: 50,000 people, proving the generated 50,000-person plan within 3.8 % instead of the 5.9 % a
#: fifth of the work gives).
LAGRANGIAN_MAX_STEPS = 60
LAGRANGIAN_WORK = 300_000_000
#: With ``give_up=True`` the subgradient steps stop once the bound is still above ``upper``
#: after at least this many steps and the progress of the last this-many steps, kept up for
#: every remaining step, would not bring it below ``upper``.
LAGRANGIAN_GIVE_UP_WINDOW = 5


def submodular_bound(inst: Instance, chosen: np.ndarray) -> float:
    """Upper bound on the optimum from any selection ``S`` (Nemhauser, Wolsey & Fisher 1978):
    ``f(OPT) <= f(S) + sum of the k' largest marginal gains w.r.t. S`` (k' = free slots)."""
    items, _ = inst.cover.rows(chosen)
    covered = np.zeros(inst.cover.n_items, dtype=bool)
    covered[items] = True
    gains = inst.cover.gains(np.where(covered, 0.0, inst.w))
    gains[chosen] = 0.0
    free = inst.k - len(inst.fixed)
    top = np.sort(gains)[::-1][:free].sum() if free > 0 else 0.0
    coverable = np.zeros(inst.cover.n_items, dtype=bool)
    coverable[inst.cover.csr.indices] = True
    value = float(inst.w[covered].sum())
    return min(value + float(top), float(inst.w[coverable].sum()))


def lagrangian_bound(inst: Instance, lower: float, upper: float, iterations: int, *,
                     give_up: bool = False) -> tuple[float, np.ndarray | None]:
    r"""Lagrangian (LP-strength) upper bound on maximum coverage, by subgradient steps.

    Relaxing ``y_j <= sum_i a_ij x_i`` with multipliers ``u >= 0`` gives, for every ``u``,

    .. math:: OPT \le L(u) = \sum_j \max(0, w_j - u_j) + \max_{x \text{ feasible}} \sum_i x_i (A u)_i

    where the inner maximum is a top-k under the department constraints (exact, cheap). Polyak
    steps towards ``lower`` (the value of the plan). Returns ``(bound, u)``: the best ``L(u)``
    seen, or ``upper`` if that is lower, and the multipliers of the best ``L(u)`` (None when no
    step was taken). Each step costs one sparse product, ``O(nnz)``.

    ``give_up=True`` stops early when the steps cannot be expected to beat ``upper``: the best
    ``L(u)`` is still above it after ``LAGRANGIAN_GIVE_UP_WINDOW`` steps or more, and the
    decrease of the last ``LAGRANGIAN_GIVE_UP_WINDOW`` steps, repeated for every step left,
    would not close the distance (subgradient progress slows down, so this overestimates what
    the remaining steps would achieve). Every ``L(u)`` is a bound, so the result stays valid.
    """
    M = as_float(inst.cover.csr)
    w = inst.w
    u = 0.5 * w  # halfway between the trivial bounds u = 0 (everyone) and u = w (sum of top-k)
    best = math.inf  # the step size adapts to progress of L(u) itself, not relative to ``upper``
    best_u = None
    theta = 2.0
    stall = 0
    window = LAGRANGIAN_GIVE_UP_WINDOW
    history: list[float] = []
    for step in range(iterations):
        reduced = np.asarray(M @ u, dtype=np.float64).ravel()
        chosen = top_score(inst, reduced, by_id=False)
        value = float(np.maximum(w - u, 0.0).sum() + reduced[chosen].sum())
        if value < best - 1e-9:
            best, best_u, stall = value, u, 0
        else:
            stall += 1
            if stall >= 4:
                theta, stall = theta / 2, 0
        history.append(best)
        if give_up and step >= window and best > upper:
            pace = (history[-1 - window] - best) / window
            if pace * (iterations - 1 - step) < best - upper:
                break
        items, _ = gather_rows(M.indptr, M.indices, chosen)
        grad = np.bincount(items, minlength=len(w)).astype(np.float64) - (u < w)
        norm = float(grad @ grad)
        if norm == 0 or best - lower <= 1e-9 * max(1.0, lower) or theta < 1e-4:
            break
        u = np.maximum(u - theta * (value - lower) / norm * grad, 0.0)
    return min(best, upper), best_u


def reduced_cost_pruning(inst: Instance, u: np.ndarray, target: float) -> tuple[np.ndarray, float]:
    """Candidates that could be in a plan worth more than ``target``, by Lagrangian reduced costs.

    With multipliers ``u`` and reduced values ``r = A u``, every plan that contains candidate
    ``i`` is worth at most ``sum_j max(0, w_j - u_j) + r_i + (the k - 1 largest other r)``
    (the inner maximum of :func:`lagrangian_bound` with ``i`` forced in and the department
    rules dropped, which only loosens it). A plan therefore either avoids every candidate whose
    bound is at most ``target`` or is worth at most that bound. Returns the positions of the
    other candidates (and of every must-include person) and the largest bound set aside
    (``-inf`` when none is).
    """
    reduced = np.asarray(inst.cover.csr @ u, dtype=np.float64).ravel()
    base = float(np.maximum(inst.w - u, 0.0).sum())
    k = inst.k
    top = np.sort(reduced)[::-1][:k]
    if k >= 2:
        # i among the k - 1 largest (or tied with them): the top k without i; else the top k - 1
        others = np.where(reduced >= top[k - 2], top.sum() - reduced, top[: k - 1].sum())
    else:
        others = np.zeros_like(reduced)
    bound = base + reduced + others
    keep = bound > target
    keep[inst.fixed] = True
    dropped = bound[~keep]
    return np.flatnonzero(keep), (float(dropped.max()) if dropped.size else -math.inf)


def restricted_lp_bound(inst: Instance, keep: np.ndarray, set_aside: float, *,
                        time_limit: float = 10.0) -> float | None:
    """Upper bound on the optimum: the LP relaxation over the candidates ``keep`` only, or
    ``set_aside`` (the bound on plans using anyone else, from :func:`reduced_cost_pruning`)
    when that is larger. None when the LP fails (or is not solved within ``time_limit`` seconds)."""
    counts = np.bincount(inst.dept[keep], minlength=len(inst.req))
    if len(keep) < inst.k or (counts < inst.req).any() or np.minimum(counts, inst.cap).sum() < inst.k:
        return set_aside  # no plan within ``keep``: every plan is bounded by the set-aside part
    pos = np.full(inst.nc, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    sub = Instance(
        cover=Coverage(sp.csr_array(inst.cover.csr[keep]), inst.cover.n_items), w=inst.w,
        s=inst.s[keep], idr=inst.idr[keep], dept=inst.dept[keep], req=inst.req, cap=inst.cap,
        k=inst.k, fixed=pos[inst.fixed], integral=inst.integral,
    )
    lp = solve_milp(sub, time_limit, relax=True).bound
    return None if lp is None else max(lp, set_aside)


class Certificate(NamedTuple):
    """A proven upper bound on the objective over every feasible plan, and how it was proved.

    ``method`` is ``"value"`` (the plan is proven optimal), ``"milp"`` (HiGHS' dual bound),
    ``"lp"`` (the LP relaxation), ``"restricted lp"`` (the LP over the candidates that reduced
    costs cannot rule out), ``"lagrangian"``, ``"submodular"`` (the plan's value plus the ``k``
    largest marginal gains) or ``"everyone reachable"`` (the trivial bound: every person some
    candidate reaches); None when no bound was computed.
    """

    bound: float | None
    method: str | None


class Proof(NamedTuple):
    """A bound that was proved (never missing), and how: see :class:`Certificate`."""

    bound: float
    method: str


def _submodular(inst: Instance, chosen: np.ndarray) -> Proof:
    bound = submodular_bound(inst, chosen)
    coverable = np.zeros(inst.cover.n_items, dtype=bool)
    coverable[inst.cover.csr.indices] = True
    trivial = bound >= float(inst.w[coverable].sum()) - 1e-9
    return Proof(bound, "everyone reachable" if trivial else "submodular")


def _tighter(best: Proof, bound: float | None, method: str, integral: bool) -> Proof:
    """The smaller of ``best`` and ``bound`` (rounded down to whole people when counting people)."""
    if bound is None:
        return best
    bound = math.floor(bound + 1e-6) if integral else bound
    return Proof(bound, method) if bound < best.bound else best


def lagrangian_steps(inst: Instance) -> int:
    """Subgradient steps the Lagrangian bound may take on this instance (0: not worth it)."""
    steps = int(min(LAGRANGIAN_MAX_STEPS, LAGRANGIAN_WORK // max(inst.cover.csr.nnz, 1)))
    return steps if steps >= 10 else 0


def cheap_certificate(inst: Instance, chosen: np.ndarray, *, rel_gap: float = 0.0,
                      time_limit: float = 10.0) -> Proof:
    """The tightest of the cheap upper bounds on the optimum: submodular, then the Lagrangian
    bound, then (up to LP_BOUND_MAX_NNZ non-zeros) the LP relaxation (within ``time_limit``
    seconds). Stops as soon as the bound proves ``chosen`` within ``rel_gap`` of the optimum."""
    value = covered_value(inst, chosen)

    def close_enough(cert: Proof) -> bool:
        return value >= cert.bound * (1.0 - rel_gap) - 1e-9

    cert = _submodular(inst, chosen)
    if close_enough(cert):
        return cert
    steps = lagrangian_steps(inst)
    u = None
    if steps:
        lag, u = lagrangian_bound(inst, value, cert.bound, steps)
        cert = _tighter(cert, lag, "lagrangian", inst.integral)
        if close_enough(cert):
            return cert
    if inst.cover.csr.nnz <= LP_BOUND_MAX_NNZ:
        # the LP relaxation costs a fraction of the MILP and is often tight for coverage; when
        # a gap is allowed, it only needs the candidates that could beat value / (1 - gap)
        # (an eighth of them on a generated 2,000-person organisation: LP 0.25 s -> 0.12 s)
        lp: float | None = None
        how = "lp"
        if u is not None and rel_gap > 0:
            keep, set_aside = reduced_cost_pruning(inst, u, value / (1.0 - rel_gap))
            if len(keep) < inst.nc:
                lp, how = restricted_lp_bound(inst, keep, set_aside, time_limit=time_limit), "restricted lp"
        if lp is None:
            lp, how = solve_milp(inst, time_limit, relax=True).bound, "lp"
        cert = _tighter(cert, lp, how, inst.integral)
    return cert


def cheap_bound(
    inst: Instance, chosen: np.ndarray, *, rel_gap: float = 0.0, time_limit: float = 10.0
) -> float:
    """:func:`cheap_certificate`'s bound alone."""
    return cheap_certificate(inst, chosen, rel_gap=rel_gap, time_limit=time_limit).bound


def certify(inst: Instance, chosen: np.ndarray, status: str, solved: Certificate, *,
            time_limit: float) -> tuple[Certificate, str]:
    """The certificate of a chosen plan, and its status (``"optimal"`` once a bound meets it).

    ``solved`` is what the search already proved (the MILP's dual bound, or the cheap bounds
    that let ``method="auto"`` skip it). Otherwise: the submodular bound, then the LP
    relaxation (up to LP_BOUND_MAX_NNZ non-zeros), then -- only when the LP was not solved --
    the Lagrangian bound.
    """
    value = covered_value(inst, chosen)
    if status == "optimal":
        return Certificate(value, solved.method or "value"), status
    if inst.cover.lazy:
        return Certificate(None, None), status
    cert = _submodular(inst, chosen)
    lp = None
    if solved.bound is not None:
        cert = _tighter(cert, solved.bound, solved.method or "milp", False)
    elif inst.cover.csr.nnz <= LP_BOUND_MAX_NNZ:
        lp = solve_milp(inst, time_limit, relax=True).bound
        cert = _tighter(cert, lp, "lp", False)
    # the Lagrangian dual of this relaxation equals the LP optimum (the inner problem is over a
    # matroid, whose polytope is integral): once the LP is solved it cannot improve the bound
    if solved.bound is None and lp is None and cert.bound > value * (1 + 1e-3):
        steps = lagrangian_steps(inst)
        if steps:
            lag, _ = lagrangian_bound(inst, value, cert.bound, steps, give_up=True)
            cert = _tighter(cert, lag, "lagrangian", inst.integral)
    bound = max(cert.bound, value)
    if bound <= value + 1e-9:
        status = "optimal"  # a bound meets the plan's value: proven optimal
    return Certificate(bound, cert.method), status
