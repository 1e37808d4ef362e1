"""Load reports: every input row accounted for.

A reader returns its table together with a :class:`LoadReport` that says how many rows it read,
how many it used and how many it dropped, by reason, so that
``rows_read == rows_used + sum(dropped.values())`` always holds. Readers of event-shaped logs
(one row per message, several recipients) also account for the (row, recipient) *pairs*.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

__all__ = ["LoadReport", "Loaded"]


@dataclass
class LoadReport:
    """What a reader did with its input.

    Attributes
    ----------
    source : str
        File name (or ``"<DataFrame>"``) that was read.
    kind : str
        ``"people"``, ``"interactions"`` or ``"signals"``.
    rows_read, rows_used : int
        Input rows seen, and rows that contributed to the table.
    dropped : dict
        Reason -> number of input rows dropped for it. ``rows_read == rows_used + sum(dropped)``.
    pairs_read, pairs_used, pairs_dropped :
        For event-shaped inputs only: the (row, recipient) pairs, with the same identity.
    notes : list of str
        Things worth knowing that dropped nothing (a column alias used, a format detected, ...).
    """

    source: str
    kind: str
    rows_read: int = 0
    rows_used: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    pairs_read: int | None = None
    pairs_used: int | None = None
    pairs_dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_dropped(self) -> int:
        return int(sum(self.dropped.values()))

    @property
    def balanced(self) -> bool:
        """True when every input row (and pair) is accounted for."""
        ok = self.rows_read == self.rows_used + self.rows_dropped
        if self.pairs_read is not None:
            ok = ok and self.pairs_read == (self.pairs_used or 0) + sum(self.pairs_dropped.values())
        return ok

    def drop(self, reason: str, n: int, *, unit: str = "rows") -> None:
        """Count ``n`` dropped rows (or pairs, with ``unit="pairs"``) for ``reason``; 0 is ignored."""
        n = int(n)
        if n <= 0:
            return
        target = self.dropped if unit == "rows" else self.pairs_dropped
        target[reason] = target.get(reason, 0) + n

    def to_frame(self) -> pd.DataFrame:
        """One row per (unit, outcome): columns ``source, kind, unit, outcome, count``."""
        rows: list[dict[str, Any]] = [
            {"unit": "rows", "outcome": "read", "count": self.rows_read},
            {"unit": "rows", "outcome": "used", "count": self.rows_used},
        ]
        rows += [{"unit": "rows", "outcome": f"dropped: {r}", "count": n} for r, n in self.dropped.items()]
        if self.pairs_read is not None:
            rows += [
                {"unit": "pairs", "outcome": "read", "count": self.pairs_read},
                {"unit": "pairs", "outcome": "used", "count": self.pairs_used or 0},
            ]
            rows += [
                {"unit": "pairs", "outcome": f"dropped: {r}", "count": n}
                for r, n in self.pairs_dropped.items()
            ]
        frame = pd.DataFrame(rows, columns=["unit", "outcome", "count"])
        frame.insert(0, "kind", self.kind)
        frame.insert(0, "source", self.source)
        return frame

    def __str__(self) -> str:
        lines = [f"{self.source} ({self.kind}): {self.rows_read} rows read, {self.rows_used} used, "
                 f"{self.rows_dropped} dropped"]
        lines += [f"  dropped {n} rows: {r}" for r, n in sorted(self.dropped.items())]
        if self.pairs_read is not None:
            lines.append(f"  {self.pairs_read} sender->recipient pairs, {self.pairs_used or 0} used")
            lines += [f"  dropped {n} pairs: {r}" for r, n in sorted(self.pairs_dropped.items())]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        title = f"<b>{html.escape(self.source)}</b> ({html.escape(self.kind)})"
        return title + self.to_frame().drop(columns=["source", "kind"]).to_html(index=False)


class Loaded(NamedTuple):
    """What a reader returns: the canonical ``table`` and its ``report``.

    Unpacks like a tuple (``people, report = read_people(...)``); every function that takes a
    table also accepts a ``Loaded`` and uses its ``table``.
    """

    table: pd.DataFrame
    report: LoadReport

    def _repr_html_(self) -> str:
        return self.report._repr_html_() + self.table.head(10).to_html()


def as_frame(obj: pd.DataFrame | Loaded) -> pd.DataFrame:
    """Return the DataFrame inside a :class:`Loaded`, or ``obj`` itself."""
    return obj.table if isinstance(obj, Loaded) else obj
