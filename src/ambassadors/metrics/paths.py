"""Path family: harmonic closeness and betweenness on the undirected tie graph (hop counts).

Exact on small graphs, estimated from a department-balanced sample of source people on large
ones (see :func:`path_measures`). Both come from one breadth-first search per source, run for a
batch of sources at once as sparse-times-dense products on the CSR arrays (no igraph). The
pieces (batches of sources) are independent :class:`~ambassadors.metrics._parallel.Task` s,
run on every core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import check_graph
from ambassadors.metrics._parallel import Task, run_tasks

__all__ = [
    "EXACT_WORK",
    "REPLICATES",
    "default_samples",
    "path_measures",
    "plan_sources",
    "path_tasks",
    "SourcePlan",
    "combine_paths",
]

#: Betweenness and closeness are exact when ``people x arcs`` (arcs: twice the ties) is at most
#: this (e.g. 1,000 people with 50 contacts each; or 2,000 with 25), sampled above.
EXACT_WORK = 1.0e8
#: Bounds of the default number of sampled sources (see :func:`default_samples`).
_MIN_SAMPLES, _MAX_SAMPLES = 256, 512
#: Target work (source count x directed arcs) of the default sample: 384 sources at 50,000
#: people and 5.4M arcs (about 6 s of CPU; relative error of the top 1 % about 0.18).
_SAMPLE_WORK = 2.1e9
#: Interleaved sub-samples of the sources whose spread gives the recorded error.
REPLICATES = 8
#: Cost of one source of the matrix searches per arc, in the task cost unit (one unit per arc:
#: the igraph betweenness search from one source; the matrix search is about five times cheaper).
_BATCH_COST = 0.2


def default_samples(n_people: int, n_arcs: int) -> int:
    """Default number of sources for betweenness and closeness.

    ``n_people`` (exact) when ``n_people x arcs <= EXACT_WORK`` (1e8), where ``arcs`` is twice
    the number of undirected ties; otherwise ``k = clip(2.1e9 / arcs, 256, 512)`` sources
    (sized for two cores: the pieces run in parallel), rounded to a multiple of
    :data:`REPLICATES`.

    Examples
    --------
    >>> default_samples(500, 20_000), default_samples(50_000, 5_000_000)
    (500, 416)
    """
    if n_people * max(n_arcs, 1) <= EXACT_WORK:
        return int(n_people)
    k = int(_SAMPLE_WORK // max(n_arcs, 1))
    k = max(_MIN_SAMPLES, min(_MAX_SAMPLES, k))
    k = max(REPLICATES, k - k % REPLICATES)
    return int(min(n_people, k))


def path_measures(
    graph: CollaborationGraph,
    *,
    samples: int | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
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
    ``samples`` is given. Otherwise both sums are taken over paths from ``k`` sampled source
    people only (Brandes & Pich 2007; Eppstein & Wang 2004), drawn as one *systematic* sample
    of the roster sorted by department (shuffled within departments, ``seed``): every person
    is a source with the same probability ``k / n``, so the estimates (scaled by ``n / k``) are
    unbiased, and every department sends its share of sources, which removes the
    between-department part of the sampling variance. Betweenness uses the *linearly scaled*
    dependency (Geisberger, Sanders & Schultes 2008): a source credits ``v`` with the share
    ``d(s, v) / d(s, t)`` of each pair ``(s, t)`` through it, and the target's search the rest,
    so the estimate stays unbiased but people next to a sampled source are no longer credited
    with every path leaving it (at 5,000 people the error of the top 1 % falls from 0.21 to 0.14
    for the same sources). ``df.attrs["sampling"]`` records, per
    measure, ``exact``, ``sources``, ``seed``, ``design`` and ``relative_error``: the median
    estimated relative standard error among the top 1% of people, from the spread between
    :data:`REPLICATES` interleaved sub-samples (every ``REPLICATES``-th source).

    Parameters
    ----------
    graph : CollaborationGraph
    samples : int, optional
        Number of sampled sources; default :func:`default_samples` (exact on small graphs).
        ``samples >= n`` computes exactly.
    seed : int, default 0
    n_jobs : int, optional
        Worker processes (default: all cores; 1 runs here). The result does not depend on it.
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
    Exact: ``O(n m)`` (Brandes 2001). Sampled: ``O(k m)``. The searches of up to 64 sources
    run together (:func:`_path_batch`): each level is one product of the adjacency rows of the
    level with an ``n x 64`` block, so both measures come from one pass, in float32 when
    sampled -- about 15 ms per source at 50,000 people and 5.4M arcs, five times less than
    igraph's betweenness plus a second search for the distances. The relative error of a
    sampled betweenness is roughly ``1 / sqrt(k * b)`` for a person through whom a share
    ``b`` of the paths from a random source pass: small for the brokers that matter, large
    for people with near-zero betweenness (whose percentile is then noisy).
    Hop distances are used for both measures (weights ignored); see the module notes.

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
    Mathematical Sociology* 25(2), 163-177. Brandes, U. & Pich, C. (2007). Centrality
    estimation in large networks. *Int. J. Bifurcation and Chaos* 17(7), 2303-2318.
    Eppstein, D. & Wang, J. (2004). Fast approximation of centrality. *JGAA* 8(1), 39-45.
    Geisberger, R., Sanders, P. & Schultes, D. (2008). Better approximation of betweenness
    centrality. *ALENEX 2008*, 90-100.
    Marchiori, M. & Latora, V. (2000). Harmony in the small-world. *Physica A* 285, 539-546.
    """
    graph = check_graph(graph)
    plan = plan_sources(graph, samples=samples, seed=seed)
    tasks = path_tasks(graph, plan)
    parts = run_tasks(graph, tasks, n_jobs=n_jobs, desc="betweenness and closeness", progress=progress)
    return combine_paths(graph, plan, tasks, parts)


@dataclass(frozen=True)
class SourcePlan:
    """Who the searches start from: ``replicates[r]`` are node codes; weight ``n / size``."""

    replicates: list[np.ndarray]
    exact: bool
    seed: int

    @property
    def sources(self) -> int:
        return int(sum(r.size for r in self.replicates))


def plan_sources(graph: CollaborationGraph, *, samples: int | None, seed: int) -> SourcePlan:
    n = graph.n_people
    if samples is None:
        k = default_samples(n, graph.neighbors_csr().nnz)
    else:
        if int(samples) < 1:
            raise InputError(f"samples must be a positive number of sources, got {samples!r}")
        k = min(int(samples), n)
    if k >= n or n <= 2:
        return SourcePlan([np.arange(n)], exact=True, seed=int(seed))
    rng = np.random.default_rng(seed)
    # one systematic sample of the roster sorted by department (shuffled within departments):
    # every person is a source with probability k / n, every department sends its share
    order = np.lexsort((rng.random(n), graph.department_codes))
    step = n / k
    chosen = order[np.floor(rng.uniform(0.0, step) + step * np.arange(k)).astype(np.int64)]
    # dealt round-robin into replicates, each a systematic sample with a k / REPLICATES share
    groups = min(REPLICATES, k)
    replicates = [np.sort(chosen[r::groups]) for r in range(groups)]
    return SourcePlan(replicates, exact=False, seed=int(seed))


def _batch_size(n: int) -> int:
    """Sources per matrix search: 64 columns up to 65,536 people, fewer above (each block is
    ``n x batch`` floats; 16 at 262,144 people and more)."""
    return int(max(16, min(64, 2**22 // max(n, 1))))


def path_tasks(graph: CollaborationGraph, plan: SourcePlan) -> list[Task]:
    """The searches of :func:`path_measures` as independent tasks: one matrix breadth-first
    search per batch of a replicate's sources (see :func:`_path_batch`). The batches depend on
    the plan only, never on the number of workers."""
    arcs = float(max(graph.neighbors_csr().nnz, 1))
    size = _batch_size(graph.n_people)
    label = graph.department_label
    tasks = []
    for r, sources in enumerate(plan.replicates):
        vertices = np.sort(label[sources])
        for part in np.array_split(vertices, max(1, -(-vertices.size // size))):
            tasks.append(Task("betweenness and closeness", _path_batch,
                              {"vertices": part, "replicate": r, "exact": plan.exact},
                              cost=part.size * arcs * _BATCH_COST, views=("department_adjacency",)))
    return tasks


def _path_batch(graph: CollaborationGraph, *, vertices: np.ndarray, replicate: int,
                exact: bool) -> tuple[np.ndarray, np.ndarray]:
    """Sums over the sources (``vertices`` in :attr:`~CollaborationGraph.department_label`
    order) of the linearly scaled dependency and of ``1 / d``, in node order.

    Brandes' two passes for all the batch's sources at once, as products of the adjacency
    with dense ``n x b`` blocks (one column per source), restricted to the rows of the current
    level: a forward pass counts the shortest paths ``sigma`` level by level, a backward pass
    accumulates ``gamma_s(v) = sum_t sigma_st(v) / sigma_st / d(s, t)`` and the scaled
    dependency is ``d(s, v) * gamma_s(v)`` (Geisberger, Sanders & Schultes 2008): summed over
    every source it is the exact betweenness (unordered pairs), and a sample of sources no
    longer over-credits the people next to a sampled source. float32 when sampled (the
    sampling error is many orders larger), float64 when exact.
    """
    adjacency = graph.department_adjacency
    dtype = np.float64 if exact else np.float32
    if exact:
        adjacency = adjacency.astype(np.float64)
    n, b = adjacency.shape[0], vertices.size
    cols = np.arange(b)
    sigma = np.zeros((n, b), dtype=dtype)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma[vertices, cols] = 1.0
    dist[vertices, cols] = 0
    levels = [np.unique(vertices)]
    front = sigma[levels[0]]
    while True:
        reached = adjacency[levels[-1]].T @ front
        reached[dist >= 0] = 0.0
        new = reached > 0
        rows = np.flatnonzero(new.any(axis=1))
        if rows.size == 0:
            break
        dist[new] = len(levels)
        sigma += reached
        front = reached[rows]
        levels.append(rows)
    gamma = np.zeros((n, b), dtype=dtype)
    for level in range(len(levels) - 1, 0, -1):
        rows, parents = levels[level], levels[level - 1]
        here = dist[rows] == level
        share = np.where(here, (dtype(1.0 / level) + gamma[rows]) / np.where(here, sigma[rows], 1.0), 0.0)
        back = adjacency[rows].T @ share.astype(dtype, copy=False)
        gamma[parents] += np.where(dist[parents] == level - 1, sigma[parents] * back[parents], 0.0)
    gamma[vertices, cols] = 0.0
    scaled = (gamma * np.maximum(dist, 0)).sum(axis=1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        inverse = np.where(dist > 0, 1.0 / dist, 0.0).sum(axis=1)
    label = graph.department_label
    return scaled[label], inverse[label]


def combine_paths(
    graph: CollaborationGraph, plan: SourcePlan, tasks: list[Task], parts: list[Any]
) -> pd.DataFrame:
    """Assemble the task results (in task order) into the scaled measures and their errors."""
    n = graph.n_people
    reps = len(plan.replicates)
    bw = np.zeros((reps, n))
    close = np.zeros((reps, n))
    for task, (between, inverse) in zip(tasks, parts, strict=True):
        r = task.kwargs["replicate"]
        bw[r] += between
        close[r] += inverse
    # each replicate scaled to an estimate of the whole sum over all n sources
    scale = np.array([n / max(r.size, 1) for r in plan.replicates])[:, None]
    bw_est, close_est = bw * scale, close * scale
    norm_bw = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    betweenness = bw_est.mean(axis=0) * norm_bw
    closeness = close_est.mean(axis=0) / (n - 1) if n > 1 else np.zeros(n)
    frame = pd.DataFrame({"closeness": closeness, "betweenness": betweenness}, index=graph.ids)
    frame.attrs["sampling"] = {
        "closeness": _sampling_record(plan, close_est, n),
        "betweenness": _sampling_record(plan, bw_est, n),
    }
    return frame


def _sampling_record(plan: SourcePlan, estimates: np.ndarray, n: int) -> dict[str, Any]:
    """``exact, sources, seed, design, relative_error`` of one measure; the error is the
    median, over the top 1% of people, of the standard error of the mean of the independent
    replicate estimates divided by that mean."""
    record: dict[str, Any] = {"exact": plan.exact, "sources": plan.sources, "seed": plan.seed}
    if plan.exact:
        return {**record, "design": "all sources", "relative_error": 0.0}
    reps = estimates.shape[0]
    mean = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / math.sqrt(reps) if reps > 1 else np.full(n, np.nan)
    top = np.argsort(-mean, kind="stable")[: max(1, n // 100)]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(mean[top] > 0, se[top] / mean[top], np.nan)
    rel = float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else float("nan")
    design = f"systematic by department, {reps} interleaved replicates"
    return {**record, "design": design, "relative_error": None if math.isnan(rel) else round(rel, 4)}
