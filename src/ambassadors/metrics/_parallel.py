"""Run independent pieces of the measures in forked worker processes that share the graph.

igraph holds the GIL while it searches, so threads would not use a second core. Instead the
graph (with its derived views, e.g. ``tie_igraph``, built *before* the fork) is inherited by
``n_jobs`` forked workers: copy-on-write pages, no pickling of the graph, only the results
(one vector per piece) travel back. Every piece is a :class:`Task` (a module-level function and
its keyword arguments); :func:`run_tasks` returns the results **in task order**, so a caller
that combines them in that order gets bit-for-bit the same numbers as the serial run.

Warnings raised in a worker are re-raised in the parent. Where ``fork`` is not available
(Windows, or a platform whose default start method differs and forbids it) the tasks run in
this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ambassadors._progress import progress as _progress
from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph

__all__ = ["Task", "available_cores", "resolve_jobs", "run_tasks", "prepare_graph"]

log = logging.getLogger("ambassadors.metrics")

#: Cost of building ``graph.tie_igraph``, per arc, in the task cost unit (one betweenness
#: source costs one unit per arc).
IGRAPH_BUILD_COST = 80.0

#: The graph the forked workers read (set in the parent just before the fork).
_SHARED: dict[str, CollaborationGraph] = {}


@dataclass(frozen=True)
class Task:
    """One independent piece of work: ``fn(graph, **kwargs)``.

    ``fn`` must be a module-level function (workers receive it by name). ``cost`` orders the
    queue (largest first, so the two cores finish together); ``name`` labels timings;
    ``uses_igraph`` says whether the task reads ``graph.tie_igraph`` (tasks that do not can
    start before that graph is built); ``views`` names the other cached views of the graph it
    reads (e.g. ``"department_adjacency"``), built once before the first fork when a task
    needs them.
    """

    name: str
    fn: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    cost: float = 1.0
    uses_igraph: bool = False
    views: tuple[str, ...] = ()


def available_cores() -> int:
    """Cores this process may run on (the CPU affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def resolve_jobs(n_jobs: int | None) -> int:
    """Number of worker processes for ``n_jobs``: None or -1 all cores, ``k >= 1`` exactly k."""
    if n_jobs is None or n_jobs == -1:
        return available_cores()
    try:
        jobs = int(n_jobs)
    except (TypeError, ValueError):
        raise InputError(f"n_jobs must be a positive integer, -1 or None, got {n_jobs!r}") from None
    if jobs < 1:
        raise InputError(f"n_jobs must be a positive integer, -1 or None, got {n_jobs!r}")
    return jobs


def prepare_graph(graph: CollaborationGraph) -> None:
    """Build the derived views the tasks read, so workers inherit them instead of each
    building its own copy."""
    graph.neighbors_csr()
    graph.undirected_weights()
    if graph.n_people:
        graph.tie_igraph  # noqa: B018 - a cached property: built here, once


def _run_one(task: Task) -> tuple[Any, float, float, list[tuple[type[Warning], str]]]:
    graph = _SHARED["graph"]
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = task.fn(graph, **task.kwargs)
    seen = [(w.category, str(w.message)) for w in caught]
    return result, time.perf_counter() - start, time.process_time() - cpu, seen


def _run_indexed(item: tuple[int, Task]) -> tuple[int, Any]:
    index, task = item
    return index, _run_one(task)


def _fork_context():
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        return None


def _run_forked(context, graph, tasks, outcomes, *, jobs, desc, progress) -> None:
    """Two phases: one worker takes the tasks that need only the CSR arrays while this process
    builds the igraph tie graph (both cores busy), then ``jobs`` workers forked after it take
    the igraph tasks. Each result lands at its task's index in ``outcomes``."""
    graph.neighbors_csr()
    graph.undirected_weights()
    for view in sorted({view for task in tasks for view in task.views}):
        getattr(graph, view)  # cached properties: built before the first fork, shared by all
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].cost)
    early, late = [], []
    budget = IGRAPH_BUILD_COST * max(graph.neighbors_csr().nnz, 1)
    igraph_needed = any(task.uses_igraph for task in tasks)
    for i in order:
        # the first worker takes CSR-only tasks worth about the time igraph's graph takes to
        # build; the rest join the igraph tasks in the workers forked after it
        if not tasks[i].uses_igraph and (not igraph_needed or budget > 0):
            early.append((i, tasks[i]))
            budget -= tasks[i].cost
        else:
            late.append((i, tasks[i]))
    _SHARED["graph"] = graph
    pools = []
    try:
        streams = []
        if early:
            pools.append(context.Pool(1 if late else jobs))
            streams.append(pools[-1].imap_unordered(_run_indexed, early, chunksize=1))
        if late:
            prepare_graph(graph)  # meanwhile the first worker computes
            pools.append(context.Pool(jobs))
            streams.insert(0, pools[-1].imap_unordered(_run_indexed, late, chunksize=1))
        done = (item for stream in streams for item in stream)
        for i, outcome in _progress(done, total=len(tasks), desc=desc, enabled=progress):
            outcomes[i] = outcome
    finally:
        for pool in pools:
            pool.terminate()
            pool.join()
        _SHARED.clear()


def run_tasks(
    graph: CollaborationGraph,
    tasks: Sequence[Task],
    *,
    n_jobs: int | None = None,
    desc: str = "influence measures",
    progress: bool | None = None,
) -> list[Any]:
    """Run ``tasks`` on ``graph`` and return their results in task order.

    With ``n_jobs`` resolving to one (or a single task, or no ``fork``) everything runs here,
    in order. Otherwise ``min(n_jobs, len(tasks))`` forked workers take the tasks, largest
    ``cost`` first (see :func:`_run_forked`). Each task's wall and CPU seconds go
    to the ``ambassadors.metrics`` logger at DEBUG level.
    """
    jobs = min(resolve_jobs(n_jobs), len(tasks))
    context = _fork_context() if jobs > 1 else None
    results: list[Any] = [None] * len(tasks)
    outcomes: list[Any] = [None] * len(tasks)
    if context is None:
        _SHARED["graph"] = graph
        try:
            for i, task in enumerate(_progress(list(tasks), desc=desc, enabled=progress)):
                outcomes[i] = _run_one(task)
        finally:
            _SHARED.clear()
    else:
        _run_forked(context, graph, tasks, outcomes, jobs=jobs, desc=desc, progress=progress)
    for i, (task, (result, wall, cpu, seen)) in enumerate(zip(tasks, outcomes, strict=True)):
        results[i] = result
        log.debug("%s: %.3f s wall, %.3f s cpu (%s)", task.name, wall, cpu,
                  "serial" if context is None else f"{jobs} workers")
        for category, message in seen:
            warnings.warn(message, category, stacklevel=3)
    return results
