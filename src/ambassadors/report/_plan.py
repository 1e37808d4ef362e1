"""The plan as an HTML fragment: what ``Plan.to_html()`` and notebooks show."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.report._html import esc, mask_frame, table


def uncovered_html(plan: Any, min_group_size: int) -> str:
    """A warning listing departments with nobody eligible (and who could bridge into them)."""
    uncovered = getattr(plan, "uncovered", None)
    if uncovered is None or len(uncovered) == 0:
        return ""
    if isinstance(uncovered, pd.DataFrame):
        names = ", ".join(map(str, uncovered.index))
        # only the size describes the department; the bridge columns describe the bridge person
        body = table(mask_frame(uncovered, "size", min_group_size, ["size"]), index_name="department")
    else:
        names, body = ", ".join(map(str, uncovered)), ""
    return f'<p class="warn">Departments without an eligible ambassador: {esc(names)}</p>' + body


def render_plan_html(plan: Any, *, min_group_size: int = 5) -> str:
    """An HTML fragment for a plan: summary, ambassadors with reasons, coverage, backups.

    This is what ``Plan.to_html()`` and ``Plan._repr_html_()`` show. Every value is escaped;
    coverage figures of departments smaller than ``min_group_size`` read ``"< 5"``.

    Parameters
    ----------
    plan : Plan
        From :func:`ambassadors.propose_ambassadors` (anything with ``members`` and
        ``coverage`` DataFrames works).
    min_group_size : int, default 5
        1 shows every figure.

    Returns
    -------
    str
        An HTML fragment (no ``<html>``/``<head>``), safe to embed.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(
    ...     members=pd.DataFrame({"department": ["A"], "reason": ["<b>bridges</b>"]},
    ...                          index=pd.Index(["p1"], name="person_id")),
    ...     coverage=pd.DataFrame({"size": [3], "reached": [3]}, index=["A"]))
    >>> out = render_plan_html(plan)
    >>> "&lt;b&gt;bridges" in out and "<b>bridges" not in out
    True
    """
    members = getattr(plan, "members", None)
    coverage = getattr(plan, "coverage", None)
    if not isinstance(members, pd.DataFrame) or not isinstance(coverage, pd.DataFrame):
        raise InputError("render_plan_html: expected a Plan with 'members' and 'coverage' DataFrames")
    parts = ['<div class="ambassadors-plan">']
    summary = getattr(plan, "summary", None)
    if callable(summary):
        parts.append("<p>" + "<br>".join(esc(line) for line in str(summary()).splitlines()) + "</p>")
    parts.append(f"<h3>Ambassadors ({len(members)})</h3>")
    parts.append(table(members, index_name="person_id"))
    parts.append("<h3>Coverage by department</h3>")
    parts.append(table(mask_frame(coverage, "size", min_group_size), index_name="department"))
    parts.append(uncovered_html(plan, min_group_size))
    backups = getattr(plan, "backups", None)
    if isinstance(backups, pd.DataFrame) and len(backups):
        parts.append(f"<h3>Backups ({len(backups)})</h3>")
        parts.append(table(backups.reset_index(drop=True).set_index(backups.columns[0])
                           if "person_id" not in backups.columns else backups.set_index("person_id")))
    parts.append("</div>")
    return "\n".join(parts)
