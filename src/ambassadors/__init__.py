"""ambassadors: find enthusiastic, influential people in every department.

Data flows one way: read -> graph -> scores -> plan -> present. This module only re-exports
the public API; names are imported lazily so that ``ambassadors --help`` stays fast.
``__init__.pyi`` gives editors and type checkers the same names statically: add a new name to
both ``_EXPORTS`` and the stub (``tests/test_public_api.py`` checks that they agree).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "AmbassadorsError": "ambassadors.errors",
    "InputError": "ambassadors.errors",
    "InfeasibleError": "ambassadors.errors",
    "PrivacyError": "ambassadors.errors",
    # read
    "LoadReport": "ambassadors.io",
    "Loaded": "ambassadors.io",
    "read_people": "ambassadors.io",
    "read_interactions": "ambassadors.io",
    "read_signals": "ambassadors.io",
    "combine_interactions": "ambassadors.io",
    "combine_signals": "ambassadors.io",
    "read_table": "ambassadors.io",
    "read_format": "ambassadors.io.formats",
    "detect_format": "ambassadors.io.formats",
    "read_viva_person_query": "ambassadors.io.formats",
    "read_engage_activity": "ambassadors.io.formats",
    "read_slack_channel_activity": "ambassadors.io.formats",
    # graph
    "CollaborationGraph": "ambassadors.graph",
    "build_graph": "ambassadors.graph",
    "department_matrix": "ambassadors.graph",
    "DepartmentMatrix": "ambassadors.graph",
    # scores
    "influence_scores": "ambassadors.metrics",
    "percentiles": "ambassadors.metrics",
    "enthusiasm_scores": "ambassadors.enthusiasm",
    "rank_candidates": "ambassadors.ranking",
    "WEIGHT_PRESETS": "ambassadors.ranking",
    "parse_weights": "ambassadors.ranking",
    "read_id_list": "ambassadors.ranking",
    "ranking_to_csv": "ambassadors.ranking",
    "ranking_to_xlsx": "ambassadors.ranking",
    "ranking_to_markdown": "ambassadors.ranking",
    # plan
    "propose_ambassadors": "ambassadors.select",
    "Plan": "ambassadors.select",
    "default_size": "ambassadors.select",
    "simulate_spread": "ambassadors.spread",
    "compare_plans": "ambassadors.spread",
    "top_k": "ambassadors.spread",
    "SpreadResult": "ambassadors.spread",
    "Reach": "ambassadors.select",
    "coverage_curve": "ambassadors.select",
    "CoverageCurve": "ambassadors.select",
    # monitor (the function itself is ambassadors.monitor.monitor: its package has that name)
    "Trajectory": "ambassadors.monitor",
    "read_adoption": "ambassadors.monitor",
    # tie tables from DuckDB / Spark / arrow
    "aggregate_interactions": "ambassadors.aggregate",
    # present
    "plot_influence_map": "ambassadors.plot",
    "plot_department_matrix": "ambassadors.plot",
    "plot_coverage": "ambassadors.plot",
    "plot_score_breakdown": "ambassadors.plot",
    "plot_coverage_curve": "ambassadors.plot",
    "write_report": "ambassadors.report",
    "render_report": "ambassadors.report",
    "save_figure": "ambassadors.plot",
    "slide_figure": "ambassadors.plot",
    # privacy
    "pseudonymize": "ambassadors.privacy",
    "reidentify": "ambassadors.privacy",
    "pseudonymize_ids": "ambassadors.privacy",
    "load_key": "ambassadors.privacy",
    "mask_small": "ambassadors.privacy",
    "mask_small_groups": "ambassadors.privacy",
    # data
    "make_organization": "ambassadors.datasets",
    "load_sample": "ambassadors.datasets",
    "sample_paths": "ambassadors.datasets",
    "Organization": "ambassadors.datasets",
    # the whole chain in one call
    "analyze": "ambassadors.pipeline",
    "Analysis": "ambassadors.pipeline",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ambassadors' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
