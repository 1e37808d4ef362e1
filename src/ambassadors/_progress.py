"""A tiny progress indicator for long steps (no tqdm dependency).

Long computations (sampled betweenness, two-step reach, brokerage on a large graph) wrap their
loop in :func:`progress`. It writes a single updating line to ``stderr`` only when ``stderr`` is
a terminal and the caller did not pass ``enabled=False``; in notebooks, pipes, CI logs and tests
it is silent, so it never pollutes captured output.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress", "is_enabled"]

T = TypeVar("T")


def is_enabled(enabled: bool | None = None) -> bool:
    """Whether progress should be shown: never if ``enabled`` is False, else only on a TTY."""
    if enabled is False:
        return False
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
    min_interval: float = 0.2,
) -> Iterator[T]:
    """Yield from ``iterable``, showing ``desc: i/total (elapsed)`` on stderr.

    Parameters
    ----------
    iterable : iterable
        The steps.
    total : int, optional
        Number of steps (default ``len(iterable)`` when available).
    desc : str
        What is being computed.
    enabled : bool or None
        ``False`` silences; ``None`` or ``True`` show progress only when stderr is a TTY.
    min_interval : float
        Seconds between redraws.

    Examples
    --------
    >>> list(progress(range(3), desc="demo", enabled=False))
    [0, 1, 2]
    """
    if not is_enabled(enabled):
        yield from iterable
        return
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    start = last = time.monotonic()
    stream = sys.stderr
    done = 0

    def draw(final: bool = False) -> None:
        of = f"/{total}" if total is not None else ""
        stream.write(f"\r{desc}: {done}{of} ({time.monotonic() - start:.1f}s)" + ("\n" if final else ""))
        stream.flush()

    draw()
    try:
        for item in iterable:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= min_interval:
                last = now
                draw()
    finally:
        draw(final=True)
