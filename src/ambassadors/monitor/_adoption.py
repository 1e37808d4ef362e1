"""The behaviour a programme promotes: one row per occurrence, a person adopts at the first.

:func:`read_adoption` takes a table with ``person_id`` (or an e-mail) and ``timestamp`` -- the
promoted behaviour's own log, or the activity exports the library already reads as tables: a
Viva Engage / Yammer ``Messages.csv`` (``sender_email`` / ``sender_id``, ``created_at``,
``group_name``) with ``group=`` naming the community, or a Slack export (zip or folder) with
``group=`` naming the channel. Every input row is accounted for in the load report.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from ambassadors._text import snake_name
from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.tables import Roster, parse_datetimes, read_table

__all__ = ["read_adoption", "ID_COLUMNS", "TIME_COLUMNS", "GROUP_COLUMNS"]

#: Columns naming who (first found wins): an id or an e-mail address of the roster.
ID_COLUMNS = ("person_id", "email", "sender_email", "user_email", "sender_id", "user_id", "user")
#: Columns naming when.
TIME_COLUMNS = ("timestamp", "created_at", "time", "date", "datetime", "ts")
#: Columns naming the group or channel (used with ``group=``).
GROUP_COLUMNS = ("group_name", "group", "channel", "channel_name", "community", "group_id")
#: Senders that are not people in an Engage export (``sender_type``).
_NOT_PEOPLE = {"bot", "system", "app"}


def read_adoption(source: Any, *, people: pd.DataFrame | Loaded, group: str | None = None) -> Loaded:
    """Read adoption occurrences: ``person_id, timestamp`` (UTC), one row per occurrence.

    Parameters
    ----------
    source : path or DataFrame
        A table (CSV, Excel, Parquet, JSON, DataFrame) with a who column (:data:`ID_COLUMNS`)
        and a when column (:data:`TIME_COLUMNS`); an Engage ``Messages.csv`` is such a table. A
        Slack export (``.zip`` or folder with ``users.json``) is read channel by channel.
    people : DataFrame or Loaded
        The roster; who is matched by ``person_id`` or e-mail (case-insensitive).
    group : str, optional
        Only occurrences in this group / channel (matched on :data:`GROUP_COLUMNS` in snake
        case, ``#`` ignored). Required for a Slack export.

    Returns
    -------
    Loaded
        ``(table, report)``; the table has ``person_id`` (str) and ``timestamp``
        (``datetime64[ns, UTC]``), sorted by time. Dropped rows are counted by reason:
        ``missing_id``, ``unknown_person``, ``bad_timestamp``, ``bot``, ``other_group``.

    Raises
    ------
    InputError
        When a who or when column is missing, the group is not in the file, or no row matches
        anybody of the roster.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"department": ["A", "B"], "email": ["ann@x.org", "bob@x.org"]},
    ...                       index=pd.Index(["p1", "p2"], name="person_id"))
    >>> log = pd.DataFrame({"email": ["ANN@x.org", "eve@y.org"], "timestamp": ["2025-03-01", "2025-03-02"]})
    >>> table, report = read_adoption(log, people=people)
    >>> table["person_id"].tolist(), report.dropped
    (['p1'], {'unknown_person': 1})
    """
    people = as_frame(people)
    report = LoadReport(source="", kind="adoption")
    if _is_slack(source):
        frame, name = _slack_channel(Path(source), group)   # one channel already
    else:
        frame = read_table(source)
        name = str(source) if not isinstance(source, pd.DataFrame) else "<DataFrame>"
        report.rows_read = len(frame)
        frame = _select_group(frame, group, name, report)
    report.source = name
    report.rows_read = report.rows_read or len(frame)
    who = _pick(frame, ID_COLUMNS, name, "who (person_id or e-mail)")
    when = _pick(frame, TIME_COLUMNS, name, "when (timestamp)")
    unused = [c for c in frame.columns if c not in (who, when, "sender_type")]
    if unused:
        report.notes.append(f"unused columns: {', '.join(map(str, unused))}")
    keep = np.ones(len(frame), dtype=bool)
    if "sender_type" in frame.columns:
        bot = frame["sender_type"].astype(str).str.strip().str.lower().isin(_NOT_PEOPLE).to_numpy()
        report.drop("bot", int(bot.sum()))
        keep &= ~bot
    raw = frame[who].astype(str).str.strip()
    blank = (raw == "").to_numpy() | frame[who].isna().to_numpy()
    report.drop("missing_id", int((keep & blank).sum()))
    keep &= ~blank
    pos = Roster(people).resolve(raw.where(~blank, ""))
    unknown = keep & (pos < 0)
    report.drop("unknown_person", int(unknown.sum()))
    keep &= ~unknown
    ts, bad = parse_datetimes(frame[when])
    bad = np.asarray(bad, dtype=bool) | ts.isna().to_numpy()
    report.drop("bad_timestamp", int((keep & bad).sum()))
    keep &= ~bad
    report.rows_used = int(keep.sum())
    if report.rows_used == 0:
        raise InputError(f"{name}: no adoption row matches anybody of the roster "
                         f"({report.rows_read} rows; dropped {report.dropped or 'none'})")
    ids = pd.Index(people.index.astype(str))
    table = pd.DataFrame({"person_id": ids[pos[keep]].to_numpy(),
                          "timestamp": ts[keep].to_numpy()})
    table["timestamp"] = pd.to_datetime(table["timestamp"], utc=True)
    table = table.sort_values(["timestamp", "person_id"], kind="stable").reset_index(drop=True)
    return Loaded(table, report)


def _pick(frame: pd.DataFrame, names: tuple[str, ...], source: str, what: str) -> str:
    lower = {snake_name(c): c for c in frame.columns}
    for n in names:
        if n in lower:
            return lower[n]
    raise InputError(f"{source}: no {what} column (looked for {', '.join(names)}); columns are: "
                     f"{', '.join(map(str, frame.columns))}")


def _select_group(frame: pd.DataFrame, group: str | None, source: str, report: LoadReport) -> pd.DataFrame:
    """Rows of ``group`` only (others counted as ``other_group``)."""
    if group is None:
        return frame
    column = _pick(frame, GROUP_COLUMNS, source, f"group (for group={group!r})")
    wanted = snake_name(str(group).lstrip("#"))
    names = frame[column].astype(str).str.lstrip("#").map(snake_name)
    inside = names.eq(wanted).to_numpy()
    if not inside.any():
        shown = ", ".join(sorted(set(frame[column].astype(str)))[:10])
        raise InputError(f"{source}: group {group!r} not found in column {column!r} (groups: {shown})")
    report.drop("other_group", int((~inside).sum()))
    return frame.loc[inside].drop(columns=[column]).reset_index(drop=True)


def _is_slack(source: Any) -> bool:
    if isinstance(source, pd.DataFrame) or not isinstance(source, (str, os.PathLike)):
        return False
    path = Path(source)
    if path.is_dir():
        return (path / "users.json").is_file()
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return any(PurePosixPath(n).name == "users.json" for n in z.namelist())
    return False


def _slack_channel(path: Path, channel: str | None) -> tuple[pd.DataFrame, str]:
    """Messages of one channel of a Slack export: ``user`` (e-mail when known), ``ts``."""
    if channel is None:
        raise InputError(f"{path}: a Slack export needs the channel name (--adoption-group)")
    files = _slack_files(path)
    users = json.loads(files.get("users.json", "[]") or "[]")
    email = {u.get("id"): (u.get("profile") or {}).get("email") or u.get("id") for u in users}
    bots = {u.get("id") for u in users if u.get("is_bot")}
    wanted = snake_name(channel.lstrip("#"))
    rows: list[dict[str, Any]] = []
    found = False
    for name, text in files.items():
        parts = PurePosixPath(name).parts
        if len(parts) != 2 or not parts[1].endswith(".json") or snake_name(parts[0]) != wanted:
            continue
        found = True
        for m in json.loads(text):
            user = m.get("user")
            rows.append({"user": email.get(user, user) or "",
                         "sender_type": "bot" if (user in bots or m.get("bot_id")) else "user",
                         "timestamp": pd.Timestamp(float(m.get("ts", "nan")), unit="s", tz="UTC")
                         if str(m.get("ts", "")).replace(".", "", 1).isdigit() else ""})
    if not found:
        raise InputError(f"{path}: channel {channel!r} not found in the Slack export")
    return pd.DataFrame(rows, columns=["user", "sender_type", "timestamp"]), f"{path}#{channel}"


def _slack_files(path: Path) -> dict[str, str]:
    """``relative name -> text`` of the JSON files of a Slack export (zip or folder)."""
    out: dict[str, str] = {}
    if path.is_dir():
        for p in path.rglob("*.json"):
            out[p.relative_to(path).as_posix()] = p.read_text(encoding="utf-8")
        return out
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".json")]
        prefix = os.path.commonprefix(names) if len(names) > 1 else ""
        prefix = prefix[: prefix.rfind("/") + 1] if "users.json" not in names else ""
        for n in names:
            out[n[len(prefix):]] = z.read(n).decode("utf-8")
    return out
