"""Readers for the exports companies actually have: mail, chat, calendars, Viva, Engage.

Each interactions format is parsed into raw (sender, recipient) *pairs* without ever keeping
content (subjects, bodies, message text, attachments) and handed to
:func:`ambassadors.io.interactions.finalize_pairs`, which resolves people against the roster and
accounts for every row in the :class:`~ambassadors.io.load_report.LoadReport`. The result is the
canonical interactions table handed on to :func:`ambassadors.graph.build_graph`.

========================  ===========================================  ===========
format                    input                                        channel
========================  ===========================================  ===========
``mbox``                  mbox file, or folder / zip of them           ``email``
``eml``                   ``.eml`` file, or folder / zip of them       ``email``
``m365_trace``            Exchange Online message trace CSV            ``email``
``google_email_log``      Google Workspace e-mail log search CSV       ``email``
``slack``                 Slack workspace export (zip or folder)       ``chat``
``teams``                 Microsoft Graph chatMessage JSON             ``chat``
``viva_p2p``              Viva Insights person-to-person query CSV     ``viva``
``ics``                   iCalendar file, or folder / zip of them      ``meeting``
``meetings_csv``          attendance CSV (organizer, attendees, ...)   ``meeting``
========================  ===========================================  ===========

People and signals: :func:`read_viva_person_query` (Viva person query -> people),
:func:`read_viva_person_signals` (its survey items and activity counts -> signals),
:func:`read_engage_activity` (Viva Engage / Yammer export -> signals) and
:func:`read_slack_channel_activity` (activity in one Slack channel -> signals).
See ``docs/formats.md`` for samples of each format.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded

from ._common import csv_header, norm_key, open_source, roster_frame, starts_like_mbox

__all__ = [
    "FORMATS",
    "detect_format",
    "read_format",
    "read_mbox",
    "read_eml",
    "read_m365_trace",
    "read_google_email_log",
    "read_slack_export",
    "read_slack_channel_activity",
    "read_teams_chats",
    "read_viva_p2p",
    "read_viva_person_query",
    "read_viva_person_signals",
    "read_ics",
    "read_meetings_csv",
    "read_engage_activity",
]

# format name -> (module, reader, takes columns=)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "mbox": ("mbox", "read_mbox", False),
    "eml": ("eml", "read_eml", False),
    "m365_trace": ("m365", "read_m365_trace", True),
    "google_email_log": ("google", "read_google_email_log", True),
    "slack": ("slack", "read_slack_export", False),
    "teams": ("teams", "read_teams_chats", False),
    "viva_p2p": ("viva", "read_viva_p2p", True),
    "ics": ("ics", "read_ics", False),
    "meetings_csv": ("meetings", "read_meetings_csv", True),
}
_OTHER = {
    "read_slack_channel_activity": "slack",
    "read_viva_person_query": "viva",
    "read_viva_person_signals": "viva",
    "read_engage_activity": "engage",
}


def __getattr__(name: str) -> Any:
    module = {reader: mod for mod, reader, _ in FORMATS.values()}.get(name) or _OTHER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def _from_header(header: list[str]) -> set[str]:
    keys = {norm_key(c) for c in header}
    found = set()
    if "senderaddress" in keys and keys & {"recipientaddress", "recipientstatus"}:
        found.add("m365_trace")
    if (
        keys & {"messageid", "rfc822messageid", "messageinforfc2822messageid"}
        # Google's own column names; a generic From/To/Message-ID log is a plain event table
        and keys & {"sender", "messageinfosourceaddress"}
        and keys & {"recipient", "messageinfodestinationaddress"}
    ):
        found.add("google_email_log")
    if {"primarycollaboratorpersonid", "secondarycollaboratorpersonid"} <= keys:
        found.add("viva_p2p")
    if keys & {"organizer", "organiser", "organizeremail"} and keys & {
        "attendees", "participants", "attendeeemails", "requiredattendees",
    }:
        found.add("meetings_csv")
    return found


def _from_names(names: list[str], peek: Any) -> set[str]:
    base = {PurePosixPath(n).name.lower() for n in names}
    low = [n.lower() for n in names]
    found = set()
    if "users.json" in base and base & {"channels.json", "dms.json", "groups.json", "mpims.json"}:
        found.add("slack")
    if any(n.endswith(".eml") for n in low):
        found.add("eml")
    if any(n.endswith((".ics", ".ical")) for n in low):
        found.add("ics")
    if any(n.endswith((".mbox", ".mbx")) for n in low):
        found.add("mbox")
    if "slack" not in found:
        jsons = [n for n in names if n.lower().endswith(".json")]
        if jsons and any(_looks_like_teams(peek(n)) for n in jsons[:5]):
            found.add("teams")
    return found


def _looks_like_teams(head: bytes) -> bool:
    keys = (b'"chatId"', b'"createdDateTime"', b'"chatType"', b"#microsoft.graph.chat")
    return any(k in head for k in keys)


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """The export format of ``path``, or None when it looks like a plain table.

    Decided by extension (``.mbox``, ``.eml``, ``.ics``, ``.json``), by the contents of a folder
    or zip (``users.json`` + ``channels.json`` -> Slack, ``*.eml``, ``*.ics`` ...), by the first
    bytes (``From ``, after any blank lines -> mbox) and by CSV header columns
    (``SenderAddress`` + ``RecipientAddress``
    -> m365_trace, ``PrimaryCollaborator_PersonId`` -> viva_p2p, ``Organizer`` + ``Attendees``
    -> meetings_csv, ``Message ID`` + ``Sender`` + ``Recipient`` -> google_email_log).

    Parameters
    ----------
    path : path-like
        File, folder or zip archive.

    Returns
    -------
    str or None
        One of :data:`FORMATS`, or None (e.g. an ordinary edge-list CSV).

    Raises
    ------
    InputError
        When the input matches several formats (pass ``format=``) or does not exist.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "trace.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("Received,SenderAddress,RecipientAddress,MessageId\\n")
    >>> detect_format(p)
    'm365_trace'

    Notes
    -----
    Reads at most the names of a folder / archive and the first 64 KiB of a file.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    found: set[str]
    with open_source(p) as src:
        if src.kind != "file":
            def peek(name: str) -> bytes:
                with src.open(name) as fh:
                    return fh.read(4096)

            found = _from_names(src.names, peek)
        else:
            suffix = p.suffix.lower()
            with open(p, "rb") as fh:
                head = fh.read(4096)
            if suffix in (".mbox", ".mbx") or starts_like_mbox(head):
                found = {"mbox"}
            elif suffix == ".eml":
                found = {"eml"}
            elif suffix in (".ics", ".ical", ".ifb") or head.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
                found = {"ics"}
            elif suffix == ".json":
                found = {"teams"} if _looks_like_teams(head) else set()
            elif suffix in (".csv", ".tsv", ".txt", ""):
                found = _from_header(csv_header(p))
            else:
                found = set()
    if len(found) > 1:
        raise InputError(
            f"{p.name}: looks like several formats ({', '.join(sorted(found))}); pass format="
        )
    return found.pop() if found else None


def read_format(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    people: pd.DataFrame | Loaded | None = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read an export of a known format into the canonical interactions table.

    Parameters
    ----------
    path : path-like
        File, folder or zip archive.
    format : str, optional
        One of :data:`FORMATS`; detected with :func:`detect_format` when omitted.
    people : DataFrame, Loaded or path, optional
        Roster used to resolve ids and e-mail addresses to ``person_id`` (a path is read with
        :func:`ambassadors.read_people`).
    columns : dict, optional
        For the CSV formats (``m365_trace``, ``google_email_log``, ``viva_p2p``,
        ``meetings_csv``): role -> column name overrides (see each reader).
    channel : str, optional
        Channel label; default per format (``email``, ``chat``, ``meeting``, ``viva``).

    Returns
    -------
    Loaded
        ``(table, report)``; ``report.balanced`` holds.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "meetings.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("organizer,attendees,start,end\\n"
    ...                  "a@x.org,b@x.org;c@x.org,2025-11-03 09:00,2025-11-03 10:00\\n")
    >>> table, report = read_format(p)
    >>> len(table), report.balanced
    (6, True)
    """
    if format is None:
        format = detect_format(path)
        if format is None:
            raise InputError(
                f"{Path(path).name}: cannot tell the export format; pass format= one of "
                f"{', '.join(FORMATS)}"
            )
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; formats are: {', '.join(FORMATS)}")
    module, reader, takes_columns = FORMATS[format]
    func = getattr(importlib.import_module(f"{__name__}.{module}"), reader)
    if columns and not takes_columns:
        raise InputError(f"{Path(path).name}: columns= applies to CSV formats only, not {format!r}")
    kwargs: dict[str, Any] = {"people": roster_frame(people), "channel": channel}
    if takes_columns:
        kwargs["columns"] = columns
    loaded = func(path, **kwargs)
    if f"format: {format}" not in loaded.report.notes:
        loaded.report.notes.append(f"format: {format}")
    return loaded
