"""Figures of a :class:`~ambassadors.monitor.Trajectory`, axes-level like :mod:`ambassadors.plot`.

Each ``plot_*`` draws on the ``ax`` it is given (or a new 16:9 figure) and returns it; the
launch is a dashed vertical line. Extra keyword arguments go to the matplotlib call that draws
the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.plot import PALETTE, slide_figure

__all__ = ["plot_trends", "plot_adoption_curves", "plot_department_heatmap", "plot_ambassador_activity"]

_LABELS = {
    "cross_department_share": "cross-department share of tie weight",
    "reach_share": "colleagues within one tie of an active ambassador",
    "adoption_share": "adopters (share of the roster)",
}


def _axes(ax: Any) -> Any:
    return slide_figure()[1] if ax is None else ax


def _mark_launch(ax: Any, traj: Any, x: pd.DatetimeIndex) -> None:
    launch = traj.launch.tz_localize(None)
    ax.axvline(launch, color="#4D4D4D", linestyle="--", linewidth=1.2)
    ax.annotate("launch", (launch, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -12),
                textcoords="offset points", fontsize=9, color="#4D4D4D")


def _x(traj: Any) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(traj.periods["period"]))


_TREND_COLUMNS = ("cross_department_share", "reach_share", "adoption_share")


def plot_trends(traj: Any, *, columns: Sequence[str] = _TREND_COLUMNS, ax: Any = None, **style: Any) -> Any:
    """Headline shares per period, with the launch marked.

    Parameters
    ----------
    traj : Trajectory
    columns : sequence of str
        Share columns of ``traj.periods`` (values in [0, 1]).
    ax : matplotlib Axes, optional
    **style
        Passed to ``ax.plot``.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    x = _x(traj)
    for k, col in enumerate(columns):
        if col not in traj.periods.columns:
            raise InputError(f"plot_trends: no column {col!r} in the periods table")
        ax.plot(x, traj.periods[col].to_numpy(dtype=float), marker="o", color=PALETTE[k % len(PALETTE)],
                label=_LABELS.get(col, col), **style)
    _mark_launch(ax, traj, x)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share")
    ax.set_title(f"Trends per {traj.period}")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_adoption_curves(traj: Any, *, ax: Any = None, **style: Any) -> Any:
    """Cumulative share of adopters among colleagues exposed to an ambassador before the launch
    and among the others (ambassadors excluded)."""
    ax = _axes(ax)
    x = _x(traj)
    curves = traj.adoption_curves
    for k, col in enumerate(("exposed", "unexposed")):
        n = int(curves.attrs.get(f"n_{col}", 0))
        ax.step(x, curves[col].to_numpy(dtype=float), where="post", color=PALETTE[2 * k],
                label=f"{col} (n = {n})", **style)
    _mark_launch(ax, traj, x)
    ax.set_ylim(0, 1)
    ax.set_ylabel("adopted (cumulative share)")
    ax.set_title("Adoption: colleagues of an ambassador vs the others")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_department_heatmap(traj: Any, *, column: str = "reach_share", ax: Any = None, **style: Any) -> Any:
    """Department x period heatmap of one share (masked cells are blank)."""
    ax = _axes(ax)
    if column not in traj.departments.columns:
        raise InputError(f"plot_department_heatmap: no column {column!r} in the departments table")
    grid = traj.departments.pivot(index="department", columns="period", values=column).astype(float)
    image = ax.imshow(np.ma.masked_invalid(grid.to_numpy()), aspect="auto", vmin=0, vmax=1,
                      cmap=style.pop("cmap", "viridis"), **style)
    ax.set_yticks(range(len(grid.index)), grid.index)
    step = max(1, len(grid.columns) // 12)
    ax.set_xticks(range(0, len(grid.columns), step), list(grid.columns)[::step], rotation=45, ha="right")
    launch = traj.launch.strftime("%Y-%m-%d")
    pos = int(np.searchsorted(np.asarray(grid.columns), launch))
    ax.axvline(pos - 0.5, color="white", linestyle="--", linewidth=1.5)
    ax.figure.colorbar(image, ax=ax, label=_LABELS.get(column, column))
    ax.set_title(f"{_LABELS.get(column, column)} by department")
    return ax


def plot_ambassador_activity(traj: Any, *, ax: Any = None, **style: Any) -> Any:
    """Interactions each ambassador sent per period (lapsed and departed ones highlighted)."""
    ax = _axes(ax)
    x = _x(traj)
    status = traj.ambassadors.set_index("person_id")["status"]
    for pid, row in traj.activity.iterrows():
        flagged = status.get(pid, "active") != "active"
        ax.plot(x, row.to_numpy(dtype=float), color=PALETTE[6] if flagged else "#BBBBBB",
                linewidth=2.2 if flagged else 1.0, zorder=3 if flagged else 2,
                label=f"{pid} ({status.get(pid)})" if flagged else None, **style)
    _mark_launch(ax, traj, x)
    ax.set_ylabel("interactions sent")
    ax.set_title("Ambassadors' activity")
    if (status != "active").any():
        ax.legend(loc="upper left", frameon=False)
    return ax
