"""Coverage matrices: which colleagues (or cascade items) each candidate covers, and the
instance the searches and bounds work on (candidate positions 0..nc-1, items 0..ni-1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ambassadors.graph import CollaborationGraph

#: Two-hop neighbourhoods are materialised as a sparse matrix up to this many non-zeros
#: (estimated); above it they are computed lazily, candidate by candidate.
TWO_HOP_MAX_NNZ = 40_000_000


def gather_rows(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def as_float(matrix: sp.csr_array) -> sp.csr_array:
    """``matrix`` with float64 values (the same index arrays): products with float vectors then
    skip the conversion scipy makes of a boolean matrix at every call (same results)."""
    if matrix.dtype == np.float64:
        return matrix
    return sp.csr_array((matrix.data.astype(np.float64), matrix.indices, matrix.indptr), shape=matrix.shape)


def best_in_groups(group: np.ndarray, value: np.ndarray, rank: np.ndarray, n_groups: int) -> np.ndarray:
    """Position of the entry with the largest ``value`` in each group present (ties: the smallest
    ``rank``; ``(group, rank)`` pairs are unique), in group order: the first entry per group of
    ``np.lexsort((rank, -value, group))``, found by two ``ufunc.at`` reductions instead of a sort."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.full(n_groups, -np.inf)
    np.maximum.at(top, group, value)
    cand = np.flatnonzero(value == top[group])
    low = np.full(n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(low, group[cand], rank[cand])
    win = cand[rank[cand] == low[group[cand]]]
    return win[np.argsort(group[win], kind="stable")]


def position_in_group(labels: np.ndarray) -> np.ndarray:
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


class Coverage:
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
        base, base_rows = self.lazy_parts
        first = base.indices[base.indptr[base_rows[c]]:base.indptr[base_rows[c] + 1]]
        second, _ = gather_rows(base.indptr, base.indices, first)
        return np.unique(second)

    def rows(self, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.matrix is not None:
            return gather_rows(self.matrix.indptr, self.matrix.indices, cs)
        parts = [self.row(int(c)) for c in cs]
        owner = np.repeat(np.arange(len(cs)), [len(p) for p in parts])
        return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)), owner

    @property
    def csr(self) -> sp.csr_array:
        """The materialised candidates x items matrix (not available when computed lazily)."""
        if self.matrix is None:
            raise ValueError("the coverage is computed lazily: no matrix")
        return self.matrix

    @property
    def lazy_parts(self) -> tuple[sp.csr_array, np.ndarray]:
        """``(closed neighbourhoods, candidate rows in it)`` of lazily computed two-hop coverage."""
        if self._base is None or self._base_rows is None:
            raise ValueError("the coverage is materialised: no lazy parts")
        return self._base, self._base_rows

    @property
    def csc(self) -> sp.csc_array:
        if self._csc is None:
            self._csc = sp.csc_array(self.csr)
            self._csc.sort_indices()
        return self._csc

    def gains(self, uncovered_weight: np.ndarray) -> np.ndarray:
        """Marginal gain of every candidate: weight of the uncovered items in its row."""
        return np.asarray(self.csr @ uncovered_weight, dtype=np.float64).ravel()


def person_coverage(graph: CollaborationGraph, cand: np.ndarray, hops: int) -> Coverage:
    """Coverage of people within ``hops`` ties, for the candidates ``cand`` (node codes)."""
    A1 = graph.closed_neighbors
    n = graph.n_people
    if hops == 1:
        return Coverage(sp.csr_array(A1[cand]), n)
    deg = np.diff(A1.indptr).astype(np.float64)
    rows = sp.csr_array(A1[cand])
    estimate = float((rows @ deg).sum())
    if estimate <= TWO_HOP_MAX_NNZ:
        two = sp.csr_array(rows.astype(np.float32) @ A1.astype(np.float32))
        two = sp.csr_array((np.ones(two.nnz, dtype=bool), two.indices, two.indptr), shape=two.shape)
        two.sort_indices()
        return Coverage(two, n)
    return Coverage(None, n, lazy_base=A1, lazy_rows=np.asarray(cand))


# ---------------------------------------------------------------------------------------
# the combinatorial core (works on candidate positions 0..nc-1 and items 0..ni-1)
# ---------------------------------------------------------------------------------------
@dataclass
class Instance:
    cover: Coverage
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


def covered_value(inst: Instance, chosen: np.ndarray) -> float:
    items, _ = inst.cover.rows(np.asarray(chosen, dtype=np.int64))
    if items.size == 0:
        return 0.0
    mask = np.zeros(inst.cover.n_items, dtype=bool)
    mask[items] = True
    return float(inst.w[mask].sum())


def plan_key(inst: Instance, chosen: np.ndarray) -> tuple[float, float]:
    """Lexicographic quality of a selection: (objective, sum of secondary scores)."""
    return covered_value(inst, chosen), float(inst.s[np.asarray(chosen, dtype=np.int64)].sum())

