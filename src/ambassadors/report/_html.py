"""HTML building blocks of the report: the style sheet, escaping, number formats, tables,
embedded figures, cards. Every data value goes through :func:`esc`."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.graph import CollaborationGraph

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; max-width: 1200px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #332288; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
.subtitle { color: #555; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 8em; }
.card .v { font-size: 1.5em; font-weight: 600; }
.card .k { color: #555; font-size: 0.85em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.88em; max-width: 100%; }
.scroll { max-width: 100%; overflow-x: auto; }
table.wide { width: 100%; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f3f3f6; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; overflow-wrap: normal; }
th { overflow-wrap: normal; hyphens: auto; }
td.text { min-width: 13em; max-width: 40em; }
img { max-width: 100%; height: auto; border: 1px solid #eee; display: block; }
img.half { max-width: min(100%, 900px); }
.note { color: #555; font-size: 0.9em; max-width: 48em; }
.warn, .warning { background: #fff4e5; border-left: 4px solid #DDCC77; padding: 0.4em 0.8em; }
ul.notes { max-width: 48em; }
@media print { h2 { page-break-before: auto; } img { page-break-inside: avoid; } }
"""

#: Columns written as running text: they wrap at a readable width.
TEXT_COLUMNS = frozenset({"reason", "ineligible_reason", "notes", "note"})


def esc(value: Any) -> str:
    """HTML-escaped text of ``value`` ("" for None)."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt(value: Any) -> str:
    """A cell value as text: thousands separators, 3 significant digits, yes/no, blanks."""
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


def is_number(v: Any) -> bool:
    """A real number (not a bool)."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _numeric_column(col: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(col):
        return False
    if pd.api.types.is_numeric_dtype(col):
        return True
    values = col.dropna()
    return len(values) > 0 and bool(
        values.map(lambda v: is_number(v) or (isinstance(v, str) and v.startswith("< "))).all()
    )


def heading(column: Any) -> str:
    """A column name as a header that can wrap: ``share_reached`` -> ``share reached``."""
    return str(column).replace("_", " ")


def table(frame: pd.DataFrame, *, index_name: str | None = None, max_rows: int | None = None,
          wide: bool | None = None) -> str:
    """An HTML table with every cell formatted and escaped.

    Numbers are right-aligned; columns named ``share*``/``*_share``/``gap`` read as percentages;
    masked cells (``"< 5"``) keep their text; running-text columns (``reason``, ...) wrap at a
    readable width. Tables with a text column span the page (``wide``).
    """
    if max_rows is not None and len(frame) > max_rows:
        frame = frame.head(max_rows)
    frame = frame.reset_index()
    if index_name is not None:
        frame = frame.rename(columns={frame.columns[0]: index_name})
    head, cols = [], []
    has_text = False
    for c in frame.columns:  # one per column; cells are mapped per column (report tables are small)
        share = "share" in str(c) or str(c) == "gap"
        text = str(c) in TEXT_COLUMNS
        has_text |= text

        def cell(v: Any, share: bool = share) -> str:
            if share and is_number(v):
                return "" if pd.isna(v) else esc(f"{float(v):.1%}")
            return esc(fmt(v))

        cls = ' class="num"' if _numeric_column(frame[c]) else (' class="text"' if text else "")
        head.append(f"<th{cls}>{esc(heading(c))}</th>")
        cols.append(f"<td{cls}>" + frame[c].astype(object).map(cell) + "</td>")
    rows = (pd.concat(cols, axis=1).apply(lambda r: "<tr>" + "".join(r) + "</tr>", axis=1)
            if len(frame) else [])
    wide = has_text if wide is None else wide
    cls = ' class="wide"' if wide else ""
    # the scrolling box is a safety net for unusually wide data; the columns are made to fit
    return (f'<div class="scroll"><table{cls}><thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def rows_table(rows: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of ``(what, value)`` rows; values already text are escaped."""
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(fmt(v))}</td></tr>" for k, v in rows if v is not None)
    return f"<table><tbody>{body}</tbody></table>" if body else ""


def figure_html(draw, *, alt: str, figsize: tuple[float, float] = (40 / 3, 7.5), dpi: int = 110,
                css_class: str = "") -> str:
    """Draw with ``draw(ax)`` on a pyplot-free Figure and return an <img> with a base64 PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    draw(ax)
    buffer = io.BytesIO()
    # no metadata: the PNG then carries no software name or URL
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    cls = f' class="{css_class}"' if css_class else ""
    return f'<img{cls} alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def cards(items: Iterable[tuple[str, str]]) -> str:
    """Key figures as cards: ``(label, value)`` pairs."""
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
        for k, v in items
    ) + "</div>"


def with_names(frame: pd.DataFrame, graph: CollaborationGraph) -> pd.DataFrame:
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


def mask_frame(frame: pd.DataFrame, size_column: str, min_group_size: int,
               columns: list[str] | None = None) -> pd.DataFrame:
    """Mask the figures (``columns``, default all) of rows whose group is smaller than
    ``min_group_size``."""
    if min_group_size <= 1 or size_column not in frame.columns:
        return frame
    from ambassadors.privacy import mask_small_groups

    return mask_small_groups(frame, size_column, columns, min_group_size=int(min_group_size))


def count_ties(graph: CollaborationGraph) -> int:
    """Ties as the map and the selection count them: pairs of people in contact, either
    direction (the symmetric adjacency has no diagonal, so each pair is stored twice)."""
    return int(graph.neighbors_csr().nnz // 2)
