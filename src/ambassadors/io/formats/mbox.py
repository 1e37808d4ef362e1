"""mbox mailboxes -> interactions (channel ``email``).

Reads one mbox file, or every mbox file in a folder / zip archive (files ending ``.mbox`` or
starting with a ``From `` line), message by message: only the header block of each message is
read (``From``, ``To``, ``Cc``, ``Bcc``, ``Date``, ``Message-ID``); bodies are skipped line by
line, so a 10 GB mailbox needs memory for its headers only. Each message becomes one pair
per distinct recipient, weight ``1 / number of recipients``, handed to ``finalize_pairs``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport

from ._common import finish, new_report, open_source, starts_like_mbox
from ._mail import MailCollector, iter_mbox_blocks

__all__ = ["read_mbox", "parse_mbox"]


def _is_mbox_entry(src, name: str) -> bool:  # type: ignore[no-untyped-def]
    low = name.lower()
    if low.endswith((".mbox", ".mbx")):
        return True
    if low.endswith((".msf", ".dat", ".json", ".csv", ".eml")) or "/." in "/" + name:
        return False
    with src.open(name) as fh:
        return starts_like_mbox(fh.read(4096))


def parse_mbox(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs (``row, source, target, timestamp, weight, event_id``) and the report so far.

    Parameters
    ----------
    path : path-like
        An mbox file, or a folder / zip archive holding mbox files.

    Returns
    -------
    (pairs, report)
        One pair per (message, distinct recipient), addresses lower-cased.
    """
    report = new_report(path, fmt="mbox")
    collector = MailCollector()
    with open_source(path) as src:
        names = [n for n in src.names if _is_mbox_entry(src, n)] if src.kind != "file" else src.names
        report.skip_file("not an mbox file", len(src.names) - len(names))
        if not names:
            raise InputError(f"{Path(path).name}: no mbox file found (expected *.mbox or files "
                             "starting 'From ')")
        read = 0
        for name in names:
            before = len(collector)
            with src.open(name) as fh:
                for block in iter_mbox_blocks(fh):
                    collector.add(block)
            if len(collector) == before:
                with src.open(name) as fh:
                    if not starts_like_mbox(fh.read(4096)):
                        if src.kind == "file":
                            raise InputError(
                                f"{src.label(name)}: not an mbox file (no 'From ' line at the "
                                "start); for single messages use format='eml'")
                        report.skip_file("not an mbox file (no 'From ' line at the start)")
                        continue
            read += 1
        if src.kind != "file":
            if not read:
                raise InputError(f"{Path(path).name}: no readable mbox file "
                                 f"({', '.join(report.skipped_files)})")
            report.notes.append(f"{read} mbox file(s) read")
    return collector.to_pairs(report), report


def read_mbox(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read an mbox mailbox (headers only) into the canonical interactions table.

    Each message gives one pair ``From -> recipient`` per distinct address in ``To``, ``Cc``
    and ``Bcc``, with weight :math:`1 / r` for a message with :math:`r` recipients.

    Parameters
    ----------
    path : path-like
        An mbox file, or a folder / zip archive of mbox files.
    people : DataFrame or Loaded, optional
        Roster; addresses are resolved to ``person_id`` through its ``email`` column.
    channel : str, optional
        Channel label (default ``"email"``).

    Returns
    -------
    Loaded
        ``(table, report)``. Report drop reasons: ``duplicate_row`` (repeated Message-ID),
        ``unknown_sender``, ``no_recipients``, ``bad_timestamp`` (malformed ``Date``), plus the
        resolution reasons of ``finalize_pairs``.

    Examples
    --------
    >>> import mailbox, tempfile, os
    >>> from email.message import EmailMessage
    >>> d = tempfile.mkdtemp(); box = mailbox.mbox(os.path.join(d, "a.mbox"))
    >>> m = EmailMessage(); m["From"] = "Ann <ann@x.org>"; m["To"] = "bob@x.org, cy@x.org"
    >>> m["Date"] = "Mon, 03 Nov 2025 10:00:00 +0100"; m.set_content("never read")
    >>> _ = box.add(m); box.close()
    >>> table, report = read_mbox(os.path.join(d, "a.mbox"))
    >>> table[["source", "target", "weight"]].astype(str).values.tolist()
    [['ann@x.org', 'bob@x.org', '0.5'], ['ann@x.org', 'cy@x.org', '0.5']]

    Notes
    -----
    Linear in the file size, one pass; memory grows with the number of messages (their header
    facts), not with the bodies. Python's ``mailbox`` module is not used because it keeps a
    table of contents and reads whole messages.

    References
    ----------
    RFC 4155 (the application/mbox format), RFC 5322 (message headers), RFC 2047 (encoded words).
    """
    pairs, report = parse_mbox(path)
    return finish(pairs, report, people=people, channel=channel, default_channel="email")
