"""The sections of the HTML report, one function each: ``section(ctx) -> str`` (HTML).

:func:`ambassadors.report.render_report` builds a :class:`ReportContext` and joins the
sections listed in ``ambassadors.report._document.SECTIONS``; a new section is a new function
(in a module of its own when it is more than a few lines) added to that list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import LoadReport
from ambassadors.report._html import cards, count_ties, esc, figure_html, mask_frame, table, with_names
from ambassadors.report._plan import uncovered_html

#: What "a tie" means everywhere in the report and on the map.
TIE_DEFINITION = "a tie is a pair of people in contact, in either direction"


@dataclass(frozen=True)
class ReportContext:
    """Everything a section may show (what ``render_report`` was given, checked)."""

    graph: CollaborationGraph
    plan: Any
    ranking: pd.DataFrame | None
    scores: pd.DataFrame | None
    load_reports: tuple[LoadReport, ...]
    min_group_size: int
    title: str
    seed: int
    top: int

    @property
    def members(self) -> pd.DataFrame:
        return self.plan.members

    @property
    def coverage(self) -> pd.DataFrame:
        return self.plan.coverage


def header_section(ctx: ReportContext) -> str:
    """Title, what the figures are about, key figures, and any department left uncovered."""
    from ambassadors import __version__

    g = ctx.graph
    n, d = g.n_people, len(g.department_names)
    out = [f"<h1>{esc(ctx.title)}</h1>"]
    # a log that hardly matches the roster opens the report, not a footnote (issue 14)
    out += [f'<p class="warning"><strong>{esc(w)}</strong></p>'
            for w in filter(None, (r.low_match_warning() for r in ctx.load_reports))]
    out += [f'<p class="subtitle">{n:,} people in {d:,} departments · {count_ties(g):,} ties '
           f"({esc(TIE_DEFINITION)}) · made with ambassadors {esc(__version__)}; computed locally, "
           "no message content read</p>"]
    cov = ctx.coverage
    reached = pd.to_numeric(cov["reached"], errors="coerce").sum() if "reached" in cov else float("nan")
    items = [("ambassadors", f"{len(ctx.members):,}"), ("departments", f"{d:,}"), ("people", f"{n:,}")]
    if np.isfinite(reached) and n:
        items.append(("colleagues within reach", f"{reached / n:.0%}"))
    status = getattr(ctx.plan, "status", None)
    if status is not None:
        items.append(("status", str(status)))
    out.append(cards(items))
    out.append(uncovered_html(ctx.plan, ctx.min_group_size))
    return "\n".join(out)


def map_section(ctx: ReportContext) -> str:
    """The influence map, as on a slide."""
    from ambassadors.plot import plot_influence_map

    img = figure_html(
        lambda ax: plot_influence_map(ctx.graph, ctx.plan, scores=ctx.scores, seed=ctx.seed, ax=ax,
                                      min_group_size=ctx.min_group_size),
        alt="Influence map: departments as clusters, ambassadors ringed")
    return ("<h2>Influence map</h2>\n" + img +
            '\n<p class="note">Each dot is a person, grouped by department; larger dots are more central. '
            f"Only the strongest ties are drawn ({esc(TIE_DEFINITION)}). Ambassadors have a black ring. "
            f"Departments with fewer than {ctx.min_group_size} people are pooled as "
            "&quot;other small groups&quot;.</p>")


def coverage_section(ctx: ReportContext) -> str:
    """Colleagues within reach, per department: chart and table."""
    from ambassadors.plot import plot_coverage

    mgs, cov = ctx.min_group_size, ctx.coverage
    d = len(cov)
    out = ["<h2>Coverage by department</h2>",
           figure_html(lambda ax: plot_coverage(ctx.plan, min_group_size=mgs, ax=ax),
                       alt="Coverage by department", figsize=(10, max(3.0, 0.38 * d + 1.5)),
                       css_class="half"),
           table(mask_frame(cov, "size", mgs), index_name="department")]
    if mgs > 1 and "size" in cov and (pd.to_numeric(cov["size"], errors="coerce") < mgs).any():
        out.append(f'<p class="note">Figures of departments with fewer than {mgs} people are shown '
                   f"as &quot;&lt; {mgs}&quot;.</p>")
    return "\n".join(out)


def matrix_section(ctx: ReportContext) -> str:
    """Collaboration between departments."""
    from ambassadors.plot import plot_department_matrix

    img = figure_html(lambda ax: plot_department_matrix(ctx.graph, min_group_size=ctx.min_group_size, ax=ax),
                      alt="Department by department collaboration", figsize=(10, 8), css_class="half")
    return ("<h2>Collaboration between departments</h2>\n" + img +
            '\n<p class="note">Row shares: of the collaboration of the department on the left, the '
            "share that goes to each department. Similar departments are placed side by side.</p>")


def shortlist_section(ctx: ReportContext) -> str:
    """The ambassadors with their reasons, then the backups."""
    out = [f"<h2>Shortlist ({len(ctx.members)} ambassadors)</h2>",
           table(with_names(ctx.members, ctx.graph), index_name="person_id")]
    backups = getattr(ctx.plan, "backups", None)
    if isinstance(backups, pd.DataFrame) and len(backups):
        out.append("<h3>Backups</h3>")
        b = backups.set_index("person_id") if "person_id" in backups.columns else backups
        out.append(table(with_names(b, ctx.graph), index_name="person_id", max_rows=200))
    return "\n".join(out)


def ranking_section(ctx: ReportContext) -> str:
    """What the scores are made of, and the top of the ranking."""
    from ambassadors.plot import plot_score_breakdown

    ranking = ctx.ranking
    if ranking is None:
        return ""
    contrib = [c for c in ranking.columns if str(c).startswith("contrib_")]
    out = ["<h2>Ranking</h2>"]
    if contrib:
        shown = ranking[ranking["rank"].notna()] if "rank" in ranking.columns else ranking
        k = min(ctx.top, len(shown))
        out.append(figure_html(
            lambda ax: plot_score_breakdown(ranking, top=ctx.top, people=ctx.graph.people, ax=ax),
            alt="Score breakdown of the top candidates", figsize=(10, max(3.0, 0.35 * k + 1.5)),
            css_class="half"))
    head = ranking.head(ctx.top)
    cols = [c for c in ("department", "rank", "score", "influence", "enthusiasm", "eligible",
                        "ineligible_reason", "reason") if c in ranking.columns and head[c].notna().any()
            and not (head[c].astype(str).str.strip() == "").all()]
    out.append(f"<h3>Top {min(ctx.top, len(ranking))} candidates</h3>")
    if contrib:
        out.append('<p class="note">The weighted parts of each score are in the chart above.</p>')
    out.append(table(with_names(ranking[cols], ctx.graph), index_name="person_id", max_rows=ctx.top))
    return "\n".join(out)


def data_section(ctx: ReportContext) -> str:
    """What the readers did with every input row, and what the graph left out."""
    out = ["<h2>Data read</h2>"]
    if ctx.load_reports:
        for r in ctx.load_reports:
            out.append(f"<h3>{esc(r.source)} ({esc(r.kind)})</h3>")
            out.append(table(r.to_frame().drop(columns=["source", "kind"]).set_index("unit")))
            if r.notes:
                items = "".join(f"<li>{esc(note)}</li>" for note in r.notes)
                out.append(f'<ul class="notes">{items}</ul>')
    else:
        out.append('<p class="note">No load reports were passed to the report.</p>')
    if ctx.graph.dropped:
        out.append("<h3>Left out while building the graph</h3>")
        out.append(table(pd.Series(ctx.graph.dropped, name="interactions").rename_axis("reason").to_frame()))
    return "\n".join(out)
