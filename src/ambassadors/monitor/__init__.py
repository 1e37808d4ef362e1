"""Monitor an ambassador programme over time: ``read -> graph -> ... -> plan -> monitor``.

:func:`monitor` takes the roster, the interaction log, the plan (who the ambassadors are), the
launch date and optionally the adoption of the behaviour the programme promotes, and returns a
:class:`Trajectory`: per-period trends (one graph per period, built with the options of
:func:`ambassadors.build_graph` in one grouped pass), per-department shares, each ambassador's
status with replacements for the lapsed and departed (an incremental re-plan by the
selection), and the effects with their intervals (segmented regression for the network
shares, a discrete-time hazard model for adoption). ``monitor`` may import every stage below
it; nothing imports it.

Modules: ``_periods`` (grouping and per-period graphs), ``_trends`` (the figures), ``_adoption``
(:func:`read_adoption`), ``_status`` (status and replacements), ``_effects`` (the statistics),
``_plots`` (``plot_*``), ``_report`` (``monitor.html``), ``_monitor`` (:func:`monitor`).
"""

from __future__ import annotations

from ambassadors.monitor._adoption import read_adoption
from ambassadors.monitor._monitor import Trajectory, monitor
from ambassadors.monitor._periods import period_ties
from ambassadors.monitor._plots import (
    plot_adoption_curves,
    plot_ambassador_activity,
    plot_department_heatmap,
    plot_trends,
)

__all__ = ["monitor", "Trajectory", "read_adoption", "period_ties", "plot_trends",
           "plot_adoption_curves", "plot_department_heatmap", "plot_ambassador_activity"]
