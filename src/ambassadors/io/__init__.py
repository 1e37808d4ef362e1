"""Reading inputs: HR roster, communication metadata and enthusiasm signals.

This stage turns files (CSV/TSV, Excel, Parquet, JSON, or DataFrames) into the canonical tables of
``docs/data-model.md`` -- ``people``, ``interactions`` and ``signals`` -- each returned as a
:class:`Loaded` ``(table, report)`` whose :class:`LoadReport` accounts for every input row. The
tables are handed on to :func:`ambassadors.graph.build_graph` and
:func:`ambassadors.enthusiasm.enthusiasm_scores`.

Names are imported lazily (PEP 562) so that importing one reader does not import the others.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "read_people": "ambassadors.io.people",
    "read_interactions": "ambassadors.io.interactions",
    "combine_interactions": "ambassadors.io.interactions",
    "read_signals": "ambassadors.io.signals",
    "combine_signals": "ambassadors.io.signals",
    "read_table": "ambassadors.io.tables",
    "LoadReport": "ambassadors.io.load_report",
    "Loaded": "ambassadors.io.load_report",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ambassadors.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
