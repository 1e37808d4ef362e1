"""Each ambassador's status, reach before and after the launch, and replacements.

Status rule (``docs/monitoring.md``): ``left`` when the roster says the person is gone
(``active`` false, a leaving date on or before the last day of data, or absent from a later
roster snapshot); else ``lapsed`` when they sent nothing in the last ``lapse_periods`` periods;
else ``active``. A replacement for a lapsed or departed ambassador is proposed by the
selection itself, with the rest of the group kept: ``propose_ambassadors(graph, ranking,
include=kept, size=len(kept) + k, eligible=<eligible people of that department who are not
ambassadors>)`` -- an incremental re-plan, department by department.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ambassadors.errors import AmbassadorsError, InputError, describe_ids
from ambassadors.io.tables import read_table
from ambassadors.monitor._periods import PeriodTies

__all__ = ["LEAVE_COLUMNS", "plan_ids", "ambassador_table", "propose_replacements"]

#: Roster columns read as a leaving date (first found).
LEAVE_COLUMNS = ("leave_date", "end_date", "termination_date", "left_on", "exit_date")


def plan_ids(plan: Any, people: pd.DataFrame) -> list[str]:
    """The ambassadors of ``plan`` (a Plan, a shortlist CSV, or ids), checked against the roster."""
    if hasattr(plan, "members"):
        ids = [str(x) for x in plan.members.index]
        source = "plan"
    elif isinstance(plan, (str, bytes)) or hasattr(plan, "__fspath__"):
        table = read_table(plan)
        source = str(plan)
        if "person_id" not in table.columns:
            raise InputError(f"{source}: column 'person_id' not found; columns are: "
                             f"{', '.join(table.columns)}")
        if "role" in table.columns:
            table = table[table["role"].astype(str).str.strip().str.lower() == "ambassador"]
        ids = table["person_id"].astype(str).str.strip().tolist()
    else:
        ids = [str(x) for x in plan]
        source = "plan"
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        raise InputError(f"{source}: no ambassador in the plan")
    missing = [i for i in ids if i not in people.index]
    if missing:
        raise InputError(f"{source}: {len(missing)} ambassador id(s) not in the roster: "
                         f"{describe_ids(missing)}")
    return ids


def _left(people: pd.DataFrame, codes: np.ndarray, last_day: pd.Timestamp,
          current: pd.DataFrame | None) -> np.ndarray:
    sub = people.iloc[codes]
    left = np.zeros(len(codes), dtype=bool)
    if "active" in sub.columns:
        left |= sub["active"].astype("boolean").fillna(True).eq(False).to_numpy(dtype=bool)
    col = next((c for c in LEAVE_COLUMNS if c in sub.columns), None)
    if col is not None:
        when = pd.to_datetime(sub[col], errors="coerce", utc=True)
        left |= (when <= last_day).fillna(False).to_numpy(dtype=bool)
    if current is not None:
        left |= ~sub.index.astype(str).isin(current.index.astype(str))
    return left


def ambassador_table(ties: PeriodTies, ambassadors: list[str], *, launch: pd.Timestamp,
                     reach_before: np.ndarray, reach_after: np.ndarray, lapse_periods: int = 2,
                     current_people: pd.DataFrame | None = None) -> pd.DataFrame:
    """``person_id, department, status, last_active, reach_before, reach_after`` per ambassador."""
    people = ties.people
    codes = pd.Index(people.index.astype(str)).get_indexer(ambassadors)
    sent = ties.sent[:, codes]
    recent = sent[-lapse_periods:].sum(axis=0) if lapse_periods > 0 else np.zeros(len(codes))
    last_day = ties.ends[-1]
    left = _left(people, codes, last_day, current_people)
    status = np.where(left, "left", np.where(recent == 0, "lapsed", "active"))
    last = pd.to_datetime(ties.last_sent[codes]).strftime("%Y-%m-%d")
    return pd.DataFrame({
        "person_id": ambassadors,
        "department": people["department"].iloc[codes].astype(str).to_numpy(),
        "status": status,
        "last_active": np.where(pd.isna(ties.last_sent[codes]), "", last),
        "reach_before": reach_before[codes].astype(np.int64),
        "reach_after": reach_after[codes].astype(np.int64),
        "replacement": "",
        "replacement_reason": "",
    })


def propose_replacements(table: pd.DataFrame, graph: Any, ranking: pd.DataFrame, *,
                         seed: int = 0, **selection: Any) -> pd.DataFrame:
    """Fill ``replacement`` / ``replacement_reason`` for lapsed and departed ambassadors."""
    from ambassadors.select import propose_ambassadors

    table = table.copy()
    gone = table["status"].isin(["lapsed", "left"]).to_numpy()
    kept = table.loc[~gone, "person_id"].tolist()
    planned = set(table["person_id"])
    eligible = ranking["eligible"].astype("boolean").fillna(False) if "eligible" in ranking.columns \
        else pd.Series(True, index=ranking.index)
    for dept, rows in table.loc[gone].groupby("department", sort=True):
        pool = ranking.index[(ranking["department"].astype(str) == dept).to_numpy()
                             & eligible.to_numpy(dtype=bool)
                             & ~ranking.index.astype(str).isin(list(planned))]
        if len(pool) == 0:
            table.loc[rows.index, "replacement_reason"] = (
                f"nobody eligible in {dept} who is not an ambassador")
            continue
        k = min(len(rows), len(pool))
        # adding one person to a fixed group, the greedy step is the exact best: no MILP needed
        options: dict[str, Any] = {"method": "greedy"} if k == 1 else {}
        options.update(selection)
        try:
            plan = propose_ambassadors(graph, ranking, include=kept, size=len(kept) + k, progress=False,
                                       eligible=list(pool), seed=seed, **options)
        except AmbassadorsError as exc:
            table.loc[rows.index, "replacement_reason"] = f"no replacement: {exc}"
            continue
        new = [str(x) for x in plan.members.index if str(x) not in set(kept)]
        new = sorted(new, key=lambda x: (ranking.loc[x, "rank"] if "rank" in ranking.columns else 0, x))
        for i, pid in zip(rows.index, new, strict=False):   # fewer candidates than gaps: some stay empty
            reason = str(plan.members.loc[pid, "reason"]) if "reason" in plan.members.columns else ""
            table.loc[i, "replacement"] = pid
            table.loc[i, "replacement_reason"] = (
                f"same department ({dept}), chosen by the selection with the rest of the group kept"
                + (f": {reason}" if reason else ""))
        kept += new
        planned |= set(new)
    return table
