"""Influence measures on the collaboration graph.

This stage takes a :class:`~ambassadors.graph.CollaborationGraph` and scores every person on the
classic measures of network position (degree, PageRank, eigenvector, harmonic closeness,
betweenness, k-core, Burt's constraint and effective size, the participation coefficient,
departments and colleagues reached). :func:`influence_scores` combines them in one table,
indexed by ``person_id``, with a ``<measure>_pct`` percentile column per measure; the ranking
stage (:func:`ambassadors.rank_candidates`) reads that table.

Each family is also a plain function (:func:`degrees`, :func:`pagerank`, :func:`eigenvector`,
:func:`path_measures`, :func:`coreness`, :func:`brokerage`, :func:`bridging`, :func:`reach`).

Conventions (see also ``docs/measures.md``)
-------------------------------------------
* A **tie** is an interaction in either direction (``graph.neighbors_csr()``): degree, reach,
  bridging, coreness and the path measures use ties, unweighted.
* **PageRank** runs on the directed weighted graph (the symmetric weights when the graph is
  undirected); dangling people spread their score uniformly.
* **Eigenvector**, **constraint** and **effective size** use the symmetric weights
  ``S = W + W^T`` (``W`` itself for an undirected graph).
* **Betweenness** and **closeness** count hops on the undirected tie graph (distance 1 per tie,
  weights ignored): a tie is a channel whatever its volume, and hop counts keep the measures
  comparable between e-mail-heavy and meeting-heavy departments. On large graphs
  (``people x arcs > EXACT_WORK``) they are estimated from a random sample of source people.
* Brokerage (constraint, effective size) is computed for a candidate pool above
  :data:`CANDIDATE_LIMIT` people (the :data:`DEFAULT_CANDIDATES` people with most contacts);
  others get NaN.

Nothing here loops over people or ties in Python: the measures use scipy.sparse products and
igraph's C routines, so 50,000 people and millions of ties take seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors._progress import progress as _progress
from ambassadors.errors import InputError, describe_ids
from ambassadors.graph import CollaborationGraph

__all__ = [
    "MEASURES",
    "EXACT_WORK",
    "CANDIDATE_LIMIT",
    "DEFAULT_CANDIDATES",
    "BROKERAGE_WORK",
    "influence_scores",
    "degrees",
    "pagerank",
    "eigenvector",
    "path_measures",
    "coreness",
    "brokerage",
    "bridging",
    "reach",
    "percentiles",
    "default_samples",
]

#: All measure columns of :func:`influence_scores`, in order.
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

#: Betweenness and closeness are exact when ``people x arcs`` (arcs: twice the ties) is at most
#: this (e.g. 1,000 people with 50 contacts each, 0.3 s; or 2,000 with 25), sampled above.
EXACT_WORK = 1.0e8
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
#: Bounds of the default number of sampled sources (see :func:`default_samples`).
_MIN_SAMPLES, _MAX_SAMPLES = 64, 128
#: Target work (source count x directed arcs) of the default sample.
_SAMPLE_WORK = 1.0e8

# measure -> family that computes it
_FAMILY = {
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


# ---------------------------------------------------------------------------------------
# helpers
def _check_graph(graph: Any) -> CollaborationGraph:
    if not isinstance(graph, CollaborationGraph):
        raise InputError(
            f"expected a CollaborationGraph (from build_graph), got {type(graph).__name__}"
        )
    return graph


def _series(values: np.ndarray, graph: CollaborationGraph, name: str) -> pd.Series:
    return pd.Series(values, index=graph.ids, name=name)


def _row_counts(matrix: sp.csr_array) -> np.ndarray:
    return np.diff(matrix.indptr).astype(np.int64)


def default_samples(n_people: int, n_arcs: int) -> int:
    """Default number of sources for betweenness and closeness.

    ``n_people`` (exact) when ``n_people x arcs <= EXACT_WORK`` (1e8), where ``arcs`` is twice
    the number of undirected ties; otherwise ``k = clip(1e8 / arcs, 64, 128)``, so the sampled
    pass visits about ``1e8`` arcs (about 2 s at 10,000 people and 400k ties) but never uses
    fewer than 64 nor more than 128 sources (about 4 s at 50,000 people and 2-2.6M ties).

    Examples
    --------
    >>> default_samples(500, 20_000), default_samples(50_000, 5_000_000)
    (500, 64)
    """
    if n_people * max(n_arcs, 1) <= EXACT_WORK:
        return int(n_people)
    k = int(_SAMPLE_WORK // max(n_arcs, 1))
    return int(min(n_people, max(_MIN_SAMPLES, min(_MAX_SAMPLES, k))))


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


# ---------------------------------------------------------------------------------------
# degrees
def degrees(graph: CollaborationGraph) -> pd.DataFrame:
    """Number of contacts and tie strength of each person.

    * ``in_degree_i = |{j : w_ji > 0}|`` (people who reached out to ``i``),
    * ``out_degree_i = |{j : w_ij > 0}|``,
    * ``degree_i = |{j : w_ij > 0 or w_ji > 0}|`` (distinct contacts, either direction),
    * ``strength_i = sum_j (w_ij + w_ji)`` (for an undirected graph ``sum_j w_ij``).

    For an undirected graph ``in_degree = out_degree = degree``.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    DataFrame
        Indexed by ``person_id``: ``in_degree, out_degree, degree`` (int) and ``strength``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p1", "p3"], "target": ["p2", "p3", "p1"],
    ...                     "weight": [1.0, 0.5, 2.0]})
    >>> degrees(build_graph(people, log))  # doctest: +NORMALIZE_WHITESPACE
               in_degree  out_degree  degree  strength
    person_id
    p1                 1           2       2       3.5
    p2                 1           0       1       1.0
    p3                 1           1       1       2.5

    Notes
    -----
    ``O(n + m)`` on the CSR arrays.

    References
    ----------
    Freeman, L. C. (1978). Centrality in social networks: conceptual clarification.
    *Social Networks* 1(3), 215-239. Barrat, A. et al. (2004). The architecture of complex
    weighted networks. *PNAS* 101(11), 3747-3752 (strength).
    """
    graph = _check_graph(graph)
    W = graph.weights
    nz = sp.csr_array((W != 0).astype(np.int8))
    if nz.diagonal().any():  # build_graph never leaves self-ties; a hand-made graph might
        nz.setdiag(0)
        nz.eliminate_zeros()
    out_deg = _row_counts(nz)
    in_deg = np.bincount(nz.indices, minlength=graph.n_people).astype(np.int64)
    deg = _row_counts(graph.neighbors_csr())
    S = graph.undirected_weights()
    strength = np.asarray(S.sum(axis=1)).ravel().astype(np.float64)
    return pd.DataFrame(
        {"in_degree": in_deg, "out_degree": out_deg, "degree": deg, "strength": strength},
        index=graph.ids,
    )


# ---------------------------------------------------------------------------------------
# PageRank
def pagerank(
    graph: CollaborationGraph, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 1000
) -> pd.Series:
    """PageRank on the weighted, directed collaboration graph.

    .. math:: x_j = \\frac{1 - d}{n} + d \\Big( \\sum_i x_i \\frac{w_{ij}}{\\sum_k w_{ik}}
              + \\frac{1}{n} \\sum_{i \\text{ dangling}} x_i \\Big)

    A person who sends nothing (dangling) spreads their score uniformly over everyone, as in
    networkx. On an undirected graph the symmetric weights are used. Scores sum to 1.

    Parameters
    ----------
    graph : CollaborationGraph
    damping : float, default 0.85
        Probability of following a tie rather than jumping to a random person.
    tol : float, default 1e-10
        Stop when the L1 change between iterations is below ``tol``.
    max_iter : int, default 1000

    Returns
    -------
    Series
        ``pagerank`` per ``person_id``, summing to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p2", "p3"], "target": ["p2", "p3", "p2"]})
    >>> pr = pagerank(build_graph(people, log))
    >>> pr.idxmax(), round(float(pr.sum()), 6)
    ('p2', 1.0)

    Notes
    -----
    Vectorised power iteration with scipy.sparse: ``O(m)`` per iteration, about
    ``log(tol) / log(damping)`` iterations (~140 at the defaults); memory ``O(n + m)``.
    Agrees with ``networkx.pagerank(G, alpha=damping, weight="weight")``.

    References
    ----------
    Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking:
    bringing order to the web. Stanford InfoLab.
    """
    graph = _check_graph(graph)
    if not 0.0 <= damping < 1.0:
        raise InputError(f"damping must be in [0, 1), got {damping!r}")
    n = graph.n_people
    if n == 0:
        return _series(np.zeros(0), graph, "pagerank")
    W = graph.weights if graph.directed else graph.undirected_weights()
    out = np.asarray(W.sum(axis=1)).ravel()
    dangling = out <= 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))
    # transition transposed: x_new = PT @ x
    PT = sp.csr_array((sp.diags_array(inv) @ W).T)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (PT @ x + x[dangling].sum() / n) + (1.0 - damping) / n
        new /= new.sum()
        err = np.abs(new - x).sum()
        x = new
        if err < tol:
            break
    return _series(x, graph, "pagerank")


# ---------------------------------------------------------------------------------------
# eigenvector
def eigenvector(
    graph: CollaborationGraph, *, tol: float = 1e-12, max_iter: int | None = None
) -> pd.Series:
    """Eigenvector centrality on the symmetric tie weights, scaled so the maximum is 1.

    .. math:: \\lambda x_i = \\sum_j s_{ij} x_j, \\qquad s_{ij} = w_{ij} + w_{ji}

    The principal eigenvector of ``S``, found by power iteration on ``S + I`` from a uniform
    start (as networkx does, so components of bipartite shape converge); if it has not
    converged after ``max_iter`` steps ARPACK (``eigsh``) finishes from the current vector.
    In a disconnected organisation the scores concentrate on the component with the largest
    eigenvalue; people in other components get (near) 0. Everyone gets 0 without any tie.

    Parameters
    ----------
    graph : CollaborationGraph
    tol : float, default 1e-12
        Stop when the L1 change of the unit-norm vector is below ``n * tol``.
    max_iter : int, optional
        Power-iteration steps before ARPACK takes over; default ``clip(5e7 / nnz, 50, 1000)``
        (many cheap steps on small graphs, where the result then equals networkx's even when
        the leading eigenvalue is shared by two components; at 2,000 people about as long as
        importing and running ARPACK would take).

    Returns
    -------
    Series
        ``eigenvector`` per ``person_id`` in [0, 1] (maximum 1).

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B", "B"]},
    ...                       index=pd.Index(["hub", "a", "b", "c"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["hub", "hub", "hub"], "target": ["a", "b", "c"]})
    >>> eigenvector(build_graph(people, log)).round(3).tolist()
    [1.0, 0.577, 0.577, 0.577]

    Notes
    -----
    ``O(m)`` per iteration. Equals ``networkx.eigenvector_centrality`` on the undirected graph
    with weights ``S`` divided by its maximum.

    References
    ----------
    Bonacich, P. (1972). Factoring and weighting approaches to status scores and clique
    identification. *Journal of Mathematical Sociology* 2(1), 113-120.
    """
    graph = _check_graph(graph)
    n = graph.n_people
    S = graph.undirected_weights()
    if n == 0 or S.nnz == 0:
        return _series(np.zeros(n), graph, "eigenvector")
    if max_iter is None:
        max_iter = int(min(1000, max(50, 5e7 // max(S.nnz, 1))))
    x = np.full(n, 1.0 / math.sqrt(n))
    converged = False
    for _ in range(max_iter):
        new = x + S @ x
        new /= np.linalg.norm(new)
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            converged = True
            break
    if not converged:
        from scipy.sparse.linalg import eigsh

        try:
            _, vec = eigsh(S.astype(np.float64), k=1, which="LA", v0=x, tol=1e-12, maxiter=10_000)
            vec = vec[:, 0]
            x = vec if vec.sum() >= 0 else -vec
        except Exception:  # pragma: no cover - ARPACK failure: keep the power-iteration vector
            pass
    x = np.abs(x)
    top = x.max()
    x = x / top if top > 0 else x
    return _series(x, graph, "eigenvector")


# ---------------------------------------------------------------------------------------
# path measures
def path_measures(
    graph: CollaborationGraph,
    *,
    samples: int | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Harmonic closeness and betweenness on the undirected tie graph (hop distances).

    .. math:: \\text{closeness}_v = \\frac{1}{n-1} \\sum_{u \\ne v} \\frac{1}{d(u, v)}, \\qquad
              \\text{betweenness}_v = \\frac{2}{(n-1)(n-2)} \\sum_{s < t;\\, s,t \\ne v}
              \\frac{\\sigma_{st}(v)}{\\sigma_{st}}

    ``d`` counts ties on a shortest path (``1 / d = 0`` when unreachable), ``sigma_st`` is the
    number of shortest paths between ``s`` and ``t`` and ``sigma_st(v)`` those through ``v``.
    Both are in [0, 1]: closeness 1 means everyone is a direct contact; betweenness is
    networkx's ``normalized=True``.

    Exact on small graphs (``n x arcs <= EXACT_WORK``, see :func:`default_samples`) unless
    ``samples`` is given. Otherwise
    ``k`` source people are drawn uniformly without replacement (``seed``) and both sums are
    taken over paths from the sample only, scaled by ``n / k`` (Brandes & Pich 2007;
    Eppstein & Wang 2004): unbiased estimates. ``df.attrs["sampling"]`` records, per measure,
    ``exact``, ``sources``, ``seed`` and ``relative_error``: the median estimated relative
    standard error among the top 1% of people (from the spread between four batches of
    sources for betweenness, from the per-source contributions for closeness).

    Parameters
    ----------
    graph : CollaborationGraph
    samples : int, optional
        Number of sampled sources; default :func:`default_samples` (exact on small graphs).
        ``samples >= n`` computes exactly.
    seed : int, default 0
    progress : bool, optional
        ``False`` silences the progress line (shown on a terminal only).

    Returns
    -------
    DataFrame
        ``closeness, betweenness`` per ``person_id``; ``attrs["sampling"]`` as above.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p2"], "target": ["p2", "p3"]})
    >>> path_measures(build_graph(people, log))  # doctest: +NORMALIZE_WHITESPACE
               closeness  betweenness
    person_id
    p1              0.75          0.0
    p2              1.00          1.0
    p3              0.75          0.0

    Notes
    -----
    Exact: ``O(n m)`` (Brandes 2001, igraph's C implementation). Sampled: ``O(k m)``; with the
    default ``k`` about 1e8 arc visits (64 sources, about 4 s, on 50,000 people). The
    relative error of a sampled betweenness is roughly ``1 / sqrt(k * b)`` for a person through
    whom a share ``b`` of the paths from a random source pass: small for the brokers that
    matter, large for people with near-zero betweenness (whose percentile is then noisy).
    Hop distances are used for both measures (weights ignored); see the module notes.

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
    Mathematical Sociology* 25(2), 163-177. Brandes, U. & Pich, C. (2007). Centrality
    estimation in large networks. *Int. J. Bifurcation and Chaos* 17(7), 2303-2318.
    Eppstein, D. & Wang, J. (2004). Fast approximation of centrality. *JGAA* 8(1), 39-45.
    Marchiori, M. & Latora, V. (2000). Harmony in the small-world. *Physica A* 285, 539-546.
    """
    graph = _check_graph(graph)
    n = graph.n_people
    closeness = np.zeros(n)
    betweenness = np.zeros(n)
    sampling: dict[str, Any] = {}
    if n <= 1:
        frame = pd.DataFrame({"closeness": closeness, "betweenness": betweenness}, index=graph.ids)
        frame.attrs["sampling"] = {
            m: {"exact": True, "sources": n, "seed": seed, "relative_error": 0.0}
            for m in ("closeness", "betweenness")
        }
        return frame
    nb = graph.neighbors_csr()
    if samples is None:
        k = default_samples(n, nb.nnz)
    else:
        if int(samples) < 1:
            raise InputError(f"samples must be a positive number of sources, got {samples!r}")
        k = min(int(samples), n)
    exact = k >= n
    if exact:
        sources = np.arange(n)
    else:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))

    g, label = graph.tie_igraph
    batches = np.array_split(sources, 4 if not exact else max(1, min(20, n // 200)))
    batches = [b for b in batches if b.size]
    batch_bw = []
    close_sum = np.zeros(n)
    close_sq = np.zeros(n)
    for batch in _progress(batches, desc="betweenness and closeness", enabled=progress):
        # ordered pairs (s, t) on the symmetric digraph: twice the unordered-pair sum
        vs = label[batch].tolist()
        bw = 0.5 * np.asarray(g.betweenness(directed=True, sources=vs), dtype=np.float64)[label]
        batch_bw.append(bw)
        dist = np.asarray(g.distances(source=vs, mode="out"), dtype=np.float64)[:, label]
        with np.errstate(divide="ignore"):
            inv = 1.0 / dist
        inv[~np.isfinite(inv)] = 0.0  # unreachable, and the source itself (d = 0)
        close_sum += inv.sum(axis=0)
        close_sq += (inv * inv).sum(axis=0)
    bw_total = np.sum(batch_bw, axis=0)
    scale = n / k
    norm_bw = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    betweenness = bw_total * scale * norm_bw
    closeness = close_sum * scale / (n - 1)

    if exact:
        for m in ("closeness", "betweenness"):
            sampling[m] = {"exact": True, "sources": int(n), "seed": int(seed), "relative_error": 0.0}
    else:
        top = max(1, n // 100)
        # betweenness: spread of the per-batch estimates
        sizes = np.array([len(b) for b in batches], dtype=np.float64)
        est = np.array([bw / s for bw, s in zip(batch_bw, sizes)]) * k  # each batch scaled to k
        if len(batches) > 1:
            se = est.std(axis=0, ddof=1) / math.sqrt(len(batches))
        else:  # pragma: no cover - k >= 4 always gives four batches
            se = np.full(n, np.nan)
        order = np.argsort(-bw_total, kind="stable")[:top]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel_bw = np.nanmedian(np.where(bw_total[order] > 0, se[order] / bw_total[order], np.nan))
        mean = close_sum / k
        var = np.maximum(close_sq / k - mean * mean, 0.0)
        se_c = np.sqrt(var / k) * (1 - k / n) ** 0.5  # finite-population correction
        order_c = np.argsort(-close_sum, kind="stable")[:top]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel_c = np.nanmedian(np.where(mean[order_c] > 0, se_c[order_c] / mean[order_c], np.nan))
        sampling["betweenness"] = {
            "exact": False, "sources": int(k), "seed": int(seed),
            "relative_error": None if np.isnan(rel_bw) else round(float(rel_bw), 4),
        }
        sampling["closeness"] = {
            "exact": False, "sources": int(k), "seed": int(seed),
            "relative_error": None if np.isnan(rel_c) else round(float(rel_c), 4),
        }
    frame = pd.DataFrame({"closeness": closeness, "betweenness": betweenness}, index=graph.ids)
    frame.attrs["sampling"] = sampling
    return frame


# ---------------------------------------------------------------------------------------
# coreness
def coreness(graph: CollaborationGraph) -> pd.Series:
    """k-core number of each person on the undirected tie graph.

    The k-core is the largest group in which everyone has at least ``k`` ties inside the
    group; a person's coreness is the largest ``k`` whose core contains them (0 for isolates).

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    Series
        ``coreness`` (int) per ``person_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 4},
    ...                       index=pd.Index(["a", "b", "c", "d"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a", "b", "c", "c"], "target": ["b", "c", "a", "d"]})
    >>> coreness(build_graph(people, log)).tolist()
    [2, 2, 2, 1]

    Notes
    -----
    ``O(n + m)`` (Batagelj & Zaversnik, igraph). Equals ``networkx.core_number``.

    References
    ----------
    Seidman, S. B. (1983). Network structure and minimum degree. *Social Networks* 5(3),
    269-287. Batagelj, V. & Zaversnik, M. (2003). An O(m) algorithm for cores decomposition
    of networks. arXiv:cs/0310049.
    """
    graph = _check_graph(graph)
    if graph.n_people == 0:
        return _series(np.zeros(0, dtype=np.int64), graph, "coreness")
    g, label = graph.tie_igraph
    return _series(np.asarray(g.coreness(mode="out"), dtype=np.int64)[label], graph, "coreness")


# ---------------------------------------------------------------------------------------
# brokerage
def _default_candidates(graph: CollaborationGraph, size: int, work: float = np.inf) -> np.ndarray:
    """Codes of the people with most contacts (then strength, then person_id): at most
    ``size`` of them, and no more than fit in ``work`` two-step paths (at least one)."""
    nb = graph.neighbors_csr()
    deg = _row_counts(nb)
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
    graph = _check_graph(graph)
    n = graph.n_people
    constraint = np.full(n, np.nan)
    eff = np.full(n, np.nan)
    if candidates is None:
        if n <= CANDIDATE_LIMIT:
            rows = np.arange(n)
        else:
            rows = _default_candidates(graph, DEFAULT_CANDIDATES, BROKERAGE_WORK)
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
    counts = _row_counts(S)
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
        eff[chunk] = _row_counts(sp.csr_array(Nb)) - np.asarray(redundancy.sum(axis=1)).ravel()
    return constraint[rows], eff[rows]


# ---------------------------------------------------------------------------------------
# bridging
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
    Ties are ``graph.neighbors_csr()`` (either direction, unweighted). Two sparse products
    with the ``n x d`` membership matrix: ``O(m d)`` at worst, memory ``O(n d)``.

    References
    ----------
    Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900.
    """
    graph = _check_graph(graph)
    n = graph.n_people
    d = len(graph.department_names)
    codes = graph.department_codes
    nb = sp.csr_array(graph.neighbors_csr().astype(np.float64))
    member = sp.csr_array((np.ones(n), (np.arange(n), codes)), shape=(n, d))
    own = np.arange(n), codes
    if n * d <= 50_000_000:  # n x d dense (400 MB at most): sparse x dense is much faster
        K1 = (nb @ member).toarray()  # contacts per department
        K2 = nb @ K1  # two-step walks per department
        k = K1.sum(axis=1)
        sq = (K1 * K1).sum(axis=1)
        reached1 = K1 > 0
        reached2 = reached1 | (K2 > 0)
        reached1[own] = False
        reached2[own] = False
        r1, r2 = reached1.sum(axis=1), reached2.sum(axis=1)
    else:
        K1 = sp.csr_array(nb @ member)
        K2 = sp.csr_array(nb @ K1)
        k = np.asarray(K1.sum(axis=1)).ravel()
        sq = np.asarray(K1.multiply(K1).sum(axis=1)).ravel()
        r1 = _row_counts(K1) - np.asarray(K1.multiply(member).astype(bool).sum(axis=1)).ravel()
        within2 = sp.csr_array((K1 + K2) != 0)
        r2 = _row_counts(within2) - np.asarray(within2.multiply(member).sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        participation = np.where(k > 0, 1.0 - sq / np.where(k > 0, k * k, 1.0), 0.0)
    return pd.DataFrame(
        {
            "participation": np.clip(participation, 0.0, 1.0),
            "departments_reached_1": r1.astype(np.int64),
            "departments_reached_2": r2.astype(np.int64),
        },
        index=graph.ids,
    )


# ---------------------------------------------------------------------------------------
# reach
def reach(
    graph: CollaborationGraph, *, hops: int = 1, progress: bool | None = None
) -> pd.Series:
    """Number of colleagues within ``hops`` ties (either direction), excluding oneself.

    .. math:: \\text{reach}_h(i) = |\\{ j \\ne i : d(i, j) \\le h \\}|

    ``reach(graph, hops=1)`` is the number of distinct contacts (``degree``).

    Parameters
    ----------
    graph : CollaborationGraph
    hops : int, default 1
        Number of steps (1 or more).
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
    graph = _check_graph(graph)
    try:
        hops = int(hops)
    except (TypeError, ValueError):
        raise InputError(f"hops must be a positive integer, got {hops!r}") from None
    if hops < 1:
        raise InputError(f"hops must be a positive integer, got {hops!r}")
    n = graph.n_people
    name = f"reach_{hops}"
    if hops == 1 or n == 0:
        return _series(_row_counts(graph.neighbors_csr()), graph, name)
    g, label = graph.tie_igraph
    out = np.zeros(n, dtype=np.int64)
    node_of = np.empty(n, dtype=np.int64)
    node_of[label] = np.arange(n)
    # searches in vertex order: consecutive sources share their (departmental) neighbourhood
    chunks = np.array_split(np.arange(n), max(1, min(50, n // 1000)))
    for chunk in _progress(chunks, desc=f"reach within {hops} steps", enabled=progress):
        if chunk.size:
            sizes = g.neighborhood_size(vertices=chunk.tolist(), order=hops, mode="out", mindist=1)
            out[node_of[chunk]] = sizes
    return _series(out, graph, name)


# ---------------------------------------------------------------------------------------
def _resolve_measures(measures: Sequence[str] | str | None) -> list[str]:
    if measures is None:
        return list(MEASURES)
    if isinstance(measures, str):
        measures = [measures]
    measures = [str(m) for m in measures]
    unknown = [m for m in measures if m not in _FAMILY]
    if unknown:
        raise InputError(
            f"unknown measure: {describe_ids(unknown)}; valid measures are: " + ", ".join(MEASURES)
        )
    wanted = set(measures)
    return [m for m in MEASURES if m in wanted]


def influence_scores(
    graph: CollaborationGraph,
    *,
    measures: Sequence[str] | str | None = None,
    samples: int | None = None,
    candidates: Iterable[object] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Score everyone on the influence measures, with percentiles.

    Columns, in order: ``department``, then the measures (see :data:`MEASURES`)::

        in_degree, out_degree, degree, strength       degrees()
        pagerank                                      pagerank()
        eigenvector                                   eigenvector()
        closeness, betweenness                        path_measures()
        coreness                                      coreness()
        constraint, effective_size                    brokerage()
        participation, departments_reached_1/_2       bridging()
        reach_1, reach_2                              reach(hops=1), reach(hops=2)

    then ``<measure>_pct``: the percentile of each value among everyone (0-100, higher = more
    influential; for ``constraint`` lower constraint gives a higher percentile; NaN stays NaN,
    e.g. constraint of people without ties or outside the candidate pool).

    Parameters
    ----------
    graph : CollaborationGraph
    measures : sequence of str, optional
        Compute only these measures (columns keep the order above).
    samples : int, optional
        Sampled sources for betweenness and closeness (see :func:`path_measures`): default
        :func:`default_samples` (exact on small graphs, 64-128 sources on large ones).
    candidates : iterable of person_id, optional
        People for whom brokerage is computed (see :func:`brokerage`): default everyone up to
        5,000 people, the best-connected (up to 1,000) above.
    seed : int, default 0
        Seed of the source sample.
    progress : bool, optional
        ``False`` silences progress; otherwise a progress line is shown on a terminal only.

    Returns
    -------
    DataFrame
        Indexed by ``person_id`` in ``graph.ids`` order. ``attrs["sampling"]`` records, for
        the path measures, whether they are exact, the number of sources, the seed and the
        estimated relative error; ``attrs["candidates"]`` the number of people with brokerage.

    Raises
    ------
    InputError
        For an unknown measure name (the message lists the valid ones).

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p2"], "target": ["p2", "p3"]})
    >>> scores = influence_scores(build_graph(people, log), measures=["degree", "betweenness"])
    >>> scores  # doctest: +NORMALIZE_WHITESPACE
              department  degree  betweenness  degree_pct  betweenness_pct
    person_id
    p1                 A       1          0.0         25.0             25.0
    p2                 A       2          1.0        100.0            100.0
    p3                 B       1          0.0         25.0             25.0

    Notes
    -----
    On two cores all measures take about 14 s for 50,000 people with 4.1M interaction pairs
    (2M ties) and 19 s with 5.4M pairs (peak memory 2.4 GB); about 0.7 s for 2,000 people
    (``bench/bench_pipeline.py``). The costly parts are the sampled path measures,
    two-step reach and brokerage, each bounded as documented in its function; ask only for the
    ``measures`` you need to skip the others.

    References
    ----------
    See the individual functions, and ``docs/measures.md``.
    """
    graph = _check_graph(graph)
    wanted = _resolve_measures(measures)
    families: list[str] = []
    for m in wanted:
        if _FAMILY[m] not in families:
            families.append(_FAMILY[m])
    parts: dict[str, pd.Series] = {}
    attrs: dict[str, Any] = {"sampling": {}}
    step_progress = progress if progress is False else None
    for family in _progress(families, desc="influence measures", enabled=progress):
        if family == "degrees":
            frame = degrees(graph)
        elif family == "pagerank":
            frame = pagerank(graph).to_frame()
        elif family == "eigenvector":
            frame = eigenvector(graph).to_frame()
        elif family == "path":
            frame = path_measures(graph, samples=samples, seed=seed, progress=step_progress)
            attrs["sampling"] = {m: v for m, v in frame.attrs["sampling"].items() if m in wanted}
        elif family == "coreness":
            frame = coreness(graph).to_frame()
        elif family == "brokerage":
            frame = brokerage(graph, candidates=candidates, progress=step_progress)
            attrs["candidates"] = frame.attrs["candidates"]
        elif family == "bridging":
            frame = bridging(graph)
        else:  # reach
            cols = {}
            if "reach_1" in wanted:
                cols["reach_1"] = reach(graph, hops=1)
            if "reach_2" in wanted:
                cols["reach_2"] = reach(graph, hops=2, progress=step_progress)
            frame = pd.DataFrame(cols, index=graph.ids)
        for col in frame.columns:
            if col in wanted:
                parts[col] = frame[col]
    out = pd.DataFrame(index=graph.ids)
    out["department"] = graph.people["department"].astype(str).to_numpy()
    for m in wanted:
        out[m] = parts[m].to_numpy()
    for m in wanted:
        out[f"{m}_pct"] = percentiles(out[m].rename(m), higher_is_better=(m != "constraint")).to_numpy()
    out.attrs.update(attrs)
    return out
