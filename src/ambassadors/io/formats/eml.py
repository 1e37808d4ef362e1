"""Folders (or zip archives) of ``.eml`` files -> interactions (channel ``email``).

Each ``.eml`` file is one message; only its header block is read (up to the first blank line),
the body is never opened. Same pairs and weights as the mbox reader: one pair per distinct
recipient in ``To``/``Cc``/``Bcc``, weight ``1 / number of recipients``; a Message-ID seen in
an earlier file (the same message in the sender's and a recipient's mailbox) is dropped as
``duplicate_row``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport

from ._common import finish, new_report, open_source
from ._mail import MailCollector, read_header_block

__all__ = ["read_eml", "parse_eml"]


def parse_eml(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far, from one ``.eml`` file or a folder / zip of them."""
    report = new_report(path, fmt="eml")
    collector = MailCollector()
    with open_source(path) as src:
        if src.kind == "file":
            names = src.names
        else:
            names = [n for n in src.names if n.lower().endswith(".eml")]
            report.skip_file("not an .eml file", len(src.names) - len(names))
        if not names:
            raise InputError(f"{Path(path).name}: no .eml file found")
        for name in names:
            with src.open(name) as fh:
                collector.add(read_header_block(fh))
    return collector.to_pairs(report), report


def read_eml(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read ``.eml`` messages (headers only) into the canonical interactions table.

    Parameters
    ----------
    path : path-like
        One ``.eml`` file, or a folder / zip archive of them (searched recursively; files in
        sorted path order, so the first copy of a repeated Message-ID is the one kept).
    people : DataFrame or Loaded, optional
        Roster; addresses are resolved to ``person_id`` through its ``email`` column.
    channel : str, optional
        Channel label (default ``"email"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per file.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with open(os.path.join(d, "1.eml"), "w") as fh:
    ...     _ = fh.write("From: a@x.org\\nTo: b@x.org\\nSubject: secret\\n\\nbody\\n")
    >>> table, report = read_eml(d)
    >>> table[["source", "target"]].astype(str).values.tolist()
    [['a@x.org', 'b@x.org']]

    Notes
    -----
    One open and a few header lines per file; cost is dominated by the file system.

    References
    ----------
    RFC 5322 (Internet Message Format), RFC 2047 (encoded words).
    """
    pairs, report = parse_eml(path)
    return finish(pairs, report, people=people, channel=channel, default_channel="email")
