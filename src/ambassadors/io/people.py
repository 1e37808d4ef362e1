"""HR roster -> the canonical people table (index ``person_id``, column ``department``).

Reads an export from an HR system (CSV/TSV, Excel, Parquet, JSON or a DataFrame), recognises the
usual column names (``Employee ID``, ``dept``, ``E-mail``, ``reports_to``, ...), keeps ids and
department labels as strings, converts the optional columns that have a type by contract
(``hire_date``, ``active``, numeric attributes) and checks that ids are unique. The table is
handed on to :func:`~ambassadors.io.interactions.read_interactions` (to resolve senders and
recipients) and to :func:`ambassadors.graph.build_graph`.
"""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd

from ambassadors._text import normalize_name
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.load_report import Loaded
from ambassadors.io.tables import (
    as_str_series,
    parse_datetimes,
    read_raw,
    resolve_columns,
    to_bool,
    to_number,
)

__all__ = ["read_people", "as_roster", "latest_snapshot", "PEOPLE_ALIASES", "PERSON_ID_ALIASES",
           "SNAPSHOT_DATE_ALIASES"]

#: Columns that date a row of a roster exported once per week or month (a Viva Insights person
#: query's ``MetricDate``, an HR history's ``EffectiveDate``): a person with several rows is
#: described by the latest one.
SNAPSHOT_DATE_ALIASES = ["metricdate", "effectivedate", "snapshotdate", "asofdate", "week",
                         "weekstarting", "weekof"]

PERSON_ID_ALIASES = ["employeeid", "employee", "empid", "empno", "employeeno", "employeenumber",
                     "personid", "personnelnumber", "staffid", "workerid", "userid", "id", "pid"]

#: Canonical column -> accepted names (compared case/space/underscore/hyphen-insensitively),
#: in priority order.
PEOPLE_ALIASES: dict[str, list[str]] = {
    "person_id": PERSON_ID_ALIASES,
    "department": ["dept", "departmentname", "deptname", "orgunit", "organizationalunit",
                   "organization", "organisation", "division", "team", "unit", "businessunit"],
    "email": ["mail", "emailaddress", "workemail", "emailaddr", "businessemail",
              "userprincipalname", "upn"],
    "manager_id": ["manager", "managerid", "supervisorid", "supervisor", "reportsto",
                   "linemanager", "linemanagerid", "bossid"],
    "name": ["fullname", "displayname", "employeename", "personname"],
    "title": ["jobtitle", "position", "role"],
    "location": ["office", "site", "city", "worklocation"],
    "level": ["grade", "joblevel", "band", "seniority"],
    "hire_date": ["hiredate", "startdate", "dateofhire", "joindate", "joined", "hired"],
    "active": ["isactive", "enabled"],
}

# Columns kept as text whatever they look like.
_TEXT_COLUMNS = {"person_id", "department", "email", "manager_id", "name", "title", "location",
                 "level"}


def _numeric_attribute(col: pd.Series, *, decimal_comma: bool) -> pd.Series | None:
    """The column as numbers when every non-blank value is a number without a leading zero."""
    s = as_str_series(col)
    nonblank = s[s != ""]
    if nonblank.empty:
        return None
    # "007" or "0042" are codes, not numbers; "0", "0.5" and "0,5" are numbers.
    if nonblank.str.match(r"^[+-]?0\d").any():
        return None
    nums, bad = to_number(s, decimal_comma=decimal_comma)
    if bad.any():
        return None
    values = nums.to_numpy()
    finite = values[~np.isnan(values)]
    if not np.isnan(values).any() and np.all(finite == np.floor(finite)) and \
            np.all(np.abs(finite) < 2**53):
        return pd.Series(values.astype(np.int64), index=col.index)
    return pd.Series(values, index=col.index)


def latest_snapshot(frame: pd.DataFrame, id_col: str, date_col: str, *,
                    notes: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """One row per person: the row of the latest date (rows without a date come first).

    Returns the collapsed frame and the number of input rows of each person (index: the ids).
    ``notes`` gets how many rows were collapsed and which attributes change over the weeks (a
    department or level that changed is then the latest one).

    Examples
    --------
    >>> weekly = pd.DataFrame({"PersonId": ["a", "a", "b"], "Organization": ["X", "Y", "X"],
    ...                        "MetricDate": ["10/05/2025", "10/12/2025", "10/12/2025"]})
    >>> notes = []
    >>> people, rows = latest_snapshot(weekly, "PersonId", "MetricDate", notes=notes)
    >>> people["Organization"].tolist(), rows.to_dict()
    (['Y', 'X'], {'a': 2, 'b': 1})
    >>> notes[-1]
    "attributes that change over the weeks (the latest is kept): 'Organization' (1 people)"
    """
    when, _ = parse_datetimes(frame[date_col], notes=notes)
    order = frame.assign(_when=when.to_numpy()).sort_values([id_col, "_when"], kind="stable",
                                                            na_position="first")
    order = order.drop(columns=["_when"])
    rows = order[id_col].value_counts(sort=False)
    latest = order.drop_duplicates(id_col, keep="last")
    if len(latest) < len(frame):
        notes.append(f"{len(frame)} dated rows ({date_col!r}) collapsed to {len(latest)} people: "
                     "the latest row of each person is kept")
        # text columns are attributes (a department, a level); numbers are weekly metrics
        attributes = [c for c in frame.columns if c not in (id_col, date_col)
                      and not pd.api.types.is_numeric_dtype(frame[c].dtype)
                      and to_number(frame[c])[1].any()]
        changed = order.groupby(id_col, sort=False)[attributes].nunique(dropna=False).gt(1).sum()
        changed = changed[changed > 0]
        if len(changed):
            notes.append("attributes that change over the weeks (the latest is kept): " + ", ".join(
                f"{c!r} ({int(n)} people)" for c, n in changed.items()))
    return latest, rows


def _check_departments(frame: pd.DataFrame, source: str) -> None:
    """A blank department would become a department named "" that takes an ambassador seat."""
    blank = (frame["department"] == "").to_numpy()
    if blank.any():
        raise InputError(f"{source}: blank department for person_id "
                         f"{describe_ids(frame.loc[blank, 'person_id'])}; fill it in (an explicit "
                         "label such as 'Unassigned' is read as a department of its own)")


def _check_emails(frame: pd.DataFrame, source: str) -> None:
    """Two people with one e-mail address (in any case) would get each other's mail."""
    if "email" not in frame:
        return
    email = frame["email"]
    taken = (email != "").to_numpy() & email.duplicated(keep=False).to_numpy()
    if taken.any():
        clash = frame[taken].sort_values(["email", "person_id"], kind="stable")
        first = clash["email"].iloc[0]
        ids = clash.loc[clash["email"] == first, "person_id"]
        raise InputError(f"{source}: person_id {describe_ids(ids)} share the e-mail address "
                         f"{first!r} (compared case-insensitively); "
                         f"{clash['email'].nunique()} address(es) are shared in all")


def read_people(path_or_frame: str | PathLike | pd.DataFrame, *,
                columns: dict[str, str] | None = None) -> Loaded:
    """Read an HR roster into the canonical people table.

    Parameters
    ----------
    path_or_frame : path or DataFrame
        CSV/TSV (any of ``, ; tab |``), ``.xlsx``, ``.parquet``, ``.json`` or a DataFrame.
    columns : dict, optional
        ``{"their column": "our column"}``, e.g. ``{"ID": "person_id", "DEPT": "department"}``;
        applied before the built-in aliases (:data:`PEOPLE_ALIASES`).

    Returns
    -------
    Loaded
        ``table`` indexed by ``person_id`` (str) with ``department`` (str) first, then the optional
        columns found (``name, email, manager_id, title, location, level`` as str, ``hire_date``
        datetime64[ns], ``active`` bool) and every other column as it is (columns whose values
        are all numbers become numbers; decimal commas are read when the file is not
        comma-delimited). ``report`` counts rows read, used and dropped (``missing_id``,
        ``duplicate_row``). A roster with one row per person and week (a Viva Insights person
        query: a ``MetricDate``, ``EffectiveDate`` ... column, :data:`SNAPSHOT_DATE_ALIASES`)
        is collapsed to the latest row of each person (:func:`latest_snapshot`); the earlier
        rows count as used, and the attributes that changed over the weeks are noted.

    Raises
    ------
    InputError
        Unreadable file, no ``person_id`` or ``department`` column (the message lists the columns
        found), the same ``person_id`` with different values (ids and values shown), a blank
        department (ids shown), two people with the same e-mail address in any case (both ids
        shown), or no rows.

    Examples
    --------
    >>> roster = pd.DataFrame({"Employee ID": ["007", "012"], "Dept": ["0", "Sales"],
    ...                        "E-mail": [" Bond@MI6.gov.uk", "q@mi6.gov.uk"]})
    >>> people, report = read_people(roster)
    >>> people.index.tolist(), people["department"].tolist(), people["email"].tolist()
    (['007', '012'], ['0', 'Sales'], ['bond@mi6.gov.uk', 'q@mi6.gov.uk'])
    >>> report.notes[0]
    "column 'Employee ID' read as 'person_id'"

    Notes
    -----
    Vectorised; linear in the number of rows.
    """
    raw = read_raw(path_or_frame)
    source = raw.source
    frame = raw.to_pandas()
    report = raw.new_report("people")
    mapping, notes = resolve_columns(list(frame.columns), PEOPLE_ALIASES, columns=columns,
                                     source=source)
    report.notes += notes
    for required in ("person_id", "department"):
        if required not in mapping.values():
            raise InputError(f"{source}: column {required!r} not found; columns are: "
                             f"{', '.join(map(str, frame.columns)) or '(none)'}")
    frame = frame.rename(columns=mapping)

    for name in _TEXT_COLUMNS & set(frame.columns):
        frame[name] = as_str_series(frame[name]).to_numpy(dtype=object)
    if "email" in frame:
        frame["email"] = frame["email"].str.lower()

    blank = frame["person_id"] == ""
    report.drop("missing_id", int(blank.sum()))
    frame = frame[~blank.to_numpy()]
    collapsed = 0
    date_col = next((c for c in frame.columns if normalize_name(c) in SNAPSHOT_DATE_ALIASES), None)
    if date_col is not None and frame["person_id"].duplicated().any():
        frame, rows = latest_snapshot(frame, "person_id", date_col, notes=report.notes)
        collapsed = int(rows.sum()) - len(rows)
    dup_rows = frame.astype(str).duplicated().to_numpy()
    report.drop("duplicate_row", int(dup_rows.sum()))
    frame = frame[~dup_rows]
    conflicted = frame["person_id"].duplicated(keep=False).to_numpy()
    if conflicted.any():
        bad = frame[conflicted].sort_values("person_id", kind="stable")
        ids = bad["person_id"].unique()
        differing = [c for c in bad.columns if c != "person_id"
                     and bad.groupby("person_id", sort=False)[c].nunique(dropna=False).gt(1).any()]
        first = bad[bad["person_id"] == ids[0]]
        shown = "; ".join(
            f"{c}: " + " vs ".join(repr(str(v)) for v in first[c].unique()[:3])
            for c in differing[:3])
        raise InputError(f"{source}: duplicate person_id with different values "
                         f"{describe_ids(ids)} (e.g. {ids[0]!r}: {shown})")
    _check_departments(frame, source)
    _check_emails(frame, source)
    if frame.empty:
        raise InputError(f"{source}: no people left after dropping rows "
                         f"({', '.join(f'{r}: {n}' for r, n in report.dropped.items()) or 'empty'})")

    if "hire_date" in frame:
        dates, bad = parse_datetimes(frame["hire_date"], notes=report.notes)
        frame["hire_date"] = dates.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        if bad.any():
            report.notes.append(f"hire_date: {int(bad.sum())} values not dates (left empty)")
    if "active" in frame:
        flags, bad = to_bool(frame["active"])
        frame["active"] = flags.to_numpy() if flags.dtype == bool else flags.array
        if bad.any():
            report.notes.append(f"active: {int(bad.sum())} values not yes/no (left empty)")
    for name in frame.columns:
        if name in _TEXT_COLUMNS or name in ("hire_date", "active"):
            continue
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            continue
        nums = _numeric_attribute(col, decimal_comma=raw.decimal_comma)
        if nums is not None:
            frame[name] = nums.to_numpy()

    report.rows_used = len(frame) + collapsed  # earlier weeks of the people kept are used
    table = frame.set_index("person_id")
    table.index = pd.Index(table.index.to_numpy(dtype=object), dtype=str, name="person_id")
    known = [c for c in PEOPLE_ALIASES if c in table.columns]
    table = table[known + [c for c in table.columns if c not in known]]
    for name in _TEXT_COLUMNS & set(table.columns):
        table[name] = table[name].astype(str)
    return Loaded(table, report)


def as_roster(people: pd.DataFrame | Loaded | str | PathLike) -> pd.DataFrame:
    """The people table to resolve ids against, from a table, a ``Loaded`` or a file.

    A DataFrame that is not a canonical people table (no ``person_id`` index or column) is read
    with :func:`read_people` first, so that ``Employee ID`` and friends are recognised.
    """
    if isinstance(people, Loaded):
        return people.table
    if isinstance(people, pd.DataFrame) and (people.index.name == "person_id"
                                             or "person_id" in people.columns):
        return people
    return read_people(people).table
