"""Spreading from a group on the tie graph: reach within one and two ties, and live-tie samples
of the cascade models.

Shared by :mod:`ambassadors.select` (the ``"spread"`` objective, reach of a plan) and
:mod:`ambassadors.spread` (simulation and comparison of groups); both import it, it imports
neither.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph

__all__ = ["check_cascade", "linear_threshold_runs", "live_components", "live_tie_batches", "reach_counts",
           "tie_probabilities"]

#: Random draws held in memory at once (ties x runs in one batch).
BATCH_DRAWS = 8_000_000


def reach_counts(graph: CollaborationGraph, members: np.ndarray) -> tuple[int, int]:
    """How many people are in ``members`` (node codes) or within one, and within two, ties of one.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 4}, index=["a", "b", "c", "d"])
    >>> g = build_graph(people, pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"]}))
    >>> reach_counts(g, g.codes(["a"]))
    (2, 3)
    """
    A = graph.closed_neighbors
    seed = np.zeros(graph.n_people, dtype=np.float32)
    seed[np.asarray(members, dtype=np.int64)] = 1.0
    cov1 = np.asarray(A @ seed).ravel() > 0
    cov2 = np.asarray(A @ cov1.astype(np.float32)).ravel() > 0
    return int(cov1.sum()), int(cov2.sum())


def tie_probabilities(
    graph: CollaborationGraph, p: float, weighted: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected ties (u < v) and the probability that each one passes the message on."""
    N = graph.neighbors_csr()
    coo = sp.triu(N, k=1, format="coo")
    u, v = coo.row.astype(np.int64), coo.col.astype(np.int64)
    if not weighted:
        return u, v, np.full(len(u), float(p))
    W = graph.undirected_weights()
    w = np.abs(np.asarray(sp.csr_array(W)[u, v]).ravel()) if len(u) else np.zeros(0)
    mean = float(w.mean()) if len(w) and w.mean() > 0 else 1.0
    return u, v, 1.0 - np.power(1.0 - float(p), w / mean)


def check_cascade(p: float, runs: int) -> None:
    if not 0.0 <= float(p) <= 1.0:
        raise InputError(f"p must be a probability in [0, 1], got {p!r}")
    if not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"runs must be a positive whole number, got {runs!r}")


def live_tie_batches(graph: CollaborationGraph, *, p: float, runs: int, seed: int, weighted: bool):
    """Yield, per batch of runs, the component label of each (run, person) (shape b x n) and the
    component sizes, for live-tie samples of the independent cascade. Labels are global."""
    # imported here: scipy.sparse.csgraph pulls scipy.sparse.linalg and scipy.linalg, which only
    # the spread objective needs (not the start-up of every shortlist)
    from scipy.sparse.csgraph import connected_components

    n = graph.n_people
    u, v, prob = tie_probabilities(graph, p, weighted)
    rng = np.random.default_rng(seed)
    m = len(u)
    batch = max(1, min(runs, BATCH_DRAWS // max(m, 1), max(1, BATCH_DRAWS // max(n, 1))))
    done = 0
    offset = 0
    while done < runs:
        b = min(batch, runs - done)
        live = rng.random((b, m), dtype=np.float64) < prob  # one draw per tie and run
        r, e = np.nonzero(live)
        rows = u[e] + r * n
        cols = v[e] + r * n
        G = sp.csr_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(b * n, b * n))
        n_comp, labels = connected_components(G, directed=False)
        sizes = np.bincount(labels, minlength=n_comp)
        yield labels.reshape(b, n) + offset, sizes
        offset += n_comp
        done += b


def live_components(graph: CollaborationGraph, cand: np.ndarray, *, p: float, runs: int, seed: int,
                     weighted: bool) -> tuple[sp.csr_array, np.ndarray]:
    """The independent cascade as a coverage problem (for :func:`ambassadors.propose_ambassadors`).

    Item = (run, live-tie component), weighing its size; candidate ``c`` covers the component it
    is in, in every run. The sampled expected spread of a group is then the covered weight
    divided by ``runs``: monotone and submodular, so greedy, swaps and bounds apply.
    """
    check_cascade(p, runs)
    parts, sizes = [], []
    for labels, comp_sizes in live_tie_batches(graph, p=p, runs=runs, seed=seed, weighted=weighted):
        parts.append(labels[:, cand].T)  # nc x b
        sizes.append(comp_sizes)
    items = np.hstack(parts) if parts else np.zeros((len(cand), 0), dtype=np.int64)
    all_sizes = np.concatenate(sizes).astype(np.float64)
    nc = len(cand)
    matrix = sp.csr_array(
        (
            np.ones(nc * runs, dtype=bool),
            items.ravel().astype(np.int64),
            np.arange(nc + 1, dtype=np.int64) * runs,
        ),
        shape=(nc, len(all_sizes)),
    )
    matrix.sort_indices()
    return matrix, all_sizes


def linear_threshold_runs(
    graph: CollaborationGraph, codes: np.ndarray, *, runs: int, seed: int, weighted: bool
) -> np.ndarray:
    """Number reached per run under the linear threshold model (live-edge form)."""
    n = graph.n_people
    W = graph.undirected_weights() if weighted else graph.neighbors_csr().astype(np.float64)
    W = sp.csr_array(W)
    W.sort_indices()
    indptr, indices = W.indptr.astype(np.int64), W.indices.astype(np.int64)
    data = np.abs(W.data.astype(np.float64))
    deg = np.diff(indptr)
    cum = np.cumsum(data)
    row_start = np.r_[0.0, cum][indptr[:-1]]
    row_total = np.r_[0.0, cum][indptr[1:]] - row_start
    rng = np.random.default_rng(seed)
    steps = max(1, math.ceil(math.log2(max(n, 2)))) + 1
    batch = max(1, min(runs, BATCH_DRAWS // max(n, 1)))
    is_seed = np.zeros(n, dtype=bool)
    is_seed[codes] = True
    out = []
    done = 0
    while done < runs:
        b = min(batch, runs - done)
        r = rng.random((b, n))
        target = row_start + r * row_total
        pos = np.searchsorted(cum, target, side="right")
        pos = np.clip(pos, indptr[:-1], np.maximum(indptr[1:] - 1, indptr[:-1]))
        has = (deg > 0) & (row_total > 0)
        parent = np.where(
            has, indices[np.minimum(pos, len(indices) - 1)] if len(indices) else 0, np.arange(n)
        )
        ptr = (parent + (np.arange(b) * n)[:, None]).ravel()
        hit = np.tile(is_seed, b)
        for _ in range(steps):  # pointer doubling: log2(n) vectorised steps
            hit = hit | hit[ptr]
            ptr = ptr[ptr]
        out.append(hit.reshape(b, n).sum(axis=1))
        done += b
    return np.concatenate(out).astype(np.float64)
