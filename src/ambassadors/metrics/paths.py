"""Path family: harmonic closeness and betweenness on the undirected tie graph (hop counts).

Exact on small graphs, estimated from a department-balanced sample of source people on large
ones (see :func:`path_measures`). The pieces (searches from a chunk of sources) are
independent :class:`~ambassadors.metrics._parallel.Task` s, run on every core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import check_graph, or_over_contacts, popcount
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
_MIN_SAMPLES, _MAX_SAMPLES = 64, 192
#: Target work (source count x directed arcs) of the default sample.
_SAMPLE_WORK = 8.0e8
#: Interleaved sub-samples of the sources whose spread gives the recorded error.
REPLICATES = 8
#: Sources per igraph betweenness call (each call also walks the whole graph once to set up).
_CHUNK = 24


def default_samples(n_people: int, n_arcs: int) -> int:
    """Default number of sources for betweenness and closeness.

    ``n_people`` (exact) when ``n_people x arcs <= EXACT_WORK`` (1e8), where ``arcs`` is twice
    the number of undirected ties; otherwise ``k = clip(8e8 / arcs, 64, 192)`` sources (sized
    for two cores: the pieces run in parallel), rounded to a multiple of :data:`REPLICATES`.

    Examples
    --------
    >>> default_samples(500, 20_000), default_samples(50_000, 5_000_000)
    (500, 160)
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
    between-department part of the sampling variance. ``df.attrs["sampling"]`` records, per
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
    Exact: ``O(n m)`` (Brandes 2001, igraph's C implementation). Sampled: ``O(k m)``.
    Betweenness is one igraph search per source; igraph has no call that also returns the
    distances, so closeness comes from a bit-parallel breadth-first search on the CSR arrays
    (64 sources per pass, one bit each: ``O(m)`` per level for 64 sources) instead of a
    second search per source. The relative error of a sampled betweenness is roughly ``1 / sqrt(k * b)`` for a person through
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


def path_tasks(graph: CollaborationGraph, plan: SourcePlan) -> list[Task]:
    """The searches of :func:`path_measures` as independent tasks: igraph betweenness from
    chunks of each replicate's sources, and bit-parallel closeness from words of 64 of them.
    The chunking depends on the plan only, never on the number of workers."""
    arcs = float(max(graph.neighbors_csr().nnz, 1))
    tasks = []
    for r, sources in enumerate(plan.replicates):
        chunk = _CHUNK if not plan.exact else max(_CHUNK, -(-sources.size // 40))
        for part in np.array_split(sources, max(1, -(-sources.size // chunk))):
            tasks.append(Task("betweenness", _betweenness_chunk, {"sources": part, "replicate": r},
                              cost=part.size * arcs, uses_igraph=True))
        for word in np.array_split(sources, max(1, -(-sources.size // 64))):
            tasks.append(Task("closeness", _closeness_word, {"sources": word, "replicate": r},
                              cost=arcs * 0.1))
    return tasks


def _betweenness_chunk(graph: CollaborationGraph, *, sources: np.ndarray, replicate: int) -> np.ndarray:
    """Sum over ``sources`` of the dependency of every node (node order): ordered pairs on the
    symmetric digraph, halved to unordered pairs."""
    g, label = graph.tie_igraph
    raw = g.betweenness(directed=True, sources=label[sources].tolist())
    return 0.5 * np.asarray(raw, dtype=np.float64)[label]


def _closeness_word(graph: CollaborationGraph, *, sources: np.ndarray, replicate: int) -> np.ndarray:
    """Sum over ``sources`` (at most 64) of ``1 / d(source, v)`` for every node ``v`` (0 when
    unreachable), by one breadth-first search that carries one bit per source."""
    nb = graph.neighbors_csr()
    n = graph.n_people
    frontier = np.zeros((n, 1), dtype=np.uint64)
    np.bitwise_or.at(frontier[:, 0], sources, np.left_shift(np.uint64(1), np.arange(sources.size, dtype=np.uint64)))
    seen = frontier.copy()
    total = np.zeros(n)
    level = 0
    while True:
        level += 1
        frontier = or_over_contacts(nb, frontier)
        frontier &= ~seen
        if not frontier.any():
            break
        seen |= frontier
        total += popcount(frontier) / level
    return total


def combine_paths(graph: CollaborationGraph, plan: SourcePlan, tasks: list[Task], parts: list[Any]) -> pd.DataFrame:
    """Assemble the task results (in task order) into the scaled measures and their errors."""
    n = graph.n_people
    reps = len(plan.replicates)
    bw = np.zeros((reps, n))
    close = np.zeros((reps, n))
    for task, part in zip(tasks, parts):
        r = task.kwargs["replicate"]
        if task.name == "betweenness":
            bw[r] += part
        else:
            close[r] += part
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
