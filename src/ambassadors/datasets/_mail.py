"""Mail and chat of a synthetic organisation: who writes to whom, when, vectorised.

Recipients are drawn by :class:`Picker` from the sender's team, department or another
department; timestamps fall on weekdays in business hours, local time, written as ISO 8601
with the sender's UTC offset. Besides the tables, the generators return the person-to-person
pairs as integer arrays (:class:`Pairs`), which the timeline uses to know who was exposed to
whom without parsing its own output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ambassadors.datasets._roster import DISTRIBUTION_LISTS
from ambassadors.datasets._tables import text_column

__all__ = ["Log", "Pairs", "Picker", "join_addresses", "make_emails", "make_chat", "local_times", "iso_times",
           "utc_seconds"]

# Where a message's recipient is drawn from: (team, department, other department); the rest of
# the probability mass after team + department is "other department".
MAIL_MIX = {
    "staff": (0.55, 0.36), "manager": (0.45, 0.46), "head": (0.30, 0.62), "ceo": (0.80, 0.12),
    "broker": (0.25, 0.25), "connector": (0.20, 0.20),
}
CHAT_MIX = {
    "staff": (0.70, 0.23), "manager": (0.60, 0.32), "head": (0.40, 0.52), "ceo": (0.85, 0.10),
    "broker": (0.30, 0.25), "connector": (0.25, 0.25),
}


class Pairs(NamedTuple):
    """Person-to-person pairs of a generated log (person indexes and UTC seconds)."""

    source: np.ndarray
    target: np.ndarray
    utc: np.ndarray


class Log(NamedTuple):
    """A generated log: the table as written, its rows' sender (address index: people first)
    and UTC seconds, and its person-to-person pairs."""

    table: pd.DataFrame
    sender: np.ndarray
    utc: np.ndarray
    pairs: Pairs


class Picker:
    """Draw recipients from a sender's team, department or another department, vectorised.

    People are laid out sorted by (department, team); every team and department is a
    contiguous range, so a weighted draw inside a range is one ``searchsorted`` on the
    cumulative weights.
    """

    def __init__(self, r: dict, roles: dict, mix: dict[str, tuple[float, float]]) -> None:
        n = r["n"]
        dept, team = r["dept"], r["team"]
        self.order = np.lexsort((np.arange(n), team, dept))
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[self.order] = np.arange(n)
        recv = np.sqrt(r["act"]) + 1e-3
        self.cw = np.cumsum(recv[self.order])
        cross = recv.copy()
        cross[roles["connectors"]] *= 15.0
        cross[roles["brokers"]] *= 6.0
        self.cwx = np.cumsum(cross[self.order])
        sd, st = dept[self.order], team[self.order]
        self.team_lo, self.team_hi = self._ranges(n, st, sd)
        self.dept_lo, self.dept_hi = self._ranges(n, sd)
        self.execs = np.concatenate([[r["ceo"]], r["heads"]])
        self.is_exec = np.zeros(n, dtype=bool)
        self.is_exec[self.execs] = True
        p_team = np.empty(n)
        p_dept = np.empty(n)
        for role, (pt, pd_) in mix.items():
            mask = roles["role"] == role
            p_team[mask] = pt
            p_dept[mask] = pd_
        self.p_team, self.p_dept = p_team, p_dept

    def _ranges(self, n: int, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per person (by person index): [lo, hi) of its group in the sorted layout."""
        change = np.zeros(n, dtype=bool)
        change[0] = True
        for k in keys:
            change[1:] |= k[1:] != k[:-1]
        starts = np.flatnonzero(change)
        ends = np.r_[starts[1:], n]
        group = np.cumsum(change) - 1
        lo = np.empty(n, dtype=np.int64)
        hi = np.empty(n, dtype=np.int64)
        lo[self.order] = starts[group]
        hi[self.order] = ends[group]
        return lo, hi

    def _weighted(self, rng: np.random.Generator, cw: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray) -> np.ndarray:
        base = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
        top = cw[hi - 1]
        u = base + rng.random(len(lo)) * (top - base)
        return np.clip(np.searchsorted(cw, u, side="right"), lo, hi - 1)

    def pick(self, rng: np.random.Generator, senders: np.ndarray) -> np.ndarray:
        """One recipient (person index, never the sender) per entry of ``senders``."""
        u = rng.random(len(senders))
        pt, pdp = self.p_team[senders], self.p_dept[senders]
        exec_sender = self.is_exec[senders]
        team_lo, team_hi = self.team_lo[senders], self.team_hi[senders]
        lo, hi = self.dept_lo[senders], self.dept_hi[senders]
        in_team = (u < pt) & ~exec_sender & (team_hi - team_lo > 1)
        lo = np.where(in_team, team_lo, lo)
        hi = np.where(in_team, team_hi, hi)
        pos = self._weighted(rng, self.cw, lo, hi)
        # the sender drew itself: take the next person of the same range
        self_pick = pos == self.pos[senders]
        pos[self_pick] = lo[self_pick] + (pos[self_pick] - lo[self_pick] + 1) % (
            hi[self_pick] - lo[self_pick])
        out = self.order[pos]

        # executives' "team" is the executive committee (CEO and heads, across departments)
        ex = exec_sender & (u < pt)
        if ex.any():
            k = len(self.execs)
            j = rng.integers(k, size=int(ex.sum()))
            cand = self.execs[j]
            cand = np.where(cand == senders[ex], self.execs[(j + 1) % k], cand)
            out[ex] = cand

        # another department: weighted over everyone outside the sender's department
        cross = u >= pt + pdp
        if cross.any():
            s = senders[cross]
            d_lo, d_hi = self.dept_lo[s], self.dept_hi[s]
            c_lo = np.where(d_lo > 0, self.cwx[np.maximum(d_lo - 1, 0)], 0.0)
            c_hi = self.cwx[d_hi - 1]
            v = rng.random(len(s)) * (self.cwx[-1] - (c_hi - c_lo))
            v = np.where(v >= c_lo, v + (c_hi - c_lo), v)
            p = np.clip(np.searchsorted(self.cwx, v, side="right"), 0, len(self.cwx) - 1)
            out[cross] = self.order[p]
        return out


# --------------------------------------------------------------------------------------------
# timestamps


def local_times(rng: np.random.Generator, size: int, start_day: np.datetime64,
                months: float) -> np.ndarray:
    """Local wall-clock times (datetime64[s]) on weekdays, in business hours."""
    days = np.arange(start_day, start_day + max(1, int(round(months * 30.44))))
    weekdays = days[np.is_busday(days)]
    if len(weekdays) == 0:
        weekdays = days
    day = weekdays[rng.integers(len(weekdays), size=size)].astype("datetime64[s]")
    hours = np.clip(rng.normal(12.5, 2.3, size=size), 7.0, 20.5)
    return day + (hours * 3600).astype("timedelta64[s]")


def iso_times(local: np.ndarray, offset_min: np.ndarray) -> pa.Array:
    """ISO 8601 strings with offset, e.g. ``2025-01-06T09:13:22+01:00``."""
    text = pa.array(np.datetime_as_string(local.astype("datetime64[s]"), unit="s"), type=pa.string())
    codes, inverse = np.unique(offset_min, return_inverse=True)
    labels = [f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in codes]
    offsets = pa.array(labels, type=pa.string()).take(pa.array(inverse.ravel(), type=pa.int64()))
    return pc.binary_join_element_wise(text, offsets, "")


def utc_seconds(local: np.ndarray, offset_min: np.ndarray) -> np.ndarray:
    return local.astype("datetime64[s]").astype(np.int64) - offset_min * 60



# --------------------------------------------------------------------------------------------
# mail


class _Slots:
    """Recipient slots of the messages generated so far: message, cc flag, address index."""

    def __init__(self) -> None:
        self.msg: list[np.ndarray] = []
        self.cc: list[np.ndarray] = []
        self.addr: list[np.ndarray] = []
        self.sender: list[np.ndarray] = []
        self.offset: list[np.ndarray] = []
        self.m = 0

    def add(self, msg: np.ndarray, cc: np.ndarray, addr: np.ndarray, sender: np.ndarray,
            offset: np.ndarray) -> None:
        """Messages ``m .. m + len(sender)``; ``msg`` counts from 0 for this batch."""
        self.msg.append(self.m + msg)
        self.cc.append(cc)
        self.addr.append(addr)
        self.sender.append(sender)
        self.offset.append(offset)
        self.m += len(sender)

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate(x) for x in (self.msg, self.cc, self.addr, self.sender, self.offset))


def _ordinary_mail(rng: np.random.Generator, r: dict, picker: Picker, months: float,
                   per_month: float, ext0: int, slots: _Slots) -> None:
    """Mail from people: to 1 + Poisson(0.6) people (5 % more), 30 % with cc, 1 % an external cc."""
    counts = rng.poisson(r["act"] / r["act"].mean() * months * per_month)
    sender = np.repeat(np.arange(r["n"]), counts)
    m1 = len(sender)
    n_to = 1 + rng.poisson(0.6, size=m1)
    many = rng.random(m1) < 0.05
    n_to[many] += rng.integers(3, 11, size=int(many.sum()))
    n_cc = np.where(rng.random(m1) < 0.3, 1 + rng.poisson(0.5, size=m1), 0)
    msg_to = np.repeat(np.arange(m1), n_to)
    msg_cc = np.repeat(np.arange(m1), n_cc)
    slot_msg = np.concatenate([msg_to, msg_cc])
    slot_cc = np.concatenate([np.zeros(len(msg_to), bool), np.ones(len(msg_cc), bool)])
    slot_addr = picker.pick(rng, sender[slot_msg])
    ext_cc = np.flatnonzero(rng.random(m1) < 0.01)
    slot_msg = np.concatenate([slot_msg, ext_cc])
    slot_cc = np.concatenate([slot_cc, np.ones(len(ext_cc), bool)])
    slot_addr = np.concatenate([slot_addr, ext0 + rng.integers(len(r["external"]), size=len(ext_cc))])
    slots.add(slot_msg, slot_cc, slot_addr, sender, r["offset_min"][sender])


def _broadcasts(rng: np.random.Generator, r: dict, picker: Picker, months: float,
                slots: _Slots) -> None:
    """Department broadcasts: each head, about every two weeks, to (up to 500 of) their dept."""
    heads = r["heads"]
    n_b = rng.poisson(months * 2, size=len(heads))
    b_sender = np.repeat(heads, n_b)
    b_k = np.minimum(r["sizes"][r["dept"][b_sender]], rng.integers(50, 501, size=len(b_sender)))
    b_msg = np.repeat(np.arange(len(b_sender)), b_k)
    lo, hi = picker.dept_lo[b_sender], picker.dept_hi[b_sender]
    rep_lo, rep_size = np.repeat(lo, b_k), np.repeat(hi - lo, b_k)
    b_addr = picker.order[rep_lo + (rng.random(len(b_msg)) * rep_size).astype(np.int64)]
    slots.add(b_msg, np.zeros(len(b_msg), bool), b_addr, b_sender, r["offset_min"][b_sender])


def _list_and_external_mail(rng: np.random.Generator, r: dict, months: float, dl0: int, ext0: int,
                            m1: int, slots: _Slots) -> None:
    """Distribution lists (not in HR) to 50-500 active people; external senders to one person."""
    n_dl = rng.poisson(months * np.array([4.0, 2.0]))
    d_sender = np.repeat(dl0 + np.arange(len(DISTRIBUTION_LISTS)), n_dl)
    active_idx = np.flatnonzero(r["active"])
    d_k = np.minimum(len(active_idx), rng.integers(50, 501, size=len(d_sender)))
    d_msg = np.repeat(np.arange(len(d_sender)), d_k)
    d_addr = active_idx[rng.integers(len(active_idx), size=len(d_msg))]
    slots.add(d_msg, np.zeros(len(d_msg), bool), d_addr, d_sender, np.zeros(len(d_sender), np.int64))
    # external senders writing to one person (0.3 % of ordinary mail)
    n_x = max(1, int(round(0.003 * m1)))
    x_sender = ext0 + rng.integers(len(r["external"]), size=n_x)
    x_addr = rng.integers(r["n"], size=n_x)
    slots.add(np.arange(n_x), np.zeros(n_x, bool), x_addr, x_sender, np.zeros(n_x, np.int64))


def _dedupe_slots(slot_msg: np.ndarray, slot_cc: np.ndarray, slot_addr: np.ndarray,
                  msg_sender: np.ndarray, n_addr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One address at most once per message (to wins over cc), never the sender; grouped by
    message, to before cc, each list in its drawn order."""
    keep = slot_addr != msg_sender[slot_msg]
    slot_msg, slot_cc, slot_addr = slot_msg[keep], slot_cc[keep], slot_addr[keep]
    order = np.lexsort((slot_cc, slot_addr, slot_msg))
    key = slot_msg[order] * n_addr + slot_addr[order]
    first = np.r_[True, key[1:] != key[:-1]]
    order = np.sort(order[first])  # back to slot order: recipients keep their drawn order
    slot_msg, slot_cc, slot_addr = slot_msg[order], slot_cc[order], slot_addr[order]
    order = np.lexsort((slot_cc, slot_msg))
    return slot_msg[order], slot_cc[order], slot_addr[order]


def make_emails(rng: np.random.Generator, r: dict, roles: dict, months: float,
                per_month: float, start_day: np.datetime64) -> Log:
    """The mail log (events shape), with its rows' senders, times and person pairs."""
    n = r["n"]
    picker = Picker(r, roles, MAIL_MIX)
    # addresses: people 0..n-1, then distribution lists, then external
    addresses = np.concatenate([r["email"], np.array(DISTRIBUTION_LISTS, dtype=object), r["external"]])
    dl0, ext0 = n, n + len(DISTRIBUTION_LISTS)
    slots = _Slots()
    _ordinary_mail(rng, r, picker, months, per_month, ext0, slots)
    m1 = slots.m
    _broadcasts(rng, r, picker, months, slots)
    _list_and_external_mail(rng, r, months, dl0, ext0, m1, slots)
    m = slots.m
    slot_msg, slot_cc, slot_addr, msg_sender, msg_offset = slots.arrays()
    slot_msg, slot_cc, slot_addr = _dedupe_slots(slot_msg, slot_cc, slot_addr, msg_sender, len(addresses))

    n_to_final = np.bincount(slot_msg[~slot_cc], minlength=m)
    n_cc_final = np.bincount(slot_msg[slot_cc], minlength=m)
    addr_text = pa.array(addresses.tolist(), type=pa.string())
    to_lists = join_addresses(addr_text, slot_addr[~slot_cc], n_to_final)
    cc_lists = join_addresses(addr_text, slot_addr[slot_cc], n_cc_final)
    cc_lists = pc.if_else(pa.array(n_cc_final > 0), cc_lists, pa.scalar(None, pa.string()))

    local = local_times(rng, m, start_day, months)
    utc = utc_seconds(local, msg_offset)
    valid = n_to_final > 0
    order = np.flatnonzero(valid)[np.argsort(utc[valid], kind="stable")]
    width = max(6, len(str(len(order))))
    event_id = np.char.add("E", np.char.zfill(np.arange(1, len(order) + 1).astype(str), width))
    take = pa.array(order)
    emails = pd.DataFrame({
        "event_id": text_column(event_id),
        "timestamp": text_column(iso_times(local[order], msg_offset[order])),
        "sender": text_column(addr_text.take(pa.array(msg_sender[order]))),
        "recipients": text_column(to_lists.take(take)),
        "cc": text_column(cc_lists.take(take)),
    })
    people = (msg_sender[slot_msg] < n) & (slot_addr < n) & valid[slot_msg]
    pairs = Pairs(msg_sender[slot_msg][people], slot_addr[people], utc[slot_msg][people])
    return Log(emails, msg_sender[order], utc[order], pairs)


def join_addresses(text: pa.Array, values: np.ndarray, counts: np.ndarray) -> pa.Array:
    """``;``-join the addresses of each message (consecutive runs of ``values``)."""
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32 if len(values) < 2**31 else np.int64)
    lists = pa.ListArray.from_arrays(pa.array(offsets), text.take(pa.array(values)))
    return pc.binary_join(lists, ";")


# --------------------------------------------------------------------------------------------
# chat


def make_chat(rng: np.random.Generator, r: dict, roles: dict, months: float, per_month: float,
              start_day: np.datetime64) -> Log:
    """The chat edge list (``source, target, timestamp, channel``), with senders, times, pairs."""
    picker = Picker(r, roles, CHAT_MIX)
    act = r["act"]
    counts = rng.poisson(act / act.mean() * months * per_month)
    source = np.repeat(np.arange(r["n"]), counts)
    target = picker.pick(rng, source)
    offset = r["offset_min"][source]
    local = local_times(rng, len(source), start_day, months)
    utc = utc_seconds(local, offset)
    order = np.argsort(utc, kind="stable")
    ids = pa.array(r["ids"].tolist(), type=pa.string())
    chat = pd.DataFrame({
        "source": text_column(ids.take(pa.array(source[order]))),
        "target": text_column(ids.take(pa.array(target[order]))),
        "timestamp": text_column(iso_times(local[order], offset[order])),
        "channel": text_column(pa.array(["chat"]).take(pa.array(np.zeros(len(order), np.int64)))),
    })
    return Log(chat, source[order], utc[order], Pairs(source[order], target[order], utc[order]))
