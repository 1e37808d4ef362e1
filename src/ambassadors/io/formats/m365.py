"""Microsoft 365 / Exchange Online message trace CSV -> interactions (channel ``email``).

Supported exports (columns matched case- and space-insensitively; ``columns=`` overrides):

* ``Get-MessageTrace | Export-Csv`` (one row per recipient): ``Received``, ``SenderAddress``,
  ``RecipientAddress``, ``Status``, ``MessageId`` (``Subject``, ``Size``, IPs ... are never read).
  A leading ``#TYPE ...`` line (PowerShell 5), UTF-8/UTF-16 BOMs and ``;`` separators are fine.
* The admin-centre "historical search" report: ``origin_timestamp_utc``, ``sender_address``,
  ``recipient_status`` (``addr##Receive, Deliver;addr2##...``), ``message_id``.

Rows of one ``MessageId`` are grouped back into one event: weight ``1 / distinct recipients``.
Rows with ``Status`` ``Failed``, ``FilteredAsSpam`` or ``Quarantined`` never reached anyone and
are dropped as ``bad_value``; ``Expanded`` rows (a distribution list whose members follow as
their own rows) are dropped as ``unknown_recipient``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.io.load_report import Loaded, LoadReport

from ._common import finish, new_report, read_role_columns
from ._maillog import log_pairs

__all__ = ["read_m365_trace", "parse_m365_trace", "ROLES"]

ROLES: dict[str, tuple[str, ...]] = {
    "timestamp": ("Received", "origin_timestamp_utc", "Date", "Timestamp"),
    "sender": ("SenderAddress", "sender_address"),
    "recipient": ("RecipientAddress", "recipient_status", "Recipient"),
    "event_id": ("MessageId", "message_id", "Message-ID", "NetworkMessageId", "network_message_id"),
    "status": ("Status", "DeliveryStatus"),
}
NOT_DELIVERED = {"failed", "filteredasspam", "quarantined"}


def parse_m365_trace(
    path: str | os.PathLike[str], *, columns: dict[str, str] | None = None
) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from a message trace CSV."""
    path = Path(path)
    report = new_report(path, fmt="m365_trace")
    frame, roles = read_role_columns(path, ROLES, required=("sender", "recipient"), columns=columns)
    frame.index = range(len(frame))
    if "recipient_status" == roles["recipient"].lower():
        # "a@x##Receive, Deliver;b@y##Receive, Fail" -> "a@x;b@y"
        frame["recipient"] = frame["recipient"].str.replace(r"##[^;]*", "", regex=True)
    split = roles["recipient"].lower() in ("recipient_status", "recipient")
    drop = pd.Series(False, index=frame.index)
    if "status" in frame:
        # compare once per distinct status, not per row
        codes, uniques = pd.factorize(frame["status"], use_na_sentinel=True)
        low = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str).str.lower()
        failed = pd.Series(np.append(low.isin(NOT_DELIVERED).to_numpy(), False)[codes], index=frame.index)
        expanded = pd.Series(np.append(low.eq("expanded").to_numpy(), False)[codes], index=frame.index)
        report.drop("bad_value", int(failed.sum()))
        report.drop("unknown_recipient", int(expanded.sum()))
        if failed.any():
            report.notes.append(f"{int(failed.sum())} rows not delivered (Failed/FilteredAsSpam/Quarantined)")
        if expanded.any():
            report.notes.append(f"{int(expanded.sum())} distribution-list rows (Status Expanded) skipped")
        drop = failed | expanded
    report.rows_read += int(drop.sum())
    kept = frame[~drop.to_numpy()]
    pairs = log_pairs(kept, report, split=split)
    # map back to the row numbers of the file
    pairs["row"] = kept.index.to_numpy()[pairs["row"].to_numpy()]
    return pairs, report


def read_m365_trace(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read an Exchange Online message trace CSV into the canonical interactions table.

    Weight of a pair: :math:`1 / r`, :math:`r` the number of distinct recipients of its
    ``MessageId`` in the file.

    Parameters
    ----------
    path : path-like
        The CSV export.
    people : DataFrame or Loaded, optional
        Roster; addresses are resolved through its ``email`` column.
    columns : dict, optional
        Role -> column name overrides; roles: ``timestamp, sender, recipient, event_id, status``.
    channel : str, optional
        Channel label (default ``"email"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per CSV row.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "trace.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write('Received,SenderAddress,RecipientAddress,Subject,Status,MessageId\\n'
    ...                  '2025-11-03T09:00:00Z,a@x.org,b@x.org,hi,Delivered,<m1>\\n'
    ...                  '2025-11-03T09:00:00Z,a@x.org,c@x.org,hi,Delivered,<m1>\\n')
    >>> table, report = read_m365_trace(p)
    >>> table["weight"].tolist()
    [0.5, 0.5]

    Notes
    -----
    One vectorised pass (pandas); only the needed columns are parsed.

    References
    ----------
    Microsoft Learn, "Get-MessageTrace" (ExchangePowerShell) and "Message trace in the
    Exchange admin center".
    """
    pairs, report = parse_m365_trace(path, columns=columns)
    return finish(pairs, report, people=people, channel=channel, default_channel="email")
