"""Slack workspace export (zip or folder) -> interactions (channel ``chat``), and channel activity.

A standard export holds ``users.json``, ``channels.json`` and optionally ``groups.json``
(private channels), ``dms.json``, ``mpims.json``, plus one folder per conversation with one JSON
file per day (a list of messages). Channel folders are named by channel name, DM folders by the
DM id, group-DM folders by their ``mpdm-...`` name.

Ties made by one message of ``s`` (each a raw pair, handed to ``finalize_pairs``):

* **DM / group DM**: ``s -> every other member``, weight ``1 / (members - 1)``.
* **thread reply**: ``s -> author of the thread's parent message``, weight 1.
* **@mention** (``<@U123>`` in the text): ``s -> mentioned user``, weight 1.
* **small channel** (at most :data:`SMALL_CHANNEL_MAX` human members): ``s -> every other
  member``, weight ``1 / (members - 1)`` (co-participation: everyone present reads it).

A (message, person) tie counted for several of these reasons keeps the largest weight.
Message text is scanned for mentions and then discarded; it is never stored.

Dropped messages (rows): ``bot`` (``bot_id``, subtype ``bot_message``, or an ``is_bot`` user),
``system_message`` (``channel_join``, ``channel_leave``, topic/purpose changes, tombstones ...:
any subtype other than those in :data:`KEPT_SUBTYPES`), ``unknown_sender`` (no user, or a
deleted account), ``no_recipients`` (a post in a large channel that mentions or answers no one).
Mentions of bots are dropped as pairs (``bot``), of deleted accounts as ``unknown_recipient``.

Slack user ids are mapped to ``profile.email`` from ``users.json`` (lower-cased), which
``finalize_pairs`` resolves against the roster; users without an e-mail keep their Slack id.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.tables import Roster

from ._chat import chat_pairs
from ._common import (
    Source,
    finish,
    new_report,
    open_source,
    resolve_people_keys,
    roster_frame,
    slug,
)

__all__ = [
    "read_slack_export",
    "parse_slack_export",
    "read_slack_channel_activity",
    "SMALL_CHANNEL_MAX",
    "KEPT_SUBTYPES",
]

SMALL_CHANNEL_MAX = 12
"""Channels with at most this many human members count as co-participation (everyone -> everyone)."""
KEPT_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message", "reply_broadcast"})
"""Message subtypes that are people talking; every other subtype is a system message."""
_BOT_SUBTYPES = frozenset({"bot_message", "bot_add", "bot_remove", "bot_enable", "bot_disable"})
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def _load_json(src: Source, name: str) -> object:
    try:
        return json.loads(src.read_bytes(name).decode("utf-8-sig"))
    except (ValueError, UnicodeError) as exc:
        raise InputError(f"{src.label(name)}: not valid JSON ({exc})") from None


class _Export:
    """The metadata of a Slack export: users and conversations (no messages)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        users_json = [n for n in src.names if PurePosixPath(n).name == "users.json"]
        if not users_json:
            raise InputError(f"{src.path.name}: no users.json found; is this a Slack export?")
        users_json.sort(key=lambda n: (n.count("/"), n))
        root = str(PurePosixPath(users_json[0]).parent)
        self.prefix = "" if root == "." else root + "/"
        users = _load_json(src, users_json[0])
        if not isinstance(users, list):
            raise InputError(f"{src.label(users_json[0])}: expected a list of users")
        ids, keys, bots, deleted = [], [], [], []
        no_mail = 0
        for u in users:
            if not isinstance(u, dict) or not u.get("id"):
                continue
            profile = u.get("profile") or {}
            mail = str(profile.get("email") or "").strip().lower()
            no_mail += not mail
            ids.append(str(u["id"]))
            keys.append(mail or str(u["id"]))
            bots.append(bool(u.get("is_bot")) or str(u["id"]) == "USLACKBOT" or bool(profile.get("bot_id")))
            deleted.append(bool(u.get("deleted")))
        self.users = pd.DataFrame({"key": keys, "is_bot": bots, "deleted": deleted}, index=pd.Index(ids))
        self.users = self.users[~self.users.index.duplicated(keep="first")]
        self.no_mail = no_mail
        # conversation folder -> (kind, human members)
        self.convs: dict[str, tuple[str, list[str]]] = {}
        for fname, kind, by in (
            ("channels.json", "channel", "name"),
            ("groups.json", "channel", "name"),
            ("mpims.json", "mpim", "name"),
            ("dms.json", "dm", "id"),
        ):
            if self.prefix + fname not in src.names:
                continue
            data = _load_json(src, self.prefix + fname)
            for conv in data if isinstance(data, list) else []:
                if not isinstance(conv, dict) or not conv.get(by):
                    continue
                members = [str(m) for m in conv.get("members") or []]
                self.convs[str(conv[by])] = (kind, members)
        self._drop_non_humans()

    def _drop_non_humans(self) -> None:
        """Remove bots and deactivated accounts from every member list (one vectorised pass)."""
        if not self.convs:
            return
        names = list(self.convs)
        long = pd.Series([self.convs[c][1] for c in names], index=names, dtype=object).explode().dropna()
        human = ~(self.flag(long, "is_bot") | self.flag(long, "deleted"))
        kept = long[human].groupby(level=0, sort=False).agg(list)
        for c in names:
            self.convs[c] = (self.convs[c][0], kept.get(c, []))

    def day_files(self, only: str | None = None) -> list[tuple[str, str]]:
        """(conversation folder, entry name) of every day file, sorted."""
        out = []
        for name in self.src.names:
            if not name.startswith(self.prefix):
                continue
            rel = PurePosixPath(name[len(self.prefix):])
            if len(rel.parts) != 2 or not _DAY_FILE.match(rel.parts[1]):
                continue
            if only is not None and rel.parts[0] != only:
                continue
            out.append((rel.parts[0], name))
        return sorted(out)

    def messages(self, only: str | None = None) -> pd.DataFrame:
        """One row per message: conv, user, ts, thread_ts, parent_user_id, subtype, bot, mentions,
        reactors (user ids who reacted). Text is read for mentions only and not kept."""
        cols: dict[str, list] = {k: [] for k in (
            "conv", "user", "ts", "thread_ts", "parent_user_id", "subtype", "bot", "mentions", "reactors")}
        for conv, name in self.day_files(only):
            data = _load_json(self.src, name)
            if not isinstance(data, list):
                raise InputError(f"{self.src.label(name)}: expected a list of messages")
            for m in data:
                if not isinstance(m, dict):
                    continue
                text = m.get("text")
                cols["conv"].append(conv)
                cols["user"].append(str(m.get("user") or ""))
                cols["ts"].append(str(m.get("ts") or ""))
                cols["thread_ts"].append(str(m.get("thread_ts") or ""))
                cols["parent_user_id"].append(str(m.get("parent_user_id") or ""))
                cols["subtype"].append(str(m.get("subtype") or ""))
                cols["bot"].append(bool(m.get("bot_id")) or m.get("subtype") in _BOT_SUBTYPES)
                cols["mentions"].append(_MENTION.findall(text) if isinstance(text, str) else [])
                reactors: list[str] = []
                for r in m.get("reactions") or []:
                    if isinstance(r, dict):
                        reactors += [str(u) for u in r.get("users") or []]
                cols["reactors"].append(reactors)
        frame = pd.DataFrame({
            k: pd.Series(v, dtype=bool if k == "bot" else object) for k, v in cols.items()
        })
        frame["row"] = np.arange(len(frame), dtype=np.int64)
        return frame

    def key(self, ids: pd.Series) -> pd.Series:
        """Slack user id -> e-mail (or the id itself when unknown / without e-mail)."""
        mapped = ids.map(self.users["key"])
        return mapped.where(mapped.notna(), ids).astype(object)

    def flag(self, ids: pd.Series, column: str) -> np.ndarray:
        return ids.map(self.users[column]).eq(True).to_numpy()


def _timestamps(ts: pd.Series) -> pd.Series:
    """Slack ``ts`` (epoch seconds as text) -> ISO strings; unparseable values stay as given."""
    # seconds and microseconds apart: a float would round "…400.000100" to "…400.000099"
    parts = ts.astype(str).str.extract(r"^\s*(\d+)(?:\.(\d*))?\s*$")
    secs = pd.to_numeric(parts[0], errors="coerce")
    micro = pd.to_numeric(parts[1].fillna("").str.slice(0, 6).str.ljust(6, "0"), errors="coerce")
    when = pd.to_datetime(secs, unit="s", utc=True, errors="coerce") + pd.to_timedelta(micro, unit="us")
    iso = when.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").astype(object)
    return iso.where(when.notna(), ts.where(ts != "", None)).astype(object)


def _usable(msgs: pd.DataFrame, exp: _Export, report: LoadReport) -> pd.DataFrame:
    """Drop and count bot, system and unknown-sender messages; return the rest."""
    bot = msgs["bot"].to_numpy(dtype=bool) | exp.flag(msgs["user"], "is_bot")
    system = ~bot & ~msgs["subtype"].isin(KEPT_SUBTYPES).to_numpy()
    gone = exp.flag(msgs["user"], "deleted")
    nouser = ~bot & ~system & ((msgs["user"] == "").to_numpy() | gone)
    report.drop("bot", int(bot.sum()))
    report.drop("system_message", int(system.sum()))
    report.drop("unknown_sender", int(nouser.sum()))
    if gone[nouser].any():
        report.notes.append(f"{int(gone[nouser].sum())} messages of deactivated Slack accounts dropped")
    return msgs[~(bot | system | nouser)]


def parse_slack_export(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from a Slack export (zip or folder)."""
    report = new_report(path, fmt="slack")
    with open_source(path) as src:
        exp = _Export(src)
        msgs = exp.messages()
    report.rows_read += len(msgs)
    if exp.no_mail:
        report.notes.append(f"{exp.no_mail} Slack users without profile.email keep their Slack id")
    msgs = _usable(msgs, exp, report)
    unknown_convs = sorted(set(msgs["conv"]) - set(exp.convs))
    if unknown_convs:
        report.notes.append(
            f"{len(unknown_convs)} conversation folders not listed in channels/groups/dms/mpims.json: "
            "only replies and mentions counted there"
        )

    convs = [(c, k, m) for c, (k, m) in exp.convs.items()
             if k in ("dm", "mpim") or len(m) <= SMALL_CHANNEL_MAX]
    msgs = msgs.assign(when=_timestamps(msgs["ts"]).to_numpy())
    pairs = chat_pairs(msgs, convs, key=exp.key, is_bot=lambda ids: exp.flag(ids, "is_bot"),
                       is_gone=lambda ids: exp.flag(ids, "deleted"), report=report)
    return pairs, report


def read_slack_export(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read a Slack workspace export into the canonical interactions table.

    Parameters
    ----------
    path : path-like
        The export zip, or the folder it was unpacked to.
    people : DataFrame or Loaded, optional
        Roster; Slack users are resolved by their ``profile.email`` through its ``email`` column.
    channel : str, optional
        Channel label (default ``"chat"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per message.

    Examples
    --------
    >>> import json, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> def put(name, obj):
    ...     os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
    ...     with open(os.path.join(d, name), "w") as fh:
    ...         json.dump(obj, fh)
    >>> put("users.json", [{"id": "U1", "profile": {"email": "ann@x.org"}},
    ...                    {"id": "U2", "profile": {"email": "bob@x.org"}}])
    >>> put("channels.json", [{"id": "C1", "name": "general", "members": ["U1", "U2"]}])
    >>> put("general/2025-11-03.json", [{"type": "message", "user": "U1", "ts": "1762160400.0",
    ...                                  "text": "hi <@U2>"}])
    >>> read_slack_export(d).table[["source", "target", "weight"]].astype(str).values.tolist()
    [['ann@x.org', 'bob@x.org', '1.0']]

    Notes
    -----
    JSON files are parsed one at a time (a Python loop over messages extracts a few fields and
    the mentions); tie building is vectorised. Memory grows with the number of messages, not
    with their text.

    References
    ----------
    Slack Help Center, "How to read Slack data exports"; Slack API, "Message formatting"
    (user mentions) and "Message subtypes".
    """
    pairs, report = parse_slack_export(path)
    return finish(pairs, report, people=people, channel=channel, default_channel="chat")


def read_slack_channel_activity(
    path: str | os.PathLike[str],
    channel: str,
    *,
    people: pd.DataFrame | Loaded | None = None,
) -> Loaded:
    """Activity per person in one Slack channel, as signals (e.g. for ``#social-media``).

    Columns ``activity_<channel>_messages`` (messages and thread replies written there) and
    ``activity_<channel>_reactions`` (emoji reactions given to messages there), with
    ``<channel>`` the channel name in snake case (``#social-media`` -> ``social_media``).

    Parameters
    ----------
    path : path-like
        Slack export (zip or folder).
    channel : str
        Channel name, with or without ``#``.
    people : DataFrame or Loaded, optional
        Roster; people are matched by ``profile.email``; everyone in the roster gets a row
        (zeros when inactive). Without a roster, e-mails (or Slack ids) index the table.

    Returns
    -------
    Loaded
        ``(signals, report)``; report rows are the channel's messages (``bot``,
        ``system_message``, ``unknown_sender`` and ``unknown_person`` drops).

    Examples
    --------
    >>> import json, os, tempfile
    >>> d = tempfile.mkdtemp(); os.makedirs(os.path.join(d, "social-media"))
    >>> with open(os.path.join(d, "users.json"), "w") as fh:
    ...     json.dump([{"id": "U1", "profile": {"email": "ann@x.org"}}], fh)
    >>> with open(os.path.join(d, "social-media", "2025-11-03.json"), "w") as fh:
    ...     json.dump([{"user": "U1", "ts": "1.0", "text": "look!",
    ...                 "reactions": [{"name": "tada", "users": ["U1"], "count": 1}]}], fh)
    >>> read_slack_channel_activity(d, "#social-media").table.to_dict("index")
    {'ann@x.org': {'activity_social_media_messages': 1, 'activity_social_media_reactions': 1}}

    Notes
    -----
    One pass over that channel's day files only.
    """
    name = channel.lstrip("#")
    col = slug(name)
    people = roster_frame(people)
    report = new_report(path, kind="signals", fmt="slack")
    with open_source(path) as src:
        exp = _Export(src)
        files = exp.day_files(only=name)
        if not files:
            folders = sorted({c for c, _ in exp.day_files()})
            raise InputError(
                f"{src.path.name}: no Slack channel {name!r}; channels with messages: "
                f"{', '.join(folders[:20]) or 'none'}"
            )
        msgs = exp.messages(only=name)
    report.rows_read += len(msgs)
    used = _usable(msgs, exp, report)
    authors = resolve_people_keys(exp.key(used["user"].reset_index(drop=True)), people)
    report.drop("unknown_person", int(authors.isna().sum()))
    report.rows_used += int(authors.notna().sum())
    reactors = msgs["reactors"].explode().dropna()
    reactors = reactors[~exp.flag(reactors, "is_bot")]
    who = resolve_people_keys(exp.key(reactors.reset_index(drop=True)), people)
    if who.isna().any():
        report.notes.append(f"{int(who.isna().sum())} reactions by unknown people not counted")
    m_counts = authors.dropna().value_counts()
    r_counts = who.dropna().value_counts()
    index = pd.Index(sorted(set(m_counts.index) | set(r_counts.index)), name="person_id", dtype=object)
    if people is not None:
        index = pd.Index(Roster(as_frame(people)).ids.to_numpy(dtype=object), name="person_id")
    table = pd.DataFrame({
        f"activity_{col}_messages": m_counts.reindex(index, fill_value=0).astype("int64"),
        f"activity_{col}_reactions": r_counts.reindex(index, fill_value=0).astype("int64"),
    }, index=index)
    return Loaded(table, report)
