"""The combinatorial search: greedy and lazy greedy under department minimums and caps, one
1-swap core shared by the reach and the score searches, and perturb-and-repair rounds."""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from ambassadors.select._coverage import Instance, gather_rows, plan_key, position_in_group

#: Perturb-and-repair rounds after the swap search: about this much work in all, counted as
#: coverage non-zeros + 2 x candidates x size per round (at least 3 rounds, at most
#: PERTURBATION_MAX_ROUNDS; stops after PERTURBATION_PATIENCE rounds without improvement).
PERTURBATION_WORK = 60_000_000
PERTURBATION_MAX_ROUNDS = 30
PERTURBATION_PATIENCE = 10


def lazy_greedy(inst: Instance, start: np.ndarray | None = None, banned: np.ndarray | None = None,
                 bonus: np.ndarray | None = None) -> np.ndarray:
    """Lazy greedy (CELF) under department minimums and caps, with reserved slots.

    A candidate of a department still short of its minimum may always be added; any other
    only while the free slots exceed the open minimums. This is the greedy algorithm over the
    matroid of selections that can still be completed, so the classic guarantees apply.
    ``bonus`` (optional) is added to every gain, as in :func:`greedy`.
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
        base = inst.cover.lazy_parts[0]
        deg_w = np.asarray(base @ inst.w, dtype=np.float64).ravel()
        rows = sp.csr_array(base[inst.cover.lazy_parts[1]])
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
        return lazy_greedy(inst, start=np.asarray(chosen, dtype=np.int64), bonus=bonus)
    return np.asarray(chosen, dtype=np.int64)


def greedy(inst: Instance, start: np.ndarray | None = None, banned: np.ndarray | None = None,
           bonus: np.ndarray | None = None, *, record: list[int] | None = None) -> np.ndarray:
    """Greedy with exact marginal gains kept up to date by vectorised sparse updates.

    Picks the same people as lazy greedy (CELF), under the same reserved-slot rule, but instead
    of re-evaluating stale candidates one by one it subtracts, after each pick, the weight of
    the newly covered items from the gain of every candidate covering them (a CSC gather and
    a bincount). Every item is covered once, so all updates together cost ``O(nnz)``.

    ``bonus`` (per candidate, optional) is added to every marginal gain: greedy on the blended
    objective ``coverage + sum of bonus`` (still submodular), used by the reach-tolerance search.
    ``record`` (a list, optional) receives the picks in the order they were made.
    """
    M, C = inst.cover.csr, inst.cover.csc
    nc = inst.nc
    covered = np.zeros(inst.cover.n_items, dtype=bool)
    chosen = np.zeros(nc, dtype=bool)
    init = np.unique(np.concatenate([inst.fixed, [] if start is None else start]).astype(np.int64))
    chosen[init] = True
    count = np.bincount(inst.dept[init], minlength=len(inst.req))
    items, _ = gather_rows(M.indptr, M.indices, init)
    covered[items] = True
    gains = inst.cover.gains(np.where(covered, 0.0, inst.w))
    skip = np.zeros(nc, dtype=bool)
    if banned is not None:
        skip[banned] = True
    tiebreak = np.empty(nc, dtype=np.int64)
    tiebreak[np.lexsort((inst.idr, -inst.s))] = np.arange(nc)  # best score, then person_id
    tol = 1e-9 * max(1.0, float(inst.w.sum()))
    picks = len(init)
    avail = ~chosen & ~skip
    while picks < inst.k:
        open_min = int(np.maximum(inst.req - count, 0).sum())
        open_dept = count < inst.cap
        if inst.k - picks <= open_min:  # remaining slots are reserved for open minimums
            open_dept &= count < inst.req
        ok = avail & open_dept[inst.dept]
        if not ok.any():
            break
        g = np.where(ok, gains if bonus is None else gains + bonus, -np.inf)
        tie = np.flatnonzero(g >= g.max() - tol)
        c = int(tie[np.argmin(tiebreak[tie])])
        chosen[c] = True
        avail[c] = False
        count[inst.dept[c]] += 1
        picks += 1
        if record is not None:
            record.append(c)
        row = M.indices[M.indptr[c]:M.indptr[c + 1]]
        new = row[~covered[row]]
        if new.size:
            covered[new] = True
            cand_of, owner = gather_rows(C.indptr, C.indices, new)
            gains -= np.bincount(cand_of, weights=inst.w[new][owner], minlength=nc)
    if picks < inst.k and banned is not None:
        return greedy(inst, start=np.flatnonzero(chosen), bonus=bonus)
    return np.flatnonzero(chosen).astype(np.int64)


def _perturbation_rounds(inst: Instance) -> int:
    """How many perturb-and-repair rounds follow the swap search: a fixed number that depends on
    the instance size only (never on the clock), so that plans are reproducible."""
    nnz = 0 if inst.cover.lazy else inst.cover.csr.nnz
    per_round = nnz + 2 * inst.nc * inst.k
    return int(np.clip(PERTURBATION_WORK // max(per_round, 1), 3, PERTURBATION_MAX_ROUNDS))


def perturb_and_repair(
    inst: Instance, best: np.ndarray, *, seed: int, deadline: float
) -> tuple[np.ndarray, bool]:
    """Perturb and repair: drop a few random ambassadors, refill greedily without them, run the
    swap search, and keep the result when it is better (iterated local search)."""
    rng = np.random.default_rng(seed)
    best_key = plan_key(inst, best)
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
        trial = greedy(inst, start=keep, banned=drop)
        trial, done = swap_search(inst, trial, deadline)
        finished &= done
        key = plan_key(inst, trial)
        stale += 1
        if key > best_key:
            best, best_key, stale = trial, key, 0
    return best, finished


class SwapState:
    """The state of a 1-swap search, updated in place by :meth:`swap`.

    ``chosen`` (a list in person_id order), ``is_chosen`` and ``fixed`` masks, ``cnt`` (how many
    chosen candidates cover each item), ``base_gain`` (per candidate, the weight of the items
    only it would newly cover), ``dept_count`` (ambassadors per department) and ``value`` (the
    covered weight).
    """

    def __init__(self, inst: Instance, chosen: np.ndarray) -> None:
        self.inst = inst
        self.M, self.C = inst.cover.csr, inst.cover.csc
        chosen = np.asarray(chosen)
        self.chosen = [int(c) for c in chosen[np.argsort(inst.idr[chosen])]]
        self.is_chosen = np.zeros(inst.nc, dtype=bool)
        self.is_chosen[self.chosen] = True
        self.fixed = np.zeros(inst.nc, dtype=bool)
        self.fixed[inst.fixed] = True
        M = self.M
        self.cnt = np.bincount(gather_rows(M.indptr, M.indices, np.asarray(self.chosen))[0],
                               minlength=inst.cover.n_items)
        self.base_gain = np.asarray(M @ np.where(self.cnt == 0, inst.w, 0.0), dtype=np.float64).ravel()
        self.dept_count = np.bincount(inst.dept[self.chosen], minlength=len(inst.req))
        self.value = float(inst.w[self.cnt > 0].sum())
        #: swaps changing the covered weight by at most this much count as ties
        self.tol = 1e-9 * max(1.0, float(inst.w.sum()))
        self.slot = np.zeros(inst.nc, dtype=np.int64)  # scratch of :meth:`no_loss`

    def row(self, c: int) -> np.ndarray:
        return self.M.indices[self.M.indptr[c]:self.M.indptr[c + 1]]

    def allowed(self, i: int) -> np.ndarray:
        """Candidates that may replace ambassador ``i`` without breaking a department rule."""
        return self.allowed_among(i, np.arange(self.inst.nc))

    def allowed_among(self, i: int, idx: np.ndarray) -> np.ndarray:
        """:meth:`allowed` for the candidates ``idx`` only (a mask aligned with ``idx``)."""
        inst, dept_count = self.inst, self.dept_count
        di = inst.dept[i]
        can_leave = dept_count[di] - 1 >= inst.req[di]
        d = inst.dept[idx]
        return ~self.is_chosen[idx] & ((d == di) | (can_leave & (dept_count[d] < inst.cap[d])))

    def delta(self, i: int) -> np.ndarray:
        """Change of the covered weight when ambassador ``i`` is replaced by each candidate."""
        w = self.inst.w
        row_i = self.row(i)
        uniq = row_i[self.cnt[row_i] == 1]
        delta = self.base_gain - float(w[uniq].sum())
        if uniq.size:
            cand_of, owner = gather_rows(self.C.indptr, self.C.indices, uniq)
            delta = delta + np.bincount(cand_of, weights=w[uniq][owner], minlength=self.inst.nc)
        return delta

    def no_loss(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The candidates whose swap for ambassador ``i`` loses at most ``tol`` of covered weight,
        in position order, and their :meth:`delta` (the same values, bit for bit).

        Only candidates covering an item that ``i`` alone covers can make up for that item's
        loss, so when the loss exceeds every base gain those few are all that is computed.
        """
        w, tol = self.inst.w, self.tol
        row_i = self.row(i)
        uniq = row_i[self.cnt[row_i] == 1]
        loss = float(w[uniq].sum())
        if uniq.size and loss - 2 * tol > float(self.base_gain.max()):
            cand_of, owner = gather_rows(self.C.indptr, self.C.indices, uniq)
            # the distinct candidates in cand_of without a sort: a scratch slot per candidate
            slot, at = self.slot, np.arange(len(cand_of))
            slot[cand_of] = at
            touched = cand_of[slot[cand_of] == at]
            slot[touched] = np.arange(len(touched))
            # summed in the order of cand_of, as the full bincount of :meth:`delta` does
            overlap = np.bincount(slot[cand_of], weights=w[uniq][owner], minlength=len(touched))
            d_touched = (self.base_gain[touched] - loss) + overlap
            keep = np.flatnonzero(d_touched >= -tol)
            keep = keep[np.argsort(touched[keep])]
            return touched[keep], d_touched[keep]
        delta = self.delta(i)
        idx = np.flatnonzero(delta >= -tol)
        return idx, delta[idx]

    def swap(self, pos: int, c: int, gained: float) -> None:
        """Replace the ambassador at ``pos`` by candidate ``c`` (covered weight changes by ``gained``).

        Touches only the items whose coverage changed: the cover counts, and the base gain of
        every candidate covering one of them.
        """
        inst, w, cnt = self.inst, self.inst.w, self.cnt
        i = self.chosen[pos]
        row_i, row_c = self.row(i), self.row(c)
        touched = np.unique(np.concatenate([row_i, row_c]))
        zero_before = cnt[touched] == 0
        cnt[row_i] -= 1
        cnt[row_c] += 1
        change = (cnt[touched] == 0).astype(np.float64) - zero_before
        nz = change != 0
        if nz.any():
            cols = touched[nz]
            cand_of, owner = gather_rows(self.C.indptr, self.C.indices, cols)
            self.base_gain += np.bincount(cand_of, weights=(change[nz] * w[cols])[owner],
                                          minlength=self.base_gain.shape[0])
        self.value += float(gained)
        self.is_chosen[i], self.is_chosen[c] = False, True
        self.dept_count[inst.dept[i]] -= 1
        self.dept_count[inst.dept[c]] += 1
        self.chosen[pos] = c


#: ``choose(state, i)`` -> ``(candidate, change of covered weight)`` to swap for ambassador ``i``,
#: or None.
SwapRule = Callable[[SwapState, int], "tuple[int, float] | None"]


def swap_passes(inst: Instance, chosen: np.ndarray, deadline: float, choose: SwapRule, *,
                max_passes: int | None = None) -> tuple[np.ndarray, bool]:
    """The 1-swap core: for each ambassador in turn (person_id order, included people never),
    ask ``choose`` for a replacement and make the swap, until a pass changes nothing.

    Returns the selection and whether a pass without any swap was reached (within ``deadline``
    and ``max_passes``; unlimited passes when None).
    """
    state = SwapState(inst, chosen)
    passes = 0
    k = len(state.chosen)
    since = 0  # ambassadors asked since the last swap (``choose`` depends on the state only)
    while max_passes is None or passes < max_passes:
        passes += 1
        improved = False
        for pos in range(k):
            if since >= k:
                # everyone was asked since the last swap (in the previous pass): this pass
                # would not swap either
                return np.asarray(state.chosen, dtype=np.int64), True
            if time.monotonic() > deadline:
                return np.asarray(state.chosen, dtype=np.int64), False
            i = state.chosen[pos]
            since += 1
            if state.fixed[i]:
                continue
            pick = choose(state, i)
            if pick is not None:
                state.swap(pos, *pick)
                improved = True
                since = 0
        if not improved:
            return np.asarray(state.chosen, dtype=np.int64), True
    return np.asarray(state.chosen, dtype=np.int64), False


def _better_reach(state: SwapState, i: int) -> tuple[int, float] | None:
    """Swap rule of :func:`swap_search`: more reach, or the same reach and a higher score.

    Only the candidates that lose no reach (``delta >= -tol``, usually a few) are checked
    against the department rules and ranked: the same pick as ranking every candidate.
    """
    inst, tol = state.inst, state.tol
    idx, d_idx = state.no_loss(i)
    if idx.size == 0:
        return None
    better = state.allowed_among(i, idx) & (
        (d_idx > tol) | ((np.abs(d_idx) <= tol) & (inst.s[idx] > inst.s[i] + 1e-12))
    )
    if not better.any():
        return None
    idx, d_idx = idx[better], d_idx[better]
    # best reach gain, then best score, then person_id order
    order = np.lexsort((inst.idr[idx], -inst.s[idx], -np.round(d_idx / tol) * tol))
    return int(idx[order[0]]), float(d_idx[order[0]])


def swap_search(inst: Instance, chosen: np.ndarray, deadline: float) -> tuple[np.ndarray, bool]:
    """1-swap local search: replace one ambassador by one candidate while that improves
    (objective, secondary score) lexicographically and keeps every constraint.

    Returns the selection and whether a local optimum was reached before ``deadline``.
    """
    return swap_passes(inst, chosen, deadline, _better_reach)


def top_score(inst: Instance, values: np.ndarray | None = None, *, by_id: bool = True) -> np.ndarray:
    """Highest total of ``values`` (default: the secondary scores) under the department
    constraints, exactly (a linear objective over the bases of a matroid): each department's
    best ``req_d`` first, then the best of the rest within the caps.

    Only the best few of the candidates are sorted (a prefix of the full order: everyone at or
    above the ``m``-th largest value); the full order is used when the prefix cannot settle it.
    """
    values = inst.s if values is None else values
    chosen = np.zeros(inst.nc, dtype=bool)
    chosen[inst.fixed] = True
    count = np.bincount(inst.dept[inst.fixed], minlength=len(inst.req))
    need = np.maximum(inst.req - count, 0)
    m = 2 * inst.k + 2 * int(need.sum()) + 16
    if m < inst.nc // 2:
        head = np.flatnonzero(values >= np.partition(values, inst.nc - m)[inst.nc - m])
        if _top_score_from(inst, values, by_id, _in_order(inst, values, by_id, head), chosen, need):
            return np.flatnonzero(chosen).astype(np.int64)
        chosen[:] = False
        chosen[inst.fixed] = True
    _top_score_from(inst, values, by_id, _in_order(inst, values, by_id, np.arange(inst.nc)), chosen, need)
    return np.flatnonzero(chosen).astype(np.int64)


def _in_order(inst: Instance, values: np.ndarray, by_id: bool, idx: np.ndarray) -> np.ndarray:
    """``idx`` (ascending positions) best first: by value, ties by person_id (``by_id``) or by
    position (the bound computation does not need the person_id tie-break)."""
    if by_id:
        return idx[np.lexsort((inst.idr[idx], -values[idx]))]
    return idx[np.argsort(-values[idx], kind="stable")]


def _top_score_from(inst: Instance, values: np.ndarray, by_id: bool, order: np.ndarray, chosen: np.ndarray,
                    need: np.ndarray) -> bool:
    """Complete ``chosen`` (the included people) from ``order``, a prefix of the full best-first
    order; False (``chosen`` then partly filled) when the prefix is too short to decide."""
    open_order = order[~chosen[order]]
    d_open = inst.dept[open_order]
    first = open_order[position_in_group(d_open) < need[d_open]]
    chosen[first] = True
    short = need - np.bincount(inst.dept[first], minlength=len(need))
    if short.any():
        # departments whose best are not all in the prefix: sort their members only
        members = _in_order(inst, values, by_id, np.flatnonzero(~chosen & (short[inst.dept] > 0)))
        d_mem = inst.dept[members]
        chosen[members[position_in_group(d_mem) < short[d_mem]]] = True
    count = np.bincount(inst.dept[chosen], minlength=len(inst.req))
    left = inst.k - int(chosen.sum())
    if left > 0:
        rest = order[~chosen[order]]
        d_rest = inst.dept[rest]
        ok = count[d_rest] + position_in_group(d_rest) < inst.cap[d_rest]
        take = rest[ok][:left]
        if len(take) < left and len(order) < inst.nc:
            return False
        chosen[take] = True
    return True
