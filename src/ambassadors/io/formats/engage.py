"""Viva Engage (Yammer) data export -> activity signals per person.

The network data export is a zip (or folder) with ``Messages.csv``, ``Users.csv``,
``Groups.csv`` ...; a bare ``Messages.csv`` works too. Columns read from ``Messages.csv``
(matched case-insensitively): ``sender_id``, ``sender_email``, ``sender_type``,
``replied_to_id``, ``group_id``, ``group_name``, ``created_at``, and, if present, a list of
people who reacted (``liked_by`` / ``reacted_by``: ids or e-mails separated by ``;`` or ``,``).
``body``, ``attachments``, ``participants`` and the rest are never read. When ``sender_email``
is missing, ``Users.csv`` (``id``, ``email``) maps ``sender_id`` to an e-mail.

Signals (one row per person; roster people without activity get zeros):

* ``posts`` -- messages that start a thread (``replied_to_id`` blank);
* ``replies`` -- messages answering another;
* ``reactions`` -- reactions given (only when a ``liked_by``-like column exists);
* ``activity_<group>_posts`` -- messages (posts and replies) in the group named by ``group=``
  (``"#social-media"`` -> ``activity_social_media_posts``), matched on ``group_name`` (snake case,
  ``#`` ignored) or ``group_id``.

The names follow the signals contract: ``posts``/``replies``/``reactions``/``activity_*`` are
activity counts for :func:`ambassadors.enthusiasm_scores`.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, as_frame
from ambassadors.io.tables import Roster

from ._common import (
    csv_header,
    new_report,
    open_source,
    pick_column,
    read_csv_columns,
    resolve_people_keys,
    roster_frame,
    slug,
)

__all__ = ["read_engage_activity"]

_ROLES = {
    "sender_id": ("sender_id", "user_id", "author_id"),
    "sender_email": ("sender_email", "user_email", "author_email", "email"),
    "sender_type": ("sender_type", "user_type"),
    "replied_to_id": ("replied_to_id", "reply_to_id", "parent_id"),
    "group_id": ("group_id",),
    "group_name": ("group_name", "group", "community", "community_name"),
    "reactors": ("liked_by", "reacted_by", "reactions_by", "likers"),
}


def _entry(src, base: str) -> str | None:  # type: ignore[no-untyped-def]
    hits = [n for n in src.names if PurePosixPath(n).name.lower() == base]
    return sorted(hits, key=lambda n: (n.count("/"), n))[0] if hits else None


def read_engage_activity(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    group: str | None = None,
) -> Loaded:
    """Read a Viva Engage / Yammer data export into activity signals.

    Parameters
    ----------
    path : path-like
        ``Messages.csv``, or the export zip / folder holding it.
    people : DataFrame or Loaded, optional
        Roster; senders are matched by ``person_id`` or e-mail. Unknown senders are dropped
        (``unknown_person``); every roster person gets a row.
    group : str, optional
        A group (community) whose activity becomes its own column, e.g. ``"#social-media"``.

    Returns
    -------
    Loaded
        ``(signals, report)``; report rows are messages (``bot`` for non-user senders,
        ``missing_id`` for no sender, ``unknown_person``).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "Messages.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("id,replied_to_id,group_name,sender_type,sender_email,body\\n"
    ...                  "1,,Social Media,user,ann@x.org,secret\\n2,1,Social Media,user,bob@x.org,secret\\n"
    ...                  "3,,All Company,user,ann@x.org,secret\\n")
    >>> table = read_engage_activity(p, group="#social-media").table
    >>> table.rename(columns={"activity_social_media_posts": "group"}).to_dict("index")
    {'ann@x.org': {'posts': 2, 'replies': 0, 'group': 1}, 'bob@x.org': {'posts': 0, 'replies': 1, 'group': 1}}

    Notes
    -----
    Vectorised; only the listed columns are parsed.

    References
    ----------
    Microsoft Learn, "Export data from Viva Engage" (network data export).
    """
    people = roster_frame(people)
    report = new_report(path, kind="signals", fmt="engage")
    data, users_data, users_name, label = _read_export(path)
    header = csv_header(data)
    roles = {r: c for r, aliases in _ROLES.items() if (c := pick_column(header, aliases)) is not None}
    if "sender_id" not in roles and "sender_email" not in roles:
        raise InputError(f"{label}: no sender_id or sender_email column; columns are: {', '.join(header)}")
    frame = read_csv_columns(data, roles.values(), label=label)
    frame = frame.rename(columns={v: k for k, v in roles.items()})
    report.rows_read = len(frame)
    lookup = _user_emails(users_data, users_name)
    sender = _senders(frame, lookup)
    bot, msgs = _account(frame, sender, people, report)
    is_reply = msgs["replied_to_id"].notna() if "replied_to_id" in msgs else \
        pd.Series(False, index=msgs.index)
    counts = {
        "posts": msgs.loc[~is_reply, "person"].value_counts(),
        "replies": msgs.loc[is_reply, "person"].value_counts(),
    }
    if "reactors" in frame:
        counts["reactions"] = _reaction_counts(frame.loc[~bot, "reactors"], lookup, people, report)
    if group is not None:
        wanted = slug(group)
        counts[f"activity_{wanted}_posts"] = _group_posts(frame, msgs, group, report)
    return Loaded(_activity_table(counts, msgs, people), report)


def _read_export(path: str | os.PathLike[str]) -> tuple[bytes, bytes | None, str | None, str]:
    """The bytes of ``Messages.csv`` (and ``Users.csv`` when the export has it) and a label."""
    with open_source(path) as src:
        name = src.names[0] if src.kind == "file" else _entry(src, "messages.csv")
        if name is None:
            raise InputError(f"{Path(path).name}: no Messages.csv found; is this a Viva Engage export?")
        data = src.read_bytes(name)
        users_name = None if src.kind == "file" else _entry(src, "users.csv")
        users_data = src.read_bytes(users_name) if users_name else None
        return data, users_data, users_name, src.label(name)


def _user_emails(users_data: bytes | None, users_name: str | None) -> pd.Series:
    """Engage user id -> lower-case e-mail, from ``Users.csv`` (empty without one)."""
    lookup = pd.Series(dtype=object)
    if users_data is not None:
        uh = csv_header(users_data)
        uid, mail = pick_column(uh, ["id", "user_id"]), pick_column(uh, ["email", "email_address"])
        if uid and mail:
            users = read_csv_columns(users_data, [uid, mail], label=users_name).dropna()
            lookup = pd.Series(users[mail].str.lower().to_numpy(), index=users[uid].to_numpy())
            lookup = lookup[~lookup.index.duplicated()]
    return lookup


def _senders(frame: pd.DataFrame, lookup: pd.Series) -> pd.Series:
    """Each message's sender: the e-mail column, else the user id's e-mail, else the user id."""
    sender = frame["sender_email"] if "sender_email" in frame else \
        pd.Series(None, index=frame.index, dtype=object)
    if "sender_id" in frame:
        if len(lookup):
            sender = sender.where(sender.notna(), frame["sender_id"].map(lookup))
        sender = sender.where(sender.notna(), frame["sender_id"])
    return sender


def _account(frame: pd.DataFrame, sender: pd.Series, people: pd.DataFrame | None,
             report) -> tuple[np.ndarray, pd.DataFrame]:
    """Drop and count bots, messages without a sender and unknown senders; return the bot mask
    and the kept messages with their ``person``."""
    n = len(frame)
    bot = np.zeros(n, dtype=bool)
    if "sender_type" in frame:
        stype = frame["sender_type"].astype(object).str.lower()
        bot = (stype.notna() & (stype != "user")).to_numpy()
    missing = ~bot & sender.isna().to_numpy()
    report.drop("bot", int(bot.sum()))
    report.drop("missing_id", int(missing.sum()))
    who = resolve_people_keys(sender, people)
    unknown = ~bot & ~missing & who.isna().to_numpy()
    report.drop("unknown_person", int(unknown.sum()))
    ok = ~(bot | missing | unknown)
    report.rows_used = int(ok.sum())
    return bot, frame[ok].assign(person=who[ok].to_numpy())


def _reaction_counts(reactors: pd.Series, lookup: pd.Series, people: pd.DataFrame | None,
                     report) -> pd.Series:
    """Reactions per person from the ``;``/``,``-separated reactor lists."""
    r = reactors.astype(object).str.split(r"[;,]", regex=True).explode()
    r = r.str.strip()
    r = r[r.notna() & (r != "")]
    r = r.map(lookup).where(r.isin(lookup.index), r)  # Engage user ids -> e-mails
    rk = resolve_people_keys(r.reset_index(drop=True), people)
    if rk.isna().any():
        report.notes.append(f"{int(rk.isna().sum())} reactions by unknown people not counted")
    return rk.dropna().value_counts()


def _group_posts(frame: pd.DataFrame, msgs: pd.DataFrame, group: str, report) -> pd.Series:
    """Messages per person in ``group`` (matched by name slug or id); a note when none is."""
    wanted = slug(group)
    in_group = pd.Series(False, index=msgs.index)
    if "group_name" in msgs:
        names = msgs["group_name"].fillna("")
        slugs = {name: slug(name) for name in names.unique()}  # once per distinct group
        in_group |= names.map(slugs) == wanted
    if "group_id" in msgs:
        in_group |= msgs["group_id"].fillna("") == group.lstrip("#")
    if not in_group.any():
        names = sorted(set(frame["group_name"].dropna())) if "group_name" in frame else []
        report.notes.append(f"no message in group {group!r}; groups: {', '.join(names[:10]) or 'none'}")
    return msgs.loc[in_group, "person"].value_counts()


def _activity_table(counts: dict[str, pd.Series], msgs: pd.DataFrame,
                    people: pd.DataFrame | None) -> pd.DataFrame:
    """One row per roster person (or per sender without a roster), one int column per count."""
    if people is not None:
        index = pd.Index(Roster(as_frame(people)).ids.to_numpy(dtype=object), name="person_id")
    else:
        index = pd.Index(sorted(set(msgs["person"]).union(*[set(c.index) for c in counts.values()])),
                         name="person_id", dtype=object)
    return pd.DataFrame({k: v.reindex(index, fill_value=0).astype("int64") for k, v in counts.items()},
                        index=index)
