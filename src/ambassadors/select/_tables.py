"""The Plan's tables: members with their reasons, coverage per department, backups, and the
departments nobody eligible can cover."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.cascade import reach_counts
from ambassadors.graph import CollaborationGraph
from ambassadors.select._coverage import Coverage, as_float, best_in_groups
from ambassadors.select._inputs import id_rank
from ambassadors.select._plan import Reach

#: Reason (and recruit-here note) of an ambassador from outside the known enthusiasts.
ASK_FIRST = "enthusiasm unknown - ask first"


def or_none(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` as objects, None where ``mask`` is False."""
    out = np.asarray(values, dtype=object).copy()
    out[~np.asarray(mask, dtype=bool)] = None
    return out


def plan_reach(graph: CollaborationGraph, members: np.ndarray) -> tuple[Reach, Reach]:
    """``(reach within one tie, reach within two ties)`` of the ambassadors ``members`` (node codes)."""
    n = graph.n_people
    one, two = reach_counts(graph, members)
    return Reach(one, one / n if n else 0.0), Reach(two, two / n if n else 0.0)


def member_reach(people_cover: Coverage, person_w: np.ndarray, chosen: np.ndarray, n: int, *,
                 objective_cover: Coverage | None = None, objective_w: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per ambassador (candidate positions ``chosen``): colleagues reached, people reached by no
    other ambassador, objective lost if dropped (``marginal_reach``); and who is reached."""
    items, owner = people_cover.rows(chosen)
    cnt = np.bincount(items, minlength=n)
    row_len = np.bincount(owner, minlength=len(chosen)) - 1  # colleagues, not themselves
    uniq_people = np.bincount(owner[cnt[items] == 1], minlength=len(chosen))
    if objective_cover is not None and objective_w is not None:
        oitems, oowner = objective_cover.rows(chosen)
        ocnt = np.bincount(oitems, minlength=objective_cover.n_items)
        marginal = np.bincount(oowner, weights=np.where(ocnt[oitems] == 1, objective_w[oitems], 0.0),
                               minlength=len(chosen))
    else:
        marginal = np.bincount(
            owner, weights=np.where(cnt[items] == 1, person_w[items], 0.0), minlength=len(chosen)
        )
    if np.allclose(marginal, np.round(marginal)):
        marginal = np.round(marginal).astype(np.int64)
    return row_len, uniq_people, marginal, cnt > 0


def department_ranks(graph: CollaborationGraph, info: pd.DataFrame, cand_mask: np.ndarray) -> np.ndarray:
    """The ranking's department rank; by score among the candidates when it gives none."""
    drank = info["department_rank"].to_numpy(dtype=float)
    if not np.isnan(drank).all():
        return drank
    frame = pd.DataFrame({"d": graph.department_codes, "s": info["score"].to_numpy(dtype=np.float64),
                          "r": id_rank(graph.ids)})
    frame = frame[cand_mask]
    frame = frame.sort_values(["d", "s", "r"], ascending=[True, False, True])
    frame["dr"] = frame.groupby("d").cumcount() + 1
    drank = np.full(graph.n_people, np.nan)
    drank[frame.index.to_numpy()] = frame["dr"].to_numpy()
    return drank


def member_reasons(
    graph: CollaborationGraph,
    members: np.ndarray,
    *,
    included: np.ndarray,
    traded_in: np.ndarray,
    row_len: np.ndarray,
    uniq_people: np.ndarray,
    drank: np.ndarray,
    rank_reason: np.ndarray,
    has_ranking: bool,
    hops: int,
    params: dict[str, Any],
    ask_first: np.ndarray,
) -> list[str]:
    """One plain sentence per ambassador (k of them, not one per row of data)."""
    names = graph.department_names
    dcode = graph.department_codes
    dept_amb = np.bincount(dcode[members], minlength=len(names))
    within = "" if hops == 1 else " within 2 ties"
    reasons = []
    for j, m in enumerate(members):
        dep = names[dcode[m]]
        parts = [ASK_FIRST] if ask_first[j] else []
        if included[j]:
            parts.append("included on request")
        parts.append(f"covers {dep}" + (" (only ambassador there)" if dept_amb[dcode[m]] == 1 else ""))
        noun = "colleague" if row_len[j] == 1 else "colleagues"
        parts.append(f"reaches {int(row_len[j])} {noun}{within} "
                     f"({int(uniq_people[j])} not reached by other ambassadors)")
        if has_ranking and not np.isnan(drank[m]):
            parts.append(f"#{int(drank[m])} in {dep} by score")
        if traded_in[j]:
            parts.append(f"preferred for score over reach (reach_tolerance={params['reach_tolerance']:g})")
        sentence = "; ".join(parts)
        extra = str(rank_reason[m]).strip()
        if extra:
            sentence += f". {extra}"
        reasons.append(sentence)
    return reasons


def coverage_table(graph: CollaborationGraph, cand_mask: np.ndarray, members: np.ndarray,
                   reached: np.ndarray) -> pd.DataFrame:
    """Per department: size, eligible, ambassadors, reached, share_reached."""
    names = graph.department_names
    n_dept = len(names)
    dcode = graph.department_codes
    sizes = np.bincount(dcode, minlength=n_dept)
    reached_d = np.bincount(dcode[reached], minlength=n_dept)
    return pd.DataFrame(
        {"size": sizes, "eligible": np.bincount(dcode[cand_mask], minlength=n_dept),
         "ambassadors": np.bincount(dcode[members], minlength=n_dept), "reached": reached_d,
         "share_reached": np.divide(reached_d, sizes, out=np.zeros(n_dept), where=sizes > 0)},
        index=names,
    )


def backups_table(
    graph, inst, cand, chosen, score, rank, drank, objective, *, by_score: bool
) -> pd.DataFrame:
    """Two next-best candidates per department: most added reach w.r.t. the plan, then score;
    ``by_score`` (objective "score", or a reach tolerance): score first, then added reach, the
    same trade the plan itself makes."""
    names = graph.department_names
    nc = inst.nc
    is_chosen = np.zeros(nc, dtype=bool)
    is_chosen[chosen] = True
    if inst.cover.lazy:
        added = np.zeros(nc)
    else:
        items, _ = inst.cover.rows(chosen)
        covered = np.zeros(inst.cover.n_items, dtype=bool)
        covered[items] = True
        added = inst.cover.gains(np.where(covered, 0.0, inst.w))
    if by_score:
        keys = (inst.idr, -np.round(added, 9), -score[cand], inst.dept)
    else:
        keys = (inst.idr, -score[cand], -np.round(added, 9), inst.dept)
    order = np.lexsort(keys)
    order = order[~is_chosen[order]]
    frame = pd.DataFrame({"pos": order, "d": inst.dept[order]})
    frame["backup_rank"] = frame.groupby("d").cumcount() + 1
    frame = frame[frame["backup_rank"] <= 2]
    pos = frame["pos"].to_numpy()
    codes = cand[pos]
    add = added[pos]
    add_out = np.round(add).astype(np.int64) if np.allclose(add, np.round(add)) else add
    dep = np.asarray(names)[inst.dept[pos]]
    gain_text = ("would add {a:.1f} to the expected spread" if objective == "spread"
                 else "would reach {a:g} more people")
    reasons = [
        f"backup #{int(b)} for {d}: " + gain_text.format(a=a)
        + (f"; #{int(r)} in {d} by score" if not np.isnan(r) else "")
        for d, b, a, r in zip(dep, frame["backup_rank"].to_numpy(), add, drank[codes], strict=True)
    ]
    return pd.DataFrame(
        {
            "department": dep,
            "person_id": graph.ids[codes].astype(str),
            "backup_rank": frame["backup_rank"].to_numpy(),
            "added_reach": add_out,
            "score": score[codes],
            "rank": rank[codes],
            "reason": reasons,
        }
    ).reset_index(drop=True)


def best_bridges(graph: CollaborationGraph, depts: np.ndarray, *, among: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For each department code in ``depts``: the person outside it with most colleagues in it
    (ties by person_id), optionally only ``among`` a mask of people; -1 (and 0 ties) when nobody.

    One sparse product over the people of those departments: ``O(ties into them)``.
    """
    names = graph.department_names
    dcode = graph.department_codes
    n = graph.n_people
    bridge, ties = np.full(len(depts), -1, dtype=np.int64), np.zeros(len(depts), dtype=np.int64)
    if len(depts) == 0:
        return bridge, ties
    col_of = np.full(len(names), -1)
    col_of[depts] = np.arange(len(depts))
    inside = col_of[dcode] >= 0
    P = sp.csr_array((np.ones(int(inside.sum())), (np.flatnonzero(inside), col_of[dcode[inside]])),
                     shape=(n, len(depts)))
    T = sp.coo_array(as_float(graph.closed_neighbors) @ P)  # self-ties drop out below
    r, c, v = T.row, T.col, T.data
    keep = dcode[r] != depts[c]
    if among is not None:
        keep &= among[r]
    r, c, v = r[keep], c[keep], v[keep]
    first = best_in_groups(c, v, id_rank(graph.ids)[r].astype(np.int64), len(depts))
    bridge[c[first]], ties[c[first]] = r[first], v[first].astype(np.int64)
    return bridge, ties


def uncovered_table(
    graph: CollaborationGraph,
    coverage: pd.DataFrame,
    elig: np.ndarray,
    members: np.ndarray,
    *,
    bridge_among: np.ndarray | None = None,
) -> pd.DataFrame:
    """Departments with nobody eligible, each with the outside person most tied into it (with
    ``bridge_among``: the best bridge among those people, e.g. the enthusiasts)."""
    cols = ["size", "bridge", "bridge_department", "bridge_ties", "bridge_eligible", "bridge_is_ambassador"]
    names = graph.department_names
    dcode = graph.department_codes
    U = np.flatnonzero(np.bincount(dcode[elig], minlength=len(names)) == 0)
    if U.size == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="department"))
    bridge, ties = best_bridges(graph, U, among=bridge_among)
    is_member = np.zeros(graph.n_people, dtype=bool)
    is_member[members] = True
    has = bridge >= 0
    b = np.where(has, bridge, 0)
    return pd.DataFrame(
        {
            "size": coverage["size"].to_numpy()[U].astype(int),
            "bridge": np.where(has, graph.ids[b].astype(str), None),
            "bridge_department": np.where(has, np.asarray(names)[dcode[b]].astype(str), None),
            "bridge_ties": ties.astype(int),
            "bridge_eligible": has & elig[b],
            "bridge_is_ambassador": has & is_member[b],
        },
        index=pd.Index(names[U], name="department"),
    )


def recruit_here_table(
    graph: CollaborationGraph,
    pool_mask: np.ndarray,
    fallback: np.ndarray,
    enthusiast: np.ndarray,
    basis: np.ndarray,
    members: np.ndarray,
    *,
    min_per_department: int,
) -> pd.DataFrame:
    """Departments with fewer known enthusiasts than their minimum: where to recruit.

    Indexed by ``department``: ``size``, ``enthusiasts`` (eligible, known), ``ambassador`` (the
    person proposed there from outside the enthusiasts, or None), ``enthusiasm_basis``,
    ``note``, and the best enthusiastic ``bridge`` into it (``bridge_department``, ``bridge_ties``).
    """
    names = graph.department_names
    dcode = graph.department_codes
    ent = np.bincount(dcode[pool_mask & enthusiast], minlength=len(names))
    depts = np.flatnonzero(ent < min_per_department)
    bridge, ties = best_bridges(graph, depts, among=pool_mask & enthusiast)
    asked = members[fallback[members]]
    amb = np.full(len(names), -1, dtype=np.int64)
    amb[dcode[asked]] = asked
    a = amb[depts]
    has_a, has_b = a >= 0, bridge >= 0
    a0, b0 = np.where(has_a, a, 0), np.where(has_b, bridge, 0)
    note = np.where(has_a, f"proposed ambassador: {ASK_FIRST}", "no ambassador: recruit an enthusiast here")
    return pd.DataFrame(
        {"size": np.bincount(dcode, minlength=len(names))[depts], "enthusiasts": ent[depts],
         "ambassador": or_none(has_a, graph.ids[a0].astype(str)),
         "enthusiasm_basis": or_none(has_a, basis[a0].astype(str)), "note": note,
         "bridge": or_none(has_b, graph.ids[b0].astype(str)),
         "bridge_department": or_none(has_b, np.asarray(names)[dcode[b0]].astype(str)),
         "bridge_ties": ties.astype(int)},
        index=pd.Index(names[depts], name="department"))
