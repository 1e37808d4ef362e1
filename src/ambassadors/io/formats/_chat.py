"""Chat messages -> raw pairs, shared by the Slack and Teams readers (vectorised)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ambassadors.io.load_report import LoadReport

from ._common import empty_pairs


def chat_pairs(
    msgs: pd.DataFrame,
    convs: list[tuple[str, str, list[str]]],
    *,
    key: Callable[[pd.Series], pd.Series],
    is_bot: Callable[[pd.Series], np.ndarray],
    is_gone: Callable[[pd.Series], np.ndarray],
    report: LoadReport,
) -> pd.DataFrame:
    """Ties of usable chat messages.

    ``msgs``: ``row, conv, user, ts`` (message id within ``conv``), ``thread_ts`` (id of the
    thread's parent, ``""`` for top-level), ``parent_user_id`` (``""`` when unknown),
    ``mentions`` (list of user ids), ``when`` (ISO timestamp). ``convs``: (conv, kind, members)
    of the conversations whose every message reaches every member (DMs, group chats, small
    channels). Replies -> parent author (1), mentions (1), conversation members
    (``1 / (members - 1)``); one (message, person) keeps the largest weight. Mentions and
    replies of bots are dropped as pairs (``bot``), of deleted accounts as
    ``unknown_recipient``; messages left without a recipient are ``no_recipients``.
    """
    parts = []
    is_reply = (msgs["thread_ts"] != "") & (msgs["thread_ts"] != msgs["ts"])
    replies = msgs.loc[is_reply, ["row", "conv", "thread_ts", "parent_user_id"]]
    authors = msgs.loc[msgs["thread_ts"].eq(msgs["ts"]) | msgs["thread_ts"].eq(""), ["conv", "ts", "user"]]
    authors = authors.drop_duplicates(["conv", "ts"])
    replies = replies.merge(authors, left_on=["conv", "thread_ts"], right_on=["conv", "ts"], how="left")
    parent = replies["parent_user_id"].where(replies["parent_user_id"] != "", replies["user"])
    parts.append(pd.DataFrame({"row": replies["row"], "target": parent, "weight": 1.0}).dropna())
    ment = msgs[["row", "mentions"]].explode("mentions").dropna()
    parts.append(pd.DataFrame({"row": ment["row"], "target": ment["mentions"], "weight": 1.0}))
    if convs:
        table = pd.DataFrame(convs, columns=["conv", "kind", "members"])
        table["n"] = table["members"].map(len)
        conv_msgs = msgs[["row", "conv", "user"]].merge(table[table["n"] >= 2], on="conv")
        conv_msgs = conv_msgs.explode("members")
        conv_msgs = conv_msgs[conv_msgs["members"] != conv_msgs["user"]]
        parts.append(pd.DataFrame({
            "row": conv_msgs["row"], "target": conv_msgs["members"],
            "weight": 1.0 / (conv_msgs["n"].to_numpy(dtype=float) - 1),
        }))
    cand = pd.concat(parts, ignore_index=True)
    cand["row"] = cand["row"].astype(np.int64)
    cand["target"] = cand["target"].astype(str)
    cand = cand[cand["target"] != ""]
    cand = cand.groupby(["row", "target"], as_index=False, sort=True)["weight"].max()
    t_bot = is_bot(cand["target"])
    t_gone = ~t_bot & is_gone(cand["target"])
    report.drop("bot", int(t_bot.sum()), unit="pairs")
    report.drop("unknown_recipient", int(t_gone.sum()), unit="pairs")
    cand = cand[~(t_bot | t_gone)]
    report.drop("no_recipients", int((~msgs["row"].isin(cand["row"])).sum()))
    if cand.empty:
        return empty_pairs()
    info = msgs.set_index("row").loc[cand["row"]].reset_index(drop=True)
    return pd.DataFrame({
        "row": cand["row"].to_numpy(),
        "source": key(info["user"]).to_numpy(),
        "target": key(cand["target"].reset_index(drop=True)).to_numpy(),
        "timestamp": info["when"].to_numpy(),
        "weight": cand["weight"].to_numpy(),
        "event_id": (info["conv"] + ":" + info["ts"]).to_numpy(),
    })
