"""Simulate how far a message spreads from a group of ambassadors, and compare groups.

This stage takes a :class:`~ambassadors.graph.CollaborationGraph` and one or more groups of
ambassadors (a :class:`~ambassadors.select.Plan` or a list of ``person_id``) and estimates, by
Monte-Carlo simulation of a cascade model, how many people a message started by the group
would reach. :func:`compare_plans` puts several groups side by side (size, departments covered,
reach at 1 and 2 ties, expected spread, mean score) for the report; :func:`top_k` builds the
naive baselines (e.g. the top-k by PageRank) to compare against.

Models (Kempe, Kleinberg & Tardos 2003), on ties in either direction:

* ``"independent_cascade"``: a newly reached person passes the message to each colleague once,
  with probability ``p`` (or ``1 - (1 - p) ** (w / mean w)`` with ``weighted=True``, so a tie
  of twice the average weight is like two independent chances). Simulated with the equivalent
  *live-tie* model: each tie is kept with its probability, and a run reaches every connected
  component (of the kept ties) that holds an ambassador.
* ``"linear_threshold"``: each person listens to one colleague, chosen at random (in proportion
  to tie weight with ``weighted=True``), and is reached when the chain of colleagues they listen
  to leads to an ambassador (the live-edge form of the linear threshold model); ``p`` is unused.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.cascade import (
    check_cascade,
    linear_threshold_runs,
    live_tie_batches,
    reach_counts,
)
from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import Loaded, as_frame
from ambassadors.select import Plan, Reach

__all__ = ["SpreadResult", "compare_plans", "simulate_spread", "top_k"]

_MODELS = ("independent_cascade", "linear_threshold")


@dataclass(frozen=True)
class SpreadResult:
    """Expected spread of a message from a group, by Monte-Carlo simulation.

    Attributes
    ----------
    mean : float
        Mean number of people reached (the group included).
    ci_low, ci_high : float
        95 % confidence interval of the mean (normal approximation, ``mean +- 1.96 sd / sqrt(runs)``).
    std : float
        Standard deviation of the number reached across runs.
    runs : int
    p : float
    model : str
    n_seeds : int
    n_people : int
    reached : ndarray
        Number reached in each run.
    """

    mean: float
    ci_low: float
    ci_high: float
    std: float
    runs: int
    p: float
    model: str
    n_seeds: int
    n_people: int
    reached: np.ndarray = field(repr=False)

    @property
    def share(self) -> float:
        """Mean share of the organisation reached."""
        return self.mean / self.n_people if self.n_people else 0.0

    def to_frame(self) -> pd.DataFrame:
        """One row: ``model, p, runs, seeds, mean, ci_low, ci_high, std, share``."""
        return pd.DataFrame([{
            "model": self.model, "p": self.p, "runs": self.runs, "seeds": self.n_seeds, "mean": self.mean,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "std": self.std, "share": self.share,
        }])

    def __str__(self) -> str:
        return (f"{self.model} (p={self.p:g}, {self.runs} runs): {self.mean:,.1f} people reached "
                f"(95% CI {self.ci_low:,.1f}-{self.ci_high:,.1f}, {self.share:.1%}) from {self.n_seeds} seeds")

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>" + self.to_frame().to_html(index=False)


# ---------------------------------------------------------------------------------------
def _seed_codes(graph: CollaborationGraph, seeds: Any) -> np.ndarray:
    if isinstance(seeds, Plan):
        ids = seeds.ids
    elif isinstance(seeds, str):
        ids = [seeds]
    elif isinstance(seeds, pd.DataFrame):
        ids = list(seeds.index)
    else:
        ids = list(seeds)
    return np.unique(graph.codes(ids)) if ids else np.zeros(0, dtype=np.int64)


def simulate_spread(
    graph: CollaborationGraph,
    seeds: Any,
    *,
    model: str = "independent_cascade",
    p: float = 0.05,
    runs: int = 200,
    seed: int = 0,
    weighted: bool = False,
) -> SpreadResult:
    """Expected number of people a message from ``seeds`` reaches, by Monte-Carlo simulation.

    .. math:: \\sigma(S) = E[\\,|\\{v : v \\text{ reachable from } S \\text{ over live ties}\\}|\\,]
              \\approx \\frac{1}{R} \\sum_{r=1}^{R} |R_r(S)|

    Independent cascade: every tie is live with probability ``p`` independently (Kempe et al.
    2003, claim 2.3: the same distribution as the step-by-step cascade).

    Parameters
    ----------
    graph : CollaborationGraph
    seeds : Plan or iterable of person_id
        The people who start the message.
    model : {"independent_cascade", "linear_threshold"}
    p : float, default 0.05
        Probability that a tie passes the message on (independent cascade).
    runs : int, default 200
        Monte-Carlo runs.
    seed : int, default 0
        Random seed; the same seed gives the same live ties for every group (common random
        numbers), so groups compared with one seed differ by their members, not by luck.
    weighted : bool, default False
        Use tie weights (see the module docstring).

    Returns
    -------
    SpreadResult

    Notes
    -----
    Each batch of runs draws one random number per tie and run in one numpy call and labels the
    connected components of the live ties of all runs of the batch at once (block-diagonal
    graph, ``scipy.sparse.csgraph.connected_components``): ``O(runs * (ties + people))`` time,
    memory bounded by batching (8 M draws). Linear threshold uses vectorised pointer doubling,
    ``O(runs * people * log people)``.

    References
    ----------
    Kempe, Kleinberg & Tardos (2003), Maximizing the spread of influence through a social
    network, KDD.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]}, index=["a", "b", "c"])
    >>> g = build_graph(people, pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]}))
    >>> simulate_spread(g, ["a"], p=1.0, runs=10).mean
    3.0
    """
    if not isinstance(graph, CollaborationGraph):
        raise InputError(f"graph: expected a CollaborationGraph, got {type(graph).__name__}")
    if model not in _MODELS:
        raise InputError(f"model must be one of {', '.join(_MODELS)}; got {model!r}")
    check_cascade(p, runs)
    codes = _seed_codes(graph, seeds)
    if model == "linear_threshold":
        reached = linear_threshold_runs(graph, codes, runs=runs, seed=seed, weighted=weighted) if len(codes) else np.zeros(runs)
    else:
        per_run = []
        for labels, sizes in live_tie_batches(graph, p=p, runs=runs, seed=seed, weighted=weighted):
            if len(codes) == 0:
                per_run.append(np.zeros(labels.shape[0]))
                continue
            L = np.sort(labels[:, codes], axis=1)
            first = np.ones(L.shape, dtype=bool)
            first[:, 1:] = L[:, 1:] != L[:, :-1]
            offset = labels.min() if labels.size else 0
            per_run.append((sizes[L - offset] * first).sum(axis=1))
        reached = np.concatenate(per_run).astype(np.float64)
    mean = float(reached.mean())
    std = float(reached.std(ddof=1)) if runs > 1 else 0.0
    half = 1.96 * std / math.sqrt(runs)
    return SpreadResult(mean=mean, ci_low=mean - half, ci_high=mean + half, std=std, runs=int(runs), p=float(p),
                        model=model, n_seeds=len(codes), n_people=graph.n_people, reached=reached)


def top_k(scores: pd.DataFrame | pd.Series | Loaded, column: str | None = None, k: int = 10) -> list[str]:
    """The ``k`` people with the highest ``column`` (ties by person_id): a naive baseline.

    Parameters
    ----------
    scores : DataFrame or Series
        Indexed by person_id, e.g. :func:`ambassadors.metrics.influence_scores`.
    column : str
        Column to sort by (ignored for a Series), e.g. ``"pagerank"``.
    k : int

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> top_k(pd.DataFrame({"pagerank": [0.2, 0.5, 0.5]}, index=["c", "b", "a"]), "pagerank", 2)
    ['a', 'b']
    """
    if isinstance(scores, Loaded):
        scores = as_frame(scores)
    if isinstance(scores, pd.DataFrame):
        if column not in scores.columns:
            raise InputError(f"scores: column {column!r} not found; columns are: " + ", ".join(map(str, scores.columns)))
        values = scores[column]
    else:
        values = scores
    if not isinstance(k, (int, np.integer)) or k < 0:
        raise InputError(f"k must be a non-negative whole number, got {k!r}")
    frame = pd.DataFrame({"v": pd.to_numeric(values, errors="coerce").to_numpy(dtype=float),
                          "id": [str(i) for i in values.index]})
    frame = frame.sort_values(["v", "id"], ascending=[False, True], na_position="last", kind="stable")
    return frame["id"].head(int(k)).tolist()


def compare_plans(
    graph: CollaborationGraph,
    plans: Mapping[str, Any],
    *,
    ranking: pd.DataFrame | Loaded | None = None,
    model: str = "independent_cascade",
    p: float = 0.05,
    runs: int = 200,
    seed: int = 0,
    weighted: bool = False,
) -> pd.DataFrame:
    """Put groups of ambassadors side by side.

    Parameters
    ----------
    graph : CollaborationGraph
    plans : mapping of name -> Plan or iterable of person_id
        E.g. ``{"proposed": plan, "top-k PageRank": top_k(scores, "pagerank", plan.size)}``.
    ranking : DataFrame, optional
        For ``mean_score``; without it a Plan's own member scores are used (NaN for plain lists).
    model, p, runs, seed, weighted :
        As in :func:`simulate_spread`; every group is simulated on the same live ties.

    Returns
    -------
    DataFrame
        Indexed by plan name: ``size, departments_covered, departments, reach_1,
        reach_1_share, reach_2, reach_2_share, spread, spread_low, spread_high, mean_score``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]}, index=["a", "b", "c"])
    >>> g = build_graph(people, pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]}))
    >>> compare_plans(g, {"one": ["b"], "two": ["a", "c"]}, runs=20)["reach_1"].tolist()
    [3, 3]
    """
    if not isinstance(plans, Mapping) or not plans:
        raise InputError("plans: expected a non-empty mapping of name -> Plan or list of person_id")
    scores = None
    if ranking is not None:
        r = as_frame(ranking)
        scores = pd.Series(pd.to_numeric(r["score"], errors="coerce").to_numpy(), index=[str(i) for i in r.index])
    dcode = graph.department_codes
    rows = []
    for name, group in plans.items():  # one row per group compared
        codes = _seed_codes(graph, group)
        n = graph.n_people
        r1, r2 = (Reach(c, c / n if n else 0.0) for c in reach_counts(graph, codes))
        spread = simulate_spread(graph, _codes_to_ids(graph, codes), model=model, p=p, runs=runs, seed=seed,
                                 weighted=weighted)
        if scores is not None:
            mean_score = float(scores.reindex(graph.ids[codes].astype(str)).mean()) if len(codes) else np.nan
        elif isinstance(group, Plan):
            mean_score = float(group.members["score"].mean()) if group.size else np.nan
        else:
            mean_score = np.nan
        rows.append({
            "plan": str(name), "size": len(codes), "departments_covered": len(np.unique(dcode[codes])),
            "departments": len(graph.department_names), "reach_1": r1.count, "reach_1_share": r1.share,
            "reach_2": r2.count, "reach_2_share": r2.share, "spread": spread.mean, "spread_low": spread.ci_low,
            "spread_high": spread.ci_high, "mean_score": mean_score,
        })
    return pd.DataFrame(rows).set_index("plan")


def _codes_to_ids(graph: CollaborationGraph, codes: Iterable[int]) -> list[str]:
    """person_id strings of node codes (helper for the comparison)."""
    return [str(i) for i in graph.ids[np.asarray(list(codes), dtype=np.int64)]]
