"""The example notebooks run clean, top to bottom, on a fresh kernel (and are committed without
outputs, so the repository stays small and free of personal data)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_real_data.ipynb", "03_what_if.ipynb", "04_monitoring.ipynb"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_clean(name, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")   # the kernel inherits the environment
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},   # working directory: notebooks/
    )
    client.execute()   # raises CellExecutionError on the first error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert not errors
    # no warnings printed to stderr by our own code (FutureWarning, RuntimeWarning, ...)
    stderr = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.get("name") == "stderr")
    assert "Warning" not in stderr, stderr
