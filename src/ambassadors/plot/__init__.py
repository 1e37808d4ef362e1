"""Present: influence maps and the charts of a plan, as axes-level matplotlib functions.

This stage takes what the earlier stages hand on -- a :class:`~ambassadors.graph.CollaborationGraph`,
the ``influence_scores`` table, the ``rank_candidates`` table and a
:class:`~ambassadors.select.Plan` -- and draws them. Every ``plot_*`` function draws on the
``ax`` it is given (or on a new 16:9 figure when ``ax`` is None) and returns that Axes; none of
them calls ``plt.show()`` or changes rcParams or the global style, so they compose into slides
and into the HTML report (:mod:`ambassadors.report`).

One module per figure: ``_map`` (the influence map, with ``_layout`` for positions and
``_labels`` for label placement), ``_matrix`` (department matrix), ``_bars`` (coverage per
department, score breakdown); shared pieces (palette, canvases, saving) in ``_common``. This
file only re-exports.

Colours come from Paul Tol's colour-blind-safe *muted* scheme.
"""

from __future__ import annotations

from ambassadors.plot._bars import plot_coverage, plot_score_breakdown
from ambassadors.plot._common import PALETTE, department_styles, save_figure, slide_figure
from ambassadors.plot._layout import influence_map_layout
from ambassadors.plot._map import plot_influence_map
from ambassadors.plot._matrix import plot_department_matrix

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
