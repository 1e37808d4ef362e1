"""Labels that stay inside the axes and never overlap, placed in display (pixel) space.

The map's labels (department names on their clusters, ambassadors' names) are placed after
the axes has its final size and limits: every candidate position is measured with the
renderer, and a label is written only where it fits inside the axes without touching another
label or an ambassador's ring. Greedy, in the order given; ``O(k^2)`` for ``k`` labels (few).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: (dx, dy, ha, va) in units of the marker gap / text height: above, below, right, left, then
#: the diagonals and a second ring further out.
_OFFSETS: tuple[tuple[float, float, str, str], ...] = (
    (0, 1, "center", "bottom"), (0, -1, "center", "top"), (1, 0, "left", "center"),
    (-1, 0, "right", "center"), (0.8, 0.8, "left", "bottom"), (-0.8, 0.8, "right", "bottom"),
    (0.8, -0.8, "left", "top"), (-0.8, -0.8, "right", "top"),
    (0, 2.2, "center", "bottom"), (0, -2.2, "center", "top"), (2.2, 0, "left", "center"),
    (-2.2, 0, "right", "center"),
)


@dataclass
class Label:
    """One label: the point it names (data coordinates), its text and how it looks."""

    x: float
    y: float
    text: str
    fontsize: float
    gap_px: float = 3.0  # clearance from the anchor (a marker's radius, in pixels)
    kwargs: dict[str, Any] = field(default_factory=dict)
    offsets: tuple[tuple[float, float, str, str], ...] = _OFFSETS


def shorten(text: str, limit: int = 24) -> str:
    """``text``, or its first ``limit - 1`` characters and an ellipsis (long GUID names)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _box(x: float, y: float, w: float, h: float, ha: str, va: str) -> tuple[float, float, float, float]:
    x0 = {"center": x - w / 2, "left": x, "right": x - w}[ha]
    y0 = {"center": y - h / 2, "bottom": y, "top": y - h}[va]
    return x0, y0, x0 + w, y0 + h


def _free(box, placed: list, frame) -> bool:
    x0, y0, x1, y1 = box
    if x0 < frame.x0 or x1 > frame.x1 or y0 < frame.y0 or y1 > frame.y1:
        return False
    return not any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in placed)


def place_labels(ax, labels: list[Label], *, obstacles: list | None = None) -> list:
    """Write each label at the first candidate position that is free; return the Text artists
    written (labels that fit nowhere are left out).

    ``obstacles`` are pixel boxes ``(x0, y0, x1, y1)`` labels must not cover (e.g. rings).
    The axes must already have its final position and limits.
    """
    import matplotlib.patheffects as pe

    outline = [pe.withStroke(linewidth=3, foreground="white")]
    frame = ax.get_window_extent()
    pad = 2.0
    placed: list[tuple[float, float, float, float]] = list(obstacles or [])
    to_data = ax.transData.inverted()
    written = []
    for label in labels:
        artist = ax.text(label.x, label.y, label.text, fontsize=label.fontsize, path_effects=outline,
                         ha="center", va="center", clip_on=False, **label.kwargs)
        extent = artist.get_window_extent()
        w, h = extent.width + 2 * pad, extent.height + 2 * pad
        px, py = ax.transData.transform((label.x, label.y))
        for dx, dy, ha, va in label.offsets:
            reach_x = label.gap_px + (abs(dx) - 1) * h if abs(dx) > 1 else label.gap_px
            reach_y = label.gap_px + (abs(dy) - 1) * h if abs(dy) > 1 else label.gap_px
            cx = px + np.sign(dx) * reach_x * min(abs(dx), 1)
            cy = py + np.sign(dy) * reach_y * min(abs(dy), 1)
            box = _box(cx, cy, w, h, ha, va)
            if _free(box, placed, frame):
                placed.append(box)
                tx, ty = to_data.transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
                artist.set_position((tx, ty))
                written.append(artist)
                break
        else:
            artist.remove()
    return written


def ring_boxes(ax, x: np.ndarray, y: np.ndarray,
               area_pt2: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of round markers (area in points^2) at data positions ``x, y``."""
    if len(x) == 0:
        return []
    pts = ax.transData.transform(np.column_stack([x, y]))
    r = np.sqrt(np.asarray(area_pt2, dtype=np.float64)) / 2 * ax.figure.dpi / 72
    return [(a - s, b - s, a + s, b + s) for (a, b), s in zip(pts, r, strict=True)]
