"""Present: influence maps and the charts of a plan, as axes-level matplotlib functions.

This stage takes what the earlier stages hand on -- a :class:`~ambassadors.graph.CollaborationGraph`,
the ``influence_scores`` table, the ``rank_candidates`` table and a
:class:`~ambassadors.select.Plan` -- and draws them. Every ``plot_*`` function draws on the
``ax`` it is given (or on a new 16:9 figure when ``ax`` is None) and returns that Axes; none of
them calls ``plt.show()`` or changes rcParams or the global style, so they compose into slides
and into the HTML report (:mod:`ambassadors.report`).

Colours come from Paul Tol's colour-blind-safe *muted* scheme; when there are more departments
than colours, markers (in scatter plots) and hatches (in bar charts) tell them apart.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph, department_matrix

__all__ = [
    "PALETTE",
    "department_styles",
    "influence_map_layout",
    "plot_coverage",
    "plot_department_matrix",
    "plot_influence_map",
    "plot_score_breakdown",
    "save_figure",
    "slide_figure",
]

#: Paul Tol's *muted* qualitative scheme (colour-blind safe), in the order we hand it out.
PALETTE: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
_SLIDE = (40 / 3, 7.5)  # inches: 16:9, 2000 x 1125 px at 150 dpi
_EDGE_GREY = "#4D4D4D"


# ---------------------------------------------------------------------------------------
# helpers
def slide_figure(*, ncols: int = 1, nrows: int = 1, figsize: tuple[float, float] = _SLIDE, **kwargs: Any):
    """Return ``(fig, ax)`` for a 16:9 slide (13.3 x 7.5 in; 2000 x 1125 px at 150 dpi).

    A thin wrapper around ``Figure``/``subplots`` with ``layout="constrained"`` that does not
    touch pyplot's global state, so it is safe in scripts, servers and notebooks.

    Examples
    --------
    >>> fig, ax = slide_figure()
    >>> [round(float(x), 1) for x in fig.get_size_inches()]
    [13.3, 7.5]
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows=nrows, ncols=ncols, **kwargs)
    return fig, axes


def _new_axes(ax, figsize: tuple[float, float] = _SLIDE):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    # pyplot (not a bare Figure) so that notebooks display the figure inline
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def department_styles(departments: Iterable[object]) -> pd.DataFrame:
    """Colour, marker and hatch for each department, stable for a given set of names.

    Departments are taken in sorted order; the ``k``-th gets colour ``PALETTE[k % 9]`` and,
    once the colours are used up, the next marker and hatch, so up to 72 departments get a
    distinct (colour, marker) pair.

    Parameters
    ----------
    departments : iterable
        Department labels (duplicates are ignored).

    Returns
    -------
    DataFrame
        Indexed by department (string): ``color``, ``marker``, ``hatch``.

    Examples
    --------
    >>> department_styles(["Sales", "IT"]).loc["IT", "color"]
    '#332288'
    """
    names = sorted({str(d) for d in departments})
    k = np.arange(len(names))
    p = len(PALETTE)
    return pd.DataFrame(
        {
            "color": [PALETTE[i % p] for i in k],
            "marker": [_MARKERS[(i // p) % len(_MARKERS)] for i in k],
            "hatch": [_HATCHES[(i // p) % len(_HATCHES)] for i in k],
        },
        index=pd.Index(names, name="department"),
    )


def _ambassador_ids(plan: Any) -> list[str]:
    """Person ids of a Plan (its ``members`` index), a DataFrame, or an iterable of ids."""
    if plan is None:
        return []
    members = getattr(plan, "members", plan)
    if isinstance(members, (pd.DataFrame, pd.Series)):
        return [str(i) for i in members.index]
    if isinstance(members, str):
        return [members]
    return [str(i) for i in members]


def _person_values(graph: CollaborationGraph, scores: pd.DataFrame | None, column: str) -> np.ndarray | None:
    """Column ``column`` of ``scores`` or of ``graph.people``, aligned to node codes."""
    for table in (scores, graph.people):
        if table is not None and column in table.columns:
            values = table[column]
            values = values.set_axis(values.index.astype(str)).reindex(graph.ids)
            if not pd.api.types.is_numeric_dtype(values):
                return None
            return values.to_numpy(dtype=np.float64)
    return None


def _scaled_sizes(values: np.ndarray, *, smallest: float, largest: float) -> np.ndarray:
    """Marker areas by percentile rank (robust to heavy tails such as PageRank)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if values.size == 0 or np.ptp(values) == 0:
        return np.full(values.shape, (smallest + largest) / 3)
    ranks = pd.Series(values).rank(pct=True, method="average").to_numpy()
    return smallest + (largest - smallest) * ranks**2


def _display_names(graph: CollaborationGraph, ids: Sequence[str]) -> list[str]:
    if "name" in graph.people.columns:
        names = graph.people["name"].reindex(pd.Index(ids))
        return [str(n) if pd.notna(n) and str(n).strip() else str(i) for i, n in zip(ids, names)]
    return [str(i) for i in ids]


def _department_layout(graph: CollaborationGraph, radius: np.ndarray, seed: int) -> np.ndarray:
    """Centres of the department clusters: a spring layout of the department affinity
    matrix (``d`` nodes), then pushed apart until no two clusters overlap."""
    d = len(radius)
    if d == 1:
        return np.zeros((1, 2))
    dm = department_matrix(graph).weights.to_numpy()
    aff = dm + dm.T
    np.fill_diagonal(aff, 0.0)
    total = aff.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = aff / np.sqrt(np.outer(np.maximum(total, 1e-12), np.maximum(total, 1e-12)))
    norm = np.nan_to_num(norm)
    if d == 2:
        pos = np.array([[-1.0, 0.0], [1.0, 0.0]])
    else:
        import networkx as nx  # small: one node per department

        g = nx.from_numpy_array(norm + 1e-3 * (1 - np.eye(d)))  # keep unconnected ones near
        layout = nx.spring_layout(g, weight="weight", seed=seed, iterations=200)
        pos = np.array([layout[k] for k in range(d)], dtype=np.float64)
    # scale so neighbouring clusters are roughly their radii apart, then remove overlaps
    pos -= pos.mean(axis=0)
    diff = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt((diff**2).sum(-1)) + np.eye(d) * 1e9
    need = radius[:, None] + radius[None, :]
    pos *= float(np.median(need.min(axis=1)) / max(np.median(dist.min(axis=1)), 1e-9)) * 1.1
    # widen to the 16:9 frame of a slide (a spring layout has no preferred orientation)
    pos[:, 0] *= 1.5
    gap = 0.2 * float(radius.mean()) + 2.5  # > 1.8, the widest spacing inside a cluster
    rng = np.random.default_rng(seed)
    for _ in range(300):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((diff**2).sum(-1))
        need = radius[:, None] + radius[None, :] + gap
        overlap = np.clip(need - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 1e-6:
            break
        coincident = dist < 1e-9
        np.fill_diagonal(coincident, False)
        if coincident.any():
            pos += rng.normal(scale=1e-3, size=pos.shape)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.nan_to_num(diff / dist[:, :, None])
        pos += 0.5 * (unit * overlap[:, :, None]).sum(axis=1) / np.maximum((overlap > 0).sum(1), 1)[:, None]
    return pos - pos.mean(axis=0)


def _sunflower(order_in_group: np.ndarray) -> np.ndarray:
    """Vogel's sunflower spiral: the ``j``-th point of a cluster at radius ``sqrt(j)``, angle
    ``j`` times the golden angle; neighbours are 1 to 1.8 units apart at any size."""
    golden = np.pi * (3.0 - np.sqrt(5.0))
    j = order_in_group.astype(np.float64)
    r = np.sqrt(j)
    return np.column_stack([r * np.cos(j * golden), r * np.sin(j * golden)])


def _rank_within(groups: np.ndarray, key: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """0-based position of each element inside its group, ordered by ``key`` descending and
    then by id (string order)."""
    id_rank = pd.Index(ids).argsort(kind="stable")
    id_pos = np.empty_like(id_rank)
    id_pos[id_rank] = np.arange(len(ids))
    order = np.lexsort((id_pos, -np.nan_to_num(key, nan=-np.inf), groups))
    g_sorted = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    within = np.arange(len(order)) - np.repeat(starts, counts)
    out = np.empty(len(order), dtype=np.int64)
    out[order] = within
    return out


def influence_map_layout(
    graph: CollaborationGraph,
    *,
    order_by: np.ndarray | None = None,
    shown: np.ndarray | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Node positions for :func:`plot_influence_map`: ``n x 2`` array in code order.

    Departments are placed by a spring layout of the department-to-department affinity
    (``w_kl / sqrt(w_k w_l)``), with radius ``sqrt(size)``; members sit on a sunflower
    spiral around their department centre (Vogel 1979), the highest ``order_by`` value in the
    middle.

    Parameters
    ----------
    graph : CollaborationGraph
    order_by : array of float, optional
        Per-node value; larger values are placed nearer the centre (default: degree).
    shown : array of bool, optional
        Lay out only these nodes (the others get NaN); cluster sizes follow the nodes shown.
    seed : int, default 0
        Seed of the department layout.

    Returns
    -------
    ndarray of shape (n, 2)

    Notes
    -----
    ``O(n log n + d^2)`` for ``n`` people and ``d`` departments; no person-level force layout,
    so 50,000 people take well under a second.

    References
    ----------
    Vogel, H. (1979). A better way to construct the sunflower head. *Mathematical Biosciences*
    44, 179-189.
    """
    n = graph.n_people
    codes = graph.department_codes
    if shown is None:
        shown = np.ones(n, dtype=bool)
    if order_by is None:
        order_by = np.diff(graph.neighbors_csr().indptr).astype(np.float64)
    sizes = np.bincount(codes[shown], minlength=len(graph.department_names)).astype(np.float64)
    radius = np.sqrt(np.maximum(sizes, 1.0))
    centres = _department_layout(graph, radius, seed)
    idx = np.flatnonzero(shown)
    within = _rank_within(
        codes[idx], np.asarray(order_by, dtype=np.float64)[idx], graph.ids.to_numpy().astype(str)[idx]
    )
    pos = np.full((n, 2), np.nan)
    pos[idx] = centres[codes[idx]] + _sunflower(within)
    return pos


def _place_labels(ax, items: list[tuple[float, float, str, float, dict]], pt_per_unit: float) -> None:
    """Write labels near their anchors, trying above, below, right and left so that they do not
    overlap one another (greedy, in the order given; O(k^2) for k labels, k is small)."""
    import matplotlib.patheffects as pe

    outline = [pe.withStroke(linewidth=3, foreground="white")]
    placed: list[tuple[float, float, float, float]] = []
    for x, y, text, fontsize, kwargs in items:
        w = 0.6 * fontsize * max(len(text), 1) / pt_per_unit
        h = 1.25 * fontsize / pt_per_unit
        # just clear of the marker: its radius in points (area s in points^2) plus 2 points
        gap = (np.sqrt(kwargs.pop("marker_area", 0.0)) / 2 + 2.0) / pt_per_unit
        candidates = [
            (x - w / 2, y + gap, "center", "bottom"),
            (x - w / 2, y - gap - h, "center", "top"),
            (x + gap, y - h / 2, "left", "center"),
            (x - gap - w, y - h / 2, "right", "center"),
            (x - w / 2, y + gap + 1.2 * h, "center", "bottom"),
            (x - w / 2, y - gap - 2.2 * h, "center", "top"),
        ]
        choice = candidates[0]
        for cand in candidates:
            x0, y0 = cand[0], cand[1]
            if not any(x0 < bx1 and bx0 < x0 + w and y0 < by1 and by0 < y0 + h for bx0, by0, bx1, by1 in placed):
                choice = cand
                break
        x0, y0, ha, va = choice
        placed.append((x0, y0, x0 + w, y0 + h))
        tx = {"center": x0 + w / 2, "left": x0, "right": x0 + w}[ha]
        ty = {"bottom": y0, "top": y0 + h, "center": y0 + h / 2}[va]
        ax.text(tx, ty, text, ha=ha, va=va, fontsize=fontsize, path_effects=outline, **kwargs)


# ---------------------------------------------------------------------------------------
def plot_influence_map(
    graph: CollaborationGraph,
    plan: Any = None,
    *,
    scores: pd.DataFrame | None = None,
    color_by: str = "department",
    size_by: str = "pagerank",
    labels: str | Iterable[str] = "ambassadors",
    layout: str = "department",
    seed: int = 0,
    max_people: int = 3000,
    max_edges: int = 3000,
    title: str | None = None,
    legend: bool = True,
    min_group_size: int = 5,
    ax=None,
    **style: Any,
):
    """Draw the collaboration network grouped by department, with the ambassadors highlighted.

    Each department is a cluster of dots (people) around its centre; clusters that work
    together sit close (a spring layout of the department matrix). Dot area grows with
    ``size_by``; only the strongest ties are drawn, as faint lines; ambassadors get a black
    ring and a label.

    Parameters
    ----------
    graph : CollaborationGraph
        From :func:`ambassadors.build_graph`.
    plan : Plan, DataFrame or iterable of person_id, optional
        The ambassadors to highlight (a :class:`~ambassadors.select.Plan`, its ``members``, or ids).
    scores : DataFrame, optional
        ``influence_scores`` output; ``size_by`` (and a numeric ``color_by``) are looked up here
        first, then in ``graph.people``. Without it, dot size is the number of ties (degree).
    color_by : str, default "department"
        ``"department"`` for a categorical colouring, or a numeric column (continuous,
        colour-blind-safe ``cividis`` with a colour bar).
    size_by : str, default "pagerank"
        Numeric column giving the dot area (by percentile rank). Falls back to degree.
    labels : {"ambassadors", "none", "all"} or iterable of person_id
        Whose names to write (``name`` column if the roster has one, else the id). ``"all"`` is
        refused above 200 shown people.
    layout : {"department"}
        Only the department layout is available; it stays readable at 50,000 people.
    seed : int, default 0
        Seeds the department layout and the sample of people shown. Same seed, same picture.
    max_people : int, default 3000
        Above this, a random sample of people (all ambassadors included) is drawn, and the
        figure says so.
    max_edges : int, default 3000
        Draw only this many of the strongest ties among the people shown (the figure says how
        many of how many).
    title : str, optional
        Default: "Influence map: N people in D departments, K ambassadors".
    legend : bool, default True
        Department legend (when at most 20 departments; otherwise the clusters are labelled).
    min_group_size : int, default 5
        The legend gives department sizes; departments smaller than this show "< n" instead
        (privacy by default; 0 shows every size).
    ax : matplotlib Axes, optional
        Draw here; default: a new 16:9 figure.
    **style
        ``node_alpha`` (0.85), ``edge_alpha`` (0.18), ``edge_color`` (grey), ``label_size`` (9),
        ``min_size`` and ``max_size`` (marker areas in points^2; default: from the density of
        the map, so that dots stay apart).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InputError
        If the plan names people who are not in the graph, or ``color_by``/``layout``/``labels``
        is not understood.

    Notes
    -----
    ``O(n log n + m + d^2)`` for ``n`` people, ``m`` ties, ``d`` departments: positions come
    from :func:`influence_map_layout` (no person-level force layout), the strongest ties from a
    partial sort, and all drawing is a handful of collections. 50,000 people and 5 million ties
    draw in a few seconds.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B", "B"]},
    ...                       index=pd.Index(["a1", "a2", "b1", "b2"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a1", "a1", "b1"], "target": ["a2", "b1", "b2"]})
    >>> ax = plot_influence_map(build_graph(people, log), ["a1"])
    >>> ax.get_title(loc="left")
    'Influence map: 4 people in 2 departments, 1 ambassador'
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    if layout != "department":
        raise InputError(f"layout: expected 'department', got {layout!r}")
    node_alpha = float(style.pop("node_alpha", 0.85))
    edge_alpha = float(style.pop("edge_alpha", 0.18))
    edge_color = style.pop("edge_color", _EDGE_GREY)
    label_size = float(style.pop("label_size", 9))
    min_size = style.pop("min_size", None)
    max_size = style.pop("max_size", None)
    if style:
        raise InputError(f"plot_influence_map: unknown style option(s): {', '.join(sorted(style))}")

    n = graph.n_people
    if n == 0:
        raise InputError("plot_influence_map: the graph has no people")
    amb_ids = _ambassador_ids(plan)
    amb_codes = graph.codes(amb_ids) if amb_ids else np.zeros(0, dtype=np.int64)
    degree = np.diff(graph.neighbors_csr().indptr).astype(np.float64)
    size_values = _person_values(graph, scores, size_by)
    size_label = size_by
    if size_values is None:
        size_values, size_label = degree, "number of ties"
    # who is shown: everyone, or a seeded random sample that always keeps the ambassadors
    shown = np.ones(n, dtype=bool)
    sampled = n > max_people
    if sampled:
        rng = np.random.default_rng(seed)
        shown[:] = False
        shown[amb_codes] = True
        rest = np.flatnonzero(~shown)
        take = max(int(max_people) - int(shown.sum()), 0)
        shown[rng.permutation(rest)[:take]] = True
    idx = np.flatnonzero(shown)
    pos = influence_map_layout(graph, order_by=size_values, shown=shown, seed=seed)

    ax = _new_axes(ax)
    codes = graph.department_codes
    names = graph.department_names
    styles = department_styles(names)
    # points per data unit on this Axes (aspect is equal): sizes and labels follow the density
    span_x = float(np.nanmax(pos[:, 0]) - np.nanmin(pos[:, 0])) + 6.0
    span_y = float(np.nanmax(pos[:, 1]) - np.nanmin(pos[:, 1])) + 9.0
    bbox = ax.get_position()
    fw, fh = ax.figure.get_size_inches()
    box_w, box_h = bbox.width * fw * 72 * 0.82, bbox.height * fh * 72 * 0.9  # minus legend/title
    pt_per_unit = min(box_w / span_x, box_h / span_y)
    spacing_pt = 1.8 * pt_per_unit  # neighbours on the spiral are about 1.8 units apart
    max_size = float(max_size) if max_size is not None else float(np.clip((2.0 * spacing_pt) ** 2, 9.0, 400.0))
    min_size = float(min_size) if min_size is not None else float(np.clip((0.45 * spacing_pt) ** 2, 1.0, 30.0))
    sizes = _scaled_sizes(size_values, smallest=min_size, largest=max_size)

    # strongest ties among the people shown, as one LineCollection
    und = graph.undirected_weights()
    if not idx.size:
        sub = sp.coo_array((0, 0))
    else:
        sub = sp.triu(und[idx][:, idx] if sampled else und, k=1).tocoo()
    n_ties_shown = int(sub.nnz)
    n_edges_drawn = 0
    if n_ties_shown:
        k = min(int(max_edges), n_ties_shown)
        top = np.argpartition(-sub.data, k - 1)[:k] if k < n_ties_shown else np.arange(n_ties_shown)
        top = top[np.lexsort((sub.col[top], sub.row[top], -sub.data[top]))]
        a, b, w = idx[sub.row[top]], idx[sub.col[top]], sub.data[top]
        segs = np.stack([pos[a], pos[b]], axis=1)
        wr = pd.Series(w).rank(pct=True).to_numpy()
        ax.add_collection(LineCollection(
            segs, colors=edge_color, linewidths=0.25 + 1.0 * wr, alpha=edge_alpha, zorder=1,
            capstyle="round",
        ))
        n_edges_drawn = k

    # people
    handles = []
    continuous = color_by != "department"
    if continuous:
        cvals = _person_values(graph, scores, color_by)
        if cvals is None:
            raise InputError(
                f"color_by: {color_by!r} is not 'department' nor a numeric column of scores or people"
            )
        sc = ax.scatter(
            pos[idx, 0], pos[idx, 1], s=sizes[idx], c=cvals[idx], cmap="cividis",
            alpha=node_alpha, linewidths=0.3, edgecolors="white", zorder=2,
        )
        ax.figure.colorbar(sc, ax=ax, shrink=0.6, label=color_by)
    else:
        color_of = styles["color"].to_numpy()
        for marker in pd.unique(styles["marker"]):  # at most 8 markers
            depts = np.flatnonzero((styles["marker"] == marker).to_numpy())
            sel = idx[np.isin(codes[idx], depts)]
            ax.scatter(
                pos[sel, 0], pos[sel, 1], s=sizes[sel], c=color_of[codes[sel]], marker=marker,
                alpha=node_alpha, linewidths=0.3 if spacing_pt > 4 else 0.0, edgecolors="white",
                zorder=2,
            )
        for k, dept in enumerate(names):
            row = styles.loc[dept]
            size_k = int(graph.department_sizes.iloc[k])
            shown_k = _mask_label(min_group_size) if size_k < min_group_size else f"{size_k:,}"
            handles.append(
                Line2D([], [], linestyle="", marker=row["marker"], markersize=8, color=row["color"],
                       label=f"{dept} ({shown_k})")
            )

    # ambassadors: a black ring, at least a readable size however dense the map
    if amb_codes.size:
        face = "none" if continuous else styles["color"].to_numpy()[codes[amb_codes]]
        ring = np.maximum(np.maximum(sizes[amb_codes], 0.6 * max_size) * 1.6, 60.0)
        ax.scatter(pos[amb_codes, 0], pos[amb_codes, 1], s=ring, c=face, edgecolors="black",
                   linewidths=1.8, zorder=4, marker="o")
        handles.append(
            Line2D([], [], linestyle="", marker="o", markersize=10, markerfacecolor="white",
                   markeredgecolor="black", markeredgewidth=1.8, label="ambassador")
        )

    # labels: department names first (above their clusters), then people
    if isinstance(labels, str):
        if labels == "ambassadors":
            label_codes = amb_codes
        elif labels == "none":
            label_codes = np.zeros(0, dtype=np.int64)
        elif labels == "all":
            if idx.size > 200:
                raise InputError(f"labels='all' would write {idx.size:,} names; pass a list of ids instead")
            label_codes = idx
        else:
            raise InputError(f"labels: expected 'ambassadors', 'none', 'all' or ids, got {labels!r}")
    else:
        label_codes = graph.codes(list(labels))
    items: list[tuple[float, float, str, float, dict]] = []
    shown_codes = codes[idx]
    d = len(names)
    cnt = np.bincount(shown_codes, minlength=d)
    cx = np.bincount(shown_codes, weights=pos[idx, 0], minlength=d) / np.maximum(cnt, 1)
    top_y = np.full(d, -np.inf)
    np.maximum.at(top_y, shown_codes, pos[idx, 1])
    dept_size = label_size + (1 if d <= 20 else 0)
    for k in np.flatnonzero(cnt):  # one per department
        # a bare number next to person ids reads as an id: say what it is
        dept_label = f"department {names[k]}" if str(names[k]).isdigit() else str(names[k])
        items.append((cx[k], top_y[k], dept_label, dept_size,
                      {"color": "#333333", "zorder": 3, "marker_area": max_size * 1.5}))
    person_size = label_size if label_codes.size <= 30 else max(label_size - 2, 6)
    texts = _display_names(graph, graph.ids[label_codes].astype(str).tolist()) if label_codes.size else []
    is_amb = np.zeros(n, dtype=bool)
    is_amb[amb_codes] = True
    area = np.where(is_amb, np.maximum(np.maximum(sizes, 0.6 * max_size) * 1.6, 60.0), sizes)
    for c, text in zip(label_codes, texts):  # one per label (few), not per row
        items.append((pos[c, 0], pos[c, 1], text, person_size,
                      {"fontweight": "bold" if is_amb[c] else "normal", "zorder": 5,
                       "marker_area": float(area[c])}))
    _place_labels(ax, items, pt_per_unit)

    # framing: room for the department names above the top clusters
    x0, x1 = np.nanmin(pos[:, 0]), np.nanmax(pos[:, 0])
    y0, y1 = np.nanmin(pos[:, 1]), np.nanmax(pos[:, 1])
    ax.update_datalim([(x0 - 2.0, y0 - 2.0), (x1 + 2.0, y1 + 2.0 + 2.5 * dept_size / pt_per_unit)])
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    k_amb = int(amb_codes.size)
    if title is None:
        title = (
            f"Influence map: {n:,} people in {d:,} department{'s' * (d != 1)}"
            + (f", {k_amb} ambassador{'s' * (k_amb != 1)}" if k_amb else "")
        )
    ax.set_title(title, fontsize=14, loc="left")
    note = [f"dot size: {size_label}"]
    if sampled:
        note.insert(0, f"showing {idx.size:,} of {n:,} people (random sample, seed={seed}; all ambassadors shown)")
    total_ties = int(graph.neighbors_csr().nnz // 2)  # symmetric, no diagonal
    if n_edges_drawn < total_ties:
        note.append(f"strongest {n_edges_drawn:,} of {total_ties:,} ties drawn")
    else:
        note.append(f"all {total_ties:,} ties drawn")
    ax.text(0.0, -0.01, " · ".join(note), transform=ax.transAxes, ha="left", va="top",
            fontsize=max(label_size - 1, 6), color="#444444")
    if legend and (handles if d <= 20 else amb_codes.size):
        # outside the map when the figure's layout engine makes room for it; inside otherwise
        outside = ax.figure.get_layout_engine() is not None
        where = dict(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False) if outside else \
            dict(loc="upper right", frameon=True, framealpha=0.85, edgecolor="none")
        ax.legend(handles=handles if d <= 20 else handles[-1:], fontsize=label_size,
                  title=None if continuous or d > 20 else "department (people)", **where)
    return ax


# ---------------------------------------------------------------------------------------
def _mask_label(min_group_size: int) -> str:
    return f"< {int(min_group_size)}"


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
    from matplotlib.patches import Rectangle

    if normalize not in ("row", "all", None):
        raise InputError(f"normalize: expected 'row', 'all' or None, got {normalize!r}")
    cmap = style.pop("cmap", "cividis")
    if style:
        raise InputError(f"plot_department_matrix: unknown style option(s): {', '.join(sorted(style))}")
    dm = department_matrix(graph).weights
    names = list(dm.index.astype(str))
    values = dm.to_numpy(dtype=np.float64)
    sizes = graph.department_sizes.to_numpy()
    small = sizes < int(min_group_size)
    if normalize == "row":
        totals = values.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(totals > 0, values / np.where(totals > 0, totals, 1), 0.0)
    elif normalize == "all":
        total = values.sum()
        values = values / total if total > 0 else values
    order = _similarity_order(values)
    order = np.concatenate([order[~small[order]], order[small[order]]])  # masked ones last
    values = values[np.ix_(order, order)]
    small = small[order]
    names = [names[i] for i in order]
    masked = small[:, None] | small[None, :]
    data = np.ma.masked_array(values, mask=masked)

    ax = _new_axes(ax, figsize=(9, 7.5) if len(names) <= 30 else (40 / 3, 11))
    from matplotlib import colormaps

    cm = (colormaps[cmap] if isinstance(cmap, str) else cmap).with_extremes(bad="#D9D9D9")
    # the diagonal (collaboration inside a department) dwarfs the rest: scale the colours to
    # the ties between departments, and let the diagonal saturate
    off = ~masked & ~np.eye(len(names), dtype=bool)
    vmax = float(values[off].max()) if off.any() else 0.0
    saturated = bool(vmax > 0 and (values[~masked] > vmax).any())
    if vmax <= 0:
        vmax = float(values[~masked].max()) if (~masked).any() else 1.0
    vmax = vmax if vmax > 0 else 1.0
    im = ax.imshow(data, cmap=cm, vmin=0.0, vmax=vmax, interpolation="nearest")
    d = len(names)
    label = _mask_label(min_group_size)
    ticks = [f"{name} ({label})" if s else name for name, s in zip(names, small)]
    if d:
        ax.set_xticks(np.arange(d), labels=[n for n in names], rotation=45 if d > 4 else 0,
                      ha="right" if d > 4 else "center", rotation_mode="anchor")
        ax.set_yticks(np.arange(d), labels=ticks)
    for k in np.flatnonzero(small):  # hatch masked departments (few)
        for rect in (Rectangle((-0.5, k - 0.5), d, 1), Rectangle((k - 0.5, -0.5), 1, d)):
            rect.set(facecolor="none", edgecolor="#8C8C8C", hatch="///", linewidth=0)
            ax.add_patch(rect)
    if annotate is None:
        annotate = d <= 15
    if annotate and d:
        ii, jj = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
        fmt = (lambda v: f"{v:.0%}") if normalize else (lambda v: f"{v:,.3g}")
        threshold = 0.55 * vmax
        for i, j in zip(ii.ravel(), jj.ravel()):  # d^2 cells, d small (annotate is opt-in above 15)
            if masked[i, j]:
                text, color = label, "#555555"
            else:
                text = fmt(values[i, j])
                color = "black" if values[i, j] > threshold else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=8 if d > 8 else 10, color=color)
    what = {"row": "share of the row department's tie weight",
            "all": "share of all tie weight", None: "tie weight"}[normalize]
    ax.figure.colorbar(im, ax=ax, shrink=0.8, extend="max" if saturated else "neither",
                       label=what + (" (within a department: off the scale)" if saturated else ""))
    ax.set_xlabel("to department")
    ax.set_ylabel("from department")
    note = f"departments with fewer than {int(min_group_size)} people masked" if small.any() else ""
    ax.set_title("Collaboration between departments" + (f"\n{note}" if note else ""), fontsize=13, loc="left")
    return ax


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


# ---------------------------------------------------------------------------------------
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
    cov = getattr(plan, "coverage", plan)
    if not isinstance(cov, pd.DataFrame):
        raise InputError("plot_coverage: expected a Plan or its coverage DataFrame")
    missing = [c for c in ("size", "reached") if c not in cov.columns]
    if missing:
        raise InputError(
            f"coverage: column {missing[0]!r} not found; columns are: {', '.join(map(str, cov.columns))}"
        )
    color = style.pop("color", None)
    if style:
        raise InputError(f"plot_coverage: unknown style option(s): {', '.join(sorted(style))}")
    cov = cov.copy()
    cov.index = cov.index.astype(str)
    if "share_reached" not in cov.columns:
        cov["share_reached"] = cov["reached"] / cov["size"].where(cov["size"] > 0)
    if "ambassadors" not in cov.columns:
        cov["ambassadors"] = np.nan
    keys = {"share": ["share_reached", "size"], "size": ["size"], "name": []}
    if sort not in keys:
        raise InputError(f"sort: expected 'share', 'size' or 'name', got {sort!r}")
    if sort == "share":
        cov = cov.sort_values(["share_reached", "size"], ascending=[True, False], kind="stable")
    elif sort == "size":
        cov = cov.sort_values("size", ascending=False, kind="stable")
    else:
        cov = cov.sort_index()
    d = len(cov)
    styles = department_styles(cov.index)
    colors = [color or styles.loc[k, "color"] for k in cov.index]
    hatches = [styles.loc[k, "hatch"] for k in cov.index]
    ax = _new_axes(ax, figsize=(10, max(3.0, 0.38 * d + 1.5)))
    y = np.arange(d)
    size = cov["size"].to_numpy(dtype=np.float64)
    reached = cov["reached"].to_numpy(dtype=np.float64)
    small = size < int(min_group_size)
    # small departments: no bars at all, so that neither size nor reach can be read off
    shown_size = np.where(small, np.nan, size)
    ax.barh(y, np.nan_to_num(shown_size), color=colors, alpha=0.25, edgecolor="none")
    fg = ax.barh(y, np.where(small, 0.0, reached), color=colors, hatch=None, edgecolor="white", linewidth=0.5)
    for bar, h in zip(fg, hatches):
        bar.set_hatch(h or None)
    xmax = np.nanmax(shown_size) if np.isfinite(shown_size).any() else 1.0
    label = _mask_label(min_group_size)
    for k in range(d):  # one text per department
        if small[k]:
            text = f"{label} people"
        else:
            share = cov["share_reached"].iloc[k]
            amb = cov["ambassadors"].iloc[k]
            text = f"{int(reached[k]):,} / {int(size[k]):,} ({share:.0%})"
            if pd.notna(amb):
                text += f" · {int(amb)} ambassador{'s' * (int(amb) != 1)}"
        ax.text(np.nan_to_num(shown_size[k]) + 0.01 * xmax, k, text, va="center", fontsize=9)
    ax.set_yticks(y, labels=list(cov.index))
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * 1.45)
    ax.set_xlabel("people")
    ax.spines[["top", "right"]].set_visible(False)
    total = float(np.nansum(np.where(small, 0, size)))
    share_all = float(np.nansum(np.where(small, 0, reached)) / total) if total else float("nan")
    ax.set_title(
        f"Coverage: colleagues within reach of an ambassador ({share_all:.0%} overall)"
        if np.isfinite(share_all) else "Coverage: colleagues within reach of an ambassador",
        fontsize=13, loc="left",
    )
    from matplotlib.patches import Patch

    ax.legend(
        handles=[Patch(color="#777777", alpha=0.25, label="department size"),
                 Patch(color="#777777", label="reached")],
        loc="lower right", frameon=False, fontsize=9,
    )
    return ax


# ---------------------------------------------------------------------------------------
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
    if style:
        raise InputError(f"plot_score_breakdown: unknown style option(s): {', '.join(sorted(style))}")
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
    ax = _new_axes(ax, figsize=(10, max(3.0, 0.35 * len(frame) + 1.5)))
    y = np.arange(len(frame))
    left = np.zeros(len(frame))
    colors = list(colors) if colors is not None else [PALETTE[i % len(PALETTE)] for i in range(len(parts))]
    for i, col in enumerate(parts):  # one per component
        vals = frame[col].fillna(0.0).to_numpy(dtype=np.float64)
        ax.barh(y, vals, left=left, color=colors[i % len(colors)], edgecolor="white", linewidth=0.5,
                hatch=_HATCHES[(i // len(PALETTE)) % len(_HATCHES)] or None,
                label=str(col)[len("contrib_"):].replace("_", " "))
        left += vals
    ids = frame.index.tolist()
    if people is not None and "name" in people.columns:
        names = people["name"].copy()
        names.index = names.index.astype(str)
        names = names.reindex(ids)
        labels = [f"{n} ({i})" if pd.notna(n) else i for i, n in zip(ids, names)]
    else:
        labels = ids
    ax.set_yticks(y, labels=labels)
    ax.invert_yaxis()
    ax.set_xlabel("score (sum of weighted components)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9,
              ncols=min(len(parts), 4))
    ax.set_title(f"What the scores are made of: top {len(frame)}", fontsize=13, loc="left")
    return ax


# ---------------------------------------------------------------------------------------
def save_figure(fig, path: str | os.PathLike[str], *, dpi: int = 150, **kwargs: Any) -> Path:
    """Save a figure as PNG, SVG or PDF (by the file suffix), atomically.

    The file is written to a temporary name in the same folder and renamed into place, so a
    reader never sees a half-written image.

    Parameters
    ----------
    fig : matplotlib Figure (or an Axes: its figure is saved)
    path : path-like
        Ends in ``.png``, ``.svg`` or ``.pdf``.
    dpi : int, default 150
        For PNG; 150 dpi at the default 13.3 x 7.5 in is a 2000 x 1125 slide.
    **kwargs
        Passed on to ``Figure.savefig`` (e.g. ``bbox_inches="tight"``).

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fig, ax = slide_figure()
    >>> out = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "x.svg")
    >>> out.read_text()[:5]
    '<?xml'
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise InputError(f"{path}: expected a .png, .svg or .pdf file name")
    fig = getattr(fig, "figure", fig)
    from ambassadors.io.writers import atomic_write_bytes

    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())
    return path


from ambassadors.plot._coverage import plot_coverage_curve as plot_coverage_curve  # noqa: E402  (select's figure)
