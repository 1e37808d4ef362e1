"""Progress bars (tqdm.auto): shown when someone watches, silent otherwise."""

from __future__ import annotations

import io
import sys
import types

from ambassadors._progress import is_enabled, progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_stderr_is_not_a_terminal(capsys):
    assert list(progress(range(5), desc="measures")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""


def test_a_bar_on_a_terminal_and_none_when_disabled(monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(progress(range(3), desc="measures", total=3)) == [0, 1, 2]
    text = term.getvalue()
    assert "measures: 3/3 |" in text  # the finished tqdm bar stays: how long the step took
    term.seek(0), term.truncate()
    assert list(progress(range(3), desc="measures", enabled=False)) == [0, 1, 2]
    assert term.getvalue() == ""


def test_notebooks_count_as_watched(monkeypatch):
    """In Jupyter stderr is no terminal, yet the analyst is watching: show the bar."""
    kernel = type("ZMQInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel))
    assert is_enabled(None) and not is_enabled(False)
    terminal_ipython = type("TerminalInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: terminal_ipython))
    assert not is_enabled(None)  # pytest's stderr is captured, not a terminal


def test_items_pass_through_unchanged_whatever_the_display(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    items = [object() for _ in range(4)]
    assert list(progress(iter(items), desc="x")) == items  # no len(): tqdm counts without a total


def test_a_notebook_without_ipywidgets_gets_the_text_bar_and_no_warning(monkeypatch, recwarn):
    import importlib.util

    from ambassadors import _progress

    kernel = type("ZMQInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel))
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets" else real_find_spec(name, *a))
    term = io.StringIO()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(_progress.progress(range(2), desc="reading")) == [0, 1]
    assert "reading: 2/2" in term.getvalue()
    assert not [w for w in recwarn if "IProgress" in str(w.message)]


def test_selection_and_monitoring_show_their_stages_on_a_terminal(monkeypatch, two_departments):
    """The steps that take seconds at 50,000 people without a loop of their own (the selection,
    the monitoring) show one bar of named stages; progress=False hides it."""
    import pandas as pd

    from ambassadors.monitor import monitor
    from ambassadors.select import propose_ambassadors

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    plan = propose_ambassadors(two_departments.graph, size=2)
    assert "selection: 3/3 |" in term.getvalue()
    term.seek(0), term.truncate()
    propose_ambassadors(two_departments.graph, size=2, progress=False)
    assert term.getvalue() == ""
    log = two_departments.interactions.copy()
    log["timestamp"] = pd.date_range("2024-01-01", periods=len(log), freq="5D", tz="UTC")
    monitor(two_departments.people, log, list(plan.ids), launch=log["timestamp"].iloc[len(log) // 2],
            period="week")
    assert "monitoring: 4/4 |" in term.getvalue()


def test_a_stage_that_raises_does_not_complete_the_bar(monkeypatch):
    from ambassadors._progress import stages

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    try:
        with stages(["a", "b"], desc="work") as step:
            step()
            raise ValueError("boom")
    except ValueError:
        pass
    else:
        raise AssertionError("the stage's error must propagate")
    assert "work: 0/2 |" in term.getvalue() and "work: 2/2" not in term.getvalue()
