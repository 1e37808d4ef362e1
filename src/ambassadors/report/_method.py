"""The method section: how the graph, the measures, the ranking and the selection were made,
written as sentences and small tables (never as Python reprs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ambassadors.report._html import count_ties, esc, fmt, rows_table
from ambassadors.report._sections import TIE_DEFINITION, ReportContext

_GRAPH_OPTIONS = {
    "window": "only interactions within",
    "half_life": "time decay, half-life",
    "min_weight": "ties lighter than this dropped",
    "reciprocal_only": "only ties where both wrote to each other",
    "channels": "channels used",
    "channel_weights": "channel weights",
    "reference_time": "reference time",
    "interactions_used": "interactions used",
}


def spell(value: Any) -> str:
    """A setting as plain text: mappings as ``a × 2, b × 0.5``, lists joined with commas."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} × {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(map(str, value))
    return fmt(value)


def share_list(weights: Mapping[str, Any]) -> str:
    """``{'influence': 0.5, 'enthusiasm': 0.5}`` -> ``influence (50 %), enthusiasm (50 %)``."""
    parts = []
    for name, w in weights.items():
        label = str(name).removesuffix("_pct").replace("_", " ")
        try:
            parts.append(f"{label} ({float(w):.0%})".replace("%", " %"))
        except (TypeError, ValueError):
            parts.append(f"{label} {w}")
    return ", ".join(parts)


def _graph_notes(ctx: ReportContext) -> str:
    g = ctx.graph
    kind = "directed (who wrote to whom)" if g.directed else "undirected"
    text = (f"<p>A {esc(kind)} weighted graph of {g.n_people:,} people with {count_ties(g):,} ties "
            f"({esc(TIE_DEFINITION)}; {g.n_ties:,} when each direction counts separately).</p>")
    rows = [(_GRAPH_OPTIONS.get(k, k.replace("_", " ")), spell(v)) for k, v in g.params.items()
            if k != "directed" and v is not None and v is not False and not (k == "min_weight" and v == 0)]
    return "<h3>Collaboration graph</h3>\n" + text + ("\n" + rows_table(rows) if rows else "")


def _measure_notes(scores: pd.DataFrame) -> str:
    measures = [str(c) for c in scores.columns if c != "department" and not str(c).endswith("_pct")]
    out = ["<h3>Influence measures</h3>", f"<p>Computed: {esc(', '.join(measures))}.</p>"]
    sampling = scores.attrs.get("sampling") or {}
    sentences = []
    for measure, info in sampling.items():
        if not isinstance(info, Mapping):
            continue
        if info.get("exact"):
            sentences.append(f"{measure} is exact (all {fmt(info.get('sources'))} sources)")
        else:
            err = info.get("relative_error")
            error = f", expected relative error {float(err):.1%}" if err is not None else ""
            sentences.append(f"{measure} is estimated from {fmt(info.get('sources'))} sampled sources "
                             f"(seed {fmt(info.get('seed'))}{error})")
    if sentences:
        out.append(f'<p class="note">{esc("; ".join(sentences))}.</p>')
    if scores.attrs.get("candidates") is not None:
        out.append(f'<p class="note">Burt\'s constraint and effective size were computed for '
                   f"{fmt(scores.attrs['candidates'])} people.</p>")
    return "\n".join(out)


def _ranking_notes(ranking: pd.DataFrame) -> str:
    a = ranking.attrs
    out = ["<h3>Ranking</h3>"]
    if a.get("weights"):
        out.append(f"<p>The score weighs {esc(share_list(a['weights']))}.</p>")
    if a.get("influence_mix"):
        out.append(f"<p>Influence mixes the percentiles of {esc(share_list(a['influence_mix']))}.</p>")
    rows = [("eligible people", a.get("n_eligible")), ("excluded by request", a.get("excluded") or None),
            ("reference date for tenure", a.get("reference_date"))]
    out.append(rows_table(rows))
    out += [f'<p class="note">{esc(note)}</p>' for note in a.get("notes", []) or []]
    return "\n".join(out)


def _selection_notes(plan: Any) -> str:
    gap = getattr(plan, "gap", None)
    no_gap = gap is None or pd.isna(gap)
    rows = [("objective", getattr(plan, "objective", None)),
            ("objective value", getattr(plan, "objective_value", None)),
            ("method", getattr(plan, "method", None)), ("status", getattr(plan, "status", None)),
            ("proven bound", getattr(plan, "bound", None)),
            ("optimality gap", None if no_gap else f"{float(gap):.2%}"),
            ("colleagues within 1 step", getattr(plan, "reach_1", None)),
            ("colleagues within 2 steps", getattr(plan, "reach_2", None))]
    out = ["<h3>Selection</h3>", rows_table(rows)]
    out += [f'<p class="note">{esc(note)}</p>' for note in getattr(plan, "notes", None) or []]
    if no_gap:
        out.append('<p class="note">No optimality bound: the group was chosen greedily (lazy greedy '
                   "reaches at least 63% of the best possible reach; Nemhauser, Wolsey &amp; Fisher "
                   "1978).</p>")
    return "\n".join(out)


def method_section(ctx: ReportContext) -> str:
    """Graph options, measures (and what was sampled), weights, selection, privacy."""
    out = ["<h2>Method</h2>", _graph_notes(ctx)]
    if ctx.scores is not None:
        out.append(_measure_notes(ctx.scores))
    if ctx.ranking is not None:
        out.append(_ranking_notes(ctx.ranking))
    out.append(_selection_notes(ctx.plan))
    out.append("<h3>Privacy</h3>")
    out.append(f"<p>Only who-talked-to-whom metadata was used, never message content. Department "
               f"figures of groups with fewer than {ctx.min_group_size} people are masked. This file "
               f"embeds everything it shows and loads nothing from a network.</p>")
    return "\n".join(out)
