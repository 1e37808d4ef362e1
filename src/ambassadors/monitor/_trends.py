"""Per-period and per-department figures, computed on the flat tie arrays in one pass.

Definitions (``docs/monitoring.md``):

* ``active_people``: roster people with at least one tie (either direction) in the period;
* ``ties``: ties of the period graph (directed ties, or unordered pairs when undirected);
* ``cross_department_share``: share of the period's tie weight between people of different
  departments;
* ``reach_share``: among active people who are not ambassadors, the share with a tie to an
  ambassador who is *active* in the period (sent at least one interaction in it);
* ``active_ambassadors``: ambassadors who sent at least one interaction in the period;
* ``new_adopters``: people whose first adoption occurrence falls in the period; ``adopters``
  the running total; ``adoption_share`` adopters over the roster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.monitor._periods import PeriodTies

__all__ = ["period_table", "department_table", "first_adoption"]


def first_adoption(adoption: pd.DataFrame | None, people: pd.DataFrame) -> np.ndarray:
    """Per person code: time of the first occurrence (datetime64[ns], NaT if none)."""
    out = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[ns]")
    if adoption is None or len(adoption) == 0:
        return out
    codes = pd.Index(people.index.astype(str)).get_indexer(adoption["person_id"].astype(str))
    t = pd.to_datetime(adoption["timestamp"], utc=True).to_numpy(dtype="datetime64[ns]").view(np.int64)
    ok = codes >= 0
    first = np.full(len(people), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes[ok], t[ok])
    has = first != np.iinfo(np.int64).max
    out[has] = first[has].astype("datetime64[ns]")
    return out


def _activity(ties: PeriodTies, is_amb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean (periods x people): active, reached by an active ambassador; and active ambassadors."""
    P, n = ties.n_periods, len(ties.people)
    g, s, t = ties.period, ties.source, ties.target
    active = np.zeros(P * n, dtype=bool)
    active[g * n + s] = True
    active[g * n + t] = True
    amb_active = (ties.sent > 0) & is_amb[None, :]
    flat = amb_active.ravel()
    reached = np.zeros(P * n, dtype=bool)
    reached[(g * n + t)[flat[g * n + s]]] = True
    reached[(g * n + s)[flat[g * n + t]]] = True
    return active.reshape(P, n), reached.reshape(P, n), amb_active


def period_table(ties: PeriodTies, is_amb: np.ndarray, first: np.ndarray,
                 launch: pd.Timestamp) -> pd.DataFrame:
    """The ``periods`` table: one row per period (see the module docstring)."""
    P, n = ties.n_periods, len(ties.people)
    active, reached, amb_active = _activity(ties, is_amb)
    dept = ties.people["department"].to_numpy()
    cross = dept[ties.source] != dept[ties.target]
    total_w = np.bincount(ties.period, weights=ties.weight, minlength=P)
    cross_w = np.bincount(ties.period, weights=ties.weight * cross, minlength=P)
    n_ties = np.bincount(ties.period, minlength=P) // (1 if ties.directed else 2)
    others = active & ~is_amb[None, :]
    denominator = others.sum(axis=1)
    new = _new_adopters(first, ties)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame({
            "period": ties.starts.strftime("%Y-%m-%d"),
            "phase": np.where(ties.starts >= launch, "after", "before"),
            "active_people": active.sum(axis=1),
            "ties": n_ties,
            "cross_department_share": np.where(total_w > 0, cross_w / total_w, np.nan),
            "reach_share": np.where(denominator > 0, (reached & others).sum(axis=1) / denominator, np.nan),
            "active_ambassadors": amb_active.sum(axis=1),
            "new_adopters": new,
            "adopters": np.cumsum(new),
            "adoption_share": np.cumsum(new) / max(n, 1),
        })
    return frame


def _new_adopters(first: np.ndarray, ties: PeriodTies, dept: np.ndarray | None = None,
                  n_dept: int = 1) -> np.ndarray:
    """New adopters per period (or per period x department with ``dept``)."""
    P = ties.n_periods
    edges = np.r_[ties.starts.asi8, ties.ends.asi8[-1]]
    has = ~np.isnat(first)
    p = np.searchsorted(edges, first[has].view(np.int64), side="right") - 1
    # an adoption before the first period counts in the first, one after the last in the last
    p = np.clip(p, 0, P - 1)
    if dept is None:
        return np.bincount(p, minlength=P)
    return np.bincount(p * n_dept + dept[has], minlength=P * n_dept).reshape(P, n_dept)


def department_table(ties: PeriodTies, is_amb: np.ndarray, first: np.ndarray, *,
                     min_group_size: int = 5) -> pd.DataFrame:
    """The ``departments`` table: one row per department and period, with the same shares.

    Figures of a department with fewer than ``min_group_size`` active people in a period are
    masked (NaN), and so is its ``active_people`` count.
    """
    P = ties.n_periods
    cat = pd.Categorical(ties.people["department"].astype(str))
    dept = cat.codes.astype(np.int64)
    D = len(cat.categories)
    active, reached, amb_active = _activity(ties, is_amb)
    others = active & ~is_amb[None, :]
    pd_index = (np.arange(P)[:, None] * D + dept[None, :]).ravel()
    n_active = np.bincount(pd_index, weights=active.ravel(), minlength=P * D)
    n_others = np.bincount(pd_index, weights=others.ravel(), minlength=P * D)
    n_reached = np.bincount(pd_index, weights=(reached & others).ravel(), minlength=P * D)
    ds, dt = dept[ties.source], dept[ties.target]
    cross = ds != dt
    # a tie counts for the departments of both ends (once when they are the same)
    wk = np.r_[ties.period * D + ds, (ties.period * D + dt)[cross]]
    ww = np.r_[ties.weight, ties.weight[cross]]
    wc = np.r_[ties.weight * cross, ties.weight[cross]]
    total_w = np.bincount(wk, weights=ww, minlength=P * D)
    cross_w = np.bincount(wk, weights=wc, minlength=P * D)
    adopters = np.cumsum(_new_adopters(first, ties, dept, D), axis=0).ravel()
    size = np.bincount(dept, minlength=D)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame({
            "department": np.tile(cat.categories.astype(str), P),
            "period": np.repeat(ties.starts.strftime("%Y-%m-%d"), D),
            "active_people": n_active,
            "cross_department_share": np.where(total_w > 0, cross_w / total_w, np.nan),
            "reach_share": np.where(n_others > 0, n_reached / n_others, np.nan),
            "adoption_share": adopters / np.tile(np.maximum(size, 1), P),
        })
    small = frame["active_people"] < min_group_size
    frame.loc[small, ["active_people", "cross_department_share", "reach_share", "adoption_share"]] = np.nan
    frame["active_people"] = frame["active_people"].astype("Int64")
    return frame.sort_values(["department", "period"], kind="stable").reset_index(drop=True)
