""":func:`monitor`: the whole trajectory of a programme, period by period, in one call."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors._progress import stages
from ambassadors._validation import check_number, person_frame
from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.monitor._adoption import read_adoption
from ambassadors.monitor._effects import EFFECT_COLUMNS, adoption_hazard, segmented_regression
from ambassadors.monitor._periods import PERIODS, PeriodTies, period_ties
from ambassadors.monitor._status import ambassador_table, plan_ids, propose_replacements
from ambassadors.monitor._trends import department_table, first_adoption, period_table

__all__ = ["Trajectory", "monitor", "GRAPH_OPTIONS"]

#: Influence measures of the replacements' default ranking: local ones, linear in the ties (the
#: selection itself then picks by reach; pass ``ranking=`` to use the plan's own ranking).
RANKING_MEASURES = ("degree", "participation", "departments_reached_1")
#: Their influence mix (``rank_candidates(influence_mix=...)``).
RANKING_MIX = {"degree_pct": 0.5, "participation_pct": 0.5}

#: Options of :func:`ambassadors.build_graph` that apply to every period's graph.
GRAPH_OPTIONS = ("directed", "min_weight", "reciprocal_only", "half_life", "channels", "channel_weights")


@dataclass(eq=False)
class Trajectory:
    """A programme's trajectory: trends, departments, ambassadors and effects.

    Attributes
    ----------
    periods : DataFrame
        One row per period: ``period, phase, active_people, ties, cross_department_share,
        reach_share, active_ambassadors, new_adopters, adopters, adoption_share``.
    departments : DataFrame
        ``department, period, active_people, cross_department_share, reach_share,
        adoption_share`` (masked below the minimum group size).
    ambassadors : DataFrame
        ``person_id, department, status, last_active, reach_before, reach_after,
        replacement, replacement_reason``.
    effects : DataFrame
        ``outcome, estimate, ci_low, ci_high, p_value, method, n, detail``.
    adoption_curves : DataFrame
        Per period: cumulative share adopted among colleagues exposed to an ambassador before
        the launch (``exposed``) and the others (``unexposed``); ``attrs`` hold the group sizes.
    activity : DataFrame
        Interactions each ambassador (rows) sent in each period (columns).
    launch : Timestamp
    period : str
    load_reports : list of LoadReport
    params : dict
    """

    periods: pd.DataFrame
    departments: pd.DataFrame
    ambassadors: pd.DataFrame
    effects: pd.DataFrame
    adoption_curves: pd.DataFrame
    activity: pd.DataFrame
    launch: pd.Timestamp
    period: str
    load_reports: list[LoadReport] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines in plain words."""
        status = self.ambassadors["status"].value_counts()
        lines = [f"{len(self.periods)} {self.period}s, launch {self.launch.date()}; ambassadors: "
                 + ", ".join(f"{int(status.get(s, 0))} {s}" for s in ("active", "lapsed", "left"))]
        lines += [f"{r.outcome}: {r.detail or r.method}" for r in self.effects.itertuples()]
        return "\n".join(lines)

    def to_html(self, *, min_group_size: int | None = None) -> str:
        """The self-contained HTML report (``monitor.html``)."""
        from ambassadors.monitor._report import render_monitor_report

        return render_monitor_report(self, min_group_size=min_group_size)

    def _repr_html_(self) -> str:
        return ("<b>Trajectory</b><pre>" + html.escape(self.summary()) + "</pre>"
                + self.effects.drop(columns=["detail"]).to_html(index=False))

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``periods.csv, departments.csv, ambassadors.csv, effects.csv, monitor.html``."""
        from ambassadors.io.writers import atomic_write_text, write_csv

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("periods", "departments", "ambassadors", "effects"):
            paths.append(write_csv(getattr(self, name), out / f"{name}.csv", index=False))
        paths.append(out / "monitor.html")
        atomic_write_text(paths[-1], self.to_html())
        return paths


def _interactions(interactions: Any, people: pd.DataFrame) -> tuple[pd.DataFrame, list[LoadReport]]:
    from ambassadors.io import combine_interactions, read_interactions

    items = interactions if isinstance(interactions, (list, tuple)) else [interactions]
    loaded = [x if isinstance(x, (Loaded, pd.DataFrame)) else read_interactions(x, people=people)
              for x in items]
    reports = [x.report for x in loaded if isinstance(x, Loaded)]
    return as_frame(combine_interactions(*loaded)), reports


def _span(interactions: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last timestamp of the log."""
    from ambassadors.monitor._periods import utc_ns

    t = utc_ns(interactions)
    t = t[t != np.iinfo(np.int64).min]
    if len(t) == 0:
        raise InputError("interactions: no timestamp")
    return pd.Timestamp(int(t.min()), tz="UTC"), pd.Timestamp(int(t.max()), tz="UTC")


def _check_launch(launch: Any, ties: PeriodTies, interactions: pd.DataFrame) -> pd.Timestamp:
    try:
        when = pd.Timestamp(launch)
    except (TypeError, ValueError):
        raise InputError(f"launch: expected a date (YYYY-MM-DD), got {launch!r}") from None
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    first, last = _span(interactions)
    if not first < when <= last:
        raise InputError(f"launch {when.date()} is outside the data ({first.date()} to {last.date()})")
    return when


def _ties_around_launch(people: pd.DataFrame, interactions: pd.DataFrame, ties: PeriodTies,
                        launch: pd.Timestamp, options: Mapping[str, Any],
                        ) -> tuple[PeriodTies, np.ndarray, np.ndarray]:
    """Ties before / after the launch; distinct colleagues tied to each person in each phase."""
    starts = pd.DatetimeIndex([ties.starts[0], launch])
    phases = period_ties(people, interactions, starts=starts, until=ties.ends[-1], **options)
    n = len(people)
    reach = []
    for phase in (0, 1):
        inside = phases.period == phase
        s, t = phases.source[inside], phases.target[inside]
        A = sp.csr_array((np.ones(len(s), dtype=np.int8), (s, t)), shape=(n, n))
        U = sp.csr_array(A + A.T)   # a tie in either direction, each colleague once
        reach.append(np.diff(U.indptr))
    return phases, reach[0], reach[1]


def _exposed(phases: PeriodTies, is_amb: np.ndarray) -> np.ndarray:
    before = phases.period == 0
    s, t = phases.source[before], phases.target[before]
    out = np.zeros(len(is_amb), dtype=bool)
    out[t[is_amb[s]]] = True
    out[s[is_amb[t]]] = True
    return out


def _complete(ties: PeriodTies, interactions: pd.DataFrame, launch: pd.Timestamp) -> np.ndarray:
    """Periods at least two thirds covered by the data (a week whose data end on Friday evening is
    complete), except one the launch falls inside."""
    lo, hi = _span(interactions)
    s, e = ties.starts, ties.ends
    covered = (np.minimum(e.asi8, hi.value) - np.maximum(s.asi8, lo.value)) / (e.asi8 - s.asi8)
    straddles = (s < launch) & (e > launch)
    return (covered >= 2 / 3) & ~np.asarray(straddles)


def _effects(traj_periods: pd.DataFrame, ties: PeriodTies, used: np.ndarray, first: np.ndarray,
             at_risk: np.ndarray, exposed: np.ndarray, launch: pd.Timestamp) -> pd.DataFrame:
    after = (ties.starts >= launch)
    rows = [segmented_regression(traj_periods[c].to_numpy(), np.asarray(after), used, c)
            for c in ("cross_department_share", "reach_share")]
    edges = np.r_[ties.starts.asi8, ties.ends.asi8[-1]]
    has = ~np.isnat(first)
    fp = np.full(len(first), -1, dtype=np.int64)
    fp[has] = np.searchsorted(edges, first[has].view(np.int64), side="right") - 1
    start = int(np.argmax(np.asarray(after))) if np.asarray(after).any() else ties.n_periods
    first_after = ties.starts[start] if start < ties.n_periods else ties.ends[-1]
    fv = first.view(np.int64)
    # adopted before the launch, or between the launch and the first whole period after it
    risk = at_risk & ~(has & (fv < first_after.value))
    rows.append(adoption_hazard(fp, risk, exposed, start, ties.n_periods))
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def monitor(people: Any, interactions: Any, plan: Any, *, launch: Any, period: str = "month",
            adoption: Any = None, adoption_group: str | None = None, signals: Any = None,
            ranking: pd.DataFrame | None = None, current_people: Any = None, lapse_periods: int = 2,
            min_group_size: int = 5, seed: int = 0, progress: bool | None = None,
            **graph_options: Any) -> Trajectory:
    """Monitor an ambassador programme period by period: trends, ambassadors, effects.

    Parameters
    ----------
    people : path, DataFrame or Loaded
        The HR roster (``person_id`` index, ``department``; ``active`` and ``leave_date`` are
        used for the status).
    interactions : path, DataFrame, Loaded, or a list of them
        Communication metadata, as for :func:`ambassadors.build_graph`.
    plan : Plan, path, or list of person_id
        The ambassadors: a :class:`~ambassadors.Plan`, the shortlist CSV written by
        ``ambassadors shortlist`` (rows with ``role == "ambassador"``), or ids.
    launch : date
        The programme's launch (inside the data).
    period : {"month", "week", "quarter"}, default "month"
    adoption : path or DataFrame, optional
        The behaviour the programme promotes (:func:`read_adoption`), one row per occurrence.
    adoption_group : str, optional
        Group or channel of the adoption file to count (Engage group, Slack channel).
    signals : path, DataFrame or Loaded, optional
        Enthusiasm signals for the replacements' ranking.
    ranking : DataFrame, optional
        A ranking (:func:`ambassadors.rank_candidates`) for the replacements, e.g. the one that
        made the plan; default: ranked anew on the graph of the time after the launch with the
        local measures :data:`RANKING_MEASURES` (degree and participation) and ``signals``.
    current_people : path or DataFrame, optional
        A later roster snapshot: ambassadors absent from it have ``left``.
    lapse_periods : int, default 2
        An ambassador who sent nothing in this many last periods has ``lapsed``.
    min_group_size : int, default 5
        Departments with fewer active people in a period have their figures masked.
    seed : int, default 0
    progress : bool, optional
        ``False`` hides the stage bar (period graphs, trends, ambassadors, effects); default:
        shown on a terminal or in a notebook.
    **graph_options
        ``directed, min_weight, reciprocal_only, half_life, channels, channel_weights`` as in
        :func:`ambassadors.build_graph`, applied to every period.

    Returns
    -------
    Trajectory

    Raises
    ------
    InputError
        A launch outside the data, plan ids not in the roster, an adoption file that matches
        nobody, an unknown option.

    Notes
    -----
    One grouped pass over the log for the periods and one for before/after the launch
    (``O(m log m)``); the replacements run the ranking and the selection once per department
    that needs one.
    """
    from ambassadors.io import read_people

    unknown = sorted(set(graph_options) - set(GRAPH_OPTIONS))
    if unknown:
        raise InputError(f"monitor: unknown option(s) {', '.join(unknown)}; graph options are "
                         f"{', '.join(GRAPH_OPTIONS)}")
    check_number(lapse_periods, "lapse_periods", min_val=1, integer=True)
    if period not in PERIODS:
        raise InputError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    loaded = people if isinstance(people, (Loaded, pd.DataFrame)) else read_people(people)
    reports = [loaded.report] if isinstance(loaded, Loaded) else []
    people = person_frame(as_frame(loaded), "people")
    inter, more = _interactions(interactions, people)
    reports += more
    ambassadors = plan_ids(plan, people)
    with stages(("period graphs", "trends", "ambassadors", "effects"), desc="monitoring",
                enabled=progress) as step:
        step()
        ties = period_ties(people, inter, period=period, **graph_options)
        when = _check_launch(launch, ties, inter)
        is_amb = np.zeros(len(people), dtype=bool)
        is_amb[people.index.get_indexer(ambassadors)] = True
        first = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[ns]")
        if adoption is not None:
            adopted = read_adoption(adoption, people=people, group=adoption_group)
            reports.append(adopted.report)
            first = first_adoption(adopted.table, people)
        step()
        periods = period_table(ties, is_amb, first, when)
        departments = department_table(ties, is_amb, first, min_group_size=min_group_size)
        step()
        phases, reach_before, reach_after = _ties_around_launch(people, inter, ties, when, graph_options)
        current = None
        if current_people is not None:
            snapshot = current_people if isinstance(current_people, (Loaded, pd.DataFrame)) \
                else read_people(current_people)
            current = person_frame(as_frame(snapshot), "current_people")
        table = ambassador_table(ties, ambassadors, launch=when, reach_before=reach_before,
                                 reach_after=reach_after, lapse_periods=lapse_periods, current_people=current)
        if table["status"].isin(["lapsed", "left"]).any():
            graph = phases.graph(1)
            ranking = ranking if ranking is not None else _ranking(graph, people, signals, seed=seed)
            table = propose_replacements(table, graph, ranking, seed=seed)
        step()
        active = people["active"].astype("boolean").fillna(True).to_numpy(dtype=bool) \
            if "active" in people.columns else np.ones(len(people), dtype=bool)
        effects = _effects(periods, ties, _complete(ties, inter, when), first, active & ~is_amb,
                           _exposed(phases, is_amb), when)
        exposed = _exposed(phases, is_amb)
        curves = _adoption_curves(ties, first, active & ~is_amb, exposed)
        activity = pd.DataFrame(ties.sent[:, people.index.get_indexer(ambassadors)].T,
                                index=pd.Index(ambassadors, name="person_id"), columns=periods["period"])
    return Trajectory(periods=periods, departments=departments, ambassadors=table, effects=effects,
                      adoption_curves=curves, activity=activity, launch=when, period=period,
                      load_reports=reports,
                      params={"graph_options": dict(graph_options), "lapse_periods": lapse_periods,
                              "min_group_size": min_group_size, "seed": seed,
                              "adoption": adoption is not None, "dropped": ties.dropped})


def _ranking(graph: Any, people: pd.DataFrame, signals: Any, *, seed: int) -> pd.DataFrame:
    """Rank candidates on the graph after the launch (the replacements' network)."""
    from ambassadors.enthusiasm import enthusiasm_scores
    from ambassadors.io import combine_signals, read_signals
    from ambassadors.metrics import influence_scores
    from ambassadors.ranking import rank_candidates

    influence = influence_scores(graph, measures=RANKING_MEASURES, seed=seed, progress=False)
    if signals is None:
        enthusiasm = pd.Series(0.5, index=people.index, name="enthusiasm")
    else:
        items = signals if isinstance(signals, (list, tuple)) else [signals]
        loaded = [x if isinstance(x, (Loaded, pd.DataFrame)) else read_signals(x, people=people)
                  for x in items]
        enthusiasm = enthusiasm_scores(as_frame(combine_signals(*loaded)), people)
    return rank_candidates(influence, enthusiasm, people=people, influence_mix=RANKING_MIX)


def _adoption_curves(ties: PeriodTies, first: np.ndarray, people: np.ndarray,
                     exposed: np.ndarray) -> pd.DataFrame:
    """Cumulative share adopted by the end of each period, exposed vs unexposed."""
    ends = ties.ends.asi8
    t = first.view(np.int64)
    has = ~np.isnat(first)
    out = {}
    for name, group in (("exposed", people & exposed), ("unexposed", people & ~exposed)):
        times = np.sort(t[group & has])
        out[name] = np.searchsorted(times, ends, side="left") / max(int(group.sum()), 1)
    frame = pd.DataFrame(out, index=pd.Index(ties.starts.strftime("%Y-%m-%d"), name="period"))
    frame.attrs.update(n_exposed=int((people & exposed).sum()), n_unexposed=int((people & ~exposed).sum()))
    return frame
