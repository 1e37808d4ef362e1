"""Shared pieces of the figures: the palette, department styles, canvases, sizes and saving.

Every figure module of :mod:`ambassadors.plot` builds on these; nothing here draws a figure of
its own. The names are public inside the package (``_common`` is private to it).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph

#: Paul Tol's *muted* qualitative scheme (colour-blind safe), in the order we hand it out.
PALETTE: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
SLIDE = (40 / 3, 7.5)  # inches: 16:9, 2000 x 1125 px at 150 dpi
EDGE_GREY = "#4D4D4D"
#: Colours of the pooled groups on a map: departments past the palette, masked small ones.
OTHER_GREY = "#9A9A9A"
SMALL_GREY = "#D0D0D0"
#: Font sizes (points) that stay readable when a 13.3 in figure is shown on a slide.
TITLE_SIZE = 17
TEXT_SIZE = 12.5
NOTE_SIZE = 11.5


def slide_figure(*, ncols: int = 1, nrows: int = 1, figsize: tuple[float, float] = SLIDE, **kwargs: Any):
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


def new_axes(ax, figsize: tuple[float, float] = SLIDE):
    """``ax`` itself, or the Axes of a new pyplot figure (so that notebooks show it inline)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def check_style(function: str, style: dict[str, Any]) -> None:
    """Refuse style options a plot function does not know, naming them."""
    if style:
        raise InputError(f"{function}: unknown style option(s): {', '.join(sorted(style))}")


def mask_label(min_group_size: int) -> str:
    """The text that replaces a figure of a group smaller than ``min_group_size``: ``"< 5"``."""
    return f"< {int(min_group_size)}"


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
            "marker": [MARKERS[(i // p) % len(MARKERS)] for i in k],
            "hatch": [HATCHES[(i // p) % len(HATCHES)] for i in k],
        },
        index=pd.Index(names, name="department"),
    )


def ambassador_ids(plan: Any) -> list[str]:
    """Person ids of a Plan (its ``members`` index), a DataFrame, or an iterable of ids."""
    if plan is None:
        return []
    members = getattr(plan, "members", plan)
    if isinstance(members, (pd.DataFrame, pd.Series)):
        return [str(i) for i in members.index]
    if isinstance(members, str):
        return [members]
    return [str(i) for i in members]


def person_values(graph: CollaborationGraph, scores: pd.DataFrame | None, column: str) -> np.ndarray | None:
    """Column ``column`` of ``scores`` or of ``graph.people``, aligned to node codes (None if
    neither has it as a number)."""
    for table in (scores, graph.people):
        if table is not None and column in table.columns:
            values = table[column]
            values = values.set_axis(values.index.astype(str)).reindex(graph.ids)
            if not pd.api.types.is_numeric_dtype(values):
                return None
            return values.to_numpy(dtype=np.float64)
    return None


def scaled_sizes(values: np.ndarray, *, smallest: float, largest: float) -> np.ndarray:
    """Marker areas by percentile rank (robust to heavy tails such as PageRank)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if values.size == 0 or np.ptp(values) == 0:
        return np.full(values.shape, (smallest + largest) / 3)
    ranks = pd.Series(values).rank(pct=True, method="average").to_numpy()
    return smallest + (largest - smallest) * ranks**2


def display_names(graph: CollaborationGraph, ids: Sequence[str]) -> list[str]:
    """The roster's ``name`` of each id when it has one, else the id."""
    if "name" in graph.people.columns:
        names = graph.people["name"].reindex(pd.Index(ids))
        return [str(n) if pd.notna(n) and str(n).strip() else str(i)
                for i, n in zip(ids, names, strict=True)]
    return [str(i) for i in ids]


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
