"""A programme timeline planted in a synthetic organisation: a launch, its effect, and changes.

The planted connectors (one per department) are the ambassadors of a programme launched on
``launch``. Everything planted happens *after* the launch, so who was exposed to an ambassador
before the launch (a mail or chat in either direction) is a fact of the ordinary network:

* the **effect** (``effect=True``): after the launch each ambassador sends as many mails
  again to people of other departments, chosen at random, so the ambassadors bridge
  departments more and reach more colleagues; and colleagues exposed to an ambassador adopt
  the promoted behaviour :data:`HAZARD_RATIO` times as fast as the others;
* the **changes** (also with ``effect=True``): one ambassador falls silent half-way through the
  time after the launch (sends nothing from then on) and another leaves at 60 % of it (sends
  nothing, ``active`` false and a ``leave_date`` in the roster);
* with ``effect=False`` nothing changes at or after the launch: the same mail model, the same
  adoption hazard for everyone, every ambassador carries on.

Adoption is a continuous-time process: every active person who is not an ambassador adopts at
a constant hazard of :data:`BASE_HAZARD` per month, multiplied by the hazard ratio after the
launch for the exposed; ambassadors adopt in the launch week. An adopter's first occurrence is
the adoption; a few more occurrences follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ambassadors.datasets._mail import Log, iso_times, join_addresses, local_times, utc_seconds
from ambassadors.datasets._tables import text_column

__all__ = ["BASE_HAZARD", "HAZARD_RATIO", "plant_timeline"]

#: Monthly adoption hazard of everyone (before the launch, and after it for the unexposed).
BASE_HAZARD = 0.04
#: Hazard ratio of exposed colleagues after the launch, with the planted effect.
HAZARD_RATIO = 3.0
#: Extra cross-department mail of an ambassador after the launch, as a share of their mail.
EXTRA_BRIDGING = 1.0
_MONTH = 30.44 * 86400.0


def plant_timeline(rng: np.random.Generator, r: dict, roles: dict, mail: Log, chat: Log, *,
                   launch: np.datetime64, start_day: np.datetime64, months: float, effect: bool,
                   timeline_mail: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Plant the programme: returns ``(emails, chat, adoption, programme)``; modifies the roster."""
    ambassadors = np.sort(roles["connectors"])
    t0 = int(launch.astype("datetime64[s]").astype(np.int64))
    t_start = int(start_day.astype("datetime64[s]").astype(np.int64))
    t_end = t_start + int(max(1, int(round(months * 30.44)))) * 86400
    emails, chat_table = mail.table, chat.table
    silent = departed = np.array([], dtype=np.int64)
    silent_from = left_on = None
    if effect and timeline_mail and len(ambassadors) >= 3:
        silent, departed = rng.choice(ambassadors, size=2, replace=False)[:, None]
        silent_from = t0 + 0.5 * (t_end - t0)
        left_on = _day(t0 + 0.6 * (t_end - t0))
        emails, chat_table = _apply_changes(rng, r, mail, chat, ambassadors, silent, departed,
                                            silent_from, left_on, t0, t_end)
        people = r["people"]
        people["leave_date"] = pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
        people.loc[r["ids"][departed], "leave_date"] = np.datetime64(left_on, "s").astype("datetime64[ns]")
        people.loc[r["ids"][departed], "active"] = False
    exposed = _exposed(r["n"], ambassadors, mail.pairs, chat.pairs, t0)
    adoption, adopters = _adoption(rng, r, ambassadors, exposed, t_start, t0, t_end,
                                   HAZARD_RATIO if effect else 1.0)
    ids = r["ids"]
    at_risk = r["active"].copy()
    at_risk[ambassadors] = False
    programme = {
        "launch": str(launch.astype("datetime64[D]")),
        "ambassadors": sorted(ids[ambassadors].tolist()),
        "effect": bool(effect),
        "hazard_ratio": HAZARD_RATIO if effect else 1.0,
        "silent": sorted(ids[silent].tolist()),
        "silent_from": None if silent_from is None else str(np.datetime64(int(silent_from), "s")),
        "departed": sorted(ids[departed].tolist()),
        "left_on": None if left_on is None else str(np.datetime64(left_on, "s").astype("datetime64[D]")),
        "adopters": int(adopters),
        "exposed": int((exposed & at_risk).sum()),
        "unexposed": int((~exposed & at_risk).sum()),
    }
    return emails, chat_table, adoption, programme


def _day(t: float) -> int:
    """Midnight (UTC seconds) of the day of ``t``."""
    return int(t // 86400) * 86400


def _exposed(n: int, ambassadors: np.ndarray, *logs_and_time: Any) -> np.ndarray:
    """People with a pair (either direction) with an ambassador before ``t0``."""
    *logs, t0 = logs_and_time
    is_amb = np.zeros(n, dtype=bool)
    is_amb[ambassadors] = True
    out = np.zeros(n, dtype=bool)
    for pairs in logs:
        before = pairs.utc < t0
        s, t = pairs.source[before], pairs.target[before]
        out[t[is_amb[s]]] = True
        out[s[is_amb[t]]] = True
    return out


def _apply_changes(rng: np.random.Generator, r: dict, mail: Log, chat: Log, ambassadors: np.ndarray,
                   silent: np.ndarray, departed: np.ndarray, silent_from: float, left_on: int,
                   t0: int, t_end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The silent and the departed ambassadors stop sending; all others bridge more."""
    stop = np.full(r["n"], np.inf)
    stop[silent] = silent_from
    stop[departed] = left_on
    mail_keep = (mail.sender >= r["n"]) | (mail.utc < stop[np.minimum(mail.sender, r["n"] - 1)])
    chat_src = chat.pairs.source
    chat_keep = (chat.utc < stop[chat_src]) & (chat.utc < stop[chat.pairs.target])
    extra, extra_utc = _bridging_mail(rng, r, ambassadors, stop, t0, t_end)
    emails = pd.concat([mail.table.loc[mail_keep], extra], ignore_index=True)
    order = np.argsort(np.concatenate([mail.utc[mail_keep], extra_utc]), kind="stable")
    emails = emails.iloc[order].reset_index(drop=True)
    width = max(6, len(str(len(emails))))
    emails["event_id"] = text_column(np.char.add("E", np.char.zfill(
        np.arange(1, len(emails) + 1).astype(str), width)))
    return emails, chat.table.loc[chat_keep].reset_index(drop=True)


def _bridging_mail(rng: np.random.Generator, r: dict, ambassadors: np.ndarray, stop: np.ndarray,
                   t0: int, t_end: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Extra mails from ambassadors after the launch to random people of other departments."""
    act = r["act"]
    per_month = EXTRA_BRIDGING * act[ambassadors] / act.mean() * r["mail_per_month"]
    span = (np.minimum(stop[ambassadors], t_end) - t0) / _MONTH
    sender = np.repeat(ambassadors, rng.poisson(per_month * np.maximum(span, 0)))
    offset = r["offset_min"][sender]
    local = local_times(rng, len(sender), np.datetime64(t0, "s").astype("datetime64[D]"),
                        (t_end - t0) / _MONTH)
    utc = utc_seconds(local, offset)
    keep = (utc < stop[sender]) & (utc < t_end)
    sender, offset, local, utc = sender[keep], offset[keep], local[keep], utc[keep]
    n_to = 1 + rng.poisson(1.0, size=len(sender))
    targets = _other_department(rng, r, np.repeat(sender, n_to))
    email = pa.array(r["email"].tolist(), type=pa.string())
    table = pd.DataFrame({
        "event_id": text_column(np.full(len(sender), "", dtype=object)),
        "timestamp": text_column(iso_times(local, offset)),
        "sender": text_column(email.take(pa.array(sender))),
        "recipients": text_column(join_addresses(email, targets, n_to)),
        "cc": text_column(pa.nulls(len(sender), pa.string())),
    })
    return table, utc


def _other_department(rng: np.random.Generator, r: dict, senders: np.ndarray) -> np.ndarray:
    """One active person of another department per sender, uniformly at random."""
    active = np.flatnonzero(r["active"])
    pick = active[rng.integers(len(active), size=len(senders))]
    same = r["dept"][pick] == r["dept"][senders]
    while same.any():
        pick[same] = active[rng.integers(len(active), size=int(same.sum()))]
        same = r["dept"][pick] == r["dept"][senders]
    return pick


def _adoption(rng: np.random.Generator, r: dict, ambassadors: np.ndarray, exposed: np.ndarray,
              t_start: int, t0: int, t_end: int, ratio: float) -> tuple[pd.DataFrame, int]:
    """Occurrences of the promoted behaviour (``person_id, timestamp``) and the adopter count."""
    n = r["n"]
    rate = BASE_HAZARD / _MONTH
    e = rng.exponential(size=n)
    before = (t0 - t_start) * rate
    r_after = np.where(exposed, rate * ratio, rate)
    t = np.where(e < before, t_start + e / rate, t0 + (e - before) / r_after)
    t[ambassadors] = t0 + rng.random(len(ambassadors)) * 5 * 86400
    adopts = r["active"] & (t < t_end)
    who = np.flatnonzero(adopts)
    repeats = rng.poisson(2.0, size=len(who))
    person = np.repeat(who, 1 + repeats)
    first = np.repeat(t[who], 1 + repeats)
    rank = np.arange(len(person)) - np.repeat(np.r_[0, np.cumsum(1 + repeats)[:-1]], 1 + repeats)
    when = first + np.where(rank > 0, rng.exponential(10 * 86400, size=len(person)) * rank, 0.0)
    keep = when < t_end
    person, when = person[keep], when[keep]
    order = np.argsort(when, kind="stable")
    person, when = person[order], when[order].astype(np.int64).astype("datetime64[s]")
    table = pd.DataFrame({
        "person_id": text_column(r["ids"][person]),
        "timestamp": text_column(iso_times(when, np.zeros(len(when), np.int64))),
    })
    return table, len(who)
