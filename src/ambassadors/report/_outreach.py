"""Report sections of the plan's strategy toward the rest: recruit here, each ambassador's load,
unreached colleagues per department, and how many ambassadors are needed (coverage curve).

:func:`outreach_sections` returns one HTML fragment (escaped, small groups masked with
:func:`ambassadors.privacy.mask_small`); :func:`candidate_roles` says, for rows of the ranking,
what the plan made of each person, so the report's top candidates and its shortlist tell one
story.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ambassadors.graph import CollaborationGraph
from ambassadors.privacy import mask_small
from ambassadors.report._html import figure_html, table

__all__ = ["candidate_roles", "outreach_section", "outreach_sections"]


def candidate_roles(rows: pd.DataFrame, plan: Any) -> pd.Series:
    """For rows of the ranking, what the plan made of each: ambassador, backup, in the pool, or why not.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(members=pd.DataFrame(index=["a"]), backups=pd.DataFrame({"person_id": ["b"]}))
    >>> rows = pd.DataFrame({"enthusiast": [True, True, False], "reluctant": [False, False, True]},
    ...                     index=["a", "b", "c"])
    >>> candidate_roles(rows, plan).tolist()
    ['ambassador', 'backup', 'not in the pool (reluctant)']
    """
    out = rows
    ids = pd.Index(out.index.astype(str))
    backups = getattr(plan, "backups", None)
    backup_ids = (
        set(backups["person_id"].astype(str)) if isinstance(backups, pd.DataFrame) and len(backups) else set()
    )

    def flag(column: str, default: bool = False) -> np.ndarray:
        if column not in out.columns:
            return np.full(len(out), default, dtype=bool)
        return out[column].astype("boolean").fillna(False).to_numpy(dtype=bool)

    signals = bool(flag("enthusiasm_known").any() or flag("enthusiast").any())
    pooled = flag("enthusiast") if signals else flag("eligible", True)
    why = np.where(flag("reluctant"), "not in the pool (reluctant)",
                   "not in the pool (enthusiasm not known)" if signals else "not eligible")
    members = getattr(plan, "members", None)
    member_ids = (
        [str(i) for i in members.index]
        if isinstance(members, pd.DataFrame)
        else list(getattr(plan, "ids", []))
    )
    role = np.where(ids.isin(member_ids), "ambassador", np.where(ids.isin(list(backup_ids)), "backup",
                    np.where(pooled, "in the pool", why)))
    return pd.Series(role, index=rows.index, name="plan")


def _recruit_here(plan: Any, mgs: int) -> str:
    recruit = getattr(plan, "recruit_here", None)
    if not isinstance(recruit, pd.DataFrame) or recruit.empty:
        return ""
    shown = recruit.copy()
    shown["size"] = [mask_small(int(s), min_group_size=mgs) for s in shown["size"]]
    return ("<h2>Recruit here</h2>"
            '<p class="note">Departments with too few people known to be enthusiastic. A proposed '
            "ambassador there is someone whose enthusiasm is unknown: ask first. The bridge is the "
            "enthusiast outside the department with most colleagues in it.</p>"
            + table(shown, index_name="department"))


def _load(plan: Any) -> str:
    if not hasattr(plan, "outreach_load") or getattr(plan, "outreach", pd.DataFrame()).empty:
        return ""
    load = plan.outreach_load()
    return ("<h2>Outreach: each ambassador's colleagues</h2>"
            '<p class="note">Every colleague within reach is assigned to the ambassador they are most '
            "tied to (strongest tie first); the full list is <code>Plan.outreach</code> "
            "(<code>--outreach FILE</code> on the command line).</p>" + table(load, index_name="ambassador"))


def _unreached(graph: CollaborationGraph, plan: Any, mgs: int) -> str:
    left = getattr(plan, "unreached", None)
    if not isinstance(left, pd.DataFrame) or left.empty:
        return ""
    sizes = graph.department_sizes
    per = left.groupby("department").agg(unreached=("note", "size"),
                                         two_steps=("nearest_ambassador", lambda s: int(s.notna().sum())))
    per.insert(0, "size", sizes.reindex(per.index).to_numpy())
    shown = pd.DataFrame(
        {col: [mask_small(int(v), n, min_group_size=mgs) for v, n in zip(per[col], per["size"], strict=True)]
         for col in ("size", "unreached", "two_steps")}, index=per.index)
    shown = shown.rename(columns={"two_steps": "two steps from an ambassador"})
    return ("<h2>Colleagues nobody reaches yet</h2>"
            f'<p class="note">{len(left):,} people; per department. Figures of groups smaller than '
            f"{mgs} are shown as &quot;&lt; {mgs}&quot;. <code>Plan.unreached</code> names the nearest "
            "ambassador two steps away or the best bridge into the department.</p>"
            + table(shown, index_name="department"))


def _curve(graph: CollaborationGraph, plan: Any, ranking: pd.DataFrame | None) -> str:
    from ambassadors.plot import plot_coverage_curve
    from ambassadors.select import coverage_curve

    params = getattr(plan, "params", {}) or {}
    curve = coverage_curve(graph, ranking, pool=params.get("pool", "enthusiasts"),
                           min_per_department=params.get("min_per_department", 1),
                           exclude=params.get("exclude", ()))
    marks = curve.marks.rename(
        columns={"size_1": "group size (one step)", "size_2": "group size (two steps)"}
    )
    marks.index = [f"{s:.0%}" for s in marks.index]
    return ("<h2>How many ambassadors do we need?</h2>"
            + figure_html(lambda ax: plot_coverage_curve(curve, ax=ax), alt="Reach against group size",
                          figsize=(10, 5))
            + '<p class="note">Reach of the best group of each size drawn from the same pool, with every '
            'department covered. Rules of thumb to check against it: "3 % of staff reaches 85-90 %" '
            '(Innovisor); "5 % reaches up to 70 % directly" (Zbieg et al. 2016).</p>'
            + table(marks, index_name="people reached"))


def outreach_sections(graph: CollaborationGraph, plan: Any, ranking: pd.DataFrame | None = None, *,
                      min_group_size: int = 5) -> str:
    """The report's sections on the plan's strategy toward the rest (an HTML fragment).

    Recruit here (departments short of known enthusiasts), each ambassador's outreach load,
    unreached colleagues per department, and the coverage curve. Cost: one
    :func:`~ambassadors.coverage_curve` (a greedy run) plus tables of at most one row per
    ambassador or department.
    """
    mgs = int(min_group_size)
    return "\n".join(part for part in (_recruit_here(plan, mgs), _load(plan), _unreached(graph, plan, mgs),
                                       _curve(graph, plan, ranking)) if part)


def outreach_section(ctx: Any) -> str:
    """:func:`outreach_sections` as a report section: ``section(ctx) -> str`` on a report context
    (``graph``, ``plan``, ``ranking``, ``min_group_size``)."""
    return outreach_sections(ctx.graph, ctx.plan, ctx.ranking, min_group_size=ctx.min_group_size)
