"""influence_scores: every measure family in one table, with percentiles.

A short chain: resolve the measure names, turn each wanted family into independent tasks,
run them (in parallel when it pays, :mod:`ambassadors.metrics._parallel`), assemble the
columns and add the percentiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError, describe_ids
from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import FAMILY, MEASURES, check_graph, percentiles
from ambassadors.metrics._parallel import Task, run_tasks
from ambassadors.metrics.cohesion import coreness
from ambassadors.metrics.degree import degrees
from ambassadors.metrics.departments import bridging, combine_reach, reach, reach_tasks
from ambassadors.metrics.paths import combine_paths, path_tasks, plan_sources
from ambassadors.metrics.spectral import eigenvector, pagerank
from ambassadors.metrics.structural_holes import DENSE_BROKERAGE_MAX_PEOPLE, brokerage, brokerage_rows

__all__ = ["influence_scores"]

#: Below this much work (arc visits of the searches) the measures run in this process: forking
#: workers costs more than it saves.
PARALLEL_WORK = 5.0e7


def _resolve_measures(measures: Sequence[str] | str | None) -> list[str]:
    if measures is None:
        return list(MEASURES)
    if isinstance(measures, str):
        measures = [measures]
    measures = [str(m) for m in measures]
    unknown = [m for m in measures if m not in FAMILY]
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
    n_jobs: int | None = None,
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
        :func:`default_samples` (exact on small graphs, 256-512 sources on large ones).
    candidates : iterable of person_id, optional
        People for whom brokerage is computed (see :func:`brokerage`): default everyone up to
        5,000 people, the best-connected (up to 1,000) above.
    seed : int, default 0
        Seed of the source sample.
    n_jobs : int, optional
        Worker processes for the measures (default ``None``: all cores; ``1`` runs everything
        in this process). The families and the pieces of the path and reach searches are
        independent, so they run in forked workers that share the graph's arrays; the result
        is identical for every ``n_jobs``. Small graphs always run here (forking would cost
        more than it saves).
    progress : bool, optional
        ``False`` silences progress; otherwise a progress line is shown on a terminal only.

    Returns
    -------
    DataFrame
        Indexed by ``person_id`` in ``graph.ids`` order. ``attrs["sampling"]`` records, for
        the path measures, whether they are exact, the number of sources, the seed, the
        sampling design and the estimated relative error; ``attrs["candidates"]`` the number
        of people with brokerage; ``attrs["eigenvector"]`` whether the eigenvector converged.

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
    The costly parts are the sampled path measures, two-step reach and brokerage, each bounded
    as documented in its function; ask only for the ``measures`` you need to skip the others.
    ``bench/bench_scale.py`` measures the whole command line from 10,000 to 200,000 people.
    Each piece's wall and CPU seconds go to the ``ambassadors.metrics`` logger (DEBUG).

    References
    ----------
    See the individual functions, and ``docs/measures.md``.
    """
    graph = check_graph(graph)
    wanted = _resolve_measures(measures)
    families = [_family(graph, name, wanted, samples=samples, seed=seed, candidates=candidates)
                for name in dict.fromkeys(FAMILY[m] for m in wanted)]
    tasks = [task for family in families for task in family.tasks]
    jobs = 1 if sum(task.cost for task in tasks) < PARALLEL_WORK else n_jobs
    results = run_tasks(graph, tasks, n_jobs=jobs, progress=progress)
    columns: dict[str, pd.Series] = {}
    attrs: dict[str, Any] = {"sampling": {}}
    start = 0
    for family in families:
        frame = family.combine(results[start : start + len(family.tasks)])
        start += len(family.tasks)
        columns.update({c: frame[c] for c in frame.columns if c in wanted})
        if family.name == "path":
            attrs["sampling"] = {m: v for m, v in frame.attrs["sampling"].items() if m in wanted}
        elif family.name == "brokerage":
            attrs["candidates"] = frame.attrs["candidates"]
        elif family.name == "eigenvector":
            attrs["eigenvector"] = dict(frame["eigenvector"].attrs)
    return _score_table(graph, wanted, columns, attrs)


@dataclass(frozen=True)
class _Family:
    """A measure family as tasks to run and the step that turns their results into columns."""

    name: str
    tasks: list[Task]
    combine: Callable[[list[Any]], pd.DataFrame]


def _family(graph: CollaborationGraph, name: str, wanted: list[str], *, samples, seed, candidates) -> _Family:
    arcs = float(max(graph.neighbors_csr().nnz, 1))
    if name == "path":
        plan = plan_sources(graph, samples=samples, seed=seed)
        tasks = path_tasks(graph, plan)
        return _Family(name, tasks, lambda parts: combine_paths(graph, plan, tasks, parts))
    if name == "brokerage":
        return _brokerage_family(graph, candidates, arcs)
    if name == "reach":
        tasks = reach_tasks(graph, hops=2) if "reach_2" in wanted else []
        return _Family(name, tasks, lambda parts: _reach_frame(graph, wanted, parts))
    # costs per arc in units of one betweenness source (measured at 50,000 people)
    fn, cost = {
        "degrees": (degrees, 0.5),
        "pagerank": (pagerank, 7.5),
        "eigenvector": (eigenvector, 20.0),
        "coreness": (coreness, 2.0),  # igraph
        "bridging": (bridging, 2.0),
    }[name]
    task = Task(name, fn, cost=arcs * cost, uses_igraph=name == "coreness")
    return _Family(name, [task], lambda parts: _as_frame(parts[0]))


def _brokerage_family(graph: CollaborationGraph, candidates, arcs: float) -> _Family:
    """Brokerage in pieces of its rows (one piece where the dense products may apply: they
    work on the whole matrix whatever the rows)."""
    rows = brokerage_rows(graph, _listed(candidates))
    pieces = 1 if graph.n_people <= DENSE_BROKERAGE_MAX_PEOPLE else max(1, min(4, rows.size // 100))
    ids = graph.ids.to_numpy()
    tasks = [Task("brokerage", brokerage, {"candidates": list(ids[part]), "progress": False},
                  cost=arcs * 21.0 * part.size / 500) for part in np.array_split(rows, pieces)]

    def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
        frame = parts[0].copy()
        for part in parts[1:]:
            frame = frame.fillna(part)
        frame.attrs["candidates"] = int(sum(part.attrs["candidates"] for part in parts))
        return frame

    return _Family("brokerage", tasks, combine)


def _listed(candidates: Iterable[object] | None) -> list[object] | None:
    if candidates is None:
        return None
    if isinstance(candidates, (str, bytes)):
        return [candidates]
    return list(candidates)


def _as_frame(result: pd.Series | pd.DataFrame) -> pd.DataFrame:
    if isinstance(result, pd.Series):
        frame = result.to_frame()
        frame[result.name].attrs.update(result.attrs)
        return frame
    return result


def _reach_frame(graph: CollaborationGraph, wanted: list[str], parts: list[Any]) -> pd.DataFrame:
    cols = {}
    if "reach_1" in wanted:
        cols["reach_1"] = reach(graph, hops=1)
    if "reach_2" in wanted:
        cols["reach_2"] = combine_reach(graph, 2, parts)
    return pd.DataFrame(cols, index=graph.ids)


def _score_table(graph: CollaborationGraph, wanted: list[str], columns: dict[str, pd.Series],
                 attrs: dict[str, Any]) -> pd.DataFrame:
    """``department``, the measures in contract order, then their percentiles."""
    out = pd.DataFrame(index=graph.ids)
    out["department"] = graph.people["department"].astype(str).to_numpy()
    for m in wanted:
        out[m] = columns[m].to_numpy()
    for m in wanted:
        out[f"{m}_pct"] = percentiles(out[m].rename(m), higher_is_better=(m != "constraint")).to_numpy()
    out.attrs.update(attrs)
    return out
