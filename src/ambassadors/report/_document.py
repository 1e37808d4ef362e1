"""The whole report: checks the inputs, runs the sections in order, writes one HTML file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import Loaded, LoadReport
from ambassadors.report._html import CSS, esc
from ambassadors.report._method import method_section
from ambassadors.report._sections import (
    ReportContext,
    coverage_section,
    data_section,
    header_section,
    map_section,
    matrix_section,
    ranking_section,
    shortlist_section,
)

#: The report's sections, in order: each takes the ReportContext and returns HTML ("" to skip).
SECTIONS = [header_section, map_section, coverage_section, matrix_section, shortlist_section,
            ranking_section, data_section, method_section]


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
    if not isinstance(graph, CollaborationGraph):
        raise InputError(f"render_report: graph must be a CollaborationGraph, got {type(graph).__name__}")
    if not isinstance(getattr(plan, "members", None), pd.DataFrame) or \
            not isinstance(getattr(plan, "coverage", None), pd.DataFrame):
        raise InputError("render_report: plan must have 'members' and 'coverage' DataFrames")
    ctx = ReportContext(
        graph=graph, plan=plan, ranking=ranking, scores=scores,
        load_reports=tuple(r.report if isinstance(r, Loaded) else r for r in load_reports),
        min_group_size=max(int(min_group_size), 1), title=title, seed=seed, top=int(top),
    )
    body = [html for html in (section(ctx) for section in SECTIONS) if html]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


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
