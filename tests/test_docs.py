"""The documentation site builds offline with ``mkdocs build --strict`` (broken links, missing
pages or docstrings mkdocstrings cannot render fail the build)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")
pytest.importorskip("material")

ROOT = Path(__file__).resolve().parents[1]
# pages other engineers own; while one is not written yet, the strict build cannot pass
OWNED_ELSEWHERE = ("data-model.md", "formats.md", "measures.md", "selection.md", "privacy.md",
                   "ranking.md", "architecture.md")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    missing = [p for p in OWNED_ELSEWHERE if not (ROOT / "docs" / p).is_file()]
    if missing:
        pytest.skip("docs pages not written yet: " + ", ".join(missing))
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
