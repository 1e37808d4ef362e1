"""The README's notebook example runs as written, on the bundled sample."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(monkeypatch):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README shows a Python example"
    monkeypatch.chdir(REPO / "data" / "samples")
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    plan = namespace["plan"]
    assert set(plan.members["department"]) == set(namespace["people"]["department"])


def test_readme_commands_are_the_ci_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest" in readme
    assert "pip install --quiet '.[test]'" in ci and "python -m pytest" in ci
    assert "ambassadors demo" in readme
