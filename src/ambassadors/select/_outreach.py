"""The outreach plan: which ambassador carries the message to each colleague, and who is left.

Every colleague an ambassador reaches is assigned to one ambassador, strongest tie first
(optionally at most ``max_contacts`` per ambassador); colleagues nobody reaches are listed with
the nearest ambassador two steps away (through the colleague they are most tied to) or, when
there is none, the reached person with most ties into their department (the bridge to use).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.graph import CollaborationGraph
from ambassadors.select._coverage import best_in_groups, position_in_group
from ambassadors.select._inputs import id_rank
from ambassadors.select._tables import best_bridges

OUTREACH_COLUMNS = ["department", "ambassador", "tie_strength", "hops"]
UNREACHED_COLUMNS = ["department", "nearest_ambassador", "via", "via_tie_strength", "bridge", "bridge_ties",
                     "note"]


def _ties_to(graph: CollaborationGraph, targets: np.ndarray, rows: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ties ``(person, target, weight)`` from the people ``rows`` (mask) to the people ``targets``
    (mask), read from the rows of the smaller side of the symmetric weights: ``O(its ties)``."""
    flip = int(targets.sum()) > int(rows.sum())
    side, other = (rows, targets) if flip else (targets, rows)
    codes = np.flatnonzero(side)
    coo = sp.coo_array(sp.csr_array(graph.undirected_weights())[codes])
    a, b = codes[coo.row], coo.col.astype(np.int64)
    keep = other[b] & (a != b)
    a, b, w = a[keep], b[keep], np.abs(coo.data[keep]).astype(np.float64)
    return (a, b, w) if flip else (b, a, w)


def _strongest(person: np.ndarray, other: np.ndarray, w: np.ndarray, idr: np.ndarray) -> np.ndarray:
    """Positions of each person's strongest tie (then the other's person_id order), one per person
    (in person order)."""
    return best_in_groups(person, w, idr[other].astype(np.int64), len(idr))


def _assign(person: np.ndarray, amb: np.ndarray, w: np.ndarray, idr: np.ndarray, n: int,
            max_contacts: int | None) -> np.ndarray:
    """The tie (position in ``person``/``amb``/``w``; -1: none) that assigns each person to an
    ambassador: strongest tie first; with ``max_contacts``, rounds of proposals in which each
    ambassador accepts its strongest ties up to the capacity left (deferred acceptance)."""
    out = np.full(n, -1, dtype=np.int64)
    if max_contacts is None:
        best = _strongest(person, amb, w, idr)
        out[person[best]] = best
        return out
    load = np.zeros(n, dtype=np.int64)
    open_pair = np.ones(len(person), dtype=bool)
    while True:
        ok = open_pair & (out[person] < 0) & (load[amb] < max_contacts)
        if not ok.any():
            return out
        idx = np.flatnonzero(ok)
        prop = idx[_strongest(person[idx], amb[idx], w[idx], idr)]
        by_amb = prop[np.lexsort((idr[person[prop]], -w[prop], amb[prop]))]
        take = position_in_group(amb[by_amb]) < (max_contacts - load[amb[by_amb]])
        accepted, rejected = by_amb[take], by_amb[~take]
        out[person[accepted]] = accepted
        np.add.at(load, amb[accepted], 1)
        open_pair[rejected] = False


def outreach_tables(graph: CollaborationGraph, members: np.ndarray, *, hops: int = 1,
                    max_contacts: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(outreach, unreached)`` for the ambassadors ``members`` (node codes); see ``Plan``.

    Cost: one slice of the tie matrix per step, ``O(ties of the people involved)``.
    """
    n, idr = graph.n_people, id_rank(graph.ids)
    is_amb = np.zeros(n, dtype=bool)
    is_amb[members] = True
    person, amb, w = _ties_to(graph, is_amb, ~is_amb)
    pair = _assign(person, amb, w, idr, n, max_contacts)
    got = pair >= 0
    owner = np.where(got, amb[np.maximum(pair, 0)], -1) if len(amb) else np.full(n, -1)
    strength = np.where(got, w[np.maximum(pair, 0)], 0.0) if len(w) else np.zeros(n)
    hop = got.astype(np.int64)
    if hops == 2:
        # two steps: through the strongest tie to a colleague of hop 1, to that colleague's ambassador
        p2, via, w2 = _ties_to(graph, hop == 1, (owner < 0) & ~is_amb)
        best = _strongest(p2, via, w2, idr)  # O(ties of the first step): the plan reaches them anyway
        owner[p2[best]], strength[p2[best]], hop[p2[best]] = owner[via[best]], w2[best], 2
    return _outreach_frame(graph, owner, strength, hop), _unreached_frame(graph, owner, is_amb, hop, idr)


def _outreach_frame(graph: CollaborationGraph, owner: np.ndarray, strength: np.ndarray, hop: np.ndarray
                    ) -> pd.DataFrame:
    got = np.flatnonzero(owner >= 0)
    frame = pd.DataFrame(
        {"department": np.asarray(graph.department_names)[graph.department_codes[got]],
         "ambassador": graph.ids[owner[got]].astype(str), "tie_strength": strength[got], "hops": hop[got]},
        index=pd.Index(graph.ids[got].astype(str), name="colleague"))
    return frame.sort_values(["ambassador", "tie_strength"], ascending=[True, False], kind="stable")


def _unreached_frame(graph: CollaborationGraph, owner: np.ndarray, is_amb: np.ndarray, hop: np.ndarray,
                     idr: np.ndarray) -> pd.DataFrame:
    """Colleagues without an ambassador: the nearest one two steps away, else the bridge."""
    names, dcode, ids = graph.department_names, graph.department_codes, graph.ids
    left = (owner < 0) & ~is_amb
    codes = np.flatnonzero(left)
    reached = (owner >= 0) | is_amb
    nearest, via, via_w = np.full(len(codes), -1), np.full(len(codes), -1), np.zeros(len(codes))
    p2, v, w2 = _ties_to(graph, (hop == 1) & (owner >= 0), left) if len(codes) else (codes, codes, via_w)
    if len(p2):
        best = _strongest(p2, v, w2, idr)
        pos = np.searchsorted(codes, p2[best])
        nearest[pos], via[pos], via_w[pos] = owner[v[best]], v[best], w2[best]
    depts = np.unique(dcode[codes])
    bridge_of, ties_of = np.full(len(names), -1), np.zeros(len(names), dtype=np.int64)
    bridge_of[depts], ties_of[depts] = best_bridges(graph, depts, among=reached)
    bridge = bridge_of[dcode[codes]]
    txt = np.asarray(ids, dtype=object)
    note = np.where(nearest >= 0, "two steps from an ambassador",
                    np.where(bridge >= 0, "reach the department through its bridge",
                             "no tie to anyone reached"))
    return pd.DataFrame(
        {"department": np.asarray(names)[dcode[codes]],
         "nearest_ambassador": np.where(nearest >= 0, txt[np.maximum(nearest, 0)], None),
         "via": np.where(via >= 0, txt[np.maximum(via, 0)], None), "via_tie_strength": via_w,
         "bridge": np.where(bridge >= 0, txt[np.maximum(bridge, 0)], None),
         "bridge_ties": ties_of[dcode[codes]], "note": note},
        index=pd.Index(ids[codes].astype(str), name="colleague"))
