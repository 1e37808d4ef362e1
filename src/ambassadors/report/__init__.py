"""Present: one self-contained HTML report of an ambassador plan.

This is the last stage. It takes the graph, the plan and (optionally) the ranking, the influence
scores and the load reports, and writes one HTML file that can be mailed or archived: the
figures are embedded as base64 PNG, the style sheet is inline, and nothing is fetched from a
network (no scripts, links, fonts or URLs). Every data value is HTML-escaped. Department-level
figures of departments smaller than ``min_group_size`` are shown as ``"< 5"``.

:func:`render_plan_html` is the short form used by ``Plan.to_html()`` and notebooks.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import LoadReport, Loaded
from ambassadors.report._outreach import candidate_roles, outreach_sections

__all__ = ["render_plan_html", "render_report", "write_report"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #332288; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
.subtitle { color: #555; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 8em; }
.card .v { font-size: 1.5em; font-weight: 600; }
.card .k { color: #555; font-size: 0.85em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f6; }
td.num, th.num { text-align: right; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
.note { color: #555; font-size: 0.9em; }
.warn { background: #fff4e5; border-left: 4px solid #DDCC77; padding: 0.4em 0.8em; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
@media print { h2 { page-break-before: auto; } img { page-break-inside: avoid; } }
"""


# ---------------------------------------------------------------------------------------
# small helpers
def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _mask_value(value: Any, n: Any, min_group_size: int) -> Any:
    """``value``, or "< k" when the group it describes has fewer than ``min_group_size`` people."""
    if min_group_size <= 1:
        return value
    try:
        from ambassadors.privacy import mask_small
    except ImportError:  # pragma: no cover - privacy is part of the package
        mask_small = None
    if mask_small is not None:
        return mask_small(value, n, min_group_size=int(min_group_size))
    size = value if n is None else n
    return f"< {int(min_group_size)}" if size is None or pd.isna(size) or size < min_group_size else value


def _mask_frame(frame: pd.DataFrame, size_column: str, min_group_size: int,
                columns: list[str] | None = None) -> pd.DataFrame:
    """Mask the figures (``columns``, default all) of rows whose group is smaller than
    ``min_group_size``."""
    if min_group_size <= 1 or size_column not in frame.columns:
        return frame
    from ambassadors.privacy import mask_small_groups

    return mask_small_groups(frame, size_column, columns, min_group_size=int(min_group_size))


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.3g}" if abs(v) < 1e-2 or abs(v) >= 1e4 else f"{v:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return str(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _table(frame: pd.DataFrame, *, index_name: str | None = None, max_rows: int | None = None) -> str:
    """An HTML table with every cell formatted and escaped.

    Numbers are right-aligned; columns named ``share*``/``*_share``/``gap`` read as percentages;
    masked cells (``"< 5"``) keep their text.
    """
    if max_rows is not None and len(frame) > max_rows:
        frame = frame.head(max_rows)
    frame = frame.reset_index()
    if index_name is not None:
        frame = frame.rename(columns={frame.columns[0]: index_name})

    def numeric_column(col: pd.Series) -> bool:
        if pd.api.types.is_bool_dtype(col):
            return False
        if pd.api.types.is_numeric_dtype(col):
            return True
        values = col.dropna()
        return len(values) > 0 and bool(
            values.map(lambda v: _is_number(v) or (isinstance(v, str) and v.startswith("< "))).all()
        )

    head, cols = [], []
    for c in frame.columns:  # one per column; cells are mapped per column (report tables are small)
        num = numeric_column(frame[c])
        share = "share" in str(c) or str(c) == "gap"

        def cell(v: Any, share: bool = share) -> str:
            if share and _is_number(v):
                return "" if pd.isna(v) else _esc(f"{float(v):.1%}")
            return _esc(_fmt(v))

        cls = ' class="num"' if num else ""
        head.append(f"<th{cls}>{_esc(c)}</th>")
        cols.append(f"<td{cls}>" + frame[c].astype(object).map(cell) + "</td>")
    rows = pd.concat(cols, axis=1).apply(lambda r: "<tr>" + "".join(r) + "</tr>", axis=1) if len(frame) else []
    return f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure_html(draw, *, alt: str, figsize: tuple[float, float] = (40 / 3, 7.5), dpi: int = 110) -> str:
    """Draw with ``draw(ax)`` on a pyplot-free Figure and return an <img> with a base64 PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    draw(ax)
    buffer = io.BytesIO()
    # no metadata: the PNG then carries no software name or URL
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{_esc(alt)}" src="data:image/png;base64,{data}">'


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _with_names(frame: pd.DataFrame, graph: CollaborationGraph) -> pd.DataFrame:
    """Add the roster's ``name`` (and ``title``) after the index, when it has them."""
    extra = [c for c in ("name", "title") if c in graph.people.columns and c not in frame.columns]
    if not extra:
        return frame
    people = graph.people[extra]
    out = frame.copy()
    idx = out.index.astype(str)
    for k, c in enumerate(extra):
        out.insert(k, c, people[c].reindex(idx).to_numpy())
    return out


def _uncovered_html(plan: Any, min_group_size: int) -> str:
    """A warning listing departments with nobody eligible (and who could bridge into them)."""
    uncovered = _attr(plan, "uncovered")
    if uncovered is None or len(uncovered) == 0:
        return ""
    if isinstance(uncovered, pd.DataFrame):
        names = ", ".join(map(str, uncovered.index))
        # only the size describes the department; the bridge columns describe the bridge person
        table = _table(_mask_frame(uncovered, "size", min_group_size, ["size"]), index_name="department")
    else:
        names, table = ", ".join(map(str, uncovered)), ""
    return f'<p class="warn">Departments without an eligible ambassador: {_esc(names)}</p>' + table


def _cards(items: Iterable[tuple[str, str]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{_esc(v)}</div><div class="k">{_esc(k)}</div></div>'
        for k, v in items
    ) + "</div>"


# ---------------------------------------------------------------------------------------
def render_plan_html(plan: Any, *, min_group_size: int = 5) -> str:
    """An HTML fragment for a plan: summary, ambassadors with reasons, coverage, backups.

    This is what ``Plan.to_html()`` and ``Plan._repr_html_()`` show. Every value is escaped;
    coverage figures of departments smaller than ``min_group_size`` read ``"< 5"``.

    Parameters
    ----------
    plan : Plan
        From :func:`ambassadors.propose_ambassadors` (anything with ``members`` and
        ``coverage`` DataFrames works).
    min_group_size : int, default 5
        1 shows every figure.

    Returns
    -------
    str
        An HTML fragment (no ``<html>``/``<head>``), safe to embed.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(
    ...     members=pd.DataFrame({"department": ["A"], "reason": ["<b>bridges</b>"]},
    ...                          index=pd.Index(["p1"], name="person_id")),
    ...     coverage=pd.DataFrame({"size": [3], "reached": [3]}, index=["A"]))
    >>> out = render_plan_html(plan)
    >>> "&lt;b&gt;bridges" in out and "<b>bridges" not in out
    True
    """
    members = _attr(plan, "members")
    coverage = _attr(plan, "coverage")
    if not isinstance(members, pd.DataFrame) or not isinstance(coverage, pd.DataFrame):
        raise InputError("render_plan_html: expected a Plan with 'members' and 'coverage' DataFrames")
    parts = ['<div class="ambassadors-plan">']
    summary = _attr(plan, "summary")
    if callable(summary):
        text = summary()
        parts.append("<p>" + "<br>".join(_esc(line) for line in str(text).splitlines()) + "</p>")
    parts.append(f"<h3>Ambassadors ({len(members)})</h3>")
    parts.append(_table(members, index_name="person_id"))
    parts.append("<h3>Coverage by department</h3>")
    parts.append(_table(_mask_frame(coverage, "size", min_group_size), index_name="department"))
    parts.append(_uncovered_html(plan, min_group_size))
    backups = _attr(plan, "backups")
    if isinstance(backups, pd.DataFrame) and len(backups):
        parts.append(f"<h3>Backups ({len(backups)})</h3>")
        parts.append(_table(backups.reset_index(drop=True).set_index(backups.columns[0])
                            if "person_id" not in backups.columns else backups.set_index("person_id")))
    parts.append("</div>")
    return "\n".join(parts)


def render_report(
    *,
    graph: CollaborationGraph,
    plan: Any,
    ranking: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
    load_reports: Iterable[LoadReport | Loaded] = (),
    min_group_size: int = 5,
    title: str = "Ambassador network report",
    seed: int = 0,
    top: int = 20,
) -> str:
    """Render the whole report as one self-contained HTML document (a string).

    Sections: key figures; the influence map; coverage by department (chart and table); the
    collaboration between departments; the shortlist with the reasons; the score breakdown and
    top of the ranking (with ``ranking``); the load reports (every input row accounted for);
    method notes (graph options, measures, weights, selection method, bound and optimality gap).

    Parameters
    ----------
    graph : CollaborationGraph
    plan : Plan
        From :func:`ambassadors.propose_ambassadors`.
    ranking : DataFrame, optional
        From :func:`ambassadors.rank_candidates`.
    scores : DataFrame, optional
        From :func:`ambassadors.influence_scores` (dot sizes on the map; measures in the notes).
    load_reports : iterable of LoadReport or Loaded
        What the readers did; shown so that a reader of the report can check nothing was lost.
    min_group_size : int, default 5
        Department-level figures of departments with fewer people read ``"< 5"``; 1 shows all.
    title : str
    seed : int, default 0
        Seed of the map layout.
    top : int, default 20
        Rows of the ranking shown.

    Returns
    -------
    str
        A complete HTML document with inline CSS and base64 PNG images; no scripts, no links,
        no URLs.

    Notes
    -----
    Cost is dominated by drawing the map (a few seconds at 50,000 people); the tables are
    bounded (``top`` rows, one row per department or per ambassador).
    """
    from ambassadors import __version__
    from ambassadors.plot import (
        plot_coverage,
        plot_department_matrix,
        plot_influence_map,
        plot_score_breakdown,
    )

    if not isinstance(graph, CollaborationGraph):
        raise InputError(f"render_report: graph must be a CollaborationGraph, got {type(graph).__name__}")
    members = _attr(plan, "members")
    coverage = _attr(plan, "coverage")
    if not isinstance(members, pd.DataFrame) or not isinstance(coverage, pd.DataFrame):
        raise InputError("render_report: plan must have 'members' and 'coverage' DataFrames")
    mgs = max(int(min_group_size), 1)
    n = graph.n_people
    d = len(graph.department_names)

    body: list[str] = [f"<h1>{_esc(title)}</h1>"]
    body.append(
        f'<p class="subtitle">{n:,} people in {d:,} departments · {graph.n_ties:,} ties · '
        f"made with ambassadors {_esc(__version__)}; computed locally, no message content read</p>"
    )
    cov = coverage.copy()
    reached_total = pd.to_numeric(cov.get("reached"), errors="coerce").sum() if "reached" in cov else float("nan")
    cards = [("ambassadors", f"{len(members):,}"), ("departments", f"{d:,}"), ("people", f"{n:,}")]
    if np.isfinite(reached_total) and n:
        cards.append(("colleagues within reach", f"{reached_total / n:.0%}"))
    status = _attr(plan, "status")
    if status is not None:
        cards.append(("status", str(status)))
    body.append(_cards(cards))
    body.append(_uncovered_html(plan, mgs))

    # map
    body.append("<h2>Influence map</h2>")
    body.append(_figure_html(
        lambda ax: plot_influence_map(graph, plan, scores=scores, seed=seed, ax=ax, min_group_size=mgs),
        alt="Influence map: departments as clusters, ambassadors ringed",
    ))
    body.append('<p class="note">Each dot is a person, grouped by department; larger dots are more '
                "central. Only the strongest ties are drawn. Ambassadors have a black ring.</p>")

    # coverage
    body.append("<h2>Coverage by department</h2>")
    body.append(_figure_html(lambda ax: plot_coverage(plan, min_group_size=mgs, ax=ax),
                             alt="Coverage by department", figsize=(10, max(3.0, 0.38 * d + 1.5))))
    body.append(_table(_mask_frame(cov, "size", mgs), index_name="department"))
    if mgs > 1 and "size" in cov and (pd.to_numeric(cov["size"], errors="coerce") < mgs).any():
        body.append(f'<p class="note">Figures of departments with fewer than {mgs} people are shown '
                    f"as &quot;&lt; {mgs}&quot;.</p>")

    # department matrix
    body.append("<h2>Collaboration between departments</h2>")
    body.append(_figure_html(lambda ax: plot_department_matrix(graph, min_group_size=mgs, ax=ax),
                             alt="Department by department collaboration", figsize=(9, 7.5)))
    body.append('<p class="note">Row shares: of the collaboration of the department on the left, the '
                "share that goes to each department. Similar departments are placed side by side.</p>")

    # shortlist
    body.append(f"<h2>Shortlist ({len(members)} ambassadors)</h2>")
    body.append(_table(_with_names(members, graph), index_name="person_id"))
    backups = _attr(plan, "backups")
    if isinstance(backups, pd.DataFrame) and len(backups):
        body.append("<h3>Backups</h3>")
        b = backups.set_index("person_id") if "person_id" in backups.columns else backups
        body.append(_table(_with_names(b, graph), index_name="person_id", max_rows=200))

    # ranking
    if ranking is not None:
        contrib = [c for c in ranking.columns if str(c).startswith("contrib_")]
        body.append("<h2>Ranking</h2>")
        if contrib:
            shown = ranking[ranking["rank"].notna()] if "rank" in ranking.columns else ranking
            k = min(top, len(shown))
            body.append(_figure_html(
                lambda ax: plot_score_breakdown(ranking, top=top, people=graph.people, ax=ax),
                alt="Score breakdown of the top candidates", figsize=(10, max(3.0, 0.35 * k + 1.5))))
        cols = [c for c in ("department", "rank", "score", "influence", "enthusiasm", *contrib,
                            "eligible", "ineligible_reason", "reason") if c in ranking.columns]
        body.append(f"<h3>Top {min(top, len(ranking))} candidates</h3>")
        body.append(_table(_with_names(ranking[cols].assign(plan=candidate_roles(ranking, plan)), graph),
                           index_name="person_id", max_rows=top))
    body.append(outreach_sections(graph, plan, ranking, min_group_size=mgs))  # select's sections

    # load reports
    reports = [r.report if isinstance(r, Loaded) else r for r in load_reports]
    body.append("<h2>Data read</h2>")
    if reports:
        for r in reports:
            body.append(f"<h3>{_esc(r.source)} ({_esc(r.kind)})</h3>")
            body.append(_table(r.to_frame().drop(columns=["source", "kind"]).set_index("unit")))
            if r.notes:
                body.append("<ul>" + "".join(f"<li>{_esc(note)}</li>" for note in r.notes) + "</ul>")
    else:
        body.append('<p class="note">No load reports were passed to the report.</p>')
    if graph.dropped:
        body.append("<h3>Left out while building the graph</h3>")
        body.append(_table(pd.Series(graph.dropped, name="interactions").rename_axis("reason").to_frame()))

    # method
    body.append("<h2>Method</h2>")
    body.append(_method_notes(graph, plan, ranking, scores, mgs))
    doc = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    return doc


def _kv_table(pairs: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{_esc(k)}</th><td>{_esc(_fmt(v) if not isinstance(v, (dict, list, tuple)) else v)}</td></tr>"
        for k, v in pairs.items() if v is not None
    )
    return f"<table><tbody>{rows}</tbody></table>"


def _method_notes(graph: CollaborationGraph, plan: Any, ranking: pd.DataFrame | None,
                  scores: pd.DataFrame | None, min_group_size: int) -> str:
    out = ["<h3>Collaboration graph</h3>"]
    params = {k: v for k, v in graph.params.items() if v is not None and v is not False}
    out.append(_kv_table({"directed": graph.directed, **params}))
    if scores is not None:
        measures = [c for c in scores.columns if c != "department" and not str(c).endswith("_pct")]
        out.append("<h3>Influence measures</h3>")
        out.append(f"<p>{_esc(', '.join(map(str, measures)))}</p>")
        sampling = scores.attrs.get("sampling")
        if sampling:
            out.append(f'<p class="note">Sampled measures: {_esc(sampling)}</p>')
    if ranking is not None:
        out.append("<h3>Ranking</h3>")
        info = {k: ranking.attrs.get(k) for k in ("weights", "influence_mix", "n_eligible", "reference_date")}
        out.append(_kv_table(info))
        for note in ranking.attrs.get("notes", []) or []:
            out.append(f'<p class="note">{_esc(note)}</p>')
    out.append("<h3>Selection</h3>")
    gap = _attr(plan, "gap")
    sel = {
        "objective": _attr(plan, "objective"),
        "objective value": _attr(plan, "objective_value"),
        "method": _attr(plan, "method"),
        "status": _attr(plan, "status"),
        "bound": _attr(plan, "bound"),
        "optimality gap": None if gap is None or pd.isna(gap) else f"{float(gap):.2%}",
        "colleagues within 1 step": _attr(plan, "reach_1"),
        "colleagues within 2 steps": _attr(plan, "reach_2"),
    }
    out.append(_kv_table(sel))
    for note in _attr(plan, "notes", None) or []:
        out.append(f'<p class="note">{_esc(note)}</p>')
    if gap is None or pd.isna(gap):
        out.append('<p class="note">No optimality bound: the group was chosen greedily (lazy greedy '
                   "reaches at least 63% of the best possible reach; Nemhauser, Wolsey &amp; Fisher "
                   "1978).</p>")
    out.append("<h3>Privacy</h3>")
    out.append(f"<p>Only who-talked-to-whom metadata was used, never message content. Department "
               f"figures of groups with fewer than {min_group_size} people are masked. This file "
               f"embeds everything it shows and loads nothing from a network.</p>")
    return "\n".join(out)


def write_report(
    path: str | os.PathLike[str],
    *,
    graph: CollaborationGraph,
    plan: Any,
    ranking: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
    load_reports: Iterable[LoadReport | Loaded] = (),
    min_group_size: int = 5,
    title: str = "Ambassador network report",
    seed: int = 0,
    top: int = 20,
) -> Path:
    """Write the self-contained HTML report (see :func:`render_report`) to ``path``, atomically.

    Parameters
    ----------
    path : path-like
        The ``.html`` file to write (its folder is created if needed).
    graph, plan, ranking, scores, load_reports, min_group_size, title, seed, top
        As for :func:`render_report`.

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from types import SimpleNamespace
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> g = build_graph(people, pd.DataFrame({"source": ["p1", "p2"], "target": ["p2", "p3"]}))
    >>> plan = SimpleNamespace(
    ...     members=pd.DataFrame({"department": ["A", "B"]}, index=pd.Index(["p2", "p3"], name="person_id")),
    ...     coverage=pd.DataFrame({"size": [2, 1], "reached": [2, 1]}, index=["A", "B"]))
    >>> out = write_report(pathlib.Path(tempfile.mkdtemp()) / "r.html", graph=g, plan=plan)
    >>> "http" in out.read_text(encoding="utf-8")
    False
    """
    from ambassadors.io.writers import atomic_write_text

    text = render_report(graph=graph, plan=plan, ranking=ranking, scores=scores,
                         load_reports=load_reports, min_group_size=min_group_size, title=title,
                         seed=seed, top=top)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, text)
