"""Department family: how far ties cross department lines, and how many colleagues they reach.

:func:`bridging` gives the participation coefficient and the number of other departments
within one and two steps; :func:`reach` the number of colleagues within ``hops`` ties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import (
    as_series,
    check_graph,
    or_over_contacts,
    popcount,
    row_blocks,
    row_counts,
)
from ambassadors.metrics._parallel import Task, run_tasks

__all__ = ["bridging", "reach", "reach_tasks", "combine_reach"]

def bridging(graph: CollaborationGraph) -> pd.DataFrame:
    """How far a person's ties cross department lines.

    With ``k_is`` the number of ``i``'s contacts in department ``s`` and ``k_i = sum_s k_is``:

    .. math:: \\text{participation}_i = 1 - \\sum_s \\Big(\\frac{k_{is}}{k_i}\\Big)^2

    (0 when all contacts are in one department, approaching 1 when they are spread evenly over
    many; 0 for people without ties). ``departments_reached_1`` is the number of *other*
    departments with at least one direct contact, ``departments_reached_2`` the number of other
    departments with someone within two steps.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    DataFrame
        ``participation`` (float), ``departments_reached_1``, ``departments_reached_2`` (int)
        per ``person_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B", "C"]},
    ...                       index=pd.Index(["a1", "a2", "b", "c"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a1", "a1", "b"], "target": ["a2", "b", "c"]})
    >>> bridging(build_graph(people, log))  # doctest: +NORMALIZE_WHITESPACE
               participation  departments_reached_1  departments_reached_2
    person_id
    a1                   0.5                      1                      2
    a2                   0.0                      0                      1
    b                    0.5                      2                      2
    c                    0.0                      1                      2

    Notes
    -----
    Ties are ``graph.neighbors_csr()`` (either direction, unweighted). No ``n x d`` matrix is
    formed: the contacts per department come from ``bincount`` over blocks of rows, and the
    departments within two steps from bitsets (one bit per department) OR-ed over each
    person's contacts with ``np.bitwise_or.reduceat``. ``O(m ceil(d / 64) + n d)`` time,
    memory ``O(m ceil(d / 64))`` per block.

    References
    ----------
    Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900.
    """
    graph = check_graph(graph)
    n = graph.n_people
    d = len(graph.department_names)
    nb = graph.neighbors_csr()
    codes = graph.department_codes
    k = row_counts(nb)
    sq = _squared_department_counts(nb, codes, d)
    own = _department_bits(codes, d)
    reached1 = or_over_contacts(nb, own)
    reached2 = reached1 | or_over_contacts(nb, reached1)
    with np.errstate(invalid="ignore", divide="ignore"):
        participation = np.where(k > 0, 1.0 - sq / np.where(k > 0, k * k, 1), 0.0)
    return pd.DataFrame(
        {
            "participation": np.clip(participation, 0.0, 1.0),
            "departments_reached_1": popcount(reached1 & ~own).astype(np.int64),
            "departments_reached_2": popcount(reached2 & ~own).astype(np.int64),
        },
        index=graph.ids,
    )


def _squared_department_counts(nb: sp.csr_array, codes: np.ndarray, d: int) -> np.ndarray:
    """``sum_s k_is^2`` per person (``k_is``: contacts of ``i`` in department ``s``), by
    ``bincount`` of ``(row, department)`` keys over blocks of rows."""
    n = nb.shape[0]
    sq = np.zeros(n, dtype=np.int64)
    indptr, indices = nb.indptr, nb.indices
    for a, b in row_blocks(indptr, d, 1):
        lo, hi = int(indptr[a]), int(indptr[b])
        rows = np.repeat(np.arange(b - a, dtype=np.int64), np.diff(indptr[a : b + 1]))
        counts = np.bincount(rows * d + codes[indices[lo:hi]], minlength=(b - a) * d)
        sq[a:b] = (counts.reshape(b - a, d).astype(np.int64) ** 2).sum(axis=1)
    return sq


def _department_bits(codes: np.ndarray, d: int) -> np.ndarray:
    """One bit per department: ``bits[i]`` (``ceil(d / 64)`` words) has the bit of ``i``'s own."""
    words = max(1, -(-d // 64))
    bits = np.zeros((codes.size, words), dtype=np.uint64)
    bits[np.arange(codes.size), codes // 64] = np.left_shift(np.uint64(1), (codes % 64).astype(np.uint64))
    return bits


def reach(
    graph: CollaborationGraph, *, hops: int = 1, n_jobs: int | None = None,
    progress: bool | None = None,
) -> pd.Series:
    """Number of colleagues within ``hops`` ties (either direction), excluding oneself.

    .. math:: \\text{reach}_h(i) = |\\{ j \\ne i : d(i, j) \\le h \\}|

    ``reach(graph, hops=1)`` is the number of distinct contacts (``degree``).

    Parameters
    ----------
    graph : CollaborationGraph
    hops : int, default 1
        Number of steps (1 or more).
    n_jobs : int, optional
        Worker processes for ``hops >= 2`` (default: all cores; 1 runs here). The result does
        not depend on it.
    progress : bool, optional
        ``False`` silences the progress line.

    Returns
    -------
    Series
        ``reach_<hops>`` (int) per ``person_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 4},
    ...                       index=pd.Index(["a", "b", "c", "d"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"]})
    >>> reach(build_graph(people, log), hops=2).tolist()
    [2, 3, 3, 2]

    Notes
    -----
    ``hops=1`` reads the CSR row lengths, ``O(n)``. ``hops >= 2`` runs igraph's bounded
    breadth-first search from everyone (C speed, memory ``O(n + m)``, never an ``n x n``
    matrix); the cost is the number of walks of length ``<= hops``, for two hops
    ``sum_j deg(j)^2`` (a few seconds on 50,000 people and 3M ties).
    """
    graph = check_graph(graph)
    tasks = reach_tasks(graph, hops=hops)
    if not tasks:
        return as_series(row_counts(graph.neighbors_csr()), graph, f"reach_{hops}")
    parts = run_tasks(graph, tasks, n_jobs=n_jobs, desc=f"reach within {hops} steps", progress=progress)
    return combine_reach(graph, hops, parts)


def _check_hops(hops: object) -> int:
    try:
        value = int(hops)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InputError(f"hops must be a positive integer, got {hops!r}") from None
    if value < 1:
        raise InputError(f"hops must be a positive integer, got {hops!r}")
    return value


def reach_tasks(graph: CollaborationGraph, *, hops: int) -> list[Task]:
    """The bounded searches of ``reach(graph, hops=hops)`` as independent tasks (none when
    ``hops == 1``: that is the degree). Sources are consecutive igraph vertices (departments
    are contiguous there, so a chunk's searches share their neighbourhood in memory)."""
    hops = _check_hops(hops)
    n = graph.n_people
    if hops == 1 or n == 0:
        return []
    # few large calls: each igraph call first walks the whole graph to set up its adjacency
    chunks = np.array_split(np.arange(n), max(1, min(8, n // 1000)))
    arcs = float(max(graph.neighbors_csr().nnz, 1))
    return [Task(f"reach_{hops}", _reach_chunk, {"vertices": c, "hops": hops},
                 cost=arcs * 80.0 * c.size / n, uses_igraph=True) for c in chunks if c.size]


def _reach_chunk(graph: CollaborationGraph, *, vertices: np.ndarray, hops: int) -> np.ndarray:
    g, _ = graph.tie_igraph
    return np.asarray(g.neighborhood_size(vertices=vertices.tolist(), order=hops, mode="out", mindist=1),
                      dtype=np.int64)


def combine_reach(graph: CollaborationGraph, hops: int, parts: list[np.ndarray]) -> pd.Series:
    """Assemble the chunks of :func:`reach_tasks` (igraph vertex order) into node order."""
    _, label = graph.tie_igraph
    by_vertex = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return as_series(by_vertex[label], graph, f"reach_{hops}")
