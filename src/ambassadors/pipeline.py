"""The whole job in one call: read -> graph -> scores -> ranking -> plan.

:func:`analyze` strings the stages together the way the CLI does, and returns an
:class:`Analysis` holding every intermediate result, so a notebook can pick up at any stage and
a script can write the shortlist. Nothing here makes a decision of its own: each step is the
public function of its stage with the options passed through.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport
from ambassadors.metrics import MEASURES

__all__ = ["Analysis", "analyze", "SHORTLIST_COLUMNS", "MEASURE_COLUMNS"]

#: The raw influence measures, in the order of :func:`ambassadors.influence_scores`
#: (:data:`ambassadors.metrics.MEASURES`, as a list).
MEASURE_COLUMNS = list(MEASURES)

#: Columns of the shortlist, in order (those that exist are written): who, why, then every
#: influence measure, the enthusiasm facts, and the plain-language reason last.
SHORTLIST_COLUMNS = [
    "name", "email", "department", "role", "rank", "department_rank", "score", "influence",
    "enthusiasm", "marginal_reach", *MEASURE_COLUMNS, "survey_answer", "activity_total", "reason",
]

Source = "str | PathLike[str] | pd.DataFrame | Loaded"


@dataclass
class Analysis:
    """Everything one run produced, stage by stage.

    Attributes
    ----------
    people, interactions, signals : DataFrame
        The canonical tables that were analysed (pseudonymised when a key was given);
        ``interactions`` is None after ``analyze(..., keep_interactions=False)``.
    load_reports : list of LoadReport
        One per input read, in the order given.
    graph : CollaborationGraph
    scores : DataFrame
        :func:`ambassadors.influence_scores`.
    enthusiasm : DataFrame
        :func:`ambassadors.enthusiasm_scores`.
    ranking : DataFrame
        :func:`ambassadors.rank_candidates`.
    plan : Plan or None
        :func:`ambassadors.propose_ambassadors` (None with ``select=False``).
    options : dict
        The options of the run, for reports.
    """

    people: pd.DataFrame
    interactions: pd.DataFrame | None
    signals: pd.DataFrame | None
    load_reports: list[LoadReport]
    graph: Any
    scores: pd.DataFrame
    enthusiasm: pd.DataFrame
    ranking: pd.DataFrame
    plan: Any = None
    options: dict[str, Any] = field(default_factory=dict)

    def shortlist(self, *, backups: bool = True) -> pd.DataFrame:
        """The proposed ambassadors (and backups) with their ranking and scores.

        Indexed by ``person_id`` with a ``role`` column (``ambassador`` / ``backup``); columns
        follow :data:`SHORTLIST_COLUMNS`.
        """
        if self.plan is None:
            raise InputError("no plan: run analyze(..., select=True) to get a shortlist")
        members = self.plan.members.copy()
        members["role"] = "ambassador"
        parts = [members]
        if backups and getattr(self.plan, "backups", None) is not None and len(self.plan.backups):
            b = self.plan.backups.copy()
            if "person_id" in b.columns:
                b = b.set_index("person_id")
            b = b[~b.index.isin(members.index)]
            b["role"] = "backup"
            parts.append(b)
        table = pd.concat(parts)
        table = table[~table.index.duplicated()]
        extra = self.ranking.drop(columns=[c for c in self.ranking.columns if c in table.columns])
        table = table.join(extra, how="left")
        sc = self.scores.drop(columns=[c for c in self.scores.columns if c in table.columns])
        table = table.join(sc, how="left")
        en = self.enthusiasm.drop(columns=[c for c in self.enthusiasm.columns if c in table.columns])
        table = table.join(en, how="left")
        ppl = self.people.drop(columns=[c for c in self.people.columns if c in table.columns])
        table = table.join(ppl[[c for c in ("name", "email") if c in ppl.columns]], how="left")
        cols = [c for c in SHORTLIST_COLUMNS if c in table.columns]
        table = table[cols]
        table.index.name = "person_id"
        return table

    def ranking_table(self) -> pd.DataFrame:
        """Everyone's ranking with every raw influence measure and the enthusiasm facts.

        The ranking's columns first, then :data:`MEASURE_COLUMNS`, ``survey_answer``,
        ``activity_total``; ``ineligible_reason`` and ``reason`` last. Sorted by rank.
        """
        ranking = self.ranking
        last = [c for c in ("ineligible_reason", "reason") if c in ranking.columns]
        measures = [c for c in MEASURE_COLUMNS if c in self.scores.columns and c not in ranking.columns]
        facts = [c for c in ("survey_answer", "activity_total") if c in self.enthusiasm.columns]
        table = ranking.drop(columns=last).join(self.scores[measures]).join(self.enthusiasm[facts])
        table = table.join(ranking[last])
        table.attrs.update(ranking.attrs)
        return table

    def summary(self) -> str:
        lines = [str(r).splitlines()[0] for r in self.load_reports]
        lines.append(self.graph.summary())
        if self.plan is not None:
            lines.append(self.plan.summary())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"


def _read_many(reader: Any, items: Sequence[Any], *, progress: bool | None = None,
               **kwargs: Any) -> list[Loaded]:
    from ambassadors._progress import progress as show_progress

    steps = show_progress(items, desc="reading", enabled=progress if len(items) > 1 else False)
    return [item if isinstance(item, Loaded) else reader(item, **kwargs) for item in steps]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, PathLike, pd.DataFrame, Loaded)):
        return [value]
    return list(value)


def _id_list(value: Any, what: str) -> list[str]:
    """Ids given as a list, or as the path of an id file (:func:`ambassadors.read_id_list`)."""
    if value is None:
        return []
    if isinstance(value, (str, PathLike)):
        from ambassadors.ranking import read_id_list

        return read_id_list(value)
    if isinstance(value, Iterable):
        return [str(i).strip() for i in value]
    raise InputError(f"{what}: expected ids or the path of an id list, got {type(value).__name__}")


def _read_inputs(
    people: Any, interactions: Any, signals: Any, *, progress: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[LoadReport]]:
    """Read (or take) the roster, the interactions and the signals; combine several sources."""
    from ambassadors.io import (
        combine_interactions,
        combine_signals,
        read_interactions,
        read_people,
        read_signals,
    )

    people_loaded = people if isinstance(people, Loaded) else read_people(people)
    roster = people_loaded.table
    inter_items = _as_list(interactions)
    if not inter_items:
        raise InputError("no interactions given: at least one interactions file is needed")
    inter_loaded = _read_many(read_interactions, inter_items, people=roster, progress=progress)
    log = combine_interactions(*inter_loaded).table if len(inter_loaded) > 1 else inter_loaded[0].table
    sig_loaded = _read_many(read_signals, _as_list(signals), people=roster, progress=progress)
    if len(sig_loaded) > 1:
        sig = combine_signals(*sig_loaded).table
    elif sig_loaded:
        sig = sig_loaded[0].table
    else:
        sig = pd.DataFrame(index=pd.Index([], name="person_id", dtype=str))
    reports = [people_loaded.report, *(x.report for x in inter_loaded), *(x.report for x in sig_loaded)]
    return roster, log, sig, reports


def _drop_people(roster: pd.DataFrame, enth: pd.DataFrame, log: pd.DataFrame,
                 gone: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The roster, enthusiasm and interactions without the people ``gone``."""
    keep = ~(log["source"].astype(str).isin(gone) | log["target"].astype(str).isin(gone))
    return roster.drop(index=gone), enth.drop(index=gone), log[keep.to_numpy()]


def analyze(
    people: Any,
    interactions: Any,
    signals: Any = None,
    *,
    size: int | None = None,
    weights: Mapping[str, float] | str | None = None,
    exclude: Iterable[str] | str | PathLike[str] = (),
    exclude_levels: Iterable[Any] = (),
    min_tenure: float | None = None,
    min_enthusiasm: float | None = None,
    include: Iterable[str] | str | PathLike[str] = (),
    min_per_department: int = 1,
    hops: int = 1,
    method: str = "auto",
    objective: str = "reach",
    reach_tolerance: float = 0.0,
    pool: str = "enthusiasts",
    max_contacts: int | None = None,
    missing: str = "neutral",
    drop_opted_out: bool = False,
    key: bytes | str | None = None,
    graph_options: Mapping[str, Any] | None = None,
    select: bool = True,
    samples: int | None = None,
    seed: int = 0,
    progress: bool | None = None,
    keep_interactions: bool = True,
) -> Analysis:
    """Run the whole analysis: read, build the graph, score, rank and propose ambassadors.

    Parameters
    ----------
    people : path or DataFrame or Loaded
        The HR roster.
    interactions : path, DataFrame or Loaded, or a list of them
        Communication metadata; several sources (e-mail plus chat) are combined, each keeping
        its channel.
    signals : path, DataFrame or Loaded, or a list of them, optional
        Enthusiasm signals (survey answers, activity counts, opt-ins/opt-outs).
    size : int, optional
        Number of ambassadors; default :func:`ambassadors.default_size`.
    weights : mapping or preset name, optional
        Ranking weights (see :func:`ambassadors.rank_candidates`).
    exclude : ids, or the path of an id list
        People never proposed: a list of ids, or a file of them (one per line, or a CSV with a
        ``person_id`` column; see :func:`ambassadors.read_id_list`). A single string is always a
        path, never one id.
    exclude_levels, min_tenure, min_enthusiasm :
        Eligibility rules passed to :func:`ambassadors.rank_candidates`.
    include : ids, or the path of an id list
        People who must be in the group (given like ``exclude``).
    min_per_department, hops, method, objective, reach_tolerance, pool, max_contacts :
        Passed to :func:`ambassadors.propose_ambassadors` (``reach_tolerance=0.05`` picks the
        most enthusiastic group among those within 5 % of the best reach).
    missing : {"neutral", "exclude", "infer"}, default "neutral"
        How unknown survey answers count (see :func:`ambassadors.enthusiasm_scores`).
    drop_opted_out : bool, default False
        Remove opted-out people from the graph entirely (they are never proposed either way).
    key : bytes or str, optional
        Pseudonymise every table with this key (HMAC-SHA256) right after reading.
    graph_options : mapping, optional
        Keyword options for :func:`ambassadors.build_graph` (window, half_life, ...).
    select : bool, default True
        Also propose the group (False stops after the ranking).
    samples : int, optional
        Source sample size for betweenness and closeness on large graphs (see
        :func:`ambassadors.influence_scores`; default: exact on small graphs).
    seed : int
        Seed for every sampled or randomised step.
    progress : bool, optional
        Progress bars on a terminal (default: only when stderr is a TTY).
    keep_interactions : bool, default True
        Keep the interaction table in :attr:`Analysis.interactions`. With False it is let go
        as soon as the graph is built (``Analysis.interactions`` is None): the scores and the
        selection need only the graph, and the table is the largest object of a run (about
        40 bytes per pair read). The command line passes False unless it monitors afterwards.

    Returns
    -------
    Analysis
    """
    from ambassadors.enthusiasm import enthusiasm_scores
    from ambassadors.graph import build_graph
    from ambassadors.metrics import influence_scores
    from ambassadors.ranking import rank_candidates

    roster, log, sig, reports = _read_inputs(people, interactions, signals, progress=progress)
    if not keep_interactions:
        interactions = None  # read: a Loaded given here must not keep the table alive either
    exclude, include = _id_list(exclude, "exclude"), _id_list(include, "include")
    if key is not None:
        from ambassadors.privacy import pseudonymize, pseudonymize_ids

        roster, log, sig = pseudonymize(roster, log, sig, key=key)
        # ids the user typed are real ids: map them the same way as the tables
        exclude, include = pseudonymize_ids(exclude, key=key), pseudonymize_ids(include, key=key)

    enth = enthusiasm_scores(sig, roster, missing=missing, min_enthusiasm=min_enthusiasm)
    if drop_opted_out and "opted_out" in enth.columns:
        roster, enth, log = _drop_people(roster, enth, log,
                                         enth.index[enth["opted_out"].fillna(False).astype(bool)])

    graph = build_graph(roster, log, **dict(graph_options or {}))
    kept = log if keep_interactions else None
    del log  # without keep_interactions the last reference: free before the scores fork workers
    scores = influence_scores(graph, samples=samples, seed=seed, progress=progress)
    ranking = rank_candidates(
        scores, enth, people=roster, weights=weights, exclude=tuple(exclude),
        exclude_levels=tuple(exclude_levels), min_tenure=min_tenure, min_enthusiasm=min_enthusiasm,
    )
    plan = None
    if select:
        from ambassadors.select import propose_ambassadors

        plan = propose_ambassadors(
            graph, ranking, size=size, include=tuple(include), objective=objective, hops=hops,
            method=method, reach_tolerance=reach_tolerance, seed=seed, min_per_department=min_per_department,
            pool=pool, max_contacts=max_contacts, progress=progress,
        )
    options = {
        "size": size, "weights": weights, "hops": hops, "method": method, "objective": objective,
        "reach_tolerance": reach_tolerance, "missing": missing, "drop_opted_out": drop_opted_out,
        "pseudonymized": key is not None, "samples": samples, "seed": seed,
        "graph_options": dict(graph_options or {}),
    }
    return Analysis(roster, kept, sig, reports, graph, scores, enth, ranking, plan, options)
