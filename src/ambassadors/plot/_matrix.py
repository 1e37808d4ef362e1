"""The department matrix: who works with whom, between departments, as a heat map."""

from __future__ import annotations

from typing import Any

import numpy as np

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph, department_matrix
from ambassadors.plot._common import TEXT_SIZE, TITLE_SIZE, check_style, mask_label, new_axes


def plot_department_matrix(
    graph: CollaborationGraph,
    *,
    normalize: str | None = "row",
    min_group_size: int = 5,
    annotate: bool | None = None,
    ax=None,
    **style: Any,
):
    """Heatmap of collaboration between departments, similar departments side by side.

    Cell ``(k, l)`` is the tie weight from department ``k`` to department ``l`` (both directions
    summed for an undirected view), divided by the row total (``normalize="row"``: "what share of
    k's collaboration goes to l"), by the grand total (``"all"``) or not at all (None).

    Departments are ordered by average-linkage hierarchical clustering (with optimal leaf
    ordering) on the distance ``1 - a_kl / max(a)``, ``a`` the symmetrised share between two
    departments, so departments that work together sit side by side.
    Colours are scaled to the ties *between* departments; the diagonal (within a department,
    usually much larger) saturates.
    Departments with fewer than ``min_group_size`` people are masked (grey, "< 5").

    Parameters
    ----------
    graph : CollaborationGraph
    normalize : {"row", "all", None}, default "row"
    min_group_size : int, default 5
        Departments smaller than this are shown as masked rows and columns, labelled "< 5".
        Use 0 to show everything.
    annotate : bool, optional
        Write the values in the cells (default: when there are at most 15 departments).
    ax : matplotlib Axes, optional
    **style
        ``cmap`` (default "cividis").

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    ``O(m + n + d^3)`` (the sparse aggregation, then clustering of the ``d x d`` matrix).

    References
    ----------
    Bar-Joseph, Gifford & Jaakkola (2001), Fast optimal leaf ordering for hierarchical
    clustering. *Bioinformatics* 17, S22-S29.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 5 + ["B"] * 5},
    ...                       index=pd.Index([f"p{i}" for i in range(10)], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p0", "p5"], "target": ["p1", "p0"]})
    >>> ax = plot_department_matrix(build_graph(people, log))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['A', 'B']
    """
    if normalize not in ("row", "all", None):
        raise InputError(f"normalize: expected 'row', 'all' or None, got {normalize!r}")
    cmap = style.pop("cmap", "cividis")
    check_style("plot_department_matrix", style)
    values, names, small = matrix_values(graph, normalize=normalize, min_group_size=min_group_size)
    ax = new_axes(ax, figsize=(9, 7.5) if len(names) <= 30 else (40 / 3, 11))
    masked = small[:, None] | small[None, :]
    im, vmax, saturated = _draw_cells(ax, values, masked, cmap)
    _draw_ticks(ax, names, small, mask_label(min_group_size))
    if annotate is None:
        annotate = len(names) <= 15
    if annotate:
        _annotate(ax, values, masked, vmax=vmax, normalize=normalize, label=mask_label(min_group_size))
    what = {"row": "share of the row department's\ncollaboration", "all": "share of all\ncollaboration",
            None: "tie weight"}[normalize]
    cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, extend="max" if saturated else "neither")
    cbar.set_label(what, fontsize=TEXT_SIZE - 1)
    ax.set_xlabel("to department", fontsize=TEXT_SIZE - 1)
    ax.set_ylabel("from department", fontsize=TEXT_SIZE - 1)
    notes = []
    if saturated:
        notes.append("inside a department (the diagonal): off the colour scale")
    if small.any():
        notes.append(f"departments with fewer than {int(min_group_size)} people masked")
    ax.set_title("Collaboration between departments" + "".join(f"\n{n}" for n in notes),
                 fontsize=TITLE_SIZE - 3, loc="left")
    return ax


def matrix_values(graph: CollaborationGraph, *, normalize: str | None,
                  min_group_size: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The department matrix, normalised, in similarity order with the masked departments
    last: ``(values, names, small)``."""
    dm = department_matrix(graph).weights
    names = list(dm.index.astype(str))
    values = dm.to_numpy(dtype=np.float64)
    small = graph.department_sizes.to_numpy() < int(min_group_size)
    if normalize == "row":
        totals = values.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(totals > 0, values / np.where(totals > 0, totals, 1), 0.0)
    elif normalize == "all":
        total = values.sum()
        values = values / total if total > 0 else values
    order = _similarity_order(values)
    order = np.concatenate([order[~small[order]], order[small[order]]])  # masked ones last
    return values[np.ix_(order, order)], [names[i] for i in order], small[order]


def _draw_cells(ax, values: np.ndarray, masked: np.ndarray, cmap):
    """The heat map; colours scaled to the ties *between* departments (the diagonal, inside a
    department, dwarfs the rest and saturates). Returns the image, the top of the scale and
    whether anything is above it."""
    from matplotlib import colormaps

    cm = (colormaps[cmap] if isinstance(cmap, str) else cmap).with_extremes(bad="#D9D9D9")
    off = ~masked & ~np.eye(len(values), dtype=bool)
    vmax = float(values[off].max()) if off.any() else 0.0
    saturated = bool(vmax > 0 and (values[~masked] > vmax).any())
    if vmax <= 0:
        vmax = float(values[~masked].max()) if (~masked).any() else 1.0
    vmax = vmax if vmax > 0 else 1.0
    data = np.ma.masked_array(values, mask=masked)
    return ax.imshow(data, cmap=cm, vmin=0.0, vmax=vmax, interpolation="nearest"), vmax, saturated


def _draw_ticks(ax, names: list[str], small: np.ndarray, label: str) -> None:
    """Department names on both axes ("< 5" after masked ones), masked rows/columns hatched."""
    from matplotlib.patches import Rectangle

    d = len(names)
    if not d:
        return
    ticks = [f"{name} ({label})" if s else name for name, s in zip(names, small, strict=True)]
    ax.set_xticks(np.arange(d), labels=list(names), rotation=45 if d > 4 else 0,
                  ha="right" if d > 4 else "center", rotation_mode="anchor")
    ax.set_yticks(np.arange(d), labels=ticks)
    for k in np.flatnonzero(small):  # hatch masked departments (few)
        for rect in (Rectangle((-0.5, k - 0.5), d, 1), Rectangle((k - 0.5, -0.5), 1, d)):
            rect.set(facecolor="none", edgecolor="#8C8C8C", hatch="///", linewidth=0)
            ax.add_patch(rect)


def _annotate(ax, values: np.ndarray, masked: np.ndarray, *, vmax: float, normalize, label: str) -> None:
    """The value in each cell (``d^2`` texts; only when asked or ``d <= 15``)."""
    d = len(values)
    fmt = (lambda v: f"{v:.0%}") if normalize else (lambda v: f"{v:,.3g}")
    ii, jj = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
    for i, j in zip(ii.ravel(), jj.ravel(), strict=True):  # d^2 cells, d small
        if masked[i, j]:
            text, color = label, "#555555"
        else:
            text = fmt(values[i, j])
            color = "black" if values[i, j] > 0.55 * vmax else "white"
        ax.text(j, i, text, ha="center", va="center", fontsize=8 if d > 8 else 10, color=color)


def _similarity_order(values: np.ndarray) -> np.ndarray:
    """Leaves order of an average-linkage clustering where departments that work together are
    close: distance ``1 - a_kl / max(a)`` for the symmetrised share ``a`` between departments."""
    d = values.shape[0]
    if d <= 2:
        return np.arange(d)
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    affinity = (values + values.T) / 2
    np.fill_diagonal(affinity, 0.0)
    top = affinity.max()
    if not np.isfinite(affinity).all() or top <= 0:
        return np.arange(d)
    dist = 1.0 - affinity / top
    np.fill_diagonal(dist, 0.0)
    condensed = squareform(dist, checks=False)
    z = optimal_leaf_ordering(linkage(condensed, method="average"), condensed)
    return leaves_list(z)
