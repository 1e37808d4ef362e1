"""How many ambassadors do we need? The coverage curve (:func:`plot_coverage_curve`)."""

from __future__ import annotations

from typing import Any

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.select import CoverageCurve, coverage_curve

__all__ = ["plot_coverage_curve"]

#: One step and two steps: the first two colours of Paul Tol's muted scheme (as ``PALETTE``).
_COLOURS = ("#332288", "#88CCEE")
_SLIDE = (40 / 3, 7.5)


def _axes(ax):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=_SLIDE, layout="constrained").subplots()


def plot_coverage_curve(curve: CoverageCurve | CollaborationGraph, ranking: Any = None, *, marks=(0.8, 0.9),
                        ax=None, **style: Any):
    """Reach at one and two steps against group size, with the smallest groups reaching 80 % and 90 %.

    Parameters
    ----------
    curve : CoverageCurve or CollaborationGraph
        From :func:`ambassadors.coverage_curve`, or a graph to compute it from (with ``ranking``).
    ranking : DataFrame, optional
        Passed to :func:`ambassadors.coverage_curve` when ``curve`` is a graph.
    marks : sequence of float, default (0.8, 0.9)
        Shares of everyone to mark: a dotted line at each share and the smallest group size
        reaching it (one step; two steps when one step never does).
    ax : matplotlib Axes, optional
    **style
        ``linewidth`` (default 2), ``colors`` (two colours: one and two steps).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The x axis is the group size (and its share of everyone on top), so rules of thumb such as
    "3 % of staff reaches 85-90 %" (Innovisor) or "5 % reaches up to 70 % directly" (Zbieg et
    al. 2016) can be read off for your own organisation. ``O(sizes)`` to draw.

    Examples
    --------
    >>> import numpy as np
    >>> from ambassadors.select import CoverageCurve
    >>> c = CoverageCurve(sizes=np.array([2, 3, 4]), reach_1=np.array([50, 80, 90]),
    ...                   reach_2=np.array([90, 99, 100]), n_people=100, pool="everyone", min_size=2)
    >>> ax = plot_coverage_curve(c)
    >>> [line.get_label() for line in ax.lines[:2]], c.smallest_size(0.8), c.smallest_size(0.9)
    (['within one tie', 'within two ties'], 3, 4)
    """
    if isinstance(curve, CollaborationGraph):
        curve = coverage_curve(curve, ranking)
    if not isinstance(curve, CoverageCurve):
        raise InputError(f"plot_coverage_curve: expected a CoverageCurve or a CollaborationGraph, got "
                         f"{type(curve).__name__}")
    ax = _axes(ax)
    colours = style.get("colors", _COLOURS)
    lw = style.get("linewidth", 2)
    frame = curve.to_frame()
    ax.plot(frame["size"], 100 * frame["share_1"], color=colours[0], linewidth=lw, label="within one tie")
    ax.plot(frame["size"], 100 * frame["share_2"], color=colours[1], linewidth=lw, label="within two ties")
    for share in marks:
        ax.axhline(100 * share, color="#999999", linewidth=0.8, linestyle=":")
        k, hops = curve.smallest_size(share, hops=1), 1
        if k is None:
            k, hops = curve.smallest_size(share, hops=2), 2
        if k is not None:
            y = frame.loc[frame["size"] == k, f"share_{hops}"].iloc[0]
            ax.plot([k], [100 * y], marker="o", color=colours[hops - 1], linestyle="none")
            ax.annotate(f"{share:.0%}: {k} ({k / max(curve.n_people, 1):.1%} of everyone)", (k, 100 * y),
                        textcoords="offset points", xytext=(6, -12), fontsize=9)
    ax.set_xlabel("ambassadors (group size)")
    ax.set_ylabel("people reached (%)")
    ax.set_ylim(0, 102)
    ax.set_title(f"Reach against group size ({curve.pool})", fontsize=10)
    ax.legend(loc="lower right", frameon=False)
    return ax
