"""Present: one self-contained HTML report of an ambassador plan.

This is the last stage. It takes the graph, the plan and (optionally) the ranking, the influence
scores and the load reports, and writes one HTML file that can be mailed or archived: the
figures are embedded as base64 PNG, the style sheet is inline, and nothing is fetched from a
network (no scripts, links, fonts or URLs). Every data value is HTML-escaped. Department-level
figures of departments smaller than ``min_group_size`` are shown as ``"< 5"``.

One module per part: ``_document`` (render_report, write_report and the list of sections),
``_sections`` (one function per section), ``_method`` (the method notes), ``_plan``
(:func:`render_plan_html`, the short form used by ``Plan.to_html()`` and notebooks) and
``_html`` (escaping, tables, figures, the style sheet). This file only re-exports.
"""

from __future__ import annotations

from ambassadors.report._document import render_report, write_report
from ambassadors.report._plan import render_plan_html

__all__ = ["render_plan_html", "render_report", "write_report"]
