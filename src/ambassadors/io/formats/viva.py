"""Viva Insights / Workplace Analytics exports: person-to-person ties and the person roster.

* :func:`read_viva_p2p` reads a **person-to-person query** CSV (one row per collaborator pair
  and week: ``PrimaryCollaborator_PersonId``, ``SecondaryCollaborator_PersonId``,
  ``MetricDate`` and tie metrics) into interactions of channel ``viva`` whose weight is the
  tie score (hours of collaboration, by default).
* :func:`read_viva_person_query` reads a **person query** CSV (one row per person and week:
  ``PersonId``, ``MetricDate``, HR attributes such as ``Organization`` and
  ``LevelDesignation``, and weekly metrics) into the people table, so that the pseudonymised
  ``PersonId`` of both queries match.

Weight of a p2p row, first that exists: the column given as ``score=``; Viva's tie score
(``Strong_tie_score``, ``StrongTieScore`` of the simulator, ``Diverse_tie_score``);
``Collaboration_hours``; the sum of the ``*_hours`` columns (``Meeting_hours + Email_hours +
...``); a generic score (``Tie_score``, ``Score``, ``Strength``, ``Weight``); else 1. The choice is
noted in the report. A p2p row is a collaboration, not a message: by default it is read as an
undirected tie, half its weight each way (``direction=``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors._text import snake_name
from ambassadors._validation import check_choice
from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport
from ambassadors.io.people import latest_snapshot, read_people
from ambassadors.io.tables import parse_datetimes, to_number

from ._common import (
    csv_header,
    finish,
    new_report,
    norm_key,
    pick_column,
    read_csv_columns,
    resolve_roles,
)

__all__ = ["read_viva_p2p", "parse_viva_p2p", "read_viva_person_query", "read_viva_person_signals",
           "ROLES", "PERSON_ATTRIBUTES", "SURVEY_ITEMS", "ACTIVITY_COUNTS"]

#: Survey items of Viva Glint / pulse answers carried in a person query (Microsoft's sample has
#: these), read as ``survey_<name>`` signals: the latest answer of each person.
SURVEY_ITEMS = ("eSat", "Wellbeing", "Manager_Recommend", "Speak_My_Mind", "Initiative",
                "Change_Adaptation", "Collaboration", "Communication_Flow", "Continuous_Improvement",
                "Barriers_to_Execution", "Resources", "Work_Life_Balance", "Workload")
#: Weekly counts that show visible, voluntary activity, read as ``activity_<name>`` signals:
#: summed over the weeks. (Meeting hours or e-mails sent measure workload, not enthusiasm.)
ACTIVITY_COUNTS = ("Channel_message_posts",)

ROLES: dict[str, tuple[str, ...]] = {
    "source": ("PrimaryCollaborator_PersonId", "Primary_PersonId", "PersonId"),
    "target": ("SecondaryCollaborator_PersonId", "Secondary_PersonId", "CollaboratorId"),
    "timestamp": ("MetricDate", "Date", "Week"),
}
#: Viva's own tie scores, in the order they are preferred as the weight.
TIE_SCORES = ("Strong_tie_score", "StrongTieScore", "Diverse_tie_score", "DiverseTieScore")
_GENERIC_SCORES = ("Tie_score", "TieScore", "Score", "Strength", "Weight")
DIRECTIONS = ("undirected", "as_given")
PERSON_ATTRIBUTES = {
    "personid": "person_id", "organization": "department", "leveldesignation": "level",
    "hiredate": "hire_date", "managerid": "manager_id",
}
"""Viva person-query columns renamed to the people schema (matched case-insensitively)."""
_KNOWN_ATTRIBUTES = {"layer", "region", "supervisorindicator", "timezone", "isactive", "domain",
                     "functiontype", "leveldesignation", "organization", "hiredate", "managerid"}


def _weight_columns(header: list[str], score: str | None) -> tuple[list[str], str]:
    if score is not None:
        if score not in header:
            raise InputError(f"score column {score!r} not found; columns are: {', '.join(header)}")
        return [score], f"weight: column {score!r}"
    tie = pick_column(header, TIE_SCORES)
    if tie:
        return [tie], f"weight: {tie!r} (Viva tie score; score= chooses another column)"
    collab = pick_column(header, ["Collaboration_hours"])
    if collab:
        return [collab], f"weight: {collab!r}"
    hours = [c for c in header if re.search(r"hours$", c, re.I) and "collaborator" not in c.lower()]
    if hours:
        return hours, "weight: sum of " + ", ".join(repr(c) for c in hours)
    generic = pick_column(header, _GENERIC_SCORES)
    if generic:
        return [generic], f"weight: {generic!r}"
    return [], "weight: 1 per row (no tie score column found)"


def parse_viva_p2p(
    path: str | os.PathLike[str], *, columns: dict[str, str] | None = None, score: str | None = None,
    direction: str = "undirected",
) -> tuple[pd.DataFrame, LoadReport]:
    """Raw pairs and the report so far from a person-to-person query (see :func:`read_viva_p2p`)."""
    check_choice(direction, "direction", DIRECTIONS)

    path = Path(path)
    report = new_report(path, fmt="viva_p2p")
    header = csv_header(path)
    roles = resolve_roles(path, header, ROLES, required=("source", "target"), columns=columns)
    wcols, note = _weight_columns(header, score)
    report.notes.append(note)
    frame = read_csv_columns(path, [*roles.values(), *wcols])
    n = len(frame)
    report.rows_read += n
    weight = np.ones(n) if not wcols else np.zeros(n)
    for c in wcols:
        num, bad = to_number(frame[c], decimal_comma=frame.attrs.get("sep") != ",")
        num = num.to_numpy(dtype=float, na_value=np.nan)
        # a blank metric is 0 hours; a non-number makes the row bad_value (NaN)
        weight = weight + np.where(bad, np.nan, np.nan_to_num(num, nan=0.0))
    pairs = pd.DataFrame({
        "row": np.arange(n, dtype=np.int64),
        "source": frame[roles["source"]].to_numpy(dtype=object),
        "target": frame[roles["target"]].to_numpy(dtype=object),
        "timestamp": frame[roles["timestamp"]].to_numpy(dtype=object) if "timestamp" in roles else None,
        "weight": weight,
    })
    if direction == "undirected":
        # a row is a collaboration of two people, not a message from one to the other: half
        # its score each way, so that the tie's strength is the score and in-degree and
        # PageRank treat both people alike
        back = pairs.rename(columns={"source": "target", "target": "source"})
        pairs = pd.concat([pairs, back[pairs.columns]], ignore_index=True)
        pairs["weight"] = pairs["weight"] / 2
        report.notes.append("direction: each row read as an undirected tie (half its weight each way)")
    else:
        report.notes.append("direction: as given (Primary -> Secondary)")
    return pairs, report


def read_viva_p2p(
    path: str | os.PathLike[str],
    *,
    people: pd.DataFrame | Loaded | None = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
    score: str | None = None,
    direction: str = "undirected",
) -> Loaded:
    """Read a Viva Insights person-to-person query into the canonical interactions table.

    A row ``PrimaryCollaborator_PersonId, SecondaryCollaborator_PersonId, MetricDate, ...``
    describes a collaboration between two people in one week, weight = its tie score
    (``Strong_tie_score``, else ``Diverse_tie_score``, else hours; see the module docstring).
    By default (``direction="undirected"``) it becomes two interactions, one each way, of half
    the score: the tie's strength is the score, and in-degree and PageRank, which follow
    directed ties, see both people alike. ``direction="as_given"`` keeps Primary -> Secondary
    with the full score (for a query whose rows do mean a direction).

    Parameters
    ----------
    path : path-like
        The query's CSV export.
    people : DataFrame or Loaded, optional
        Roster, typically :func:`read_viva_person_query` of the same tenant (same PersonIds).
    columns : dict, optional
        ``{"their column": "role"}``; roles: ``source, target, timestamp``.
    channel : str, optional
        Channel label (default ``"viva"``).
    score : str, optional
        Column to use as the weight (default: Viva's tie score, see above).
    direction : {"undirected", "as_given"}, default "undirected"
        How a row is read (see above).

    Returns
    -------
    Loaded
        ``(table, report)``; rows with a tie score of 0 are dropped as ``zero_weight``, non-numbers
        as ``bad_value``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p2p.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,"
    ...                  "Meeting_hours,Email_hours\\nP1,P2,2025-11-02,1.5,0.25\\n")
    >>> read_viva_p2p(p).table[["source", "target", "weight"]].astype(str).values.tolist()
    [['P1', 'P2', '0.875'], ['P2', 'P1', '0.875']]

    Notes
    -----
    Vectorised, one pass.

    References
    ----------
    Microsoft Learn, "Person-to-person query" and "Metric descriptions" (Viva Insights).
    """
    pairs, report = parse_viva_p2p(path, columns=columns, score=score, direction=direction)
    return finish(pairs, report, people=people, channel=channel, default_channel="viva")


def read_viva_person_query(path: str | os.PathLike[str]) -> Loaded:
    """Read a Viva Insights person query CSV into the people table (one row per person).

    ``PersonId`` -> ``person_id`` (index), ``Organization`` -> ``department``,
    ``LevelDesignation`` -> ``level``, ``HireDate`` -> ``hire_date``; other HR attributes
    (``FunctionType``, ``Layer``, ``Region``, ``SupervisorIndicator`` ...) are kept as they are.
    Weekly metric columns (numeric columns not among the known attributes, e.g.
    ``Collaboration_hours``, ``Emails_sent``) are left out. A person with several weekly rows is
    described by the row of the latest ``MetricDate``.

    Parameters
    ----------
    path : path-like
        The query's CSV export.

    Returns
    -------
    Loaded
        ``(people, report)``: ``rows_read`` counts weekly rows; rows of people kept are used;
        rows without ``PersonId`` are ``missing_id``; people without ``Organization`` are
        ``bad_value``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "persons.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("PersonId,MetricDate,Organization,LevelDesignation,Emails_sent\\n"
    ...                  "P1,2025-10-26,Sales,Junior,12\\nP1,2025-11-02,Marketing,Senior,9\\n")
    >>> people, report = read_viva_person_query(p)
    >>> people[["department", "level"]].to_dict("index")
    {'P1': {'department': 'Marketing', 'level': 'Senior'}}

    Notes
    -----
    Vectorised; one sort by (PersonId, MetricDate).
    """

    path = Path(path)
    header = csv_header(path)
    pid = pick_column(header, ["PersonId", "Person_Id", "HashedId"])
    org = pick_column(header, ["Organization", "Organisation"])
    if pid is None or org is None:
        missing = "PersonId" if pid is None else "Organization"
        raise InputError(f"{path.name}: column {missing!r} not found; columns are: {', '.join(header)}")
    frame = read_csv_columns(path, header)
    report = new_report(path, kind="people", fmt="viva_person_query")
    report.rows_read = len(frame)
    date_col = pick_column(header, ["MetricDate", "Date"])
    blank = frame[pid].isna().to_numpy()
    report.drop("missing_id", int(blank.sum()))
    frame = frame[~blank]
    if date_col is not None:
        latest, rows_per_person = latest_snapshot(frame, pid, date_col, notes=report.notes)
    else:
        rows_per_person = frame[pid].value_counts()
        latest = frame.drop_duplicates(pid, keep="last")
    no_org = latest[org].isna().to_numpy()
    if no_org.any():
        report.drop("bad_value", int(rows_per_person.reindex(latest.loc[no_org, pid]).sum()))
        report.notes.append(f"{int(no_org.sum())} people without Organization dropped (bad_value)")
    latest = latest[~no_org]
    keep = []
    dropped_metrics = []
    for col in latest.columns:
        key = norm_key(col)
        if col == date_col:
            continue
        if key in PERSON_ATTRIBUTES or key in _KNOWN_ATTRIBUTES:
            keep.append(col)
            continue
        _, bad = to_number(latest[col], decimal_comma=frame.attrs.get("sep") != ",")
        if bad.any():  # text: an HR attribute
            keep.append(col)
        else:
            dropped_metrics.append(col)
    if dropped_metrics:
        report.notes.append(f"{len(dropped_metrics)} weekly metric columns left out "
                            f"({', '.join(dropped_metrics[:5])}{' ...' if len(dropped_metrics) > 5 else ''})")
    rename = {c: PERSON_ATTRIBUTES[norm_key(c)] for c in keep if norm_key(c) in PERSON_ATTRIBUTES}
    for col in keep:
        # Microsoft's sample has both Level and LevelDesignation: the documented HR attribute
        # (LevelDesignation) is the level, the other keeps its own name
        target = col.lower()
        if col not in rename and target in rename.values():
            origin = next(c for c, t in rename.items() if t == target)
            report.notes.append(f"both {col!r} and {origin!r} could be the {target}: {origin!r} "
                                f"is read as {target!r}, {col!r} kept under its own name")
    people, sub = read_people(latest[keep].reset_index(drop=True).rename(columns=rename))
    report.rows_used = int(rows_per_person.reindex(people.index).sum())
    lost = report.rows_read - report.rows_used - report.rows_dropped
    report.drop("bad_value", lost)
    if len(latest) > len(people.index):
        report.notes.append(f"{len(latest) - len(people.index)} people refused by read_people")

    return Loaded(people, report)


def read_viva_person_signals(path: str | os.PathLike[str]) -> Loaded:
    """The survey answers and activity counts of a Viva Insights person query, as signals.

    A person query carries, besides HR attributes and workload metrics, pulse-survey items
    (:data:`SURVEY_ITEMS`: ``eSat``, ``Wellbeing`` ...) and voluntary activity
    (:data:`ACTIVITY_COUNTS`: ``Channel_message_posts``). They become one row per person:
    ``survey_<item>`` = the latest non-blank answer, ``activity_<count>`` = the sum over the
    weeks; the table plugs into :func:`ambassadors.read_signals` (and
    :func:`~ambassadors.enthusiasm.enthusiasm_scores` tells survey from activity columns by
    these prefixes). Columns of the query that are neither are left out (named in the report).

    Returns
    -------
    Loaded
        ``(signals, report)``: index ``person_id`` (the query's ``PersonId``), float columns;
        ``report`` counts the weekly rows (rows without ``PersonId``: ``missing_id``).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "pq.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("PersonId,MetricDate,Channel_message_posts,eSat,Organization\\n"
    ...                  "P1,10/05/2025,2,4,Sales\\nP1,10/12/2025,3,,Sales\\nP2,10/12/2025,0,2,IT\\n")
    >>> signals, report = read_viva_person_signals(p)
    >>> signals.rename(columns=lambda c: c[:10]).to_dict("index")
    {'P1': {'survey_esa': 4.0, 'activity_c': 5.0}, 'P2': {'survey_esa': 2.0, 'activity_c': 0.0}}
    """
    path = Path(path)
    header = csv_header(path)
    pid = pick_column(header, ["PersonId", "Person_Id", "HashedId"])
    if pid is None:
        raise InputError(f"{path.name}: column 'PersonId' not found; columns are: {', '.join(header)}")
    date_col = pick_column(header, ["MetricDate", "Date"])
    survey = [c for c in (pick_column(header, [s]) for s in SURVEY_ITEMS) if c]
    activity = [c for c in (pick_column(header, [a]) for a in ACTIVITY_COUNTS) if c]
    if not survey and not activity:
        raise InputError(f"{path.name}: no survey ({', '.join(SURVEY_ITEMS[:3])} ...) or activity "
                         f"({', '.join(ACTIVITY_COUNTS)}) columns in this person query")
    frame = read_csv_columns(path, [pid, *([date_col] if date_col else []), *survey, *activity])
    report = new_report(path, kind="signals", fmt="viva_person_query")
    report.rows_read = len(frame)
    blank = frame[pid].isna().to_numpy()
    report.drop("missing_id", int(blank.sum()))
    frame = frame[~blank]
    if date_col is not None:
        when, _ = parse_datetimes(frame[date_col], notes=report.notes)
        frame = frame.assign(_when=when.to_numpy()).sort_values([pid, "_when"], kind="stable",
                                                                na_position="first")
    decimal_comma = frame.attrs.get("sep", ",") != ","
    values = {c: to_number(frame[c], decimal_comma=decimal_comma)[0].to_numpy() for c in survey + activity}
    numbers = pd.DataFrame(values, index=frame[pid].to_numpy())
    grouped = numbers.groupby(level=0, sort=False)
    parts = []
    if survey:
        parts.append(grouped[survey].last().add_prefix("survey_"))  # last() skips blanks
    if activity:
        parts.append(grouped[activity].sum(min_count=1).add_prefix("activity_"))
    out = pd.concat(parts, axis=1)
    out.columns = [snake_name(c) for c in out.columns]
    out.index = pd.Index(out.index.astype(str), name="person_id")
    report.rows_used = len(frame)
    left_out = [c for c in header if c not in (pid, date_col, *survey, *activity)]
    report.notes.append(f"{len(survey)} survey and {len(activity)} activity columns read as signals; "
                        f"{len(left_out)} other columns left out")
    return Loaded(out, report)
