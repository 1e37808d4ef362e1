"""What every measure family shares: the measure names, graph checks and small array helpers.

Nothing here computes a measure. The names are public within the package (the families import
them); ``ambassadors.metrics`` re-exports :data:`MEASURES`, :data:`MEASURE_COLUMNS` and
:func:`percentiles`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph

__all__ = [
    "MEASURES",
    "MEASURE_COLUMNS",
    "FAMILY",
    "check_graph",
    "as_series",
    "row_counts",
    "percentiles",
    "BLOCK_ENTRIES",
    "row_blocks",
    "or_over_contacts",
    "popcount",
]

#: All measure columns of :func:`~ambassadors.metrics.influence_scores`, in order.
MEASURES: tuple[str, ...] = (
    "in_degree",
    "out_degree",
    "degree",
    "strength",
    "pagerank",
    "eigenvector",
    "closeness",
    "betweenness",
    "coreness",
    "constraint",
    "effective_size",
    "participation",
    "departments_reached_1",
    "departments_reached_2",
    "reach_1",
    "reach_2",
)

#: The raw influence measure columns as a list (the shortlist and the pipeline use this name).
MEASURE_COLUMNS: list[str] = list(MEASURES)

#: measure -> family (module function) that computes it
FAMILY: dict[str, str] = {
    "in_degree": "degrees",
    "out_degree": "degrees",
    "degree": "degrees",
    "strength": "degrees",
    "pagerank": "pagerank",
    "eigenvector": "eigenvector",
    "closeness": "path",
    "betweenness": "path",
    "coreness": "coreness",
    "constraint": "brokerage",
    "effective_size": "brokerage",
    "participation": "bridging",
    "departments_reached_1": "bridging",
    "departments_reached_2": "bridging",
    "reach_1": "reach",
    "reach_2": "reach",
}


#: Bound on the temporary arrays of the blocked CSR passes (:func:`row_blocks`): entries
#: (arcs x words, or rows x departments) handled per block.
BLOCK_ENTRIES = 1 << 22


def check_graph(graph: Any) -> CollaborationGraph:
    """Return ``graph`` if it is a :class:`CollaborationGraph`, else raise :class:`InputError`."""
    if not isinstance(graph, CollaborationGraph):
        raise InputError(
            f"expected a CollaborationGraph (from build_graph), got {type(graph).__name__}"
        )
    return graph


def as_series(values: np.ndarray, graph: CollaborationGraph, name: str) -> pd.Series:
    """``values`` (one per node, in code order) as a Series indexed by ``person_id``."""
    return pd.Series(values, index=graph.ids, name=name)


def row_counts(matrix: sp.csr_array) -> np.ndarray:
    """Stored entries per row of a CSR matrix (int64)."""
    return np.diff(matrix.indptr).astype(np.int64)


def percentiles(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Percentile of each value among the non-missing ones, 0 (lowest) to 100 (highest).

    ``pct = 100 * (rank - 1) / (count - 1)`` with tied values sharing their average rank; when
    ``higher_is_better`` is False the order is reversed (used for constraint). NaN stays NaN. A
    single non-missing value gets 100.

    Examples
    --------
    >>> import pandas as pd
    >>> percentiles(pd.Series([1.0, 2.0, 2.0, 5.0, None])).tolist()
    [0.0, 50.0, 50.0, 100.0, nan]
    """
    x = pd.to_numeric(values, errors="coerce").astype(float)
    if not higher_is_better:
        x = -x
    # Equal values computed in a different order (e.g. after relabelling people) may differ in
    # the last bits; compare on 10 significant digits so they tie as they should.
    arr = x.to_numpy(dtype=float, copy=True)
    finite = np.isfinite(arr) & (arr != 0)
    exp10 = np.floor(np.log10(np.abs(arr[finite])))
    arr[finite] = np.round(arr[finite] / 10.0**exp10, 9) * 10.0**exp10
    x = pd.Series(arr, index=x.index)
    ranks = x.rank(method="average")
    count = int(x.notna().sum())
    if count <= 1:
        out = ranks.where(ranks.isna(), 100.0)
    else:
        out = 100.0 * (ranks - 1.0) / (count - 1.0)
    return out.rename(f"{values.name}_pct" if values.name is not None else None)


def row_blocks(indptr: np.ndarray, per_row: int, per_arc: int) -> list[tuple[int, int]]:
    """Consecutive row ranges ``[a, b)`` each holding about ``BLOCK_ENTRIES`` entries, where
    a block costs ``per_row`` entries per row plus ``per_arc`` per stored arc."""
    n = indptr.size - 1
    cost = np.arange(n + 1, dtype=np.int64) * per_row + indptr.astype(np.int64) * per_arc
    cuts = np.searchsorted(cost, np.arange(BLOCK_ENTRIES, int(cost[-1]) + BLOCK_ENTRIES,
                                           BLOCK_ENTRIES), side="right")
    edges = np.unique(np.concatenate(([0], np.minimum(cuts, n), [n])))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def or_over_contacts(nb: sp.csr_array, bits: np.ndarray) -> np.ndarray:
    """``out[i] = OR of bits[j]`` over ``i``'s contacts ``j`` (0 without contacts)."""
    n, words = bits.shape
    out = np.zeros_like(bits)
    indptr, indices = nb.indptr, nb.indices
    for a, b in row_blocks(indptr, 0, words):
        lo = int(indptr[a])
        starts = indptr[a:b] - lo
        has = np.diff(indptr[a : b + 1]) > 0
        if not has.any():
            continue
        gathered = bits[indices[lo : int(indptr[b])]]
        # reduceat over the non-empty rows only (an empty row would repeat its neighbour's)
        out[a:b][has] = np.bitwise_or.reduceat(gathered, starts[has], axis=0)
    return out


def popcount(bits: np.ndarray) -> np.ndarray:
    """Number of set bits per row of a 2-D uint64 array."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(bits).sum(axis=1, dtype=np.int64)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)  # pragma: no cover
    return table[bits.view(np.uint8)].reshape(bits.shape[0], -1).sum(axis=1)  # pragma: no cover
