"""The documentation site builds offline with ``mkdocs build --strict`` (broken links, missing
pages or docstrings mkdocstrings cannot render fail the build; so does a missing toolchain)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The docs toolchain is part of the test extra: missing, it is a failure, never a skip.
TOOLCHAIN = {"mkdocs": "mkdocs", "mkdocstrings": "mkdocstrings[python]", "material": "mkdocs-material"}


def missing_toolchain() -> list[str]:
    return [package for module, package in TOOLCHAIN.items() if importlib.util.find_spec(module) is None]


def test_the_docs_toolchain_is_installed():
    missing = missing_toolchain()
    assert not missing, f"install the test extra (pip install '.[test]'); missing: {', '.join(missing)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    missing = missing_toolchain()
    if missing:
        pytest.fail(f"cannot build the docs without {', '.join(missing)} (pip install '.[test]')")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


def test_docs_build_strict_and_have_every_page(site):
    for page in ("index.html", "user-guide/index.html", "cli/index.html", "api/index.html"):
        assert (site / page).is_file(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("build_graph", "plot_influence_map", "write_report", "propose_ambassadors"):
        assert name in api


def test_docs_load_nothing_from_a_network(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', text)
        assert not remote, f"{page.relative_to(site)} loads a remote resource"
        assert "fonts.googleapis" not in text
