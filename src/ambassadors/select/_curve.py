"""How many ambassadors do we need? Reach against group size (:func:`coverage_curve`)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import Loaded
from ambassadors.select._coverage import Instance, person_coverage
from ambassadors.select._inputs import (
    check_options,
    default_size,
    id_rank,
    plan_params,
    problem,
    scaled_scores,
)
from ambassadors.select._search import greedy

__all__ = ["CoverageCurve", "coverage_curve"]

#: Shares of the organisation the curve marks (the smallest group reaching each).
MARKS = (0.8, 0.9)


@dataclasses.dataclass(frozen=True)
class CoverageCurve:
    """Reach within one and two ties of the best group of each size.

    Attributes
    ----------
    sizes, reach_1, reach_2 : ndarray
        Group size and the people within one (two) ties of the group, the group included.
    n_people : int
    pool : str
        Whom the groups were drawn from (as ``Plan.pool``).
    min_size : int
        The smallest size that covers every department (the first point of the curve).
    order : list of str
        The person_ids in the order they join: the group of size ``k`` is ``order[:k]``.
    """

    sizes: np.ndarray
    reach_1: np.ndarray
    reach_2: np.ndarray
    n_people: int
    pool: str
    min_size: int
    order: list[str] = dataclasses.field(default_factory=list, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """``size, reach_1, reach_2, share_1, share_2`` (shares of everyone), one row per size."""
        n = max(self.n_people, 1)
        return pd.DataFrame({"size": self.sizes, "reach_1": self.reach_1, "reach_2": self.reach_2,
                             "share_1": self.reach_1 / n, "share_2": self.reach_2 / n})

    def smallest_size(self, share: float, *, hops: int = 1) -> int | None:
        """The smallest group size on the curve reaching ``share`` of everyone (None: none does)."""
        reach = self.reach_1 if hops == 1 else self.reach_2
        hit = np.flatnonzero(reach >= share * self.n_people - 1e-9)
        return int(self.sizes[hit[0]]) if hit.size else None

    @property
    def marks(self) -> pd.DataFrame:
        """The smallest sizes reaching 80 % and 90 %, at one and two steps (index: share)."""
        return pd.DataFrame({"size_1": [self.smallest_size(s, hops=1) for s in MARKS],
                             "size_2": [self.smallest_size(s, hops=2) for s in MARKS]},
                            index=pd.Index(MARKS, name="share"))


def _first_reached(A, pos: np.ndarray) -> np.ndarray:
    """For each person: the smallest ``pos`` among their closed neighbours (``A`` has the diagonal)."""
    vals = pos[A.indices]
    return np.minimum.reduceat(vals, A.indptr[:-1]) if len(vals) else pos.copy()


def _greedy_order(inst: Instance, need: int, max_size: int) -> np.ndarray:
    """Candidate positions in the order greedy adds them: first a group of ``need`` covering the
    department minimums (reserved slots), then one at a time by marginal reach."""
    first: list[int] = []
    start = greedy(dataclasses.replace(inst, k=need), record=first) if need else np.zeros(0, dtype=np.int64)
    rest: list[int] = []
    greedy(dataclasses.replace(inst, k=max_size), start=start, record=rest)
    return np.asarray(first + rest, dtype=np.int64)


def coverage_curve(graph: CollaborationGraph, ranking: pd.DataFrame | Loaded | None = None, *,
                   max_size: int | None = None, min_per_department: int = 1, pool: str = "enthusiasts",
                   eligible: Any = None, exclude: Any = ()) -> CoverageCurve:
    """Reach at one and two steps against group size, for groups drawn as the plan draws them.

    The groups are nested: the greedy group covering every department (``min_per_department``
    each, from the same pool as :func:`propose_ambassadors`: the known enthusiasts when the
    ranking carries signals), then one ambassador at a time, each time the one adding most
    one-step reach (ties: higher score, then person_id). Each point is a feasible plan and at
    least ``1 - 1/e`` of the best one-step reach of its size beyond the department minimums
    (greedy); a plan of one size from :func:`propose_ambassadors` can only reach more.

    Parameters
    ----------
    graph : CollaborationGraph
    ranking : DataFrame or Loaded, optional
        As for :func:`propose_ambassadors`.
    max_size : int, optional
        Largest group on the curve; default the larger of 5 % of everyone and twice
        :func:`default_size`, within the pool.
    min_per_department, pool, eligible, exclude :
        As for :func:`propose_ambassadors`.

    Returns
    -------
    CoverageCurve

    Notes
    -----
    Practitioners' rules of thumb: "3 % of staff reaches 85-90 %" (Innovisor) and "5 % reaches
    up to 70 % directly" (Zbieg et al. 2016); the curve checks them on your own organisation.
    Cost: one greedy run, ``O(ties + max_size * candidates)``, then ``O(ties)`` for both reach
    counts of every size at once (the first position at which each person is reached).

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "A", "B", "B"]},
    ...                       index=["a1", "a2", "a3", "b1", "b2"])
    >>> log = pd.DataFrame({"source": ["a1", "a1", "a2", "b1"], "target": ["a2", "a3", "b1", "b2"]})
    >>> curve = coverage_curve(build_graph(people, log), max_size=3)
    >>> curve.to_frame()[["size", "reach_1", "reach_2"]].values.tolist()
    [[2, 5, 5], [3, 5, 5]]
    >>> curve.smallest_size(0.9)
    2
    """
    check_options(
        graph=graph,
        objective="reach",
        method="greedy",
        hops=1,
        size=max_size,
        min_per_department=min_per_department,
        max_per_department=None,
        reach_tolerance=0.0,
        pool=pool,
    )
    params = plan_params(
        size=None,
        min_per_department=min_per_department,
        max_per_department=None,
        include=(),
        exclude=exclude,
        eligible=eligible,
        objective="reach",
        hops=1,
        weighted=False,
        method="greedy",
        time_limit=0.0,
        strict=False,
        seed=0,
        p=0.0,
        runs=0,
        reach_tolerance=0.0,
        pool=pool,
    )
    prob = problem(graph, ranking, params, eligible=eligible, size=None)
    cand = np.flatnonzero(prob.candidates)
    n, need = graph.n_people, int(prob.req.sum())
    if max_size is None:
        max_size = max(math.ceil(0.05 * n), 2 * default_size(graph))
    max_size = int(max(min(max_size, len(cand)), need))
    inst = Instance(
        cover=person_coverage(graph, cand, 1),
        w=np.ones(n),
        s=scaled_scores(prob.info, cand)[0],
        idr=id_rank(graph.ids)[cand],
        dept=graph.department_codes[cand],
        req=prob.req,
        cap=np.full(len(prob.req), n, dtype=np.int64),
        k=max_size,
        fixed=np.zeros(0, dtype=np.int64),
        integral=True,
    )
    order = cand[_greedy_order(inst, need, max_size)]
    pos = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    pos[order] = np.arange(len(order))
    A = graph.closed_neighbors
    t1 = _first_reached(A, pos)
    t2 = _first_reached(A, t1)
    sizes = np.arange(max(need, 1), len(order) + 1)
    counts = [np.cumsum(np.bincount(t[t < len(order)], minlength=len(order))) for t in (t1, t2)]
    return CoverageCurve(sizes=sizes, reach_1=counts[0][sizes - 1], reach_2=counts[1][sizes - 1], n_people=n,
                         pool=prob.pool.description, min_size=need, order=[str(i) for i in graph.ids[order]])

