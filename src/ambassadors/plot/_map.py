"""The influence map: the collaboration network as department clusters, ambassadors ringed.

:func:`plot_influence_map` is a short chain over :class:`_MapPlotter`, in the seaborn way: the
plotter resolves what to show (who, which ties, which colours and sizes), then draws the frame
(title, legend, footnote) so that the map can take all the room that is left, and then the
ties, the people, the ambassadors and the labels.

Colours: one per department while they fit in the palette; past it, the largest departments
keep a colour, the others share one grey and every cluster is labelled on the map itself.
Departments smaller than ``min_group_size`` are pooled into one cluster, "other small groups",
so that neither their names, their colours nor their head counts can be read off the map.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.plot._common import (
    EDGE_GREY,
    NOTE_SIZE,
    OTHER_GREY,
    PALETTE,
    SMALL_GREY,
    TEXT_SIZE,
    TITLE_SIZE,
    ambassador_ids,
    check_style,
    display_names,
    new_axes,
    person_values,
    scaled_sizes,
)
from ambassadors.plot._labels import Label, place_labels, ring_boxes, shorten
from ambassadors.plot._layout import influence_map_layout

SMALL_GROUPS = "other small groups"
OTHER_DEPARTMENTS = "other departments"
MAX_NAMED = 20  # labels="ambassadors" names them up to this many
_DEPARTMENT_OFFSETS = ((0, 1, "center", "bottom"), (0, 2.4, "center", "bottom"), (0, -1, "center", "top"),
                       (0, -2.4, "center", "top"), (1, 0, "left", "center"), (-1, 0, "right", "center"),
                       (0, 0, "center", "center"))


def map_groups(graph: CollaborationGraph, min_group_size: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Clusters of the map: every department of at least ``min_group_size`` people, and one
    pooled cluster of all smaller ones. Returns per-person group codes, the group names and a
    boolean per group: is it the pooled one."""
    sizes = graph.department_sizes.to_numpy()
    names = [str(d) for d in graph.department_names]
    small = sizes < int(min_group_size)
    keep = np.flatnonzero(~small)
    dept_to_group = np.full(len(names), len(keep), dtype=np.int64)
    dept_to_group[keep] = np.arange(len(keep))
    group_names = [names[k] for k in keep] + ([SMALL_GROUPS] if small.any() else [])
    pooled = np.zeros(len(group_names), dtype=bool)
    pooled[len(keep):] = True
    return dept_to_group[graph.department_codes], group_names, pooled


def group_colours(sizes: np.ndarray, names: list[str], pooled: np.ndarray) -> tuple[np.ndarray, bool]:
    """A colour per group: the palette while it suffices (in name order); past it, the largest
    ``len(PALETTE) - 1`` departments keep a colour and the rest share a grey. The pooled small
    groups are light grey. Returns the colours and whether departments had to share."""
    colours = np.full(len(names), OTHER_GREY, dtype=object)
    colours[pooled] = SMALL_GREY
    real = np.flatnonzero(~pooled)
    shared = len(real) > len(PALETTE)
    if shared:  # largest first, ties by name
        order = sorted(real, key=lambda k: (-sizes[k], names[k]))
        real = np.array(sorted(order[: len(PALETTE) - 1], key=lambda k: names[k]), dtype=np.int64)
    for i, k in enumerate(real):
        colours[k] = PALETTE[i]
    return colours, shared


def strongest_ties(graph: CollaborationGraph, idx: np.ndarray, sampled: bool, max_edges: int):
    """The ``max_edges`` heaviest undirected ties among the people ``idx`` (partial sort; ties
    broken by codes): ``(a, b, weight)`` as node codes, and how many ties there were."""
    und = graph.undirected_weights()
    sub = sp.triu(und[idx][:, idx] if sampled else und, k=1).tocoo() if idx.size else sp.coo_array((0, 0))
    total = int(sub.nnz)
    k = min(int(max_edges), total)
    if k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), total
    top = np.argpartition(-sub.data, k - 1)[:k] if k < total else np.arange(total)
    top = top[np.lexsort((sub.col[top], sub.row[top], -sub.data[top]))]
    return idx[sub.row[top]], idx[sub.col[top]], sub.data[top], total


class _MapPlotter:
    """What one influence map shows, and how to draw each layer of it."""

    def __init__(self, graph: CollaborationGraph, plan: Any, *, scores, color_by: str, size_by: str,
                 labels, seed: int, max_people: int, max_edges: int, min_group_size: int,
                 style: dict[str, Any]) -> None:
        self.graph, self.seed, self.mgs = graph, int(seed), max(int(min_group_size), 0)
        self.node_alpha = float(style.pop("node_alpha", 0.85))
        self.edge_alpha = float(style.pop("edge_alpha", 0.18))
        self.edge_color = style.pop("edge_color", EDGE_GREY)
        self.label_size = float(style.pop("label_size", TEXT_SIZE - 1.5))
        self.min_size, self.max_size = style.pop("min_size", None), style.pop("max_size", None)
        check_style("plot_influence_map", style)
        if graph.n_people == 0:
            raise InputError("plot_influence_map: the graph has no people")
        ids = ambassador_ids(plan)
        self.amb = graph.codes(ids) if ids else np.zeros(0, dtype=np.int64)
        self._sizes_and_colours(scores, color_by, size_by)
        self._sample(int(max_people))
        self.labels = labels
        self.label_codes = self._label_codes(labels)
        self.groups, self.group_names, self.pooled = map_groups(graph, self.mgs)
        sizes = np.bincount(self.groups, minlength=len(self.group_names))
        self.colours, self.shared = group_colours(sizes, self.group_names, self.pooled)
        self.tie_a, self.tie_b, self.tie_w, _ = strongest_ties(graph, self.idx, self.sampled, max_edges)
        self.total_ties = int(graph.neighbors_csr().nnz // 2)  # symmetric, no diagonal

    def _sizes_and_colours(self, scores, color_by: str, size_by: str) -> None:
        degree = np.diff(self.graph.neighbors_csr().indptr).astype(np.float64)
        self.size_values = person_values(self.graph, scores, size_by)
        self.size_label = size_by
        if self.size_values is None:
            self.size_values, self.size_label = degree, "number of ties"
        self.color_by = color_by
        self.color_values = None
        if color_by != "department":
            self.color_values = person_values(self.graph, scores, color_by)
            if self.color_values is None:
                raise InputError(
                    f"color_by: {color_by!r} is not 'department' nor a numeric column of scores or people"
                )

    def _sample(self, max_people: int) -> None:
        """Everyone, or a seeded random sample that always keeps the ambassadors."""
        n = self.graph.n_people
        self.shown = np.ones(n, dtype=bool)
        self.sampled = n > max_people
        if self.sampled:
            rng = np.random.default_rng(self.seed)
            self.shown[:] = False
            self.shown[self.amb] = True
            rest = np.flatnonzero(~self.shown)
            take = max(max_people - int(self.shown.sum()), 0)
            self.shown[rng.permutation(rest)[:take]] = True
        self.idx = np.flatnonzero(self.shown)

    def _label_codes(self, labels) -> np.ndarray:
        if not isinstance(labels, str):
            return self.graph.codes(list(labels))
        if labels == "ambassadors":
            # more names than a slide can carry: ring them, name them in the shortlist
            return self.amb if self.amb.size <= MAX_NAMED else np.zeros(0, dtype=np.int64)
        if labels == "none":
            return np.zeros(0, dtype=np.int64)
        if labels == "all":
            if self.idx.size > 200:
                raise InputError(
                    f"labels='all' would write {self.idx.size:,} names; pass a list of ids instead"
                )
            return self.idx
        raise InputError(f"labels: expected 'ambassadors', 'none', 'all' or ids, got {labels!r}")

    # -- the frame: drawn first, so that the map fills the room that is left -------------
    def draw_title(self, ax, title: str | None) -> None:
        n, d, k = self.graph.n_people, len(self.graph.department_names), int(self.amb.size)
        if title is None:
            title = (f"Influence map: {n:,} people in {d:,} department{'s' * (d != 1)}"
                     + (f", {k} ambassador{'s' * (k != 1)}" if k else ""))
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left")

    def footnote(self) -> str:
        note = [f"dot size: {self.size_label}"]
        if self.sampled:
            note.insert(0, f"showing {self.idx.size:,} of {self.graph.n_people:,} people "
                           f"(random sample, seed={self.seed}; all ambassadors shown)")
        drawn = int(self.tie_a.size)
        note.append(f"strongest {drawn:,} of {self.total_ties:,} ties drawn" if drawn < self.total_ties
                    else f"all {self.total_ties:,} ties drawn")
        note.append("a tie: two people in contact, either direction")
        if isinstance(self.labels, str) and self.labels == "ambassadors" and self.amb.size > MAX_NAMED:
            note.append(f"{self.amb.size} ambassadors ringed; their names are in the shortlist")
        if self.pooled.any():
            note.append(f"departments under {self.mgs} people pooled as '{SMALL_GROUPS}'")
        return " · ".join(note)

    def draw_footnote(self, ax) -> None:
        import textwrap

        # wrapped to the figure's width, so that it never squeezes the map
        width = int(ax.figure.get_figwidth() * 72 * 0.85 / (0.55 * NOTE_SIZE))
        text = "\n".join(textwrap.wrap(self.footnote(), width=max(width, 40)))
        self.note = ax.text(0.0, -0.01, text, transform=ax.transAxes, ha="left", va="top",
                            fontsize=NOTE_SIZE, color="#444444")

    def legend_handles(self) -> list:
        from matplotlib.lines import Line2D

        def dot(colour: str, text: str, **kw: Any):
            return Line2D([], [], linestyle="", marker="o", markersize=11, color=colour, label=text, **kw)

        handles = []
        if self.color_values is None:
            sizes = self.graph.department_sizes
            for k, name in enumerate(self.group_names):
                if self.pooled[k]:
                    handles.append(dot(SMALL_GREY, f"{SMALL_GROUPS} (< {self.mgs} people each)"))
                elif self.colours[k] != OTHER_GREY:
                    handles.append(dot(self.colours[k], f"{name} ({int(sizes.loc[name]):,})"))
            if self.shared:
                handles.insert(-1 if self.pooled.any() else len(handles),
                               dot(OTHER_GREY, f"{OTHER_DEPARTMENTS} (named on the map)"))
        if self.amb.size:
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=12, markerfacecolor="white",
                                  markeredgecolor="black", markeredgewidth=2, label="ambassador"))
        return handles

    def draw_legend(self, ax) -> None:
        handles = self.legend_handles()
        if not handles:
            return
        # outside the map when the figure's layout engine makes room for it; inside otherwise
        outside = ax.figure.get_layout_engine() is not None
        where = dict(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False) if outside else \
            dict(loc="upper right", frameon=True, framealpha=0.85, edgecolor="none")
        title = None if self.color_values is not None else "department (people)"
        ax.legend(handles=handles, fontsize=TEXT_SIZE, title=title, title_fontsize=TEXT_SIZE,
                  alignment="left", **where)
        if self.color_values is not None:
            from matplotlib.cm import ScalarMappable

            cbar = ax.figure.colorbar(ScalarMappable(norm=self.norm(), cmap="cividis"), ax=ax, shrink=0.6)
            cbar.set_label(self.color_by, fontsize=TEXT_SIZE)

    def norm(self):
        from matplotlib.colors import Normalize

        values = self.color_values[self.idx]
        finite = values[np.isfinite(values)]
        if not finite.size:
            return Normalize(0.0, 1.0)
        return Normalize(float(finite.min()), float(finite.max()))

    # -- the map ------------------------------------------------------------------------
    def fit(self, ax) -> None:
        """Lay the clusters out for the room the frame left, fix the limits, size the dots."""
        if ax.figure.get_layout_engine() is not None:
            ax.figure.draw_without_rendering()  # settles the Axes' position around the frame
        box = ax.get_window_extent()
        self.pos = influence_map_layout(self.graph, order_by=self.size_values, shown=self.shown,
                                        groups=self.groups, aspect=max(box.width, 1) / max(box.height, 1),
                                        seed=self.seed)
        shown = self.pos[self.idx]
        x0, y0 = np.nanmin(shown, axis=0) - 2.5
        x1, y1 = np.nanmax(shown, axis=0) + 2.5
        # room above the top clusters for their names: a label's height in data units
        label_pt = 2.6 * (self.label_size + 1.5)  # a name above a ring above the cluster
        y1 += label_pt * (y1 - y0) / max(box.height * 72 / ax.figure.dpi - label_pt, 1.0)
        # widen the short side so that the limits have the box's shape: equal scales, full box
        want = max(box.width, 1) / max(box.height, 1)
        if (x1 - x0) / (y1 - y0) < want:
            grow = (want * (y1 - y0) - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        else:
            grow = ((x1 - x0) / want - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.apply_aspect()
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        xlim = ax.get_xlim()
        self.pt_per_unit = box.width * 72 / ax.figure.dpi / max(xlim[1] - xlim[0], 1e-9)
        spacing_pt = 1.8 * self.pt_per_unit  # neighbours on the spiral are about 1.8 units apart
        self.spacing_pt = spacing_pt
        largest = np.clip((2.0 * spacing_pt) ** 2, 9.0, 400.0) if self.max_size is None else self.max_size
        smallest = np.clip((0.45 * spacing_pt) ** 2, 1.0, 30.0) if self.min_size is None else self.min_size
        self.largest = float(largest)
        self.sizes = scaled_sizes(self.size_values, smallest=float(smallest), largest=self.largest)
        self.ring = np.maximum(np.maximum(self.sizes, 0.6 * self.largest) * 1.6, 70.0)

    def draw_ties(self, ax) -> None:
        """The strongest ties as one LineCollection, wider for heavier ties."""
        from matplotlib.collections import LineCollection

        if not self.tie_a.size:
            return
        segs = np.stack([self.pos[self.tie_a], self.pos[self.tie_b]], axis=1)
        wr = pd.Series(self.tie_w).rank(pct=True).to_numpy()
        ax.add_collection(LineCollection(segs, colors=self.edge_color, linewidths=0.25 + 1.0 * wr,
                                         alpha=self.edge_alpha, zorder=1, capstyle="round"))

    def draw_people(self, ax) -> None:
        """Every person shown as one dot, in its cluster's colour (or the numeric colour)."""
        idx = self.idx
        if self.color_values is not None:
            colour = dict(c=self.color_values[idx], cmap="cividis", norm=self.norm())
        else:
            colour = dict(c=list(self.colours[self.groups[idx]]))
        ax.scatter(self.pos[idx, 0], self.pos[idx, 1], s=self.sizes[idx], alpha=self.node_alpha,
                   linewidths=0.3 if self.spacing_pt > 4 else 0.0, edgecolors="white", zorder=2, **colour)

    def draw_ambassadors(self, ax) -> None:
        """A black ring around each ambassador, readable however dense the map."""
        a = self.amb
        if not a.size:
            return
        face = "none" if self.color_values is not None else list(self.colours[self.groups[a]])
        ax.scatter(self.pos[a, 0], self.pos[a, 1], s=self.ring[a], c=face, edgecolors="black",
                   linewidths=1.8, zorder=4, marker="o")

    def label_colour(self, group: int) -> str:
        """A cluster's name in a darkened shade of its colour (it reads as belonging to it),
        near-black for the shared greys."""
        from matplotlib.colors import to_hex, to_rgb

        colour = self.colours[group]
        if self.color_values is not None or colour in (OTHER_GREY, SMALL_GREY):
            return "#222222"
        return to_hex(np.asarray(to_rgb(colour)) * 0.55)

    def draw_labels(self, ax) -> int:
        """Cluster names, then people's names, inside the axes and never overlapping; returns
        how many did not fit."""
        px_per_pt = ax.figure.dpi / 72
        shown_groups = self.groups[self.idx]
        g = len(self.group_names)
        count = np.bincount(shown_groups, minlength=g)
        centre = np.column_stack([np.bincount(shown_groups, weights=self.pos[self.idx, c], minlength=g)
                                  for c in (0, 1)]) / np.maximum(count, 1)[:, None]
        items = []
        for k in np.argsort(-count, kind="stable"):  # biggest clusters first
            if not count[k]:
                continue
            name = self.group_names[k]
            # a bare number next to person ids reads as an id: say what it is
            text = f"department {name}" if name.isdigit() else shorten(name)
            radius_px = np.sqrt(count[k]) * self.pt_per_unit * px_per_pt
            items.append(Label(centre[k, 0], centre[k, 1], text, self.label_size + (1.5 if g <= 12 else 0),
                               gap_px=radius_px + 4,
                               kwargs={"color": self.label_colour(k), "fontweight": "bold", "zorder": 5},
                               offsets=_DEPARTMENT_OFFSETS))
        is_amb = np.zeros(self.graph.n_people, dtype=bool)
        is_amb[self.amb] = True
        codes = self.label_codes
        texts = display_names(self.graph, self.graph.ids[codes].astype(str).tolist()) if codes.size else []
        area = np.where(is_amb, self.ring, self.sizes)
        for c, text in zip(codes, texts, strict=True):  # one per label (few), not per row
            items.append(Label(self.pos[c, 0], self.pos[c, 1], shorten(text, 28), self.label_size,
                               gap_px=np.sqrt(area[c]) / 2 * px_per_pt + 2,
                               kwargs={"fontweight": "bold" if is_amb[c] else "normal", "zorder": 6}))
        rings = ring_boxes(ax, self.pos[self.amb, 0], self.pos[self.amb, 1], self.ring[self.amb])
        self.label_artists = place_labels(ax, items, obstacles=rings)
        return len(items) - len(self.label_artists)

    def settle_labels(self, ax) -> int:
        """Let the layout engine take the final texts into account; when that moved the Axes,
        place the labels again (they are placed in pixels). Returns how many did not fit."""
        left_out = self.draw_labels(ax)
        if left_out:
            self.note.set_text(self.note.get_text() + f" · {left_out} label{'s' * (left_out != 1)} "
                               "left out for space")
        if ax.figure.get_layout_engine() is None:
            return left_out
        for _ in range(2):
            before = ax.get_position().bounds
            ax.figure.draw_without_rendering()
            if np.allclose(ax.get_position().bounds, before, atol=1e-4):
                break
            for artist in self.label_artists:
                artist.remove()
            left_out = self.draw_labels(ax)
        return left_out


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
    together sit close (a spring layout of the department matrix), spread over the whole frame.
    Dot area grows with ``size_by``; only the strongest ties are drawn, as faint lines;
    ambassadors get a black ring and a label. Every cluster is named on the map. With more
    departments than the palette has colours, the largest keep a colour and the others share
    a grey. Departments smaller than ``min_group_size`` are pooled into one light-grey cluster,
    "other small groups", and named nowhere.

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
        refused above 200 shown people. ``"ambassadors"`` names up to 20 of them (more are ringed,
        and the footnote points to the shortlist). Names that do not fit without overlapping are
        left out (the footnote says how many).
    layout : {"department"}
        Only the department layout is available; it stays readable at 50,000 people.
    seed : int, default 0
        Seeds the department layout and the sample of people shown. Same seed, same picture.
    max_people : int, default 3000
        Above this, a random sample of people (all ambassadors included) is drawn, and the
        figure says so.
    max_edges : int, default 3000
        Draw only this many of the strongest ties among the people shown (the figure says how
        many of how many). A tie is a pair of people in contact in either direction.
    title : str, optional
        Default: "Influence map: N people in D departments, K ambassadors".
    legend : bool, default True
        The legend: department colours with sizes, the pooled groups, the ambassador ring.
    min_group_size : int, default 5
        Departments smaller than this are pooled into "other small groups" (privacy by
        default; 0 shows every department on its own).
    ax : matplotlib Axes, optional
        Draw here; default: a new 16:9 figure.
    **style
        ``node_alpha`` (0.85), ``edge_alpha`` (0.18), ``edge_color`` (grey), ``label_size`` (11),
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
    ``O(n log n + m + g^2)`` for ``n`` people, ``m`` ties, ``g`` clusters: positions come from
    :func:`influence_map_layout` (no person-level force layout), the strongest ties from a
    partial sort, and all drawing is a handful of collections; labels are placed with the
    renderer's text sizes (``O(k^2)`` for ``k`` labels).

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B", "B"]},
    ...                       index=pd.Index(["a1", "a2", "b1", "b2"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a1", "a1", "b1"], "target": ["a2", "b1", "b2"]})
    >>> ax = plot_influence_map(build_graph(people, log), ["a1"], min_group_size=0)
    >>> ax.get_title(loc="left")
    'Influence map: 4 people in 2 departments, 1 ambassador'
    """
    if layout != "department":
        raise InputError(f"layout: expected 'department', got {layout!r}")
    p = _MapPlotter(graph, plan, scores=scores, color_by=color_by, size_by=size_by, labels=labels,
                    seed=seed, max_people=max_people, max_edges=max_edges,
                    min_group_size=min_group_size, style=style)
    ax = new_axes(ax)
    p.draw_title(ax, title)
    if legend:
        p.draw_legend(ax)
    p.draw_footnote(ax)
    p.fit(ax)
    p.draw_ties(ax)
    p.draw_people(ax)
    p.draw_ambassadors(ax)
    p.settle_labels(ax)
    return ax
