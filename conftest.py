"""Collect the docstring examples of ``src/ambassadors`` against the installed package.

``--doctest-modules`` (pyproject.toml) walks ``src/ambassadors``. CI installs the wheel
(``.ci/run``, non-editable), so every ``ambassadors`` module is already imported from
site-packages when pytest reaches ``src/`` and pytest refuses each file as an "import file
mismatch". For those files only, the check is lifted while the file is collected: the examples
come from the installed module, which ``tests/test_public_api.py`` proves is byte-for-byte the
file in ``src/``. Everywhere else (``tests/``) the check stays on.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent / "src"


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    path = getattr(collector, "path", None)
    if not isinstance(collector, pytest.Module) or path is None or SRC not in Path(path).resolve().parents:
        return (yield)
    before = os.environ.get("PY_IGNORE_IMPORTMISMATCH")
    os.environ["PY_IGNORE_IMPORTMISMATCH"] = "1"
    try:
        return (yield)
    finally:
        if before is None:
            del os.environ["PY_IGNORE_IMPORTMISMATCH"]
        else:
            os.environ["PY_IGNORE_IMPORTMISMATCH"] = before
