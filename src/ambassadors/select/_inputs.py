"""Inputs of the selection: the ranking columns, eligibility, weights, options and constraints."""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ambassadors.errors import InfeasibleError, InputError, describe_ids
from ambassadors.graph import CollaborationGraph
from ambassadors.io.load_report import as_frame
from ambassadors.select._coverage import position_in_group

#: One extra ambassador per this many people in a department (see :func:`default_size`).
PEOPLE_PER_EXTRA_AMBASSADOR = 500
#: The reason :func:`ambassadors.rank_candidates` gives to people who opted out.
OPTED_OUT_REASON = "opted out"
OBJECTIVES = ("reach", "score", "spread")
METHODS = ("auto", "greedy", "exact")


def default_size(graph: CollaborationGraph) -> int:
    """The default number of ambassadors: one per department plus one per full 500 people in it.

    .. math:: k = \\sum_d \\left(1 + \\lfloor n_d / 500 \\rfloor\\right)

    A department of 40 people gets one ambassador, one of 1,200 gets three. For a 50,000-person
    organisation in 42 departments this gives about 140.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    int

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 1200 + ["B"] * 40},
    ...                       index=[f"p{i}" for i in range(1240)])
    >>> log = pd.DataFrame({"source": ["p0"], "target": ["p1"]})
    >>> default_size(build_graph(people, log))
    4
    """
    sizes = graph.department_sizes.to_numpy()
    return int(np.sum(1 + sizes // PEOPLE_PER_EXTRA_AMBASSADOR))



#: ``(weak reference to an Index, its id_rank)``: the last index ranked (a selection ranks the
#: graph's ids about seven times; 0.12 s each at 200,000 people)
_last_id_rank: list[tuple[weakref.ref, np.ndarray]] = []


def id_rank(ids: pd.Index) -> np.ndarray:
    """Rank of each id in code-point order of ``str(id)`` (read-only; cached for the last Index)."""
    if _last_id_rank and _last_id_rank[0][0]() is ids:
        return _last_id_rank[0][1]
    values = np.asarray(pd.Index(ids).astype(str).to_numpy(dtype=object), dtype=str)  # code-point order
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    rank.setflags(write=False)
    if isinstance(ids, pd.Index):
        _last_id_rank[:] = [(weakref.ref(ids), rank)]
    return rank


#: The enthusiast-pool flags of :func:`ambassadors.rank_candidates` (all False without signals).
POOL_FLAGS = ("enthusiast", "reluctant", "enthusiasm_known")
#: The pools :func:`~ambassadors.propose_ambassadors` draws from (``pool=``).
POOLS = ("enthusiasts", "all")


def _flag(r: pd.DataFrame, column: str, default: bool = False) -> np.ndarray:
    if column not in r.columns:
        return np.full(len(r), default, dtype=bool)
    return r[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _text(r: pd.DataFrame, column: str, default: str = "") -> pd.Series:
    if column not in r.columns:
        return pd.Series(default, index=r.index, dtype=object)
    return r[column].astype(object).where(r[column].notna(), default).astype(str)


def _opted_out(r: pd.DataFrame, reason_ineligible: pd.Series) -> np.ndarray:
    if "opted_out" in r.columns:
        return _flag(r, "opted_out")
    # a ranking without the column: the opt-out rule's own reason, one of the "; "-joined ones
    pattern = r"(?:^|;)\s*" + re.escape(OPTED_OUT_REASON) + r"\s*(?:;|$)"
    return reason_ineligible.str.lower().str.contains(pattern, regex=True).to_numpy(dtype=bool)


def _no_ranking(graph: CollaborationGraph) -> pd.DataFrame:
    n = graph.n_people
    return pd.DataFrame(
        {"score": np.zeros(n), "rank": np.nan, "department_rank": np.nan, "eligible": True,
         "opted_out": False, "reason": "", "ineligible_reason": "", "in_ranking": True,
         **{flag: False for flag in POOL_FLAGS}, "enthusiasm_basis": ""},
        index=graph.ids,
    )


def ranking_columns(graph: CollaborationGraph, ranking: pd.DataFrame | None) -> pd.DataFrame:
    """Per node: score, rank, department_rank, eligible, opted_out, reason, ineligible_reason,
    in_ranking, and the pool columns enthusiast, reluctant, enthusiasm_known, enthusiasm_basis."""
    if ranking is None:
        return _no_ranking(graph)
    ranking = as_frame(ranking)
    if not isinstance(ranking, pd.DataFrame):
        raise InputError(f"ranking: expected a DataFrame from rank_candidates, got {type(ranking).__name__}")
    if "score" not in ranking.columns:
        raise InputError(
            "ranking: column 'score' not found; columns are: " + ", ".join(map(str, ranking.columns))
        )
    # only the columns used here (a ranking carries every measure: copying it all is wasted)
    used = ["score", "eligible", "ineligible_reason", "opted_out", "rank", "department_rank", "reason",
            *POOL_FLAGS, "enthusiasm_basis"]
    r = ranking[[c for c in used if c in ranking.columns]].copy()
    # ids as text (a string-typed index already is: converting 200,000 arrow strings one by one
    # took 0.5 s)
    r.index = (pd.Index(r.index, name="person_id") if isinstance(r.index.dtype, pd.StringDtype)
               else pd.Index([str(i) for i in r.index], name="person_id"))
    if r.index.has_duplicates:
        raise InputError(
            f"ranking: duplicate person_id: {describe_ids(r.index[r.index.duplicated()].unique())}"
        )
    listed = r.index.get_indexer(graph.ids) >= 0  # hash lookup (Index.isin on arrow strings is slow)
    r = r.reindex(graph.ids)
    in_ranking = r["score"].notna().to_numpy() | listed
    reason_ineligible = _text(r, "ineligible_reason")

    def number(column: str) -> np.ndarray:
        values = (
            pd.to_numeric(r[column], errors="coerce")
            if column in r.columns
            else pd.Series(np.nan, index=r.index)
        )
        return values.to_numpy(dtype=float)

    out = pd.DataFrame(
        {
            "score": np.nan_to_num(number("score"), nan=0.0),
            "rank": number("rank"),
            "department_rank": number("department_rank"),
            "eligible": _flag(r, "eligible", True) & in_ranking,
            "opted_out": _opted_out(r, reason_ineligible),
            "reason": _text(r, "reason").to_numpy(dtype=object),
            "ineligible_reason": np.where(
                in_ranking, reason_ineligible.to_numpy(dtype=object), "not in the ranking"
            ),
            "in_ranking": in_ranking,
            **{flag: _flag(r, flag) for flag in POOL_FLAGS},
            "enthusiasm_basis": _text(r, "enthusiasm_basis").to_numpy(dtype=object),
        },
        index=graph.ids,
    )
    out.attrs["given"] = True
    return out


def eligible_mask(graph: CollaborationGraph, eligible: Any) -> np.ndarray:
    n = graph.n_people
    if isinstance(eligible, pd.Series) and (
        eligible.dtype == bool or str(eligible.dtype) == "boolean" or pd.api.types.is_numeric_dtype(eligible)
    ):
        s = (
            (eligible != 0)
            if pd.api.types.is_numeric_dtype(eligible) and eligible.dtype != bool
            else eligible.copy()
        )
        s.index = pd.Index([str(i) for i in s.index])
        return s.reindex(graph.ids).astype("boolean").fillna(False).to_numpy(dtype=bool)
    if isinstance(eligible, str):
        eligible = [eligible]
    mask = np.zeros(n, dtype=bool)
    mask[graph.codes(list(eligible))] = True
    return mask


def person_weights(graph: CollaborationGraph, weighted: Any) -> tuple[np.ndarray, bool]:
    n = graph.n_people
    if weighted is False or weighted is None:
        return np.ones(n), True
    if weighted is True:
        strength = np.asarray(graph.undirected_weights().sum(axis=1), dtype=np.float64).ravel()
        mean = strength[strength > 0].mean() if (strength > 0).any() else 1.0
        return strength / mean, False
    if isinstance(weighted, (pd.Series, Mapping)):
        s = (
            pd.Series(weighted, dtype=float)
            if isinstance(weighted, Mapping)
            else pd.to_numeric(weighted, errors="coerce")
        )
        s.index = pd.Index([str(i) for i in s.index])
        w = s.reindex(graph.ids).fillna(0.0).to_numpy(dtype=np.float64)
        if (w < 0).any():
            raise InputError(f"weighted: negative weights for {describe_ids(graph.ids[w < 0])}")
        return w, bool(np.all(w == np.round(w)))
    raise InputError(
        f"weighted: expected True, False or a Series of per-person weights, got {type(weighted).__name__}"
    )


def check_options(*, graph: Any, objective: str, method: str, hops: int, size: Any, min_per_department: int,
                  max_per_department: int | None, reach_tolerance: Any, pool: str = "enthusiasts",
                  max_contacts: Any = None) -> float:
    """Raise on a bad option of :func:`~ambassadors.propose_ambassadors`; return ``reach_tolerance``."""
    if not isinstance(graph, CollaborationGraph):
        raise InputError(f"graph: expected a CollaborationGraph, got {type(graph).__name__}")
    if objective not in OBJECTIVES:
        raise InputError(f"objective must be one of {', '.join(OBJECTIVES)}; got {objective!r}")
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if hops not in (1, 2):
        raise InputError(f"hops must be 1 or 2, got {hops!r}")
    if max_contacts is not None and (
        isinstance(max_contacts, bool) or not isinstance(max_contacts, (int, np.integer)) or max_contacts < 1
    ):
        raise InputError(f"max_contacts must be a positive whole number or None, got {max_contacts!r}")
    if pool not in POOLS:
        raise InputError(f"pool must be one of {', '.join(POOLS)}; got {pool!r}")
    if size is not None and (not isinstance(size, (int, np.integer)) or size <= 0):
        raise InputError(f"size must be a positive whole number, got {size!r}")
    if min_per_department < 0:
        raise InputError(f"min_per_department must be >= 0, got {min_per_department!r}")
    if max_per_department is not None and max_per_department < 1:
        raise InputError(f"max_per_department must be >= 1, got {max_per_department!r}")
    if max_per_department is not None and max_per_department < min_per_department:
        raise InfeasibleError(
            f"max_per_department={max_per_department} is below min_per_department={min_per_department}: "
            "raise the cap or lower the minimum"
        )
    if (
        isinstance(reach_tolerance, (bool, np.bool_))
        or not isinstance(reach_tolerance, (int, float, np.number))
        or not 0.0 <= float(reach_tolerance) < 1.0
    ):
        raise InputError(
            f"reach_tolerance must be a number with 0 <= reach_tolerance < 1, got {reach_tolerance!r}"
        )
    if float(reach_tolerance) > 0 and objective == "score":
        raise InputError("reach_tolerance applies to objective='reach' or 'spread'; objective='score' "
                         "already maximises the score: pass reach_tolerance=0 or another objective")
    return float(reach_tolerance)


def _id_list(ids: Any) -> list[str]:
    return [ids] if isinstance(ids, str) else [str(i) for i in ids]


def plan_params(*, size, min_per_department, max_per_department, include, exclude, eligible, objective, hops,
                weighted, method, time_limit, strict, seed, p, runs, reach_tolerance, pool) -> dict[str, Any]:
    """The options a plan was made with, as ``Plan.params`` records them."""
    params = dict(size=size, min_per_department=min_per_department, max_per_department=max_per_department,
                  include=_id_list(include), exclude=_id_list(exclude),
                  eligible=None if eligible is None else "given", objective=objective, hops=hops,
                  weighted=weighted if isinstance(weighted, bool) else "per-person weights",
                  method=method, time_limit=time_limit, strict=strict, seed=seed, pool=pool)
    if objective == "spread":
        params.update(p=p, runs=runs)
    params["reach_tolerance"] = reach_tolerance
    return params


@dataclass
class Problem:
    """Who may be chosen and under which department rules (all arrays per node code, except
    ``req`` and ``cap``, per department code)."""

    info: pd.DataFrame           # from ranking_columns
    include: np.ndarray          # node codes that must be chosen (unique, sorted)
    eligible: np.ndarray         # bool: in the pool and not opted out
    candidates: np.ndarray       # bool: eligible and not excluded, plus the included
    req: np.ndarray              # per department minimum
    cap: np.ndarray              # per department maximum
    size: int
    pool: Pool
    notes: list[str] = field(default_factory=list)


def _include_exclude(graph: CollaborationGraph, params: dict[str, Any], opted_out: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    include = graph.codes(params["include"]) if params["include"] else np.zeros(0, dtype=np.int64)
    exclude = graph.codes(params["exclude"]) if params["exclude"] else np.zeros(0, dtype=np.int64)
    include = np.unique(include)
    both = np.intersect1d(include, exclude)
    if both.size:
        raise InputError(f"include and exclude both name {describe_ids(graph.ids[both])}")
    if opted_out[include].any():
        bad = include[opted_out[include]]
        raise InfeasibleError(
            f"include names people who opted out: {describe_ids(graph.ids[bad])}; remove them"
        )
    return include, exclude


class Pool(NamedTuple):
    """Whom the group is drawn from.

    ``mask``: the pool (node codes); ``fallback``: the people in it only because their
    department has too few known enthusiasts (enthusiasm unknown - ask first); ``active``: the
    enthusiast pool is in force (signals given and ``pool="enthusiasts"``); ``description``: one
    sentence for the Plan.
    """

    mask: np.ndarray
    fallback: np.ndarray
    active: bool
    description: str


def enthusiast_pool(graph: CollaborationGraph, info: pd.DataFrame, base: np.ndarray, *, pool: str,
                    min_per_department: int, strict: bool) -> Pool:
    """The pool of :func:`~ambassadors.propose_ambassadors` among ``base`` (eligible, not excluded).

    With enthusiasm signals and ``pool="enthusiasts"``: the people known to be enthusiastic;
    a department with fewer than ``min_per_department`` of them is topped up (unless ``strict``)
    with its most promising people (highest score, then person_id) who are neither known
    enthusiasts nor reluctant. Otherwise (``pool="all"``, or no signals): all of ``base``.
    """
    none = np.zeros(graph.n_people, dtype=bool)
    has_signals = bool(info["enthusiasm_known"].any() or info["enthusiast"].any())
    if pool == "all" or not has_signals:
        why = "pool='all'" if pool == "all" else "no enthusiasm signals"
        return Pool(base, none, False, f"everyone eligible ({why}): {int(base.sum())} people")
    enthusiast = info["enthusiast"].to_numpy(dtype=bool)
    ent = base & enthusiast
    fallback = none.copy()
    if not strict:
        dcode = graph.department_codes
        short = np.maximum(
            min_per_department - np.bincount(dcode[ent], minlength=len(graph.department_names)), 0
        )
        maybe = np.flatnonzero(
            base & ~enthusiast & ~info["reluctant"].to_numpy(dtype=bool) & (short[dcode] > 0)
        )
        score = info["score"].to_numpy(dtype=np.float64)
        order = maybe[np.lexsort((id_rank(graph.ids)[maybe], -score[maybe]))]
        fallback[order[position_in_group(dcode[order]) < short[dcode[order]]]] = True
    text = f"known enthusiasts: {int(ent.sum())} people"
    if fallback.any():
        n_dep = len(np.unique(graph.department_codes[fallback]))
        text += (
            f", and {int(fallback.sum())} whose enthusiasm is unknown in {n_dep} department(s) without enough"
        )
    return Pool(ent | fallback, fallback, True, text)


def who_may_be_chosen(graph: CollaborationGraph, info: pd.DataFrame, params: dict[str, Any], eligible: Any,
                      notes: list[str]) -> tuple[np.ndarray, Pool, np.ndarray]:
    """``(include codes, pool, candidate mask)``; opted-out people are in neither."""
    opted_out = info["opted_out"].to_numpy(dtype=bool)
    include, exclude = _include_exclude(graph, params, opted_out)
    elig = info["eligible"].to_numpy(dtype=bool) if eligible is None else eligible_mask(graph, eligible)
    elig = elig & ~opted_out
    base = elig.copy()
    base[exclude] = False
    pool = enthusiast_pool(
        graph,
        info,
        base,
        pool=params["pool"],
        min_per_department=params["min_per_department"],
        strict=params["strict"],
    )
    if pool.active:
        elig = pool.mask | (elig & info["enthusiast"].to_numpy(dtype=bool))  # the excluded stay "eligible"
    cand = pool.mask.copy()
    not_eligible_included = include[~cand[include]]
    if not_eligible_included.size:
        notes.append(f"included although not eligible: {describe_ids(graph.ids[not_eligible_included])}")
    cand[include] = True
    return include, pool._replace(mask=elig), cand


def department_limits(graph: CollaborationGraph, cand: np.ndarray, include: np.ndarray, *,
                      min_per_department: int, max_per_department: int | None, strict: bool
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Per department ``(req, cap)``: the minimum (what the candidates allow, at least the
    included) and the maximum."""
    names = graph.department_names
    n_dept = len(names)
    dcode = graph.department_codes
    cand_per_dept = np.bincount(dcode[cand], minlength=n_dept)
    inc_per_dept = np.bincount(dcode[include], minlength=n_dept)
    cap = np.full(
        n_dept, graph.n_people if max_per_department is None else int(max_per_department), dtype=np.int64
    )
    over = np.flatnonzero(inc_per_dept > cap)
    if over.size:
        raise InfeasibleError(
            f"include puts more than max_per_department={max_per_department} people in "
            f"{describe_ids(names[over])}: raise the cap or shorten include"
        )
    short = np.flatnonzero(cand_per_dept < min_per_department)
    if strict and short.size:
        raise InfeasibleError(
            f"fewer than {min_per_department} eligible people in department(s) {describe_ids(names[short])}: "
            "make people there eligible, lower min_per_department, or pass strict=False"
        )
    req = np.minimum(min_per_department, cand_per_dept).astype(np.int64)
    return np.maximum(req, inc_per_dept), cap


def plan_size(graph: CollaborationGraph, size: int | None, cand: np.ndarray, include: np.ndarray,
              req: np.ndarray, cap: np.ndarray, *, min_per_department: int) -> int:
    """The number of ambassadors: ``size``, or :func:`default_size` within what the rules allow;
    raise :class:`InfeasibleError` naming what to change when no plan of that size exists."""
    names = graph.department_names
    dcode = graph.department_codes
    cand_per_dept = np.bincount(dcode[cand], minlength=len(names))
    inc_per_dept = np.bincount(dcode[include], minlength=len(names))
    need = int(req.sum())
    achievable = int(np.minimum(cap, cand_per_dept).sum())
    if size is None:
        size = max(min(default_size(graph), achievable), need)
        if size == 0:
            raise InfeasibleError("nobody can be chosen: no eligible person outside exclude")
    size = int(size)
    if len(include) > size:
        raise InfeasibleError(
            f"include names {len(include)} people but size is {size}: "
            f"raise size to at least {len(include)} or shorten include"
        )
    dept_min = np.minimum(min_per_department, cand_per_dept)
    to_cover = np.flatnonzero(dept_min > 0)
    if int(dept_min.sum()) > size:
        raise InfeasibleError(
            f"size={size} is below the {int(dept_min.sum())} ambassadors the department minimums need "
            f"({len(to_cover)} departments: {describe_ids(names[to_cover])}): raise size to at least "
            f"{int(dept_min.sum())} or lower min_per_department"
        )
    if need > size:
        open_d = np.flatnonzero(dept_min > inc_per_dept)
        raise InfeasibleError(
            f"size={size} cannot hold the {len(include)} included people plus the minimums of "
            f"{describe_ids(names[open_d])} (needs {need}): raise size to {need} or shorten include"
        )
    if size > achievable:
        raise InfeasibleError(
            f"size={size} but only {achievable} people can be chosen (eligible, not excluded, within "
            f"max_per_department): lower size to {achievable} or widen eligibility"
        )
    return size


def problem(graph: CollaborationGraph, ranking: Any, params: dict[str, Any], *, eligible: Any,
            size: int | None) -> Problem:
    """The :class:`Problem` of a call of :func:`~ambassadors.propose_ambassadors`."""
    notes: list[str] = []
    info = ranking_columns(graph, ranking)
    include, pool, cand = who_may_be_chosen(graph, info, params, eligible, notes)
    mpd = params["min_per_department"]
    # with the enthusiast pool, strict=True means "enthusiasts only": short departments stay uncovered
    req, cap = department_limits(graph, cand, include, min_per_department=mpd,
                                 max_per_department=params["max_per_department"],
                                 strict=params["strict"] and not pool.active)
    k = plan_size(graph, size, cand, include, req, cap, min_per_department=mpd)
    return Problem(info=info, include=include, eligible=pool.mask, candidates=cand, req=req, cap=cap, size=k,
                   notes=notes, pool=pool)


def scaled_scores(info: pd.DataFrame, cand: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """The candidates' composite scores scaled to [0, 1] (all 0 when equal), and their range."""
    sc = info["score"].to_numpy(dtype=np.float64)[cand]
    lo, hi = (float(sc.min()), float(sc.max())) if len(sc) else (0.0, 0.0)
    return ((sc - lo) / (hi - lo) if hi > lo else np.zeros(len(sc))), (lo, hi)
