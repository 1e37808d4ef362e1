"""Mail-server logs (one row per message and recipient) -> raw pairs, shared by m365 / google."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.io.load_report import LoadReport

from ._common import clean_text


def log_pairs(frame: pd.DataFrame, report: LoadReport, *, split: bool) -> pd.DataFrame:
    """Raw pairs from a frame with columns ``sender, recipient, timestamp, event_id`` (strings).

    Rows sharing a message id are one event: weight ``1 / distinct recipients of the message``.
    A row without a message id is an event of its own. With ``split=True`` a recipient cell
    may hold several addresses separated by ``,`` ``;`` or blanks. The same (message,
    recipient) seen again is dropped as ``duplicate_row``; rows without a sender as
    ``unknown_sender``; without a recipient as ``no_recipients``.
    """
    n = len(frame)
    report.rows_read += n
    rows = pd.DataFrame(
        {
            "row": np.arange(n, dtype="int64"),
            "source": clean_text(frame["sender"], lower_emails=True),
            "target": frame["recipient"].astype(object),
            "timestamp": frame["timestamp"].astype(object) if "timestamp" in frame else None,
            "event_id": frame["event_id"].astype(object) if "event_id" in frame else None,
        }
    )
    no_sender = rows["source"].isna()
    report.drop("unknown_sender", int(no_sender.sum()))
    rows = rows[~no_sender]
    if split:
        rows = rows.assign(target=rows["target"].str.split(r"[,;\s]+", regex=True)).explode("target")
    target = clean_text(rows["target"].astype(object).reset_index(drop=True), lower_emails=True)
    rows["target"] = clean_text(target.str.strip("<>")).to_numpy()
    rows = rows[rows["target"].notna()]
    # one event per message id; rows without an id are their own event
    key = rows["event_id"].where(rows["event_id"].notna(), "\x00row" + rows["row"].astype(str))
    dup = pd.DataFrame({"k": key, "t": rows["target"]}).duplicated(keep="first").to_numpy()
    dup_rows = np.setdiff1d(rows.loc[dup, "row"].unique(), rows.loc[~dup, "row"].unique())
    report.drop("duplicate_row", len(dup_rows))
    rows, key = rows[~dup], key[~dup]
    seen = np.zeros(n, dtype=bool)
    seen[rows["row"].to_numpy()] = True
    seen[dup_rows] = True
    seen[np.flatnonzero(no_sender.to_numpy())] = True
    report.drop("no_recipients", int((~seen).sum()))
    n_rcpt = key.map(key.value_counts())
    rows["weight"] = 1.0 / n_rcpt.to_numpy(dtype="float64")
    return rows[["row", "source", "target", "timestamp", "weight", "event_id"]].reset_index(drop=True)
