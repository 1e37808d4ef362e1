"""Structural-holes family (brokerage): Burt's constraint and effective size on the symmetric tie weights.

Computed for everyone on small graphs and for a pool of the best-connected people on large ones
(the cost is the number of two-step paths from the computed people).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors._progress import progress as _progress
from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import check_graph, row_counts

__all__ = [
    "CANDIDATE_LIMIT",
    "DEFAULT_CANDIDATES",
    "BROKERAGE_WORK",
    "DENSE_BROKERAGE_MAX_PEOPLE",
    "DENSE_BROKERAGE_RATIO",
    "brokerage",
    "default_candidates",
]

#: Brokerage is computed for everyone up to this many people, for a candidate pool above.
CANDIDATE_LIMIT = 5_000
#: Largest default brokerage candidate pool on large graphs ...
DEFAULT_CANDIDATES = 1_000
#: ... which is also cut where its two-step paths (the cost of brokerage) pass this many.
BROKERAGE_WORK = 3.0e7
#: Brokerage uses dense products (BLAS, all cores) instead of sparse ones for up to this many
#: people, when the graph is dense enough that its two-step paths exceed
#: ``people ** 3 / DENSE_BROKERAGE_RATIO`` (then the two-step matrix is mostly filled in and
#: BLAS beats the single-threaded sparse product: about 0.35 s -> 0.2 s at 2,000 people).
DENSE_BROKERAGE_MAX_PEOPLE = 3_000
DENSE_BROKERAGE_RATIO = 600.0


def default_candidates(graph: CollaborationGraph, size: int, work: float = np.inf) -> np.ndarray:
    """Codes of the people with most contacts (then strength, then person_id): at most
    ``size`` of them, and no more than fit in ``work`` two-step paths (at least one)."""
    nb = graph.neighbors_csr()
    deg = row_counts(nb)
    strength = np.asarray(graph.undirected_weights().sum(axis=1)).ravel()
    id_rank = np.argsort(np.argsort(graph.ids.to_numpy().astype(str), kind="stable"), kind="stable")
    order = np.lexsort((id_rank, -strength, -deg))
    chosen = order[: min(size, graph.n_people)]
    chosen = chosen[deg[chosen] > 0]
    walks = np.cumsum((nb.astype(np.float64) @ deg.astype(np.float64))[chosen])
    chosen = chosen[: max(1, int(np.searchsorted(walks, work, side="right")))] if chosen.size else chosen
    return np.sort(chosen)


def brokerage(
    graph: CollaborationGraph,
    *,
    candidates: Iterable[object] | None = None,
    block: int = 256,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Burt's constraint and effective size on the symmetric tie weights.

    With ``s_ij = w_ij + w_ji`` and ``p_ij = s_ij / sum_k s_ik`` (share of ``i``'s time spent
    with ``j``), over ``i``'s contacts ``N(i)``:

    .. math:: \\text{constraint}_i = \\sum_{j \\in N(i)} \\Big(p_{ij} + \\sum_{q} p_{iq}\\,
              p_{qj}\\Big)^2, \\qquad
              \\text{effective size}_i = \\sum_{j \\in N(i)} \\Big(1 - \\sum_{q} p_{iq}\\,
              \\frac{s_{jq}}{\\max_k s_{jk}}\\Big)

    Low constraint / high effective size = a broker whose contacts do not know one another
    (structural holes). People without ties get NaN.

    Parameters
    ----------
    graph : CollaborationGraph
    candidates : iterable of person_id, optional
        Compute only for these people (others NaN). Default: everyone up to
        ``CANDIDATE_LIMIT`` (5,000) people; above, the people with most contacts (ties broken
        by strength, then person_id): at most ``DEFAULT_CANDIDATES`` (1,000), and only as many
        as fit in ``BROKERAGE_WORK`` (3e7) two-step paths, about 500 people (2-4 s) in an
        organisation of 50,000 with 80 contacts each on average. Effective size never exceeds
        the number of contacts, so the best-connected people are where large values can
        occur.
    block : int, default 256
        Rows per sparse product (bounds memory).
    progress : bool, optional
        ``False`` silences the progress line.

    Returns
    -------
    DataFrame
        ``constraint, effective_size`` per ``person_id``; ``attrs["candidates"]`` is the
        number of people computed.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["hub", "a", "b"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["hub", "hub"], "target": ["a", "b"]})
    >>> brokerage(build_graph(people, log))  # doctest: +NORMALIZE_WHITESPACE
               constraint  effective_size
    person_id
    hub               0.5             2.0
    a                 1.0             1.0
    b                 1.0             1.0

    Notes
    -----
    Sparse algebra in blocks of rows: ``(P_B + P_B P) * N_B`` and ``(P_B S D^{-1}) * N_B``
    (``*`` elementwise, ``N`` the tie pattern, ``D`` the row maxima). Cost is the number of
    two-step paths from the computed people, ``sum_{i in B} sum_{q in N(i)} deg(q)``: this is
    why large graphs use a candidate pool. Small dense organisations (at most
    ``DENSE_BROKERAGE_MAX_PEOPLE`` people, two-step paths above
    ``n ** 3 / DENSE_BROKERAGE_RATIO``) use two dense ``X X^T`` products instead (BLAS on every
    core); both paths give the same values. Equals ``networkx.constraint`` and
    ``networkx.effective_size`` with ``weight="weight"``.

    References
    ----------
    Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard
    University Press. Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy
    measures. *Connections* 20(1), 35-38.
    """
    graph = check_graph(graph)
    n = graph.n_people
    constraint = np.full(n, np.nan)
    eff = np.full(n, np.nan)
    if candidates is None:
        if n <= CANDIDATE_LIMIT:
            rows = np.arange(n)
        else:
            rows = default_candidates(graph, DEFAULT_CANDIDATES, BROKERAGE_WORK)
    else:
        if isinstance(candidates, (str, bytes)):
            candidates = [candidates]
        rows = np.unique(graph.codes(list(candidates)))
    S = graph.undirected_weights()
    if S.diagonal().any() or (S.data == 0).any():  # build_graph never leaves these; be safe
        S = S.tocsr(copy=True)
        S.setdiag(0)
        S.eliminate_zeros()
    S.sort_indices()
    indptr, indices, data = S.indptr, S.indices, S.data.astype(np.float64)
    counts = row_counts(S)
    row_of = np.repeat(np.arange(n), counts)
    total = np.bincount(row_of, weights=data, minlength=n)
    rowmax = np.zeros(n)
    nonempty = counts > 0
    if data.size:
        rowmax[nonempty] = np.maximum.reduceat(data, indptr[:-1][nonempty])
    has_ties = total > 0
    rows = rows[has_ties[rows]]
    inv_total = np.where(has_ties, 1.0 / np.where(has_ties, total, 1.0), 0.0)
    inv_max = np.where(rowmax > 0, 1.0 / np.where(rowmax > 0, rowmax, 1.0), 0.0)
    # two-step paths from the computed rows: the work of the sparse products
    paths = float(np.bincount(row_of, weights=counts[indices].astype(np.float64), minlength=n)[rows].sum())
    if n <= DENSE_BROKERAGE_MAX_PEOPLE and paths * DENSE_BROKERAGE_RATIO >= float(n) ** 3:
        constraint[rows], eff[rows] = _brokerage_dense(
            S, row_of, indices, data, counts, inv_total, inv_max, rows)
    else:
        constraint[rows], eff[rows] = _brokerage_sparse(
            S, row_of, indptr, indices, data, inv_total, inv_max, rows, block=block, progress=progress)
    frame = pd.DataFrame({"constraint": constraint, "effective_size": eff}, index=graph.ids)
    frame.attrs["candidates"] = int(rows.size)
    return frame


def _brokerage_dense(S, row_of, indices, data, counts, inv_total, inv_max, rows):
    """Constraint and effective size of ``rows`` with dense products (small, dense graphs).

    With ``s`` symmetric, ``sum_q p_iq p_qj = (S T^-1 S)_ij / T_i`` and
    ``sum_q p_iq s_qj / max_j = (S S)_ij / (T_i max_j)``: both products have the form
    ``X X^T``, which numpy hands to BLAS ``syrk`` (half a matrix product, on every core).
    """
    n = S.shape[0]
    dense = S.toarray().astype(np.float64, copy=False)
    scaled = dense * np.sqrt(inv_total)[None, :]
    on_ties = (row_of, indices)
    product = scaled @ scaled.T
    two_step = product[on_ties] * inv_total[row_of]
    del scaled
    np.matmul(dense, dense.T, out=product)  # reuse the buffer: n x n doubles each
    shared = product[on_ties] * inv_total[row_of] * inv_max[indices]
    p = data * inv_total[row_of]
    constraint = np.bincount(row_of, weights=(p + two_step) ** 2, minlength=n)
    eff = counts - np.bincount(row_of, weights=shared, minlength=n)
    return constraint[rows], eff[rows]


def _brokerage_sparse(S, row_of, indptr, indices, data, inv_total, inv_max, rows, *, block, progress):
    """Constraint and effective size of ``rows`` with sparse products, ``block`` rows at a time."""
    n = S.shape[0]
    constraint = np.full(n, np.nan)
    eff = np.full(n, np.nan)
    # scale the CSR data directly (no diagonal-matrix products over the whole graph)
    P = sp.csr_array((data * inv_total[row_of], indices, indptr), shape=S.shape)
    # q_qj = s_qj / max_k s_jk (S symmetric, so s_jq = s_qj)
    Q = sp.csr_array((data * inv_max[indices], indices, indptr), shape=S.shape)
    pattern = sp.csr_array((np.ones_like(data), indices, indptr), shape=S.shape)
    chunks = [rows[i : i + block] for i in range(0, rows.size, block)]
    for chunk in _progress(chunks, desc="brokerage", enabled=progress):
        Pb = P[chunk]
        Nb = pattern[chunk]
        direct_indirect = Pb + (Pb @ P).multiply(Nb)
        constraint[chunk] = np.asarray(direct_indirect.multiply(direct_indirect).sum(axis=1)).ravel()
        redundancy = (Pb @ Q).multiply(Nb)
        eff[chunk] = row_counts(sp.csr_array(Nb)) - np.asarray(redundancy.sum(axis=1)).ravel()
    return constraint[rows], eff[rows]


