"""Progress bars for long steps, through tqdm (``tqdm.auto``).

Long computations (reading several files, sampled betweenness, two-step reach, brokerage, the
selection's searches, monitoring periods) wrap their loop in :func:`progress`. ``tqdm.auto``
draws a widget bar in Jupyter and a text bar on a terminal. It is silent when the caller
passes ``enabled=False`` and, by default (``enabled=None``), whenever nobody is watching:
stderr is not a terminal and the code does not run in a Jupyter kernel (pipes, CI logs,
tests, cron jobs), so it never pollutes captured output.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

__all__ = ["progress", "is_enabled", "stages"]

T = TypeVar("T")


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where stderr is not a terminal but a cell)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def _bar_class():
    """``tqdm.auto.tqdm``: the notebook widget when Jupyter has ipywidgets (the ``notebook``
    extra), the text bar otherwise -- without tqdm's "IProgress not found" warning."""
    import importlib.util

    if _in_notebook() and importlib.util.find_spec("ipywidgets") is None:
        from tqdm.std import tqdm as text_bar

        return text_bar
    from tqdm.auto import tqdm as auto_bar

    return auto_bar


def is_enabled(enabled: bool | None = None) -> bool:
    """Whether progress should be shown: never if ``enabled`` is False; otherwise when stderr
    is a terminal or the code runs in a notebook (``True`` means "if someone is watching")."""
    if enabled is False:
        return False
    if _in_notebook():
        return True
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


def progress(
    iterable: Iterable[T],
    *,
    total: int | None = None,
    desc: str = "",
    enabled: bool | None = None,
) -> Iterator[T]:
    """Yield from ``iterable``, showing a tqdm bar ``desc: 3/10 |###   | [00:02<00:05]`` when
    someone is watching.

    Parameters
    ----------
    iterable : iterable
        The steps.
    total : int, optional
        Number of steps (default ``len(iterable)`` when available).
    desc : str
        What is being computed.
    enabled : bool or None
        ``False`` silences; ``None`` or ``True`` show progress only on a terminal or in a
        notebook.

    Examples
    --------
    >>> list(progress(range(3), desc="demo", enabled=False))
    [0, 1, 2]
    """
    if not is_enabled(enabled):
        yield from iterable
        return
    tqdm = _bar_class()

    # the finished bar stays ("measures: 5/5 |####| [00:19<00:00]"): how long each step took
    yield from tqdm(iterable, total=total, desc=desc, file=sys.stderr, dynamic_ncols=True,
                    bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| [{elapsed}<{remaining}]")


@contextlib.contextmanager
def stages(names: Sequence[str], *, desc: str, enabled: bool | None = None) -> Iterator[Callable[[], None]]:
    """One bar for the named stages of a computation that has no loop of its own to show.

    Call the yielded function at the start of each stage; leaving the block completes the bar
    (a stage that raises leaves it where it stopped).

    Examples
    --------
    >>> with stages(["search", "bounds"], desc="selection", enabled=False) as step:
    ...     step(); step()
    """
    steps = iter(progress(list(names), desc=desc, enabled=enabled))

    def advance() -> None:
        next(steps, None)

    yield advance  # a stage that raises leaves the bar where it stopped
    for _ in steps:
        pass
