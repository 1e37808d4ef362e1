"""Microsoft Teams chat messages (Microsoft Graph ``chatMessage`` JSON) -> interactions (``chat``).

Teams has no admin "export" file of its own; what organisations get are Microsoft Graph
responses (``GET /chats/{id}/messages``, ``GET /teams/{id}/channels/{id}/messages``,
``GET /chats?$expand=members``), e.g. saved by a script or an eDiscovery / backup tool. Supported:
a ``.json`` file, or a folder / zip of them, each holding any of

* a ``chatMessage`` object, a list of them, or a Graph page ``{"value": [...]}``;
* a ``chat`` object (``id``, ``chatType``, ``members`` as ``aadUserConversationMember``:
  ``userId``, ``email``), optionally with its messages under ``"messages"``.

Fields read from a message: ``id``, ``replyToId``, ``messageType``, ``createdDateTime``,
``chatId`` or ``channelIdentity``, ``from.user.id``, ``from.application`` (a bot),
``mentions[].mentioned.user.id``. ``body``, ``subject``, ``attachments`` and display names are
never read into the result.

Ties (as for Slack): reply -> author of ``replyToId`` (1); mention -> mentioned user (1); in a
chat with at most :data:`SMALL_CHAT_MAX` members (members from the chat object, else the people
who wrote in it), every other member, weight ``1 / (members - 1)``; channel posts reach only
replies and mentions. Users are keyed by the ``email`` of their membership when known, else by
their Azure AD object id. Drops: ``bot`` (``from.application``), ``system_message``
(``messageType`` other than ``message``, e.g. ``systemEventMessage``), ``unknown_sender`` (no
``from.user``), ``duplicate_row`` (the same message id in one conversation twice),
``no_recipients``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport

from ._chat import chat_pairs
from ._common import finish, new_report, open_source

__all__ = ["read_teams_chats", "parse_teams_chats", "SMALL_CHAT_MAX"]

SMALL_CHAT_MAX = 12
"""Chats with at most this many members count every message as reaching every member."""


class _Collector:
    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in (
            "conv", "ts", "thread_ts", "user", "bot", "system", "mentions", "when", "is_chat")}
        self.members: dict[str, list[str]] = {}
        self.emails: dict[str, str] = {}

    def add(self, obj: object, chat_id: str | None = None) -> None:
        if isinstance(obj, list):
            for item in obj:
                self.add(item, chat_id)
            return
        if not isinstance(obj, dict):
            return
        if isinstance(obj.get("value"), list):
            self.add(obj["value"], chat_id)
            return
        if "chatType" in obj or ("members" in obj and "messages" in obj):
            cid = str(obj.get("id") or chat_id or "")
            members = []
            for m in obj.get("members") or []:
                if isinstance(m, dict) and m.get("userId"):
                    uid = str(m["userId"])
                    members.append(uid)
                    if m.get("email"):
                        self.emails[uid] = str(m["email"]).strip().lower()
            if members:
                self.members[cid] = members
            self.add(obj.get("messages") or [], cid)
            return
        if "messageType" in obj or ("createdDateTime" in obj and "from" in obj):
            self._message(obj, chat_id)

    def _message(self, m: dict, chat_id: str | None) -> None:
        channel = m.get("channelIdentity") or {}
        conv = m.get("chatId") or chat_id
        is_chat = bool(conv)
        if not conv and isinstance(channel, dict):
            conv = f"{channel.get('teamId', '')}/{channel.get('channelId', '')}"
        sender = (m.get("from") or {}) if isinstance(m.get("from"), dict) else {}
        user = (sender.get("user") or {}) if isinstance(sender.get("user"), dict) else {}
        mentions = []
        for x in m.get("mentions") or []:
            who = ((x or {}).get("mentioned") or {}).get("user") or {}
            if isinstance(who, dict) and who.get("id"):
                mentions.append(str(who["id"]))
        self.cols["conv"].append(str(conv or ""))
        self.cols["ts"].append(str(m.get("id") or ""))
        self.cols["thread_ts"].append(str(m.get("replyToId") or ""))
        self.cols["user"].append(str(user.get("id") or ""))
        self.cols["bot"].append(bool(sender.get("application")) and not user.get("id"))
        self.cols["system"].append(str(m.get("messageType") or "message") != "message")
        self.cols["mentions"].append(mentions)
        self.cols["when"].append(m.get("createdDateTime") or None)
        self.cols["is_chat"].append(is_chat)


def parse_teams_chats(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from Graph chatMessage JSON (file, folder or zip)."""
    report = new_report(path, fmt="teams")
    acc = _Collector()
    with open_source(path) as src:
        names = [n for n in src.names if n.lower().endswith(".json")] if src.kind != "file" else src.names
        if not names:
            raise InputError(f"{Path(path).name}: no .json file found")
        for name in names:
            try:
                acc.add(json.loads(src.read_bytes(name).decode("utf-8-sig")))
            except (ValueError, UnicodeError) as exc:
                raise InputError(f"{src.label(name)}: not valid JSON ({exc})") from None
    msgs = pd.DataFrame({k: pd.Series(v, dtype=bool if k in ("bot", "system", "is_chat") else object)
                         for k, v in acc.cols.items()})
    msgs["row"] = np.arange(len(msgs), dtype=np.int64)
    msgs["parent_user_id"] = ""
    report.rows_read += len(msgs)
    if not len(msgs):
        report.notes.append("no chatMessage found")
    dup = (msgs["ts"] != "") & msgs.duplicated(["conv", "ts"], keep="first")
    bot = ~dup & msgs["bot"]
    system = ~dup & ~bot & msgs["system"]
    nouser = ~dup & ~bot & ~system & (msgs["user"] == "")
    for reason, mask in (("duplicate_row", dup), ("bot", bot), ("system_message", system),
                         ("unknown_sender", nouser)):
        report.drop(reason, int(mask.sum()))
    msgs = msgs[~(dup | bot | system | nouser)]
    # members of chats without a member list: the people who wrote there
    chats = msgs[msgs["is_chat"]]
    inferred = chats.groupby("conv")["user"].agg(lambda u: sorted(set(u)))
    convs = []
    n_inferred = 0
    for conv in sorted(set(chats["conv"])):
        members = acc.members.get(conv)
        if members is None:
            members = inferred[conv]
            n_inferred += 1
        if len(members) <= SMALL_CHAT_MAX:
            convs.append((conv, "chat", members))
    if n_inferred:
        report.notes.append(f"{n_inferred} chats without a member list: members = people who wrote there")

    def key(ids: pd.Series) -> pd.Series:
        mapped = ids.map(acc.emails)
        return mapped.where(mapped.notna(), ids).astype(object)

    def never(ids: pd.Series) -> np.ndarray:
        return np.zeros(len(ids), dtype=bool)

    pairs = chat_pairs(msgs, convs, key=key, is_bot=never, is_gone=never, report=report)
    return pairs, report


def read_teams_chats(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    channel: str | None = None,
) -> Loaded:
    """Read Microsoft Teams messages (Graph ``chatMessage`` JSON) into the interactions table.

    Parameters
    ----------
    path : path-like
        A ``.json`` file, or a folder / zip of them (see the module docstring for the shapes).
    people : DataFrame or Loaded, optional
        Roster; members are resolved by ``email`` (or by ``person_id`` equal to the AAD id).
    channel : str, optional
        Channel label (default ``"chat"``).

    Returns
    -------
    Loaded
        ``(table, report)``; one report row per message.

    Examples
    --------
    >>> import json, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "chat.json")
    >>> chat = {"id": "19:c1", "chatType": "oneOnOne",
    ...         "members": [{"userId": "a1", "email": "ann@x.org"}, {"userId": "b2", "email": "bob@x.org"}],
    ...         "messages": [{"id": "1", "messageType": "message", "createdDateTime": "2025-11-03T09:00:00Z",
    ...                       "from": {"user": {"id": "a1", "displayName": "Ann"}},
    ...                       "body": {"content": "secret"}}]}
    >>> with open(p, "w") as fh:
    ...     json.dump(chat, fh)
    >>> read_teams_chats(p).table[["source", "target", "weight"]].astype(str).values.tolist()
    [['ann@x.org', 'bob@x.org', '1.0']]

    Notes
    -----
    JSON is parsed file by file; tie building is vectorised (shared with the Slack reader).

    References
    ----------
    Microsoft Graph v1.0: "chatMessage resource type", "chat resource type",
    "aadUserConversationMember resource type".
    """
    pairs, report = parse_teams_chats(path)
    return finish(pairs, report, people=people, channel=channel, default_channel="chat")
