"""Propose the ambassador group.

This stage takes the :class:`~ambassadors.graph.CollaborationGraph` (who works with whom) and,
optionally, the ranking of :func:`ambassadors.ranking.rank_candidates` (who is enthusiastic and
eligible), and chooses ``size`` ambassadors so that

* every department with an eligible person gets at least ``min_per_department`` ambassadors,
  and at most ``max_per_department``;
* people named in ``include`` are in, people in ``exclude`` and opted-out people are not;
* as many colleagues as possible are an ambassador or within ``hops`` ties of one (``"reach"``),
  or the expected spread of a message is largest (``"spread"``), or the composite scores are
  highest (``"score"``); among equal reach the higher composite score wins, and with
  ``reach_tolerance=t`` the highest composite score among plans within ``t`` of the best reach.

It hands on a :class:`Plan`: the members with a plain reason each, the per-department coverage,
two backups per department, departments nobody eligible can cover (with the best bridge into
them), and the evidence for the choice (method, objective value, upper bound, gap).

The user guide page ``docs/selection.md`` explains the guarantees.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.errors import InfeasibleError, InputError, describe_ids
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import Loaded, as_frame

__all__ = ["Plan", "Reach", "default_size", "propose_ambassadors"]

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
#: Two-hop neighbourhoods are materialised as a sparse matrix up to this many non-zeros
#: (estimated); above it they are computed lazily, candidate by candidate.
TWO_HOP_MAX_NNZ = 40_000_000
#: Perturb-and-repair rounds after the swap search: about this much work in all, counted as
#: coverage non-zeros + 2 x candidates x size per round (at least 3 rounds, at most
#: PERTURBATION_MAX_ROUNDS; stops after PERTURBATION_PATIENCE rounds without improvement).
PERTURBATION_WORK = 60_000_000
PERTURBATION_MAX_ROUNDS = 30
PERTURBATION_PATIENCE = 10
#: The LP-relaxation bound is computed for greedy plans up to this many coverage non-zeros.
LP_BOUND_MAX_NNZ = 300_000
#: Subgradient steps for the Lagrangian bound of large greedy plans: at most this many, and at
#: most LAGRANGIAN_WORK / coverage non-zeros (60 steps up to 5M non-zeros: about 1.5 s at
#: 50,000 people, proving the generated 50,000-person plan within 3.8 % instead of the 5.9 % a
#: fifth of the work gives).
LAGRANGIAN_MAX_STEPS = 60
LAGRANGIAN_WORK = 300_000_000
#: Reach-tolerance heuristic: bisection steps on the blend weight ``mu`` of ``reach + mu * score``,
#: over ``mu`` in this range (times the plan's reach per ambassador; score scaled to [0, 1]) ...
TOLERANCE_BISECTION_STEPS = 8
TOLERANCE_MU_RANGE = (1e-2, 1e3)
#: ... then at most this many passes of the score swap search.
TOLERANCE_SWAP_PASSES = 4
#: One extra ambassador per this many people in a department (see :func:`default_size`).
PEOPLE_PER_EXTRA_AMBASSADOR = 500

_OBJECTIVES = ("reach", "score", "spread")
_METHODS = ("auto", "greedy", "exact")


class Reach(NamedTuple):
    """How many people are ambassadors or within the given number of ties of one."""

    count: int
    share: float

    def __str__(self) -> str:
        return f"{self.count} ({self.share:.1%})"


# ---------------------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------------------
@dataclass(eq=False)
class Plan:
    """A proposed ambassador group and the evidence for it.

    Attributes
    ----------
    members : DataFrame
        Indexed by ``person_id``: ``department``, ``rank`` (the ranking's overall rank, NaN
        without ranking), ``department_rank``, ``score`` (composite score, 0 without ranking),
        ``reach`` (colleagues within ``hops`` ties), ``marginal_reach`` (objective lost if this
        person were dropped: people no other ambassador reaches), ``included`` (named in
        ``include``), ``reason`` (a plain sentence, followed by the ranking's reason).
    coverage : DataFrame
        Indexed by ``department``: ``size``, ``eligible`` (people who could be chosen: eligible
        and not excluded), ``ambassadors``, ``reached`` (within ``hops``), ``share_reached``.
    reach_1, reach_2 : Reach
        ``(count, share)`` of everyone who is an ambassador or within 1 (2) ties of one.
    objective : str
        ``"reach"``, ``"score"`` or ``"spread"``.
    objective_value : float
        Value of the objective for the plan (people reached, weighted reach, sum of scores, or
        sampled expected spread).
    method : str
        ``"exact"`` (HiGHS MILP), ``"greedy+swap"``, ``"greedy"`` (lazy two-hop case),
        ``"top-score"``, or with ``reach_tolerance > 0`` ``"lagrangian+swap"`` /
        ``"lagrangian"`` (lazy two-hop case).
    bound : float or None
        Proven upper bound on the objective over every feasible plan, when known.
    gap : float or None
        ``(bound - objective_value) / bound``: the plan is at least ``1 - gap`` of the optimum.
        With ``reach_tolerance > 0`` the plan gives up some reach on purpose, so the gap
        includes what was traded.
    status : str
        ``"optimal"``, ``"time_limit"`` (MILP stopped; best plan found kept), ``"local_optimum"``
        (no improving 1-swap left) or ``"heuristic"``. With ``reach_tolerance > 0`` it is about
        the score: ``"optimal"`` means no plan meeting the reach threshold has a higher total
        score.
    uncovered : DataFrame
        Departments with nobody eligible, indexed by ``department``: ``size``, ``bridge`` (the
        person outside the department with most ties into it), ``bridge_department``,
        ``bridge_ties``, ``bridge_eligible``, ``bridge_is_ambassador``.
    backups : DataFrame
        Two per department: ``department, person_id, backup_rank, added_reach, score, rank,
        reason``; ordered by the reach they would add, then score (with ``objective="score"``
        or ``reach_tolerance > 0``: by score, then added reach).
    params : dict
        The options the plan was made with. With ``reach_tolerance > 0`` also ``best_reach``
        (objective of the reach-optimal plan, the reference), ``best_reach_status`` (its
        status: ``"optimal"`` when proven), ``reach_threshold`` (the floor the plan meets),
        ``best_reach_score`` and ``score`` (total composite score of the reach-optimal plan and
        of this plan) and ``score_bound`` (proven upper bound on the total score of any plan
        meeting the threshold).
    notes : list of str
        Things worth knowing (included people who are not eligible, size adjusted, ...).
    """

    members: pd.DataFrame
    coverage: pd.DataFrame
    reach_1: Reach
    reach_2: Reach
    objective: str
    objective_value: float
    method: str
    bound: float | None
    gap: float | None
    status: str
    uncovered: pd.DataFrame
    backups: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """The ambassadors' ``person_id`` values."""
        return [str(i) for i in self.members.index]

    @property
    def size(self) -> int:
        return int(self.members.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """Members and backups in one table indexed by ``person_id``.

        Columns: ``role`` (``"ambassador"`` or ``"backup"``), ``department``, ``rank``,
        ``score``, ``marginal_reach`` (for backups: the reach they would add), ``backup_rank``
        (NaN for members), ``reason``.
        """
        m = self.members
        members = pd.DataFrame(
            {
                "role": "ambassador",
                "department": m["department"],
                "rank": m["rank"],
                "score": m["score"],
                "marginal_reach": m["marginal_reach"].astype(float),
                "backup_rank": np.nan,
                "reason": m["reason"],
            },
            index=m.index,
        )
        b = self.backups
        backups = pd.DataFrame(
            {
                "role": "backup",
                "department": b["department"].to_numpy(),
                "rank": b["rank"].to_numpy(),
                "score": b["score"].to_numpy(),
                "marginal_reach": b["added_reach"].astype(float).to_numpy(),
                "backup_rank": b["backup_rank"].astype(float).to_numpy(),
                "reason": b["reason"].to_numpy(),
            },
            index=pd.Index(b["person_id"].astype(str), name="person_id"),
        )
        frame = pd.concat([members, backups]) if len(backups) else members
        frame.index.name = "person_id"
        return frame

    def to_csv(self, path: Any) -> Any:
        """Write :meth:`to_frame` to ``path`` (atomic, spreadsheet-formula safe); return the path."""
        from ambassadors.io.writers import write_csv

        return write_csv(self.to_frame(), path, index=True)

    def summary(self) -> str:
        """A few lines of text: size, coverage, reach, and how good the plan is known to be."""
        n_dep = int(self.coverage.shape[0])
        covered = int((self.coverage["ambassadors"] > 0).sum())
        lines = [
            f"Plan: {self.size} ambassadors covering {covered} of {n_dep} departments "
            f"(objective {self.objective!r}, method {self.method}, {self.status})",
            f"reach: {self.reach_1} people within 1 tie, {self.reach_2} within 2 ties",
        ]
        value = f"{self.objective_value:,.6g}"
        if self.bound is not None and self.gap is not None:
            lines.append(
                f"objective {value}; upper bound {self.bound:,.6g} (within {self.gap:.2%} of the optimum)"
            )
        else:
            lines.append(f"objective {value}; no upper bound computed")
        tol = self.params.get("reach_tolerance", 0.0)
        if tol and "best_reach" in self.params:
            what = "expected spread" if self.objective == "spread" else "reach"
            lines.append(
                f"reach tolerance {tol:.1%}: {what} {self.objective_value:,.6g} >= threshold "
                f"{self.params['reach_threshold']:,.6g} ({1 - tol:.1%} of the best {what} "
                f"{self.params['best_reach']:,.6g}); composite score {self.params['score']:.4g} "
                f"vs {self.params['best_reach_score']:.4g} for the reach-optimal plan"
                + (f" (upper bound {self.params['score_bound']:.4g})" if self.params.get("score_bound") is not None else "")
            )
        if len(self.uncovered):
            lines.append(
                f"{len(self.uncovered)} department(s) without an eligible person: "
                + describe_ids(self.uncovered.index)
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{self.summary().splitlines()[0]}>"

    def _repr_html_(self) -> str:
        # the same fragment as to_html(): escaped, small departments masked as "< 5"
        return self.to_html()

    def to_html(self) -> str:
        """The plan as an HTML fragment (rendered by :mod:`ambassadors.report`)."""
        from ambassadors.report import render_plan_html

        return render_plan_html(self)


# ---------------------------------------------------------------------------------------
# sizing
# ---------------------------------------------------------------------------------------
def default_size(graph: CollaborationGraph) -> int:
    """The default number of ambassadors: one per department plus one per full 500 people in it.

    .. math:: k = \\sum_d \\left(1 + \\lfloor n_d / 500 \\rfloor\\right)

    A department of 40 people gets one ambassador, one of 1,200 gets three. For a 50,000-person
    organisation in 42 departments this gives about 140.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    int

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 1200 + ["B"] * 40},
    ...                       index=[f"p{i}" for i in range(1240)])
    >>> log = pd.DataFrame({"source": ["p0"], "target": ["p1"]})
    >>> default_size(build_graph(people, log))
    4
    """
    sizes = graph.department_sizes.to_numpy()
    return int(np.sum(1 + sizes // PEOPLE_PER_EXTRA_AMBASSADOR))


# ---------------------------------------------------------------------------------------
# sparse helpers
# ---------------------------------------------------------------------------------------
def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate CSR rows ``rows``: return (column indices, position in ``rows`` of each)."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows].astype(np.int64)
    lens = indptr[rows + 1].astype(np.int64) - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), lens)
    offsets = np.cumsum(lens) - lens
    pos = np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, lens)
    return indices[pos].astype(np.int64), owner


class _Coverage:
    """Which items each candidate covers: CSR rows, either materialised or computed lazily."""

    def __init__(self, matrix: sp.csr_array | None, n_items: int, *, lazy_base: sp.csr_array | None = None,
                 lazy_rows: np.ndarray | None = None) -> None:
        self.matrix = matrix
        self.n_items = n_items
        self._base = lazy_base
        self._base_rows = lazy_rows
        self._csc: sp.csc_array | None = None

    @property
    def lazy(self) -> bool:
        return self.matrix is None

    def row(self, c: int) -> np.ndarray:
        if self.matrix is not None:
            m = self.matrix
            return m.indices[m.indptr[c]:m.indptr[c + 1]]
        # two hops, lazily: the union of the closed neighbourhoods of the closed neighbours
        base = self._base
        first = base.indices[base.indptr[self._base_rows[c]]:base.indptr[self._base_rows[c] + 1]]
        second, _ = _gather(base.indptr, base.indices, first)
        return np.unique(second)

    def rows(self, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.matrix is not None:
            return _gather(self.matrix.indptr, self.matrix.indices, cs)
        parts = [self.row(int(c)) for c in cs]
        owner = np.repeat(np.arange(len(cs)), [len(p) for p in parts])
        return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)), owner

    @property
    def csc(self) -> sp.csc_array:
        if self._csc is None:
            self._csc = sp.csc_array(self.matrix)
            self._csc.sort_indices()
        return self._csc

    def gains(self, uncovered_weight: np.ndarray) -> np.ndarray:
        """Marginal gain of every candidate: weight of the uncovered items in its row."""
        return np.asarray(self.matrix @ uncovered_weight, dtype=np.float64).ravel()


def _person_coverage(graph: CollaborationGraph, cand: np.ndarray, hops: int) -> _Coverage:
    """Coverage of people within ``hops`` ties, for the candidates ``cand`` (node codes)."""
    A1 = graph.closed_neighbors
    n = graph.n_people
    if hops == 1:
        return _Coverage(sp.csr_array(A1[cand]), n)
    deg = np.diff(A1.indptr).astype(np.float64)
    rows = sp.csr_array(A1[cand])
    estimate = float((rows @ deg).sum())
    if estimate <= TWO_HOP_MAX_NNZ:
        two = sp.csr_array(rows.astype(np.float32) @ A1.astype(np.float32))
        two = sp.csr_array((np.ones(two.nnz, dtype=bool), two.indices, two.indptr), shape=two.shape)
        two.sort_indices()
        return _Coverage(two, n)
    return _Coverage(None, n, lazy_base=A1, lazy_rows=np.asarray(cand))


# ---------------------------------------------------------------------------------------
# the combinatorial core (works on candidate positions 0..nc-1 and items 0..ni-1)
# ---------------------------------------------------------------------------------------
@dataclass
class _Instance:
    cover: _Coverage
    w: np.ndarray            # item weights (float64)
    s: np.ndarray            # candidate secondary score in [0, 1]
    idr: np.ndarray          # candidate tie-break rank (person_id order)
    dept: np.ndarray         # candidate department code
    req: np.ndarray          # per department minimum
    cap: np.ndarray          # per department maximum
    k: int                   # number to choose
    fixed: np.ndarray        # candidate positions that must be chosen
    integral: bool           # item weights are integers (plain counting)

    @property
    def nc(self) -> int:
        return len(self.s)


def _value(inst: _Instance, chosen: np.ndarray) -> float:
    items, _ = inst.cover.rows(np.asarray(chosen, dtype=np.int64))
    if items.size == 0:
        return 0.0
    mask = np.zeros(inst.cover.n_items, dtype=bool)
    mask[items] = True
    return float(inst.w[mask].sum())


def _key(inst: _Instance, chosen: np.ndarray) -> tuple[float, float]:
    """Lexicographic quality of a selection: (objective, sum of secondary scores)."""
    return _value(inst, chosen), float(inst.s[np.asarray(chosen, dtype=np.int64)].sum())


def _lazy_greedy(inst: _Instance, start: np.ndarray | None = None, banned: np.ndarray | None = None,
                 bonus: np.ndarray | None = None) -> np.ndarray:
    """Lazy greedy (CELF) under department minimums and caps, with reserved slots.

    A candidate of a department still short of its minimum may always be added; any other
    only while the free slots exceed the open minimums. This is the greedy algorithm over the
    matroid of selections that can still be completed, so the classic guarantees apply.
    ``bonus`` (optional) is added to every gain, as in :func:`_greedy`.
    """
    nc, n_dept = inst.nc, len(inst.req)
    extra = np.zeros(nc) if bonus is None else np.asarray(bonus, dtype=np.float64)
    covered = np.zeros(inst.cover.n_items, dtype=bool)
    count = np.zeros(n_dept, dtype=np.int64)
    chosen: list[int] = []
    is_chosen = np.zeros(nc, dtype=bool)

    def take(c: int) -> None:
        covered[inst.cover.row(c)] = True
        count[inst.dept[c]] += 1
        chosen.append(c)
        is_chosen[c] = True

    for c in np.unique(np.concatenate([inst.fixed, [] if start is None else start]).astype(np.int64)):
        take(int(c))
    if len(chosen) >= inst.k:
        return np.asarray(chosen, dtype=np.int64)
    skip = np.zeros(nc, dtype=bool)
    if banned is not None:
        skip[banned] = True

    # initial gains (upper bounds for the lazy two-hop case)
    if not inst.cover.lazy:
        gains = inst.cover.gains(np.where(covered, 0.0, inst.w))
        fresh_at = 0
    else:
        base = inst.cover._base
        deg_w = np.asarray(base @ inst.w, dtype=np.float64).ravel()
        rows = sp.csr_array(base[inst.cover._base_rows])
        gains = np.minimum(np.asarray(rows @ deg_w).ravel(), inst.w.sum())
        fresh_at = -1
    gains = gains + extra
    heap = [(-float(gains[c]), -float(inst.s[c]), int(inst.idr[c]), int(c), fresh_at)
            for c in np.flatnonzero(~is_chosen & ~skip)]
    heapq.heapify(heap)
    step = 0
    while len(chosen) < inst.k and heap:
        neg_gain, neg_s, idr, c, at = heapq.heappop(heap)
        d = inst.dept[c]
        if count[d] >= inst.cap[d]:
            continue
        open_min = int(np.maximum(inst.req - count, 0).sum())
        if count[d] >= inst.req[d] and inst.k - len(chosen) <= open_min:
            continue  # the remaining slots are reserved for departments below their minimum
        if at != step:
            row = inst.cover.row(c)
            gain = float(inst.w[row][~covered[row]].sum()) + float(extra[c])
            heapq.heappush(heap, (-gain, neg_s, idr, c, step))
            continue
        take(c)
        step += 1
    if len(chosen) < inst.k and banned is not None:
        # the banned people were needed to satisfy the constraints: finish without the ban
        return _lazy_greedy(inst, start=np.asarray(chosen, dtype=np.int64), bonus=bonus)
    return np.asarray(chosen, dtype=np.int64)


def _greedy(inst: _Instance, start: np.ndarray | None = None, banned: np.ndarray | None = None,
            bonus: np.ndarray | None = None) -> np.ndarray:
    """Greedy with exact marginal gains kept up to date by vectorised sparse updates.

    Picks the same people as lazy greedy (CELF), under the same reserved-slot rule, but instead
    of re-evaluating stale candidates one by one it subtracts, after each pick, the weight of
    the newly covered items from the gain of every candidate covering them (a CSC gather and
    a bincount). Every item is covered once, so all updates together cost ``O(nnz)``.

    ``bonus`` (per candidate, optional) is added to every marginal gain: greedy on the blended
    objective ``coverage + sum of bonus`` (still submodular), used by the reach-tolerance search.
    """
    M, C = inst.cover.matrix, inst.cover.csc
    nc = inst.nc
    covered = np.zeros(inst.cover.n_items, dtype=bool)
    chosen = np.zeros(nc, dtype=bool)
    init = np.unique(np.concatenate([inst.fixed, [] if start is None else start]).astype(np.int64))
    chosen[init] = True
    count = np.bincount(inst.dept[init], minlength=len(inst.req))
    items, _ = _gather(M.indptr, M.indices, init)
    covered[items] = True
    gains = inst.cover.gains(np.where(covered, 0.0, inst.w))
    skip = np.zeros(nc, dtype=bool)
    if banned is not None:
        skip[banned] = True
    tiebreak = np.empty(nc, dtype=np.int64)
    tiebreak[np.lexsort((inst.idr, -inst.s))] = np.arange(nc)  # best score, then person_id
    tol = 1e-9 * max(1.0, float(inst.w.sum()))
    picks = len(init)
    while picks < inst.k:
        open_min = int(np.maximum(inst.req - count, 0).sum())
        ok = ~chosen & ~skip & (count[inst.dept] < inst.cap[inst.dept])
        if inst.k - picks <= open_min:  # remaining slots are reserved for open minimums
            ok &= count[inst.dept] < inst.req[inst.dept]
        if not ok.any():
            break
        g = np.where(ok, gains if bonus is None else gains + bonus, -np.inf)
        tie = np.flatnonzero(g >= g.max() - tol)
        c = int(tie[np.argmin(tiebreak[tie])])
        chosen[c] = True
        count[inst.dept[c]] += 1
        picks += 1
        row = M.indices[M.indptr[c]:M.indptr[c + 1]]
        new = row[~covered[row]]
        if new.size:
            covered[new] = True
            cand_of, owner = _gather(C.indptr, C.indices, new)
            gains -= np.bincount(cand_of, weights=inst.w[new][owner], minlength=nc)
    if picks < inst.k and banned is not None:
        return _greedy(inst, start=np.flatnonzero(chosen), bonus=bonus)
    return np.flatnonzero(chosen).astype(np.int64)


def _perturbation_rounds(inst: _Instance) -> int:
    """How many perturb-and-repair rounds follow the swap search: a fixed number that depends on
    the instance size only (never on the clock), so that plans are reproducible."""
    nnz = inst.cover.matrix.nnz if inst.cover.matrix is not None else 0
    per_round = nnz + 2 * inst.nc * inst.k
    return int(np.clip(PERTURBATION_WORK // max(per_round, 1), 3, PERTURBATION_MAX_ROUNDS))


def _iterated_local_search(inst: _Instance, best: np.ndarray, *, seed: int, deadline: float) -> tuple[np.ndarray, bool]:
    """Perturb and repair: drop a few random ambassadors, refill greedily without them, run the
    swap search, and keep the result when it is better (iterated local search)."""
    rng = np.random.default_rng(seed)
    best_key = _key(inst, best)
    fixed = np.zeros(inst.nc, dtype=bool)
    fixed[inst.fixed] = True
    finished = True
    stale = 0
    for _ in range(_perturbation_rounds(inst)):
        if stale >= PERTURBATION_PATIENCE:
            break
        free = best[~fixed[best]]
        free = free[np.argsort(inst.idr[free])]  # person_id order: independent of roster order
        if len(free) == 0:
            break
        if time.monotonic() > deadline:
            finished = False
            break
        n_drop = int(rng.integers(1, max(2, len(free) // 5) + 1))
        drop = rng.choice(free, size=min(n_drop, len(free)), replace=False)
        keep = np.setdiff1d(best, drop)
        trial = _greedy(inst, start=keep, banned=drop)
        trial, done = _swap_search(inst, trial, deadline)
        finished &= done
        key = _key(inst, trial)
        stale += 1
        if key > best_key:
            best, best_key, stale = trial, key, 0
    return best, finished


def _swap_state(inst: _Instance, chosen: np.ndarray):
    """Start state of a swap search: ``(chosen as a list in person_id order, is_chosen mask,
    fixed mask, cover counts per item, base gain per candidate, ambassadors per department)``."""
    M = inst.cover.matrix
    chosen = [int(c) for c in np.asarray(chosen)[np.argsort(inst.idr[np.asarray(chosen)])]]
    is_chosen = np.zeros(inst.nc, dtype=bool)
    is_chosen[chosen] = True
    fixed = np.zeros(inst.nc, dtype=bool)
    fixed[inst.fixed] = True
    cnt = np.bincount(_gather(M.indptr, M.indices, np.asarray(chosen))[0], minlength=inst.cover.n_items)
    base_gain = np.asarray(M @ np.where(cnt == 0, inst.w, 0.0), dtype=np.float64).ravel()
    dept_count = np.bincount(inst.dept[chosen], minlength=len(inst.req))
    return chosen, is_chosen, fixed, cnt, base_gain, dept_count


def _apply_swap(M: sp.csr_array, C: sp.csr_array, w: np.ndarray, cnt: np.ndarray,
                base_gain: np.ndarray, row_i: np.ndarray, c: int) -> None:
    """Swap out the candidate whose covered items are ``row_i`` and swap in candidate ``c``.

    Updates, in place, the cover counts ``cnt`` and each candidate's ``base_gain`` (weight of the
    items only it would newly cover), touching only the items whose coverage changed. ``M`` is
    candidates x items, ``C`` its transpose (items x candidates).
    """
    row_c = M.indices[M.indptr[c]:M.indptr[c + 1]]
    touched = np.unique(np.concatenate([row_i, row_c]))
    zero_before = cnt[touched] == 0
    cnt[row_i] -= 1
    cnt[row_c] += 1
    change = (cnt[touched] == 0).astype(np.float64) - zero_before
    nz = change != 0
    if nz.any():
        cols = touched[nz]
        cand_of, owner = _gather(C.indptr, C.indices, cols)
        base_gain += np.bincount(cand_of, weights=(change[nz] * w[cols])[owner],
                                 minlength=base_gain.shape[0])


def _swap_search(inst: _Instance, chosen: np.ndarray, deadline: float) -> tuple[np.ndarray, bool]:
    """1-swap local search: replace one ambassador by one candidate while that improves
    (objective, secondary score) lexicographically and keeps every constraint.

    Returns the selection and whether a local optimum was reached before ``deadline``.
    """
    nc = inst.nc
    M, C, w = inst.cover.matrix, inst.cover.csc, inst.w
    chosen, is_chosen, fixed, cnt, base_gain, dept_count = _swap_state(inst, chosen)
    tol = 1e-9 * max(1.0, float(w.sum()))

    improved = True
    while improved:
        improved = False
        for pos in range(len(chosen)):
            if time.monotonic() > deadline:
                return np.asarray(chosen, dtype=np.int64), False
            i = chosen[pos]
            if fixed[i]:
                continue
            row_i = M.indices[M.indptr[i]:M.indptr[i + 1]]
            uniq = row_i[cnt[row_i] == 1]
            loss = float(w[uniq].sum())
            delta = base_gain - loss
            if uniq.size:
                cand_of, owner = _gather(C.indptr, C.indices, uniq)
                delta = delta + np.bincount(cand_of, weights=w[uniq][owner], minlength=nc)
            di = inst.dept[i]
            can_leave = dept_count[di] - 1 >= inst.req[di]
            allowed = ~is_chosen & (
                (inst.dept == di) | (can_leave & (dept_count[inst.dept] < inst.cap[inst.dept]))
            )
            better = allowed & (
                (delta > tol) | ((np.abs(delta) <= tol) & (inst.s > inst.s[i] + 1e-12))
            )
            if not better.any():
                continue
            idx = np.flatnonzero(better)
            # best reach gain, then best score, then person_id order
            order = np.lexsort((inst.idr[idx], -inst.s[idx], -np.round(delta[idx] / tol) * tol))
            c = int(idx[order[0]])
            _apply_swap(M, C, w, cnt, base_gain, row_i, c)
            is_chosen[i], is_chosen[c] = False, True
            dept_count[di] -= 1
            dept_count[inst.dept[c]] += 1
            chosen[pos] = c
            improved = True
    return np.asarray(chosen, dtype=np.int64), True


def _submodular_bound(inst: _Instance, chosen: np.ndarray) -> float:
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
    coverable[inst.cover.matrix.indices] = True
    value = float(inst.w[covered].sum())
    return min(value + float(top), float(inst.w[coverable].sum()))


def _lagrangian_bound(inst: _Instance, lower: float, upper: float, iterations: int
                      ) -> tuple[float, np.ndarray | None]:
    r"""Lagrangian (LP-strength) upper bound on maximum coverage, by subgradient steps.

    Relaxing ``y_j <= sum_i a_ij x_i`` with multipliers ``u >= 0`` gives, for every ``u``,

    .. math:: OPT \le L(u) = \sum_j \max(0, w_j - u_j) + \max_{x \text{ feasible}} \sum_i x_i (A u)_i

    where the inner maximum is a top-k under the department constraints (exact, cheap). Polyak
    steps towards ``lower`` (the value of the plan). Returns ``(bound, u)``: the best ``L(u)``
    seen, or ``upper`` if that is lower, and the multipliers of the best ``L(u)`` (None when no
    step was taken). Each step costs one sparse product, ``O(nnz)``.
    """
    M = inst.cover.matrix
    w = inst.w
    u = 0.5 * w  # halfway between the trivial bounds u = 0 (everyone) and u = w (sum of top-k)
    best = math.inf  # the step size adapts to progress of L(u) itself, not relative to ``upper``
    best_u = None
    theta = 2.0
    stall = 0
    for _ in range(iterations):
        reduced = np.asarray(M @ u, dtype=np.float64).ravel()
        chosen = _top_score(inst, reduced, by_id=False)
        value = float(np.maximum(w - u, 0.0).sum() + reduced[chosen].sum())
        if value < best - 1e-9:
            best, best_u, stall = value, u, 0
        else:
            stall += 1
            if stall >= 4:
                theta, stall = theta / 2, 0
        items, _ = _gather(M.indptr, M.indices, chosen)
        grad = np.bincount(items, minlength=len(w)).astype(np.float64) - (u < w)
        norm = float(grad @ grad)
        if norm == 0 or best - lower <= 1e-9 * max(1.0, lower) or theta < 1e-4:
            break
        u = np.maximum(u - theta * (value - lower) / norm * grad, 0.0)
    return min(best, upper), best_u


def _reduced_cost_pruning(inst: _Instance, u: np.ndarray, target: float) -> tuple[np.ndarray, float]:
    """Candidates that could be in a plan worth more than ``target``, by Lagrangian reduced costs.

    With multipliers ``u`` and reduced values ``r = A u``, every plan that contains candidate
    ``i`` is worth at most ``sum_j max(0, w_j - u_j) + r_i + (the k - 1 largest other r)``
    (the inner maximum of :func:`_lagrangian_bound` with ``i`` forced in and the department
    rules dropped, which only loosens it). A plan therefore either avoids every candidate whose
    bound is at most ``target`` or is worth at most that bound. Returns the positions of the
    other candidates (and of every must-include person) and the largest bound set aside
    (``-inf`` when none is).
    """
    reduced = np.asarray(inst.cover.matrix @ u, dtype=np.float64).ravel()
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


def _restricted_lp_bound(inst: _Instance, keep: np.ndarray, set_aside: float) -> float | None:
    """Upper bound on the optimum: the LP relaxation over the candidates ``keep`` only, or
    ``set_aside`` (the bound on plans using anyone else, from :func:`_reduced_cost_pruning`)
    when that is larger. None when the LP fails."""
    counts = np.bincount(inst.dept[keep], minlength=len(inst.req))
    if len(keep) < inst.k or (counts < inst.req).any() or np.minimum(counts, inst.cap).sum() < inst.k:
        return set_aside  # no plan within ``keep``: every plan is bounded by the set-aside part
    pos = np.full(inst.nc, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    sub = _Instance(
        cover=_Coverage(sp.csr_array(inst.cover.matrix[keep]), inst.cover.n_items), w=inst.w,
        s=inst.s[keep], idr=inst.idr[keep], dept=inst.dept[keep], req=inst.req, cap=inst.cap,
        k=inst.k, fixed=pos[inst.fixed], integral=inst.integral,
    )
    lp = _milp(sub, 60.0, relax=True).bound
    return None if lp is None else max(lp, set_aside)


class _MilpResult(NamedTuple):
    chosen: np.ndarray | None
    bound: float | None
    optimal: bool


def _milp(inst: _Instance, time_limit: float, *, relax: bool = False, floor: float | None = None) -> _MilpResult:
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
    eps = _epsilon(inst)
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
        return _MilpResult(None, bound, False)
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
    return _MilpResult(chosen, bound, optimal)


def _epsilon(inst: _Instance) -> float:
    """Weight of the secondary score: small enough never to trade any objective for score."""
    if inst.integral:
        return 0.5 / (inst.k + 1)
    positive = inst.w[inst.w > 0]
    smallest = float(positive.min()) if positive.size else 1.0
    return 1e-6 * smallest / (inst.k + 1)


# ---------------------------------------------------------------------------------------
# trading reach for score (reach_tolerance)
# ---------------------------------------------------------------------------------------
class _Trade(NamedTuple):
    chosen: np.ndarray
    method: str
    status: str
    score_bound: float | None  # proven upper bound on sum of s over plans meeting the floor


def _reach_floor(inst: _Instance, best: float, tolerance: float) -> float:
    """``(1 - tolerance) * best``, rounded up to a whole person when reach counts people."""
    floor = (1.0 - tolerance) * best
    return float(math.ceil(floor - 1e-9)) if inst.integral else floor


def _trade_reach(inst: _Instance, reach_plan: np.ndarray, floor: float, *, method: str,
                 time_limit: float) -> _Trade:
    """The highest-score plan whose objective (reach) is at least ``floor``.

    ``reach_plan`` (the reach-optimal plan, whose value defines ``floor``) is always a feasible
    answer, so the result never has a lower score. In order:

    1. the top-score plan (:func:`_top_score`, exact) when it already meets the floor: optimal;
    2. a Lagrangian blend: greedy on ``reach + mu * s`` with bisection on ``log mu``, keeping the
       best-scoring plan that meets the floor (each step one greedy, ``O(nnz + k * candidates)``);
    3. a score swap search from that plan and from ``reach_plan`` (:func:`_score_swap_search`);
    4. on small instances (as for the exact reach path) or with ``method="exact"``, the MILP
       with the floor as a constraint and the score as objective (:func:`_milp`).
    """
    eps_v = 1e-9 * max(1.0, float(inst.w.sum()))
    top = _top_score(inst)
    score_bound = float(inst.s[top].sum())

    def key(ch: np.ndarray) -> tuple[float, float]:
        return round(float(inst.s[ch].sum()), 9), _value(inst, ch)

    free = np.ones(inst.nc, dtype=bool)
    free[inst.fixed] = False
    if not free.any() or np.ptp(inst.s[free]) == 0:
        # every plan has the same score: the reach-optimal plan is the best tie-break
        return _Trade(np.sort(reach_plan), "top-score", "optimal", score_bound)
    if _value(inst, top) >= floor - eps_v:
        return _Trade(np.sort(top), "top-score", "optimal", score_bound)

    deadline = time.monotonic() + float(time_limit)
    best, best_key = np.sort(reach_plan), key(reach_plan)
    # scale of mu: a typical marginal gain per person of score range
    scale = max(_value(inst, reach_plan) / max(inst.k, 1), 1e-12)
    lo, hi = math.log(scale * TOLERANCE_MU_RANGE[0]), math.log(scale * TOLERANCE_MU_RANGE[1])
    pick = _lazy_greedy if inst.cover.lazy else _greedy
    for _ in range(TOLERANCE_BISECTION_STEPS):
        if time.monotonic() > deadline:
            break
        mid = 0.5 * (lo + hi)
        trial = pick(inst, bonus=math.exp(mid) * inst.s)
        if _value(inst, trial) >= floor - eps_v:
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
            trial, _ = _score_swap_search(inst, start, floor, deadline)
            if _value(inst, trial) >= floor - eps_v and key(trial) > best_key:
                best, best_key = np.sort(trial), key(trial)
    small = (not inst.cover.lazy and inst.cover.matrix.nnz <= EXACT_MAX_NNZ
             and inst.nc <= EXACT_MAX_CANDIDATES)
    if method == "exact" or (method == "auto" and small):
        res = _milp(inst, time_limit, floor=floor - eps_v)
        if res.bound is not None:
            score_bound = min(score_bound, res.bound)
        if res.chosen is not None and _value(inst, res.chosen) >= floor - eps_v and key(res.chosen) >= best_key:
            best, best_key = np.sort(res.chosen), key(res.chosen)
            used, status = "exact", ("optimal" if res.optimal else "time_limit")
        elif method == "exact":
            used, status = "exact", "time_limit"
        if best_key[0] >= score_bound - (2e-6 + 1e-8 * inst.k):  # the MILP bound includes the tie-breaks
            status = "optimal"
    return _Trade(best, used, status, score_bound)


def _score_swap_search(inst: _Instance, chosen: np.ndarray, floor: float, deadline: float,
                       max_passes: int | None = None) -> tuple[np.ndarray, bool]:
    """1-swap local search on the score under a reach floor.

    For each ambassador in turn (person_id order), among the candidates with a higher score
    whose swap keeps every constraint and the objective at least ``floor``, take the one with
    the most score gained per unit of reach lost (swaps that lose no reach first; then more
    reach, then person_id). Repeats for at most ``max_passes`` passes, until none is left.
    Returns the selection and whether no such swap is left.
    """
    max_passes = TOLERANCE_SWAP_PASSES if max_passes is None else max_passes
    nc = inst.nc
    M, C = inst.cover.matrix, inst.cover.csc
    w, s = inst.w, inst.s
    chosen, is_chosen, fixed, cnt, base_gain, dept_count = _swap_state(inst, chosen)
    value = float(w[cnt > 0].sum())
    tol = 1e-9 * max(1.0, float(w.sum()))
    for _ in range(max_passes):
        improved = False
        for pos in range(len(chosen)):
            if time.monotonic() > deadline:
                return np.asarray(chosen, dtype=np.int64), False
            i = chosen[pos]
            if fixed[i]:
                continue
            di = inst.dept[i]
            can_leave = dept_count[di] - 1 >= inst.req[di]
            allowed = ~is_chosen & (s > s[i] + 1e-12) & (
                (inst.dept == di) | (can_leave & (dept_count[inst.dept] < inst.cap[inst.dept]))
            )
            if not allowed.any():
                continue
            row_i = M.indices[M.indptr[i]:M.indptr[i + 1]]
            uniq = row_i[cnt[row_i] == 1]
            delta = base_gain - float(w[uniq].sum())
            if uniq.size:
                cand_of, owner = _gather(C.indptr, C.indices, uniq)
                delta = delta + np.bincount(cand_of, weights=w[uniq][owner], minlength=nc)
            ok = allowed & (value + delta >= floor - tol)
            if not ok.any():
                continue
            idx = np.flatnonzero(ok)
            lost = np.maximum(-delta[idx], 0.0)
            ratio = np.where(lost > tol, (s[idx] - s[i]) / np.maximum(lost, tol), np.inf)
            order = np.lexsort((inst.idr[idx], -delta[idx], -(s[idx] - s[i]), -ratio))
            c = int(idx[order[0]])
            _apply_swap(M, C, w, cnt, base_gain, row_i, c)
            value += float(delta[c])
            is_chosen[i], is_chosen[c] = False, True
            dept_count[di] -= 1
            dept_count[inst.dept[c]] += 1
            chosen[pos] = c
            improved = True
        if not improved:
            return np.asarray(chosen, dtype=np.int64), True
    return np.asarray(chosen, dtype=np.int64), False


def _rank_within(labels: np.ndarray) -> np.ndarray:
    """0-based position of each element among the elements with the same label, in order."""
    m = len(labels)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    by = np.argsort(labels, kind="stable")
    sorted_labels = labels[by]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_labels)) + 1]
    run = np.arange(m) - np.repeat(first, np.diff(np.r_[first, m]))
    out = np.empty(m, dtype=np.int64)
    out[by] = run
    return out


def _top_score(inst: _Instance, values: np.ndarray | None = None, *, by_id: bool = True) -> np.ndarray:
    """Highest total of ``values`` (default: the secondary scores) under the department
    constraints, exactly (a linear objective over the bases of a matroid): each department's
    best ``req_d`` first, then the best of the rest within the caps."""
    values = inst.s if values is None else values
    # best first, ties by person_id (the bound computation does not need the tie-break)
    order = np.lexsort((inst.idr, -values)) if by_id else np.argsort(-values, kind="stable")
    chosen = np.zeros(inst.nc, dtype=bool)
    chosen[inst.fixed] = True
    count = np.bincount(inst.dept[inst.fixed], minlength=len(inst.req))
    open_order = order[~chosen[order]]
    need = np.maximum(inst.req - count, 0)
    d_open = inst.dept[open_order]
    chosen[open_order[_rank_within(d_open) < need[d_open]]] = True
    count = np.bincount(inst.dept[chosen], minlength=len(inst.req))
    left = inst.k - int(chosen.sum())
    if left > 0:
        rest = order[~chosen[order]]
        d_rest = inst.dept[rest]
        ok = count[d_rest] + _rank_within(d_rest) < inst.cap[d_rest]
        chosen[rest[ok][:left]] = True
    return np.flatnonzero(chosen).astype(np.int64)


# ---------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------
def _id_rank(ids: pd.Index) -> np.ndarray:
    values = np.asarray(pd.Index(ids).astype(str).to_numpy(dtype=object), dtype=str)  # code-point order
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank


def _ranking_columns(graph: CollaborationGraph, ranking: pd.DataFrame | None) -> pd.DataFrame:
    """Per node: score, rank, department_rank, eligible, opted_out, reason, in_ranking."""
    n = graph.n_people
    if ranking is None:
        return pd.DataFrame(
            {"score": np.zeros(n), "rank": np.nan, "department_rank": np.nan, "eligible": True,
             "opted_out": False, "reason": "", "ineligible_reason": "", "in_ranking": True},
            index=graph.ids,
        )
    ranking = as_frame(ranking)
    if not isinstance(ranking, pd.DataFrame):
        raise InputError(f"ranking: expected a DataFrame from rank_candidates, got {type(ranking).__name__}")
    if "score" not in ranking.columns:
        raise InputError("ranking: column 'score' not found; columns are: " + ", ".join(map(str, ranking.columns)))
    # only the columns used here (a ranking carries every measure: copying it all is wasted)
    used = ["score", "eligible", "ineligible_reason", "opted_out", "rank", "department_rank", "reason"]
    r = ranking[[c for c in used if c in ranking.columns]].copy()
    r.index = pd.Index([str(i) for i in r.index], name="person_id")
    if r.index.has_duplicates:
        raise InputError(f"ranking: duplicate person_id: {describe_ids(r.index[r.index.duplicated()].unique())}")
    r = r.reindex(graph.ids)
    in_ranking = r["score"].notna().to_numpy() | graph.ids.isin(ranking.index.astype(str))
    score = pd.to_numeric(r["score"], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)
    if "eligible" in r.columns:
        eligible = r["eligible"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        eligible = np.ones(n, dtype=bool)
    eligible &= in_ranking
    reason_ineligible = (
        r["ineligible_reason"].astype(object).where(r["ineligible_reason"].notna(), "").astype(str)
        if "ineligible_reason" in r.columns else pd.Series("", index=r.index)
    )
    if "opted_out" in r.columns:
        opted_out = r["opted_out"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        text = reason_ineligible.str.lower()
        opted_out = (text.str.contains("opt", regex=False) & text.str.contains("out", regex=False)).to_numpy(dtype=bool)
    rank = pd.to_numeric(r["rank"], errors="coerce") if "rank" in r.columns else pd.Series(np.nan, index=r.index)
    drank = (pd.to_numeric(r["department_rank"], errors="coerce") if "department_rank" in r.columns
             else pd.Series(np.nan, index=r.index))
    reason = r["reason"].astype(object).where(r["reason"].notna(), "").astype(str) if "reason" in r.columns else ""
    out = pd.DataFrame(
        {"score": score, "rank": rank.to_numpy(dtype=float), "department_rank": drank.to_numpy(dtype=float),
         "eligible": eligible, "opted_out": opted_out, "reason": reason,
         "ineligible_reason": np.where(in_ranking, reason_ineligible.to_numpy(dtype=object), "not in the ranking"),
         "in_ranking": in_ranking},
        index=graph.ids,
    )
    out.attrs["given"] = True
    return out


def _eligible_mask(graph: CollaborationGraph, eligible: Any) -> np.ndarray:
    n = graph.n_people
    if isinstance(eligible, pd.Series) and (
        eligible.dtype == bool or str(eligible.dtype) == "boolean" or pd.api.types.is_numeric_dtype(eligible)
    ):
        s = (eligible != 0) if pd.api.types.is_numeric_dtype(eligible) and eligible.dtype != bool else eligible.copy()
        s.index = pd.Index([str(i) for i in s.index])
        return s.reindex(graph.ids).astype("boolean").fillna(False).to_numpy(dtype=bool)
    if isinstance(eligible, str):
        eligible = [eligible]
    mask = np.zeros(n, dtype=bool)
    mask[graph.codes(list(eligible))] = True
    return mask


def _person_weights(graph: CollaborationGraph, weighted: Any) -> tuple[np.ndarray, bool]:
    n = graph.n_people
    if weighted is False or weighted is None:
        return np.ones(n), True
    if weighted is True:
        strength = np.asarray(graph.undirected_weights().sum(axis=1), dtype=np.float64).ravel()
        mean = strength[strength > 0].mean() if (strength > 0).any() else 1.0
        return strength / mean, False
    if isinstance(weighted, (pd.Series, Mapping)):
        s = pd.Series(weighted, dtype=float) if isinstance(weighted, Mapping) else pd.to_numeric(weighted, errors="coerce")
        s.index = pd.Index([str(i) for i in s.index])
        w = s.reindex(graph.ids).fillna(0.0).to_numpy(dtype=np.float64)
        if (w < 0).any():
            raise InputError(f"weighted: negative weights for {describe_ids(graph.ids[w < 0])}")
        return w, bool(np.all(w == np.round(w)))
    raise InputError(f"weighted: expected True, False or a Series of per-person weights, got {type(weighted).__name__}")


# ---------------------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------------------
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
        minimum, instead of listing it in ``Plan.uncovered``.
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
    if not isinstance(graph, CollaborationGraph):
        raise InputError(f"graph: expected a CollaborationGraph, got {type(graph).__name__}")
    if objective not in _OBJECTIVES:
        raise InputError(f"objective must be one of {', '.join(_OBJECTIVES)}; got {objective!r}")
    if method not in _METHODS:
        raise InputError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    if hops not in (1, 2):
        raise InputError(f"hops must be 1 or 2, got {hops!r}")
    if size is not None and (not isinstance(size, (int, np.integer)) or size <= 0):
        raise InputError(f"size must be a positive whole number, got {size!r}")
    if min_per_department < 0:
        raise InputError(f"min_per_department must be >= 0, got {min_per_department!r}")
    if max_per_department is not None and max_per_department < 1:
        raise InputError(f"max_per_department must be >= 1, got {max_per_department!r}")
    if max_per_department is not None and max_per_department < min_per_department:
        raise InfeasibleError(
            f"max_per_department={max_per_department} is below min_per_department={min_per_department}: "
            "raise the cap or lower the minimum"
        )
    params = dict(size=size, min_per_department=min_per_department, max_per_department=max_per_department,
                  include=[str(i) for i in include] if not isinstance(include, str) else [include],
                  exclude=[str(i) for i in exclude] if not isinstance(exclude, str) else [exclude],
                  eligible=None if eligible is None else "given", objective=objective, hops=hops,
                  weighted=weighted if isinstance(weighted, bool) else "per-person weights",
                  method=method, time_limit=time_limit, strict=strict, seed=seed)
    if objective == "spread":
        params.update(p=p, runs=runs)
    if (isinstance(reach_tolerance, (bool, np.bool_)) or not isinstance(reach_tolerance, (int, float, np.number))
            or not 0.0 <= float(reach_tolerance) < 1.0):
        raise InputError(f"reach_tolerance must be a number with 0 <= reach_tolerance < 1, got {reach_tolerance!r}")
    reach_tolerance = float(reach_tolerance)
    if reach_tolerance > 0 and objective == "score":
        raise InputError("reach_tolerance applies to objective='reach' or 'spread'; objective='score' "
                         "already maximises the score: pass reach_tolerance=0 or another objective")
    params["reach_tolerance"] = reach_tolerance
    notes: list[str] = []
    n = graph.n_people
    names = graph.department_names
    n_dept = len(names)
    dcode = graph.department_codes
    info = _ranking_columns(graph, ranking)
    idr_all = _id_rank(graph.ids)

    include_codes = graph.codes(params["include"]) if params["include"] else np.zeros(0, dtype=np.int64)
    exclude_codes = graph.codes(params["exclude"]) if params["exclude"] else np.zeros(0, dtype=np.int64)
    include_codes = np.unique(include_codes)
    both = np.intersect1d(include_codes, exclude_codes)
    if both.size:
        raise InputError(f"include and exclude both name {describe_ids(graph.ids[both])}")
    opted_out = info["opted_out"].to_numpy(dtype=bool)
    if opted_out[include_codes].any():
        bad = include_codes[opted_out[include_codes]]
        raise InfeasibleError(f"include names people who opted out: {describe_ids(graph.ids[bad])}; remove them")

    elig = info["eligible"].to_numpy(dtype=bool) if eligible is None else _eligible_mask(graph, eligible)
    elig = elig & ~opted_out
    cand_mask = elig.copy()
    cand_mask[exclude_codes] = False
    not_eligible_included = include_codes[~cand_mask[include_codes]]
    if not_eligible_included.size:
        notes.append(f"included although not eligible: {describe_ids(graph.ids[not_eligible_included])}")
    cand_mask[include_codes] = True

    cand_per_dept = np.bincount(dcode[cand_mask], minlength=n_dept)
    inc_per_dept = np.bincount(dcode[include_codes], minlength=n_dept)
    cap = np.full(n_dept, n if max_per_department is None else int(max_per_department), dtype=np.int64)
    over = np.flatnonzero(inc_per_dept > cap)
    if over.size:
        raise InfeasibleError(
            f"include puts more than max_per_department={max_per_department} people in "
            f"{describe_ids(names[over])}: raise the cap or shorten include"
        )
    short = np.flatnonzero(cand_per_dept < min_per_department)
    if strict and short.size:
        raise InfeasibleError(
            f"fewer than {min_per_department} eligible people in department(s) {describe_ids(names[short])}: "
            "make people there eligible, lower min_per_department, or pass strict=False"
        )
    req = np.minimum(min_per_department, cand_per_dept).astype(np.int64)
    req = np.maximum(req, inc_per_dept)
    need = int(req.sum())
    achievable = int(np.minimum(cap, cand_per_dept).sum())

    if size is None:
        size = max(min(default_size(graph), achievable), need)
        if size == 0:
            raise InfeasibleError("nobody can be chosen: no eligible person outside exclude")
    size = int(size)
    if len(include_codes) > size:
        raise InfeasibleError(
            f"include names {len(include_codes)} people but size is {size}: "
            f"raise size to at least {len(include_codes)} or shorten include"
        )
    dept_min = np.minimum(min_per_department, cand_per_dept)
    to_cover = np.flatnonzero(dept_min > 0)
    if int(dept_min.sum()) > size:
        raise InfeasibleError(
            f"size={size} is below the {int(dept_min.sum())} ambassadors the department minimums need "
            f"({len(to_cover)} departments: {describe_ids(names[to_cover])}): raise size to at least "
            f"{int(dept_min.sum())} or lower min_per_department"
        )
    if need > size:
        open_d = np.flatnonzero(dept_min > inc_per_dept)
        raise InfeasibleError(
            f"size={size} cannot hold the {len(include_codes)} included people plus the minimums of "
            f"{describe_ids(names[open_d])} (needs {need}): raise size to {need} or shorten include"
        )
    if size > achievable:
        raise InfeasibleError(
            f"size={size} but only {achievable} people can be chosen (eligible, not excluded, within "
            f"max_per_department): lower size to {achievable} or widen eligibility"
        )

    # ---- the instance over candidates ------------------------------------------------------
    cand = np.flatnonzero(cand_mask)
    pos_of = np.full(n, -1, dtype=np.int64)
    pos_of[cand] = np.arange(len(cand))
    score = info["score"].to_numpy(dtype=np.float64)
    sc = score[cand]
    lo, hi = (float(sc.min()), float(sc.max())) if len(sc) else (0.0, 0.0)
    s_norm = (sc - lo) / (hi - lo) if hi > lo else np.zeros(len(sc))
    people_cover = _person_coverage(graph, cand, hops)
    person_w, integral = _person_weights(graph, weighted)

    if objective == "spread":
        from ambassadors.spread import _live_components

        comp_items, comp_sizes = _live_components(graph, cand, p=p, runs=runs, seed=seed, weighted=bool(weighted is True))
        cover = _Coverage(comp_items, len(comp_sizes))
        w = comp_sizes / runs
        integral = False
    elif objective == "score":
        cover, w = people_cover, person_w
    else:
        cover, w = people_cover, person_w
    inst = _Instance(cover=cover, w=w, s=s_norm, idr=idr_all[cand], dept=dcode[cand], req=req, cap=cap,
                     k=size, fixed=pos_of[include_codes], integral=integral)

    bound: float | None = None
    if objective == "score":
        chosen = _top_score(inst)
        used, status = "top-score", "optimal"
        value = float(sc[chosen].sum())
        bound = value
    else:
        chosen, used, status, milp_bound = _optimise(inst, method=method, time_limit=time_limit, seed=seed)
        value = _value(inst, chosen)
        if status == "optimal":
            bound = value
        elif not cover.lazy:
            bound = _submodular_bound(inst, chosen)
            if milp_bound is not None:
                # the MILP's dual bound, or the cheap bounds that let "auto" skip the MILP
                bound = min(bound, milp_bound)
            elif inst.cover.matrix.nnz <= LP_BOUND_MAX_NNZ:
                lp = _milp(inst, time_limit, relax=True).bound
                if lp is not None:
                    bound = min(bound, lp)
            if milp_bound is None and bound > value * (1 + 1e-3):
                steps = int(min(LAGRANGIAN_MAX_STEPS, LAGRANGIAN_WORK // max(inst.cover.matrix.nnz, 1)))
                if steps >= 10:
                    lag, _ = _lagrangian_bound(inst, value, bound, steps)
                    bound = min(bound, math.floor(lag + 1e-6) if inst.integral else lag)
        if bound is not None:
            bound = max(bound, value)
            if status != "optimal" and bound <= value + 1e-9:
                status = "optimal"  # a bound meets the plan's value: proven optimal
    reach_plan = None
    if reach_tolerance > 0:
        # trade reach for score: the best-scoring plan within the tolerance of the best reach
        reach_plan, best_value, reach_status = chosen, value, status
        floor = _reach_floor(inst, best_value, reach_tolerance)
        trade = _trade_reach(inst, chosen, floor, method=method, time_limit=time_limit)
        chosen, used, status = trade.chosen, trade.method, trade.status
        value = _value(inst, chosen)
        to_raw = (lambda t: size * lo + (hi - lo) * t) if hi > lo else (lambda t: size * lo)
        params.update(
            best_reach=float(best_value), best_reach_status=reach_status, reach_threshold=float(floor),
            best_reach_score=float(sc[reach_plan].sum()), score=float(sc[chosen].sum()),
            score_bound=None if trade.score_bound is None else float(to_raw(trade.score_bound)),
        )
        swapped = len(np.setdiff1d(chosen, reach_plan))
        notes.append(
            f"reach_tolerance={reach_tolerance:g}: {swapped} of {size} ambassadors differ from the reach-optimal "
            f"plan; objective {value:,.6g} vs {best_value:,.6g}, composite score {params['score']:.4g} vs "
            f"{params['best_reach_score']:.4g}"
        )
    gap = None
    if bound is not None:
        gap = 0.0 if bound <= 0 else max(0.0, (bound - value) / bound)
        if status == "optimal" and reach_plan is None:
            gap = 0.0

    return _make_plan(graph, info, cand, chosen, people_cover, person_w, include_codes, cand_mask, elig,
                      objective=objective, objective_value=value, method=used, bound=bound, gap=gap,
                      status=status, params=params, notes=notes, hops=hops, inst=inst, reach_plan=reach_plan)


def _cheap_bound(inst: _Instance, chosen: np.ndarray, *, rel_gap: float = 0.0) -> float:
    """The tightest of the cheap upper bounds on the optimum: submodular, then the Lagrangian
    bound, then (up to LP_BOUND_MAX_NNZ non-zeros) the LP relaxation. Stops as soon as the
    bound proves ``chosen`` within ``rel_gap`` of the optimum."""
    value = _value(inst, chosen)

    def close_enough(bound: float) -> bool:
        return value >= bound * (1.0 - rel_gap) - 1e-9

    bound = _submodular_bound(inst, chosen)
    if close_enough(bound):
        return bound
    steps = int(min(LAGRANGIAN_MAX_STEPS, LAGRANGIAN_WORK // max(inst.cover.matrix.nnz, 1)))
    u = None
    if steps >= 10:
        lag, u = _lagrangian_bound(inst, value, bound, steps)
        bound = min(bound, math.floor(lag + 1e-6) if inst.integral else lag)
        if close_enough(bound):
            return bound
    if inst.cover.matrix.nnz <= LP_BOUND_MAX_NNZ:
        # the LP relaxation costs a fraction of the MILP and is often tight for coverage; when
        # a gap is allowed, it only needs the candidates that could beat value / (1 - gap)
        # (an eighth of them on a generated 2,000-person organisation: LP 0.25 s -> 0.12 s)
        lp = None
        if u is not None and rel_gap > 0:
            keep, set_aside = _reduced_cost_pruning(inst, u, value / (1.0 - rel_gap))
            if len(keep) < inst.nc:
                lp = _restricted_lp_bound(inst, keep, set_aside)
        if lp is None:
            lp = _milp(inst, 60.0, relax=True).bound
        if lp is not None:
            bound = min(bound, math.floor(lp + 1e-6) if inst.integral else lp)
    return bound


def _optimise(inst: _Instance, *, method: str, time_limit: float, seed: int
              ) -> tuple[np.ndarray, str, str, float | None]:
    """Greedy + swaps and/or the MILP; return (chosen, method used, status, MILP bound)."""
    if method == "exact" and inst.cover.lazy:
        raise InputError("method='exact' needs the two-hop neighbourhoods in memory; use hops=1 or method='greedy'")
    if inst.cover.lazy:
        return np.sort(_lazy_greedy(inst)), "greedy", "heuristic", None
    greedy = _greedy(inst)
    top = _top_score(inst)
    # never worse than the plain top-score plan under the same constraints
    start = greedy if _key(inst, greedy) >= _key(inst, top) else top
    deadline = time.monotonic() + float(time_limit)
    best, finished = _swap_search(inst, start, deadline=deadline)
    best, finished_ils = _iterated_local_search(inst, best, seed=seed, deadline=deadline)
    used, status = "greedy+swap", ("local_optimum" if finished and finished_ils else "heuristic")
    small = inst.cover.matrix.nnz <= EXACT_MAX_NNZ and inst.nc <= EXACT_MAX_CANDIDATES
    milp_bound = None
    if method == "auto" and small:
        # when cheap bounds already prove the reach optimal, or within AUTO_GAP of it, the MILP
        # (seconds at a few thousand people) could at most add that sliver of reach or reorder
        # equally-reaching plans by score, which the swap search has already done locally
        cheap = _cheap_bound(inst, best, rel_gap=AUTO_GAP)
        value = _value(inst, best)
        if value >= cheap - 1e-9:
            return np.sort(best), used, "optimal", cheap
        if value >= cheap * (1.0 - AUTO_GAP) and inst.cover.matrix.nnz > AUTO_EXACT_NNZ:
            return np.sort(best), used, status, cheap
    if method == "exact" or (method == "auto" and small):
        res = _milp(inst, time_limit)
        milp_bound = res.bound
        if res.chosen is not None and _key(inst, res.chosen) > _key(inst, best):
            best = res.chosen
            used, status = "exact", ("optimal" if res.optimal else "time_limit")
        elif method == "exact":
            # the MILP stopped with nothing better than the heuristic start
            used, status = "exact", "time_limit"
        if res.bound is not None and _value(inst, best) >= res.bound - 1e-9:
            status = "optimal"
    return np.sort(best), used, status, milp_bound


# ---------------------------------------------------------------------------------------
# the Plan tables
# ---------------------------------------------------------------------------------------
def _reach_counts(graph: CollaborationGraph, members: np.ndarray) -> tuple[Reach, Reach]:
    n = graph.n_people
    A = graph.closed_neighbors
    cov1 = np.zeros(n, dtype=bool)
    cov1[np.asarray(members, dtype=np.int64)] = True
    nb, _ = _gather(A.indptr, A.indices, np.asarray(members, dtype=np.int64))
    cov1[nb] = True
    cov2 = np.asarray(A @ cov1.astype(np.float32)).ravel() > 0
    share = (lambda c: c / n if n else 0.0)
    return Reach(int(cov1.sum()), share(int(cov1.sum()))), Reach(int(cov2.sum()), share(int(cov2.sum())))


def _make_plan(graph, info, cand, chosen, people_cover, person_w, include_codes, cand_mask, elig, *,
               objective, objective_value, method, bound, gap, status, params, notes, hops, inst,
               reach_plan=None) -> Plan:
    n = graph.n_people
    names = graph.department_names
    n_dept = len(names)
    dcode = graph.department_codes
    ids = graph.ids
    members = cand[chosen]
    order_members = np.argsort(_id_rank(ids)[members], kind="stable")
    chosen, members = chosen[order_members], members[order_members]

    # people coverage (within hops) of the plan
    items, owner = people_cover.rows(chosen)
    cnt = np.bincount(items, minlength=n)
    reached = cnt > 0
    row_len = np.bincount(owner, minlength=len(chosen)) - 1  # colleagues, not themselves
    uniq_people = np.bincount(owner[cnt[items] == 1], minlength=len(chosen))
    if objective == "spread":
        oitems, oowner = inst.cover.rows(chosen)
        ocnt = np.bincount(oitems, minlength=inst.cover.n_items)
        marginal = np.bincount(oowner, weights=np.where(ocnt[oitems] == 1, inst.w[oitems], 0.0), minlength=len(chosen))
    else:
        marginal = np.bincount(owner, weights=np.where(cnt[items] == 1, person_w[items], 0.0), minlength=len(chosen))
    if np.allclose(marginal, np.round(marginal)):
        marginal = np.round(marginal).astype(np.int64)

    score = info["score"].to_numpy(dtype=np.float64)
    rank = info["rank"].to_numpy(dtype=float)
    drank = info["department_rank"].to_numpy(dtype=float)
    # department rank by score among candidates when the ranking gives none
    if np.isnan(drank).all():
        frame = pd.DataFrame({"d": dcode, "s": score, "r": _id_rank(ids)})
        frame = frame[cand_mask]
        frame = frame.sort_values(["d", "s", "r"], ascending=[True, False, True])
        frame["dr"] = frame.groupby("d").cumcount() + 1
        drank = np.full(n, np.nan)
        drank[frame.index.to_numpy()] = frame["dr"].to_numpy()

    dept_amb = np.bincount(dcode[members], minlength=n_dept)
    included = np.isin(members, include_codes)
    traded_in = (np.zeros(len(members), dtype=bool) if reach_plan is None
                 else ~np.isin(chosen, reach_plan))
    has_ranking = bool(info.attrs.get("given", False))
    reasons = []
    rank_reason = info["reason"].to_numpy(dtype=object)
    within = "" if hops == 1 else " within 2 ties"
    for j, m in enumerate(members):  # one sentence per ambassador (k of them, not per row of data)
        dep = names[dcode[m]]
        parts = []
        if included[j]:
            parts.append("included on request")
        parts.append(f"covers {dep}" + (" (only ambassador there)" if dept_amb[dcode[m]] == 1 else ""))
        noun = "colleague" if row_len[j] == 1 else "colleagues"
        parts.append(f"reaches {int(row_len[j])} {noun}{within} "
                     f"({int(uniq_people[j])} not reached by other ambassadors)")
        if has_ranking and not np.isnan(drank[m]):
            parts.append(f"#{int(drank[m])} in {dep} by score")
        if traded_in[j]:
            parts.append(f"preferred for score over reach (reach_tolerance={params['reach_tolerance']:g})")
        sentence = "; ".join(parts)
        extra = str(rank_reason[m]).strip()
        if extra:
            sentence += f". {extra}"
        reasons.append(sentence)
    members_df = pd.DataFrame(
        {"department": np.asarray(names)[dcode[members]], "rank": rank[members], "department_rank": drank[members],
         "score": score[members], "reach": row_len.astype(np.int64), "marginal_reach": marginal,
         "included": included, "reason": reasons},
        index=pd.Index(ids[members], name="person_id"),
    )

    sizes = np.bincount(dcode, minlength=n_dept)
    reached_d = np.bincount(dcode[reached], minlength=n_dept)
    coverage = pd.DataFrame(
        {"size": sizes, "eligible": np.bincount(dcode[cand_mask], minlength=n_dept), "ambassadors": dept_amb,
         "reached": reached_d,
         "share_reached": np.divide(reached_d, sizes, out=np.zeros(n_dept), where=sizes > 0)},
        index=names,
    )
    reach_1, reach_2 = _reach_counts(graph, members)
    backups = _backups(graph, inst, cand, chosen, score, rank, drank, objective,
                       by_score=objective == "score" or reach_plan is not None)
    uncovered = _uncovered(graph, coverage, elig, members)
    return Plan(members=members_df, coverage=coverage, reach_1=reach_1, reach_2=reach_2, objective=objective,
                objective_value=float(objective_value), method=method, bound=None if bound is None else float(bound),
                gap=gap, status=status, uncovered=uncovered, backups=backups, params=params, notes=notes)


def _backups(graph, inst, cand, chosen, score, rank, drank, objective, *, by_score: bool) -> pd.DataFrame:
    """Two next-best candidates per department: most added reach w.r.t. the plan, then score;
    ``by_score`` (objective "score", or a reach tolerance): score first, then added reach, the
    same trade the plan itself makes."""
    names = graph.department_names
    nc = inst.nc
    is_chosen = np.zeros(nc, dtype=bool)
    is_chosen[chosen] = True
    if inst.cover.lazy:
        added = np.zeros(nc)
    else:
        items, _ = inst.cover.rows(chosen)
        covered = np.zeros(inst.cover.n_items, dtype=bool)
        covered[items] = True
        added = inst.cover.gains(np.where(covered, 0.0, inst.w))
    if by_score:
        keys = (inst.idr, -np.round(added, 9), -score[cand], inst.dept)
    else:
        keys = (inst.idr, -score[cand], -np.round(added, 9), inst.dept)
    order = np.lexsort(keys)
    order = order[~is_chosen[order]]
    frame = pd.DataFrame({"pos": order, "d": inst.dept[order]})
    frame["backup_rank"] = frame.groupby("d").cumcount() + 1
    frame = frame[frame["backup_rank"] <= 2]
    pos = frame["pos"].to_numpy()
    codes = cand[pos]
    add = added[pos]
    add_out = np.round(add).astype(np.int64) if np.allclose(add, np.round(add)) else add
    dep = np.asarray(names)[inst.dept[pos]]
    gain_text = ("would add {a:.1f} to the expected spread" if objective == "spread"
                 else "would reach {a:g} more people")
    reasons = [
        f"backup #{int(b)} for {d}: " + gain_text.format(a=a)
        + (f"; #{int(r)} in {d} by score" if not np.isnan(r) else "")
        for d, b, a, r in zip(dep, frame["backup_rank"].to_numpy(), add, drank[codes])
    ]
    return pd.DataFrame(
        {"department": dep, "person_id": graph.ids[codes].astype(str), "backup_rank": frame["backup_rank"].to_numpy(),
         "added_reach": add_out, "score": score[codes], "rank": rank[codes], "reason": reasons}
    ).reset_index(drop=True)


def _uncovered(graph, coverage, elig, members) -> pd.DataFrame:
    """Departments with nobody eligible, each with the outside person most tied into it."""
    cols = ["size", "bridge", "bridge_department", "bridge_ties", "bridge_eligible", "bridge_is_ambassador"]
    names = graph.department_names
    dcode = graph.department_codes
    elig_per = np.bincount(dcode[elig], minlength=len(names))
    U = np.flatnonzero(elig_per == 0)
    if U.size == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="department"))
    n = graph.n_people
    col_of = np.full(len(names), -1)
    col_of[U] = np.arange(len(U))
    inside = col_of[dcode] >= 0
    P = sp.csr_array((np.ones(int(inside.sum())), (np.flatnonzero(inside), col_of[dcode[inside]])), shape=(n, len(U)))
    T = sp.coo_array(graph.closed_neighbors.astype(np.float64) @ P)  # self-ties drop out below
    r, c, v = T.row, T.col, T.data
    outside = dcode[r] != U[c]
    r, c, v = r[outside], c[outside], v[outside]
    idr = _id_rank(graph.ids)
    order = np.lexsort((idr[r], -v, c))
    r, c, v = r[order], c[order], v[order]
    first = np.r_[True, c[1:] != c[:-1]] if len(c) else np.zeros(0, dtype=bool)
    best = pd.DataFrame({"c": c[first], "r": r[first], "v": v[first]}).set_index("c")
    is_member = np.zeros(n, dtype=bool)
    is_member[members] = True
    rows = []
    for j, d in enumerate(U):  # one row per uncovered department
        if j in best.index:
            b = int(best.loc[j, "r"])
            rows.append([int(coverage["size"].iloc[d]), str(graph.ids[b]), str(names[dcode[b]]),
                         int(best.loc[j, "v"]), bool(elig[b]), bool(is_member[b])])
        else:
            rows.append([int(coverage["size"].iloc[d]), None, None, 0, False, False])
    return pd.DataFrame(rows, columns=cols, index=pd.Index(names[U], name="department"))
