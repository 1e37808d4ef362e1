"""The answer of the selection: :class:`Plan` (members, coverage, evidence) and :class:`Reach`."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ambassadors.errors import describe_ids

__all__ = ["Plan", "Reach"]


class Reach(NamedTuple):
    """How many people are ambassadors or within the given number of ties of one."""

    count: int
    share: float

    def __str__(self) -> str:
        return f"{self.count} ({self.share:.1%})"


# ---------------------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------------------
@dataclass(eq=False)
class Plan:
    """A proposed ambassador group and the evidence for it.

    Attributes
    ----------
    members : DataFrame
        Indexed by ``person_id``: ``department``, ``rank`` (the ranking's overall rank, NaN
        without ranking), ``department_rank``, ``score`` (composite score, 0 without ranking),
        ``reach`` (colleagues within ``hops`` ties), ``marginal_reach`` (objective lost if this
        person were dropped: people no other ambassador reaches), ``included`` (named in
        ``include``), ``reason`` (a plain sentence, followed by the ranking's reason).
    coverage : DataFrame
        Indexed by ``department``: ``size``, ``eligible`` (people who could be chosen: eligible
        and not excluded), ``ambassadors``, ``reached`` (within ``hops``), ``share_reached``.
    reach_1, reach_2 : Reach
        ``(count, share)`` of everyone who is an ambassador or within 1 (2) ties of one.
    objective : str
        ``"reach"``, ``"score"`` or ``"spread"``.
    objective_value : float
        Value of the objective for the plan (people reached, weighted reach, sum of scores, or
        sampled expected spread).
    method : str
        ``"exact"`` (HiGHS MILP), ``"greedy+swap"``, ``"greedy"`` (lazy two-hop case),
        ``"top-score"``, or with ``reach_tolerance > 0`` ``"lagrangian+swap"`` /
        ``"lagrangian"`` (lazy two-hop case).
    bound : float or None
        Proven upper bound on the objective over every feasible plan, when known.
    gap : float or None
        ``(bound - objective_value) / bound``: the plan is at least ``1 - gap`` of the optimum.
        With ``reach_tolerance > 0`` the plan gives up some reach on purpose, so the gap
        includes what was traded.
    status : str
        ``"optimal"``, ``"time_limit"`` (MILP stopped; best plan found kept), ``"local_optimum"``
        (no improving 1-swap left) or ``"heuristic"``. With ``reach_tolerance > 0`` it is about
        the score: ``"optimal"`` means no plan meeting the reach threshold has a higher total
        score.
    uncovered : DataFrame
        Departments with nobody eligible, indexed by ``department``: ``size``, ``bridge`` (the
        person outside the department with most ties into it), ``bridge_department``,
        ``bridge_ties``, ``bridge_eligible``, ``bridge_is_ambassador``.
    backups : DataFrame
        Two per department: ``department, person_id, backup_rank, added_reach, score, rank,
        reason``; ordered by the reach they would add, then score (with ``objective="score"``
        or ``reach_tolerance > 0``: by score, then added reach).
    params : dict
        The options the plan was made with. With ``reach_tolerance > 0`` also ``best_reach``
        (objective of the reach-optimal plan, the reference), ``best_reach_status`` (its
        status: ``"optimal"`` when proven), ``reach_threshold`` (the floor the plan meets),
        ``best_reach_score`` and ``score`` (total composite score of the reach-optimal plan and
        of this plan) and ``score_bound`` (proven upper bound on the total score of any plan
        meeting the threshold).
    notes : list of str
        Things worth knowing (included people who are not eligible, size adjusted, ...).
    bound_method : str or None
        How ``bound`` was proved: ``"value"`` (the plan itself, proven optimal), ``"milp"``
        (HiGHS' dual bound), ``"lp"`` / ``"restricted lp"`` (LP relaxation), ``"lagrangian"``,
        ``"submodular"`` or ``"everyone reachable"`` (the trivial bound); None without a bound.
    pool : str
        Whom the group was drawn from, e.g. ``"known enthusiasts: 95 people"`` or
        ``"everyone eligible (no enthusiasm signals): 297 people"``.
    recruit_here : DataFrame
        With the enthusiast pool: departments with fewer known enthusiasts than their minimum,
        indexed by ``department``: ``size``, ``enthusiasts``, ``ambassador`` (proposed from
        outside the enthusiasts, "ask first"; None with ``strict=True``), ``enthusiasm_basis``,
        ``note``, ``bridge`` (best enthusiastic bridge into it), ``bridge_department``,
        ``bridge_ties``. Empty otherwise.
    outreach : DataFrame
        Who carries the message to whom: one row per colleague reached (within ``hops``),
        indexed by ``colleague`` (person_id): ``department``, ``ambassador``, ``tie_strength``
        (the tie's weight, either direction; at two steps the colleague's tie to the person of
        the first step), ``hops`` (1 or 2). Each colleague goes to the ambassador they are most
        tied to (``max_contacts`` caps each ambassador's load). Sorted by ambassador, strongest
        tie first.
    unreached : DataFrame
        Colleagues without an ambassador, indexed by ``colleague``: ``department``,
        ``nearest_ambassador`` (two steps away, through ``via``, the reached colleague they
        are most tied to, with ``via_tie_strength``), ``bridge`` (the reached person with most
        ties into their department, ``bridge_ties``) and a ``note``.
    """

    members: pd.DataFrame
    coverage: pd.DataFrame
    reach_1: Reach
    reach_2: Reach
    objective: str
    objective_value: float
    method: str
    bound: float | None
    gap: float | None
    status: str
    uncovered: pd.DataFrame
    backups: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    bound_method: str | None = None
    pool: str = ""
    recruit_here: pd.DataFrame = field(default_factory=pd.DataFrame)
    outreach: pd.DataFrame = field(default_factory=pd.DataFrame)
    unreached: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ids(self) -> list[str]:
        """The ambassadors' ``person_id`` values."""
        return [str(i) for i in self.members.index]

    @property
    def size(self) -> int:
        return int(self.members.shape[0])

    def outreach_load(self) -> pd.DataFrame:
        """Per ambassador: ``department``, ``colleagues`` (assigned in ``outreach``),
        ``direct`` (of them, one tie away) and ``mean_tie_strength``."""
        o = self.outreach
        load = pd.DataFrame(index=pd.Index(self.ids, name="ambassador"))
        load["department"] = self.members["department"].to_numpy()
        if o.empty:
            return load.assign(colleagues=0, direct=0, mean_tie_strength=np.nan)
        g = o.groupby("ambassador")
        load["colleagues"] = g.size().reindex(load.index).fillna(0).astype(int)
        load["direct"] = (o["hops"] == 1).groupby(o["ambassador"]).sum().reindex(load.index).fillna(0).astype(int)
        load["mean_tie_strength"] = g["tie_strength"].mean().reindex(load.index)
        return load

    def to_frame(self) -> pd.DataFrame:
        """Members and backups in one table indexed by ``person_id``.

        Columns: ``role`` (``"ambassador"`` or ``"backup"``), ``department``, ``rank``,
        ``score``, ``marginal_reach`` (for backups: the reach they would add), ``backup_rank``
        (NaN for members), ``reason``.
        """
        m = self.members
        members = pd.DataFrame(
            {
                "role": "ambassador",
                "department": m["department"],
                "rank": m["rank"],
                "score": m["score"],
                "marginal_reach": m["marginal_reach"].astype(float),
                "backup_rank": np.nan,
                "reason": m["reason"],
            },
            index=m.index,
        )
        b = self.backups
        backups = pd.DataFrame(
            {
                "role": "backup",
                "department": b["department"].to_numpy(),
                "rank": b["rank"].to_numpy(),
                "score": b["score"].to_numpy(),
                "marginal_reach": b["added_reach"].astype(float).to_numpy(),
                "backup_rank": b["backup_rank"].astype(float).to_numpy(),
                "reason": b["reason"].to_numpy(),
            },
            index=pd.Index(b["person_id"].astype(str), name="person_id"),
        )
        frame = pd.concat([members, backups]) if len(backups) else members
        frame.index.name = "person_id"
        return frame

    def to_csv(self, path: Any) -> Any:
        """Write :meth:`to_frame` to ``path`` (atomic, spreadsheet-formula safe); return the path."""
        from ambassadors.io.writers import write_csv

        return write_csv(self.to_frame(), path, index=True)

    def summary(self) -> str:
        """A few lines of text: size, coverage, reach, and how good the plan is known to be."""
        n_dep = int(self.coverage.shape[0])
        covered = int((self.coverage["ambassadors"] > 0).sum())
        lines = [
            f"Plan: {self.size} ambassadors covering {covered} of {n_dep} departments "
            f"(objective {self.objective!r}, method {self.method}, {self.status})",
            f"reach: {self.reach_1} people within 1 tie, {self.reach_2} within 2 ties",
        ]
        value = f"{self.objective_value:,.6g}"
        if self.bound is not None and self.gap is not None:
            how = f"{self.bound_method}, " if self.bound_method else ""
            lines.append(
                f"objective {value}; upper bound {self.bound:,.6g} ({how}within {self.gap:.2%} of the optimum)"
            )
        else:
            lines.append(f"objective {value}; no upper bound computed")
        if self.pool:
            lines.append(f"drawn from {self.pool}")
        if len(self.recruit_here):
            lines.append(f"recruit here ({len(self.recruit_here)} department(s) short of known enthusiasts): "
                         + describe_ids(self.recruit_here.index))
        tol = self.params.get("reach_tolerance", 0.0)
        if tol and "best_reach" in self.params:
            what = "expected spread" if self.objective == "spread" else "reach"
            lines.append(
                f"reach tolerance {tol:.1%}: {what} {self.objective_value:,.6g} >= threshold "
                f"{self.params['reach_threshold']:,.6g} ({1 - tol:.1%} of the best {what} "
                f"{self.params['best_reach']:,.6g}); composite score {self.params['score']:.4g} "
                f"vs {self.params['best_reach_score']:.4g} for the reach-optimal plan"
                + (f" (upper bound {self.params['score_bound']:.4g})" if self.params.get("score_bound") is not None else "")
            )
        if len(self.uncovered):
            lines.append(
                f"{len(self.uncovered)} department(s) without an eligible person: "
                + describe_ids(self.uncovered.index)
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{self.summary().splitlines()[0]}>"

    def _repr_html_(self) -> str:
        # the same fragment as to_html(): escaped, small departments masked as "< 5"
        return self.to_html()

    def to_html(self, *, min_group_size: int = 5) -> str:
        """The plan as an HTML fragment: summary, ambassadors with reasons, coverage, backups.

        Every value is escaped; coverage figures of departments smaller than ``min_group_size``
        read ``"< 5"``. The full report is :func:`ambassadors.report.render_report`.
        """
        from ambassadors.privacy import mask_small_groups

        coverage = mask_small_groups(self.coverage, "size", min_group_size=min_group_size)
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        parts = ['<div class="ambassadors-plan">', f"<p>{summary}</p>",
                 f"<h3>Ambassadors ({self.size})</h3>", self.members.to_html(escape=True),
                 "<h3>Coverage by department</h3>", coverage.to_html(escape=True)]
        if len(self.backups):
            parts += [f"<h3>Backups ({len(self.backups)})</h3>",
                      self.backups.set_index("person_id").to_html(escape=True)]
        return "\n".join(parts + ["</div>"])
