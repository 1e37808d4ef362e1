"""Bar charts of a plan: coverage per department and what the scores are made of."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.plot._common import (
    HATCHES,
    PALETTE,
    TITLE_SIZE,
    check_style,
    department_styles,
    mask_label,
    new_axes,
)


def plot_coverage(plan: Any, *, min_group_size: int = 5, sort: str = "share", ax=None, **style: Any):
    """Per department: colleagues reached by the ambassadors vs department size.

    A light bar is the department's size, a dark bar (same colour) the people within reach of
    an ambassador (``plan.coverage``: ``size, reached, ambassadors, share_reached``); the text
    says ``reached / size (share) · k ambassadors``.

    Parameters
    ----------
    plan : Plan or DataFrame
        A :class:`~ambassadors.select.Plan` or its ``coverage`` table.
    min_group_size : int, default 5
        Departments smaller than this show "< n" instead of their numbers (privacy by default;
        0 shows every number).
    sort : {"share", "size", "name"}, default "share"
        Order of the bars, top to bottom: lowest share reached first (the departments that need
        attention), largest first, or alphabetical.
    ax : matplotlib Axes, optional
    **style
        ``color`` (one colour for all bars; default: the department colours).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    ``O(d log d)`` for ``d`` departments.

    Examples
    --------
    >>> import pandas as pd
    >>> cov = pd.DataFrame({"size": [10, 4], "ambassadors": [1, 1], "reached": [8, 4],
    ...                     "share_reached": [0.8, 1.0]}, index=["A", "B"])
    >>> ax = plot_coverage(cov)
    >>> len(ax.patches)
    4
    """
    color = style.pop("color", None)
    check_style("plot_coverage", style)
    cov = coverage_table(plan, sort=sort)
    ax = new_axes(ax, figsize=(10, max(3.0, 0.38 * len(cov) + 1.5)))
    size = cov["size"].to_numpy(dtype=np.float64)
    reached = cov["reached"].to_numpy(dtype=np.float64)
    small = size < int(min_group_size)
    # small departments: no bars at all, so that neither size nor reach can be read off
    shown_size = np.where(small, np.nan, size)
    _draw_coverage_bars(ax, cov.index, np.nan_to_num(shown_size), np.where(small, 0.0, reached), color)
    xmax = np.nanmax(shown_size) if np.isfinite(shown_size).any() else 1.0
    for k, text in enumerate(_coverage_texts(cov, small, mask_label(min_group_size))):  # one per department
        ax.text(np.nan_to_num(shown_size[k]) + 0.01 * xmax, k, text, va="center", fontsize=9)
    ax.set_yticks(np.arange(len(cov)), labels=list(cov.index))
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * 1.45)
    ax.set_xlabel("people")
    ax.spines[["top", "right"]].set_visible(False)
    total = float(np.nansum(np.where(small, 0, size)))
    share_all = float(np.nansum(np.where(small, 0, reached)) / total) if total else float("nan")
    ax.set_title(
        f"Coverage: colleagues within reach of an ambassador ({share_all:.0%} overall)"
        if np.isfinite(share_all) else "Coverage: colleagues within reach of an ambassador",
        fontsize=TITLE_SIZE - 3, loc="left",
    )
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#777777", alpha=0.25, label="department size"),
                       Patch(color="#777777", label="reached")], loc="lower right", frameon=False, fontsize=9)
    return ax


def coverage_table(plan: Any, *, sort: str) -> pd.DataFrame:
    """The plan's coverage table, checked, completed (``share_reached``, ``ambassadors``) and
    sorted for the chart."""
    cov = getattr(plan, "coverage", plan)
    if not isinstance(cov, pd.DataFrame):
        raise InputError("plot_coverage: expected a Plan or its coverage DataFrame")
    missing = [c for c in ("size", "reached") if c not in cov.columns]
    if missing:
        raise InputError(
            f"coverage: column {missing[0]!r} not found; columns are: {', '.join(map(str, cov.columns))}"
        )
    if sort not in ("share", "size", "name"):
        raise InputError(f"sort: expected 'share', 'size' or 'name', got {sort!r}")
    cov = cov.copy()
    cov.index = cov.index.astype(str)
    if "share_reached" not in cov.columns:
        cov["share_reached"] = cov["reached"] / cov["size"].where(cov["size"] > 0)
    if "ambassadors" not in cov.columns:
        cov["ambassadors"] = np.nan
    if sort == "share":
        return cov.sort_values(["share_reached", "size"], ascending=[True, False], kind="stable")
    if sort == "size":
        return cov.sort_values("size", ascending=False, kind="stable")
    return cov.sort_index()


def _draw_coverage_bars(ax, departments: pd.Index, size: np.ndarray, reached: np.ndarray, color) -> None:
    """A light bar for the size, a dark one for the people reached, in the department colour."""
    styles = department_styles(departments)
    colors = [color or styles.loc[k, "color"] for k in departments]
    y = np.arange(len(departments))
    ax.barh(y, size, color=colors, alpha=0.25, edgecolor="none")
    fg = ax.barh(y, reached, color=colors, hatch=None, edgecolor="white", linewidth=0.5)
    for bar, k in zip(fg, departments, strict=True):
        bar.set_hatch(styles.loc[k, "hatch"] or None)


def _coverage_texts(cov: pd.DataFrame, small: np.ndarray, label: str) -> list[str]:
    """``reached / size (share) · k ambassadors`` per department, ``"< 5 people"`` when small."""
    texts = []
    for k in range(len(cov)):  # one per department
        if small[k]:
            texts.append(f"{label} people")
            continue
        share, amb = cov["share_reached"].iloc[k], cov["ambassadors"].iloc[k]
        text = f"{int(cov['reached'].iloc[k]):,} / {int(cov['size'].iloc[k]):,} ({share:.0%})"
        if pd.notna(amb):
            text += f" · {int(amb)} ambassador{'s' * (int(amb) != 1)}"
        texts.append(text)
    return texts


def plot_score_breakdown(
    ranking: pd.DataFrame, *, top: int = 20, people: pd.DataFrame | None = None, ax=None, **style: Any
):
    """Stacked horizontal bars: what each shortlisted person's score is made of.

    One bar per person (best rank on top), one segment per ``contrib_*`` column of the
    ranking (the weighted parts that add up to ``score``).

    Parameters
    ----------
    ranking : DataFrame
        ``rank_candidates`` output (index ``person_id``; ``rank``, ``contrib_*`` columns).
    top : int, default 20
        How many people to show (by ``rank``, ties by person_id).
    people : DataFrame, optional
        Roster with a ``name`` column, to label bars by name instead of id.
    ax : matplotlib Axes, optional
    **style
        ``colors``: a list of colours for the components.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InputError
        If the ranking has no ``contrib_*`` column.

    Notes
    -----
    ``O(n log n)`` to pick the top rows.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"rank": [1, 2], "contrib_influence": [0.5, 0.3],
    ...                   "contrib_enthusiasm": [0.3, 0.4]}, index=["p1", "p2"])
    >>> ax = plot_score_breakdown(r)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['p1', 'p2']
    """
    colors = style.pop("colors", None)
    check_style("plot_score_breakdown", style)
    parts = [c for c in ranking.columns if str(c).startswith("contrib_")]
    if not parts:
        raise InputError(
            "ranking: no 'contrib_*' columns found; columns are: " + ", ".join(map(str, ranking.columns))
        )
    frame = ranking.copy()
    frame.index = frame.index.astype(str)
    if "rank" in frame.columns:
        frame = frame[frame["rank"].notna()]  # ineligible people have no rank
    key = frame["rank"] if "rank" in frame.columns else -frame[parts].sum(axis=1)
    frame = frame.assign(_key=key.to_numpy(), _id=frame.index).sort_values(["_key", "_id"], kind="stable")
    frame = frame.head(int(top))
    ax = new_axes(ax, figsize=(10, max(3.0, 0.35 * len(frame) + 1.5)))
    y = np.arange(len(frame))
    left = np.zeros(len(frame))
    colors = list(colors) if colors is not None else [PALETTE[i % len(PALETTE)] for i in range(len(parts))]
    for i, col in enumerate(parts):  # one per component
        vals = frame[col].fillna(0.0).to_numpy(dtype=np.float64)
        ax.barh(y, vals, left=left, color=colors[i % len(colors)], edgecolor="white", linewidth=0.5,
                hatch=HATCHES[(i // len(PALETTE)) % len(HATCHES)] or None,
                label=str(col)[len("contrib_"):].replace("_", " "))
        left += vals
    ids = frame.index.tolist()
    if people is not None and "name" in people.columns:
        names = people["name"].copy()
        names.index = names.index.astype(str)
        names = names.reindex(ids)
        labels = [f"{n} ({i})" if pd.notna(n) else i for i, n in zip(ids, names, strict=True)]
    else:
        labels = ids
    ax.set_yticks(y, labels=labels)
    ax.invert_yaxis()
    ax.set_xlabel("score (sum of weighted components)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9,
              ncols=min(len(parts), 4))
    ax.set_title(f"What the scores are made of: top {len(frame)}", fontsize=TITLE_SIZE - 3, loc="left")
    return ax
