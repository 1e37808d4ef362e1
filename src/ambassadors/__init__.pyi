"""Static view of the lazily re-exported public API (``__init__.py`` imports on first use).

Editors and type checkers read this file instead of ``__init__.py``. It must name exactly
``ambassadors.__all__``, each from the module ``_EXPORTS`` maps it to
(``tests/test_public_api.py`` checks both). Names are re-exported through ``__all__``.
"""

__version__: str

from ambassadors.aggregate import aggregate_interactions
from ambassadors.datasets import (
    Organization,
    load_sample,
    make_organization,
    sample_paths,
)
from ambassadors.enthusiasm import enthusiasm_scores
from ambassadors.errors import (
    AmbassadorsError,
    InfeasibleError,
    InputError,
    PrivacyError,
)
from ambassadors.graph import (
    CollaborationGraph,
    DepartmentMatrix,
    build_graph,
    department_matrix,
)
from ambassadors.io import (
    Loaded,
    LoadReport,
    combine_interactions,
    combine_signals,
    read_interactions,
    read_people,
    read_signals,
    read_table,
)
from ambassadors.io.formats import (
    detect_format,
    read_engage_activity,
    read_format,
    read_slack_channel_activity,
    read_viva_person_query,
)
from ambassadors.metrics import (
    influence_scores,
    percentiles,
)
from ambassadors.monitor import Trajectory, read_adoption
from ambassadors.pipeline import (
    Analysis,
    analyze,
)
from ambassadors.plot import (
    plot_coverage,
    plot_coverage_curve,
    plot_department_matrix,
    plot_influence_map,
    plot_score_breakdown,
    save_figure,
    slide_figure,
)
from ambassadors.privacy import (
    load_key,
    mask_small,
    mask_small_groups,
    pseudonymize,
    pseudonymize_ids,
    reidentify,
)
from ambassadors.ranking import (
    WEIGHT_PRESETS,
    parse_weights,
    rank_candidates,
    ranking_to_csv,
    ranking_to_markdown,
    ranking_to_xlsx,
    read_id_list,
)
from ambassadors.report import (
    render_report,
    write_report,
)
from ambassadors.select import (
    CoverageCurve,
    Plan,
    Reach,
    coverage_curve,
    default_size,
    propose_ambassadors,
)
from ambassadors.spread import (
    SpreadResult,
    compare_plans,
    simulate_spread,
    top_k,
)

__all__ = [
    "__version__",
    "AmbassadorsError",
    "InputError",
    "InfeasibleError",
    "PrivacyError",
    "LoadReport",
    "Loaded",
    "read_people",
    "read_interactions",
    "read_signals",
    "combine_interactions",
    "combine_signals",
    "read_table",
    "read_format",
    "detect_format",
    "read_viva_person_query",
    "read_engage_activity",
    "read_slack_channel_activity",
    "CollaborationGraph",
    "build_graph",
    "department_matrix",
    "DepartmentMatrix",
    "influence_scores",
    "percentiles",
    "enthusiasm_scores",
    "rank_candidates",
    "WEIGHT_PRESETS",
    "parse_weights",
    "read_id_list",
    "ranking_to_csv",
    "ranking_to_xlsx",
    "ranking_to_markdown",
    "propose_ambassadors",
    "Plan",
    "default_size",
    "simulate_spread",
    "compare_plans",
    "top_k",
    "SpreadResult",
    "Reach",
    "coverage_curve",
    "CoverageCurve",
    "Trajectory",
    "read_adoption",
    "aggregate_interactions",
    "plot_influence_map",
    "plot_department_matrix",
    "plot_coverage",
    "plot_score_breakdown",
    "plot_coverage_curve",
    "write_report",
    "render_report",
    "save_figure",
    "slide_figure",
    "pseudonymize",
    "reidentify",
    "pseudonymize_ids",
    "load_key",
    "mask_small",
    "mask_small_groups",
    "make_organization",
    "load_sample",
    "sample_paths",
    "Organization",
    "analyze",
    "Analysis",
]
