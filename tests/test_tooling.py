"""The ruff, mypy and doctest configuration in ``pyproject.toml`` holds for the project (issue 13).

Both tools are part of the ``test`` extra, so these tests run wherever the suite runs (CI
included) and fail -- never skip -- when a tool is missing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Files with ruff findings on main after the first integration (21:08), with the helper that owns
# each. TEMPORARY: owners fix their files in this wave and the coordinator empties this after the
# merge. A file not listed here must be clean; a listed file that became clean (or moved) makes
# test_known_lint_offenders_still_offend fail, so that the list only ever shrinks.
KNOWN_LINT_OFFENDERS: dict[str, str] = {
    "bench/bench_pipeline.py": "speed",
    "bench/bench_scale.py": "speed",
    "notebooks/04_monitoring.ipynb": "monitor",
    "src/ambassadors/cascade.py": "select",
    "src/ambassadors/graph.py": "speed",
    "src/ambassadors/io/formats/__init__.py": "io",
    "src/ambassadors/io/formats/_common.py": "io",
    "src/ambassadors/io/formats/engage.py": "io",
    "src/ambassadors/io/formats/meetings.py": "io",
    "src/ambassadors/io/writers.py": "io",
    "src/ambassadors/metrics/__init__.py": "speed",
    "src/ambassadors/metrics/_common.py": "speed",
    "src/ambassadors/metrics/_parallel.py": "speed",
    "src/ambassadors/metrics/departments.py": "speed",
    "src/ambassadors/metrics/influence.py": "speed",
    "src/ambassadors/metrics/paths.py": "speed",
    "src/ambassadors/select/_bounds.py": "select",
    "src/ambassadors/select/_inputs.py": "select",
    "src/ambassadors/select/_milp.py": "select",
    "src/ambassadors/select/_plan.py": "select",
    "src/ambassadors/select/_propose.py": "select",
    "src/ambassadors/select/_search.py": "select",
    "src/ambassadors/select/_solve.py": "select",
    "src/ambassadors/select/_tables.py": "select",
    "src/ambassadors/select/_tradeoff.py": "select",
    "src/ambassadors/spread.py": "select",
    "tests/io/formats/test_delegation.py": "io",
    "tests/io/formats/test_email.py": "io",
    "tests/io/formats/test_meetings.py": "io",
    "tests/io/formats/test_slack.py": "io",
    "tests/io/formats/test_teams.py": "io",
    "tests/io/formats/test_viva.py": "io",
    "tests/io/test_writers.py": "io",
    "tests/metrics/test_measures.py": "speed",
    "tests/monitor/test_effects.py": "monitor",
    "tests/select/test_select.py": "select",
    "tests/select/test_select_outreach.py": "select",
    "tests/select/test_select_pool.py": "select",
    "tests/select/test_select_properties.py": "select",
    "tests/select/test_spread.py": "select",
    "tests/test_graph.py": "speed",
}


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)


def ruff_findings() -> dict[str, list[str]]:
    """Relative path -> ``"line:col code message"`` for every ruff finding under the project."""
    done = run_tool("ruff", "check", "--output-format", "json", "--exit-zero", "--no-cache", ".")
    assert done.returncode == 0, f"ruff did not run: {done.stderr.strip()}"
    found: dict[str, list[str]] = {}
    for item in json.loads(done.stdout):
        path = Path(item["filename"]).resolve().relative_to(ROOT).as_posix()
        row, column = item["location"]["row"], item["location"]["column"]
        found.setdefault(path, []).append(f"{row}:{column} {item['code']} {item['message']}")
    return found


def test_no_lint_findings_outside_the_known_offenders():
    new = {path: lines for path, lines in ruff_findings().items() if path not in KNOWN_LINT_OFFENDERS}
    assert not new, "ruff (configured in pyproject.toml) finds:\n" + "\n".join(
        f"{path}:{line}" for path, lines in sorted(new.items()) for line in lines)


def test_known_lint_offenders_still_offend():
    found = ruff_findings()
    clean = sorted(path for path in KNOWN_LINT_OFFENDERS if path not in found)
    assert not clean, f"clean now (or moved): remove from KNOWN_LINT_OFFENDERS: {clean}"


def test_mypy_passes_on_the_package():
    done = run_tool("mypy")  # files and options from [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr


def test_docstring_examples_are_collected_by_the_configured_run():
    # pyproject.toml's addopts and testpaths make plain `pytest` run them, also against a
    # non-editable install (CI)
    done = run_tool("pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "src/ambassadors/privacy.py")
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {line.split("::", 1)[1] for line in done.stdout.splitlines() if "::" in line}
    assert {"ambassadors.privacy.load_key", "ambassadors.privacy.pseudonymize",
            "ambassadors.privacy.mask_small_groups"} <= collected, done.stdout
