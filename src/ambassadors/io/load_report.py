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

__all__ = ["LoadReport", "Loaded", "as_frame", "LOW_MATCH_SHARE"]

#: A log whose pairs name two people of the roster less often than this (a share of the pairs
#: read) opens the CLI output and the HTML report with a warning line
#: (:meth:`LoadReport.low_match_warning`): the log and the roster probably use different ids.
LOW_MATCH_SHARE = 0.2

_UNKNOWN_REASONS = ("unknown_sender", "unknown_recipient")


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
    unknown : dict
        ``{"sender": {raw id: pairs}, "recipient": {...}}``: the most frequent senders and
        recipients that are not in the roster (distribution lists, external addresses ...).
    skipped_files : dict
        Reason -> number of files of a folder or archive that were not read (``not a calendar``,
        ``unreadable``, ...). They hold no rows, so they are outside the row identity.
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
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped_files: dict[str, int] = field(default_factory=dict)

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

    def skip_file(self, reason: str, n: int = 1) -> None:
        """Count ``n`` files of a folder / archive not read, for ``reason``."""
        if n > 0:
            self.skipped_files[reason] = self.skipped_files.get(reason, 0) + int(n)

    def merge(self, other: LoadReport, *, prefix_notes: bool = True) -> LoadReport:
        """Add ``other``'s counts to this report (in place) and return it.

        Rows, pairs, drops, unknown ids and skipped files are summed; ``other``'s notes are
        appended, prefixed with its source. A report without pair accounting counts its used
        rows as pairs once this report accounts for pairs.

        Examples
        --------
        >>> a = LoadReport("a.csv", "interactions", rows_read=3, rows_used=2, dropped={"bad_row": 1})
        >>> b = LoadReport("b.csv", "interactions", rows_read=1, rows_used=1, notes=["read JSON"])
        >>> total = LoadReport("a.csv + b.csv", "interactions").merge(a).merge(b)
        >>> total.rows_read, total.dropped, total.notes, total.balanced
        (4, {'bad_row': 1}, ['b.csv: read JSON'], True)
        """
        self.rows_read += other.rows_read
        self.rows_used += other.rows_used
        for reason, n in other.dropped.items():
            self.drop(reason, n)
        if other.pairs_read is not None:
            self.pairs_read = (self.pairs_read or 0) + other.pairs_read
            self.pairs_used = (self.pairs_used or 0) + (other.pairs_used or 0)
            for reason, n in other.pairs_dropped.items():
                self.drop(reason, n, unit="pairs")
        elif self.pairs_read is not None:
            self.pairs_read += other.rows_used
            self.pairs_used = (self.pairs_used or 0) + other.rows_used
        for role, counts in other.unknown.items():
            mine = self.unknown.setdefault(role, {})
            for key, n in counts.items():
                mine[key] = mine.get(key, 0) + n
        for reason, n in other.skipped_files.items():
            self.skip_file(reason, n)
        self.notes += [f"{other.source}: {note}" if prefix_notes else note for note in other.notes]
        return self

    @property
    def match_share(self) -> float | None:
        """Share of the pairs read (rows when there are no pairs) whose two people are known.

        None when nothing was read.
        """
        read = self.pairs_read if self.pairs_read is not None else self.rows_read
        dropped = self.pairs_dropped if self.pairs_read is not None else self.dropped
        if not read:
            return None
        unknown = sum(dropped.get(r, 0) for r in _UNKNOWN_REASONS)
        return 1.0 - unknown / read

    def low_match_warning(self, *, threshold: float = LOW_MATCH_SHARE) -> str | None:
        """One warning line when fewer than ``threshold`` of the pairs match the roster, else None.

        Examples
        --------
        >>> r = LoadReport("log.csv", "interactions", rows_read=100, rows_used=10,
        ...                dropped={"unknown_sender": 90})
        >>> print(r.low_match_warning().replace(": ", ":\\n"))
        warning:
        only 10 % of the 100 rows of log.csv match the roster (below 20 %):
        check that the log and the roster use the same ids
        """
        share = self.match_share
        if share is None or share >= threshold:
            return None
        unit = "sender->recipient pairs" if self.pairs_read is not None else "rows"
        read = self.pairs_read if self.pairs_read is not None else self.rows_read
        return (f"warning: only {share:.0%} of the {read} {unit} of {self.source} match the roster "
                f"(below {threshold:.0%}): check that the log and the roster use the same ids"
                ).replace("%", " %")

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
        rows += [{"unit": "files", "outcome": f"skipped: {r}", "count": n}
                 for r, n in self.skipped_files.items()]
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
        for role, counts in sorted(self.unknown.items()):
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            lines.append(f"  most frequent unknown {role}s: "
                         + ", ".join(f"{key!r} ({n})" for key, n in top))
        lines += [f"  skipped {n} files: {r}" for r, n in sorted(self.skipped_files.items())]
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
