"""``monitor.html``: the trajectory of a programme as one self-contained HTML file.

Figures are embedded as PNG data URIs; nothing is loaded from the network. Sections: the
effects in plain words, the trends with the launch, adoption curves, the department heatmap,
the ambassadors' activity, the ambassador table with replacements, the periods table, and
how each figure was computed.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable

import numpy as np
import pandas as pd

__all__ = ["render_monitor_report", "effect_sentence"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.9em;margin:.6em 0}th,td{padding:.25em .6em;
border-bottom:1px solid #eee;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto}.effect{font-size:1.05em;margin:.4em 0}.muted{color:#666;font-size:.9em}
.flag{color:#882255;font-weight:600}
"""

_NO_EFFECT = {"cross_department_share": 0.0, "reach_share": 0.0, "adoption": 1.0}
_WHAT = {"cross_department_share": "the share of tie weight between departments",
         "reach_share": "the share of colleagues within one tie of an active ambassador"}


def effect_sentence(row: Any) -> str:
    """One effect in plain words (``"colleagues of an ambassador adopted 2.1x as fast ..."``)."""
    if not np.isfinite(row.estimate):
        return f"{row.outcome.replace('_', ' ')}: {row.method}."
    clear = not (row.ci_low <= _NO_EFFECT[row.outcome] <= row.ci_high)
    verdict = "a clear change" if clear else "no clear change (the interval includes no effect)"
    if row.outcome == "adoption":
        return (f"Colleagues of an ambassador adopted {row.estimate:.1f}x as fast as the others after "
                f"the launch (95 % CI {row.ci_low:.1f}-{row.ci_high:.1f}, p = {row.p_value:.2g}): {verdict}.")
    return (f"At the launch {_WHAT[row.outcome]} changed by {100 * row.estimate:+.1f} points (95 % CI "
            f"{100 * row.ci_low:+.1f} to {100 * row.ci_high:+.1f}, p = {row.p_value:.2g}): {verdict}.")


def _figure(draw: Callable[[Any], Any], alt: str) -> str:
    from ambassadors.plot import slide_figure

    fig, ax = slide_figure(figsize=(11, 5))
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, *, flag: pd.Series | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False)):
        cells = []
        for v in values:
            if isinstance(v, (float, np.floating)):
                text = "" if not np.isfinite(v) else f"{v:.3f}"
                cells.append(f'<td class="num">{text}</td>')
            elif isinstance(v, (int, np.integer)):
                cells.append(f'<td class="num">{v}</td>')
            else:
                cells.append(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>")
        cls = ' class="flag"' if flag is not None and bool(flag.iloc[i]) else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_monitor_report(traj: Any, *, min_group_size: int | None = None) -> str:
    """The HTML text of ``monitor.html`` for a :class:`~ambassadors.monitor.Trajectory`."""
    from ambassadors.monitor._plots import (
        plot_adoption_curves,
        plot_ambassador_activity,
        plot_department_heatmap,
        plot_trends,
    )

    mgs = traj.params.get("min_group_size", 5) if min_group_size is None else min_group_size
    effects = "".join(f'<p class="effect">{html.escape(effect_sentence(r))}</p>'
                      for r in traj.effects.itertuples())
    amb = traj.ambassadors
    has_adoption = traj.params.get("adoption", False)
    parts = [
        f"<h1>Ambassador programme: trajectory since {traj.launch.date()}</h1>",
        f'<p class="muted">{len(traj.periods)} {traj.period}s from {traj.periods["period"].iloc[0]} '
        f'to {traj.periods["period"].iloc[-1]}; {len(amb)} ambassadors: '
        + ", ".join(f"{int((amb['status'] == s).sum())} {s}" for s in ("active", "lapsed", "left"))
        + "</p>",
        "<h2>Effects</h2>", effects,
        f'<p class="muted">{html.escape("; ".join(sorted(set(traj.effects["method"]))))}</p>',
        "<h2>Trends</h2>", _figure(lambda ax: plot_trends(traj, ax=ax), "trends with the launch"),
    ]
    if has_adoption:
        parts += ["<h2>Adoption</h2>",
                  _figure(lambda ax: plot_adoption_curves(traj, ax=ax), "adoption curves")]
    parts += [
        "<h2>Departments</h2>",
        f'<p class="muted">Departments with fewer than {mgs} active people in a period are blank.</p>',
        _figure(lambda ax: plot_department_heatmap(traj, ax=ax), "department heatmap"),
        "<h2>Ambassadors</h2>",
        _figure(lambda ax: plot_ambassador_activity(traj, ax=ax), "ambassadors' activity"),
        _table(amb, flag=amb["status"] != "active"),
        "<h2>Periods</h2>", _table(traj.periods),
        "<h2>How these figures were computed</h2>", _METHODS,
    ]
    if traj.load_reports:
        parts += ["<h2>Inputs</h2><ul>"
                  + "".join(f"<li><pre>{html.escape(str(r))}</pre></li>" for r in traj.load_reports)
                  + "</ul>"]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Programme trajectory"
            f"</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


_METHODS = """<ul>
<li><b>Periods.</b> One collaboration graph per period, built with the options of the plan's graph.
A period is <i>after</i> the launch when it starts on or after the launch day.</li>
<li><b>cross_department_share</b>: share of the period's tie weight between people of different
departments.</li>
<li><b>reach_share</b>: among active people who are not ambassadors, the share with a tie to an ambassador
who sent at least one interaction in that period.</li>
<li><b>Status.</b> <i>left</i>: inactive in the roster (active false, a leaving date, or absent from a later
roster); <i>lapsed</i>: sent nothing in the last periods. Replacements come from the same department,
chosen by the selection with the rest of the group kept fixed.</li>
<li><b>Level change at the launch</b>: segmented regression (interrupted time series) over complete periods,
with Newey-West standard errors (Bernal, Cummins &amp; Gasparrini 2017).</li>
<li><b>Adoption</b>: hazard ratio of adopting after the launch for colleagues with a tie to an ambassador
before it versus the others, from a discrete-time hazard model (complementary log-log GLM on person-period
rows, period effects, errors clustered by person; Singer &amp; Willett 2003); exposure as in Valente's network
exposure models (1995).</li>
</ul>"""
