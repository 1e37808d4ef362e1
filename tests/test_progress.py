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
