"""Google Workspace e-mail log search export (CSV) -> interactions (channel ``email``).

Supported columns (matched case- and space-insensitively; ``columns=`` overrides):

========== ===============================================================================
role       accepted column names
========== ===============================================================================
timestamp  ``Date``, ``Time``, ``Timestamp``, ``Event date``,
           ``event_info.timestamp_usec`` (BigQuery export, microseconds since 1970)
sender     ``Sender``, ``From``, ``Sender address``, ``message_info.source.address``
recipient  ``Recipient``, ``Recipients``, ``Recipient address``, ``To``,
           ``message_info.destination.address`` (one or several addresses, ``,``/``;``)
event_id   ``Message ID``, ``Message-ID``, ``RFC 822 message ID``,
           ``message_info.rfc2822_message_id``
========== ===============================================================================

Other columns (``Subject``, ``Status``, IPs ...) are never read. Rows of one message id are one
event: weight ``1 / distinct recipients of that message``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ambassadors.io.load_report import Loaded, LoadReport

from ._common import finish, new_report, read_role_columns
from ._maillog import log_pairs

__all__ = ["read_google_email_log", "parse_google_email_log", "ROLES"]

ROLES: dict[str, tuple[str, ...]] = {
    "timestamp": ("Date", "Time", "Timestamp", "Event date", "event_info.timestamp_usec"),
    "sender": ("Sender", "From", "Sender address", "message_info.source.address"),
    "recipient": ("Recipient", "Recipients", "Recipient address", "To",
                  "message_info.destination.address"),
    "event_id": ("Message ID", "Message-ID", "RFC 822 message ID", "message_info.rfc2822_message_id"),
}


def parse_google_email_log(
    path: str | os.PathLike[str], *, columns: dict[str, str] | None = None
) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from a Google e-mail log search export."""
    path = Path(path)
    report = new_report(path, fmt="google_email_log")
    frame, roles = read_role_columns(path, ROLES, required=("sender", "recipient"), columns=columns)
    if "timestamp" in frame and "usec" in roles["timestamp"].lower():
        usec = pd.to_numeric(frame["timestamp"], errors="coerce")
        stamps = pd.to_datetime(usec, unit="us", utc=True, errors="coerce")
        # unparseable microseconds stay as the raw text, so finalize_pairs counts bad_timestamp
        iso = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").astype(object)
        frame["timestamp"] = iso.where(stamps.notna(), frame["timestamp"])
    return log_pairs(frame, report, split=True), report


def read_google_email_log(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read a Google Workspace e-mail log export into the canonical interactions table.

    Parameters
    ----------
    path : path-like
        The CSV export.
    people : DataFrame or Loaded, optional
        Roster; addresses are resolved through its ``email`` column.
    columns : dict, optional
        Role -> column name overrides; roles: ``timestamp, sender, recipient, event_id``.
    channel : str, optional
        Channel label (default ``"email"``).

    Returns
    -------
    Loaded
        ``(table, report)``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write('Date,Message ID,Subject,Sender,Recipient\\n'
    ...                  '2025-11-03 09:00:00 UTC,<m1>,hi,a@x.org,"b@x.org, c@x.org"\\n')
    >>> read_google_email_log(p).table["target"].astype(str).tolist()
    ['b@x.org', 'c@x.org']

    Notes
    -----
    One vectorised pass (pandas).

    References
    ----------
    Google Workspace Admin Help, "Email Log Search"; "Gmail logs in BigQuery" (schema).
    """
    pairs, report = parse_google_email_log(path, columns=columns)
    return finish(pairs, report, people=people, channel=channel, default_channel="email")
