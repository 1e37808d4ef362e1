"""Enthusiasm signals -> the canonical wide signals table (index ``person_id``).

Reads survey answers, activity counts (posts, comments, reactions...) and opt-in/opt-out flags,
in *wide* form (one row per person, one column per signal) or *long* form
(``person_id, signal, value``, pivoted to wide), including survey-tool exports as Microsoft
Forms, Google Forms, Qualtrics (three header rows) and SurveyMonkey (two header rows) write
them. Every column is accounted for in the load report: what it is used as (person id, survey
answer, activity count, opt-in, opt-out; see :mod:`ambassadors.io.signal_columns`) or, by name,
why it is not used. It hands the table to :func:`ambassadors.enthusiasm.enthusiasm_scores`, with
the decisions in ``table.attrs["kinds"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike

import numpy as np
import pandas as pd

from ambassadors._text import normalize_name
from ambassadors._validation import check_unique_ids
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.load_report import Loaded, LoadReport, as_frame
from ambassadors.io.people import PERSON_ID_ALIASES, as_roster
from ambassadors.io.signal_columns import (
    KINDS,
    ColumnUse,
    classify_columns,
    parse_count,
    parse_flag,
    parse_survey,
)
from ambassadors.io.tables import Roster, read_raw, resolve_columns, to_number

__all__ = ["read_signals", "read_signal_files", "combine_signals", "SIGNAL_ALIASES", "BOOLEAN_SIGNALS"]

_EMAIL_ALIASES = ["email", "mail", "emailaddress", "workemail", "respondentemail", "recipientemail",
                  "useremail"]
#: Columns of the long form and the person key (case/space/underscore-insensitive), in priority
#: order: employee ids first, then the respondent's e-mail of survey tools, then a bare ``id``.
SIGNAL_ALIASES: dict[str, list[str]] = {
    "person_id": [a for a in PERSON_ID_ALIASES if a not in ("id", "pid")]
    + ["externalreference", "externaldatareference"] + _EMAIL_ALIASES + ["id", "pid"],
    "signal": ["metric", "question", "item", "variable", "measure", "indicator", "key"],
    "value": ["score", "answer", "response", "val"],
}

_TIME_COLUMNS = {"date", "time", "timestamp", "datetime", "answeredat", "submittedat", "week",
                 "month", "period"}

#: Signals that are yes/no by contract -> canonical name.
BOOLEAN_SIGNALS: dict[str, str] = {
    "optin": "opt_in", "optedin": "opt_in",
    "optout": "opt_out", "optedout": "opt_out",
    "volunteer": "volunteer", "volunteered": "volunteer",
}

_ANONYMOUS = {"anonymous", "anoniem", "anonym", "anonyme"}


def _text(values: pd.Series) -> pd.Series:
    """Stripped text, blank for missing."""
    return values.astype("string").str.strip().fillna("")


# --------------------------------------------------------------------------- survey-tool layouts

def _survey_layout(frame: pd.DataFrame, report: LoadReport) -> tuple[pd.DataFrame, dict[object, str]]:
    """Drop the extra header rows of Qualtrics / SurveyMonkey exports; return the question texts.

    Qualtrics CSV: row 1 internal names (``Q1``), row 2 the question text, row 3 ``{"ImportId":
    ...}`` (older exports: no third row); recognised by the second row repeating the metadata
    names (``StartDate`` over ``Start Date``), so an export whose extra rows were deleted loses
    no answer. SurveyMonkey: row 2 holds ``Response``,
    ``Open-Ended Response`` or the answer option of a matrix row; the question of a matrix stands
    over its first column only. The dropped rows are counted as ``header_row``.
    """
    if frame.empty:
        return frame, {}
    keys = {normalize_name(c): c for c in frame.columns}
    first = _text(frame.iloc[0])                 # the first data row, by column
    qualtrics = [k for k in ("startdate", "enddate", "responseid", "recordeddate") if k in keys]
    if qualtrics and all(normalize_name(first[keys[k]]) == k for k in qualtrics):
        extra = 1
        if len(frame) > 1 and _text(frame.iloc[1]).str.startswith('{"ImportId"').any():
            extra = 2
        questions = {c: q for c, q in first.items() if q and q != c}
        report.drop("header_row", extra)
        report.notes.append(f"Qualtrics export: {extra} extra header row(s) read as question text")
        return frame.iloc[extra:], questions
    if {"respondentid", "collectorid"} <= keys.keys() and first[keys["respondentid"]] == "":
        names, question = {}, ""
        for col, sub in first.items():           # loops over columns, never rows
            question = question if str(col).startswith("unnamed_") else str(col)
            useful = sub not in ("", "Response", "Open-Ended Response")
            names[col] = f"{question} - {sub}" if useful and question else col
        report.drop("header_row", 1)
        report.notes.append("SurveyMonkey export: the second header row read into the column names")
        return frame.iloc[1:].rename(columns=names), {}
    return frame, {}


def _person_column(frame: pd.DataFrame, columns: Mapping[str, str], source: str,
                   report: LoadReport) -> tuple[dict[str, str], bool]:
    """The column mapping (person id; signal/value in the long form) and whether it is long."""
    mapping, notes = resolve_columns(list(frame.columns), SIGNAL_ALIASES, columns=dict(columns),
                                     source=source)
    keys = {normalize_name(c): c for c in frame.columns}
    person = next((c for c, o in mapping.items() if o == "person_id"), None)
    forms_id = person is not None and normalize_name(person) == "id" and "person_id" not in columns.values()
    email = next((keys[a] for a in _EMAIL_ALIASES if a in keys), None)
    if forms_id and email is not None and {"starttime", "completiontime"} <= keys.keys():
        mapping = {c: o for c, o in mapping.items() if c != person} | {email: "person_id"}
        notes = [n for n in notes if not n.startswith(f"column {person!r}")]
        notes.append(f"Microsoft Forms export: column {email!r} read as 'person_id' "
                     f"({person!r} is the response number)")
    if "person_id" not in mapping.values():
        raise InputError(f"{source}: column 'person_id' not found; columns are: "
                         f"{', '.join(map(str, frame.columns)) or '(none)'} (name the respondent "
                         "column with columns={'...': 'person_id'})")
    others = [c for c in frame.columns if mapping.get(c) != "person_id"]
    if not others:
        raise InputError(f"{source}: no signal columns besides the person column; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    core = [c for c in others if normalize_name(c) not in _TIME_COLUMNS]
    long = {mapping.get(c) for c in core} == {"signal", "value"} and len(core) == 2
    if not long:  # wide: only the person column is renamed
        mapping = {c: o for c, o in mapping.items() if o == "person_id"}
        notes = [n for n in notes if n.endswith("'person_id'") or "(columns=)" in n]
    report.notes += notes
    report.notes.append("read as long (person_id, signal, value), pivoted to wide" if long
                        else "read as wide (one column per signal)")
    return mapping, long


# --------------------------------------------------------------------------- rows

def _known_people(frame: pd.DataFrame, people: object, report: LoadReport) -> pd.DataFrame:
    """Rows with a person id (``missing_id``, ``anonymous``), of roster people (``unknown_person``),
    once each (``duplicate_row``), ids replaced by roster ids."""
    ids = _text(frame["person_id"]).to_numpy(dtype=object)
    frame = frame.assign(person_id=ids)
    blank = ids == ""
    anonymous = pd.Series(ids).str.lower().isin(_ANONYMOUS).to_numpy()
    report.drop("missing_id", int(blank.sum()))
    report.drop("anonymous", int(anonymous.sum()))
    frame = frame[~blank & ~anonymous]
    if people is not None:
        roster = Roster(as_roster(people))
        pos = roster.resolve(frame["person_id"])
        unknown = pos < 0
        report.drop("unknown_person", int(unknown.sum()))
        frame = frame[~unknown].assign(person_id=roster.ids.to_numpy(dtype=object)[pos[~unknown]])
    dup_rows = frame.astype(str).duplicated().to_numpy()
    report.drop("duplicate_row", int(dup_rows.sum()))
    return frame[~dup_rows]


def _pivot_long(frame: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """The long form (person_id, signal, value) pivoted to one column per signal."""
    times = [c for c in frame.columns if c not in ("person_id", "signal", "value")]
    if times:
        report.notes.append(f"long form: column(s) {', '.join(map(str, times))} not used (file "
                            "order decides which repeated answer is kept)")
    signal = _text(frame["signal"]).to_numpy(dtype=object)
    no_signal = signal == ""
    report.drop("bad_value", int(no_signal.sum()))
    frame = frame[~no_signal].assign(signal=signal[~no_signal])
    repeated = frame.duplicated(["person_id", "signal"], keep="last").to_numpy()
    if repeated.any():
        report.notes.append(f"{int(repeated.sum())} repeated (person, signal) rows: the last one kept")
    # rows superseded by a later answer are used (read and resolved), not dropped
    report.rows_used = len(frame)
    frame = frame[~repeated]
    wide = frame.pivot(index="person_id", columns="signal", values="value")
    wide = wide.reindex(index=pd.unique(frame["person_id"]), columns=pd.unique(frame["signal"]))
    wide.columns = [str(c) for c in wide.columns]
    return wide.astype(object).where(wide.notna(), "")


def _one_row_each(frame: pd.DataFrame, source: str, report: LoadReport) -> pd.DataFrame:
    conflicted = frame["person_id"].duplicated(keep=False).to_numpy()
    if conflicted.any():
        raise InputError(f"{source}: several different rows for person_id "
                         f"{describe_ids(pd.unique(frame.loc[conflicted, 'person_id']))}; give one "
                         "row per person")
    report.rows_used = len(frame)
    return frame.set_index("person_id")


# --------------------------------------------------------------------------- columns

def _split_columns(columns: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """``columns=`` split into renames (person_id, signal, value) and signal kinds."""
    renames: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for theirs, ours in dict(columns or {}).items():
        kind = str(ours).strip().lower().replace("-", "_").partition(":")[0]
        if kind not in KINDS and ours not in SIGNAL_ALIASES:
            raise InputError(f"columns: {ours!r} for column {theirs!r} is neither a column "
                             f"({', '.join(SIGNAL_ALIASES)}) nor a kind ({', '.join(KINDS)})")
        (kinds if kind in KINDS else renames)[theirs] = ours
    return renames, kinds


def _convert(frame: pd.DataFrame, *, decimal_comma: bool) -> pd.DataFrame:
    """Per column: numbers when every value is one (decimal commas when allowed), else text."""
    out = {}
    for name in frame.columns:                   # loops over columns, never rows
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.to_numpy()
            continue
        text = _text(col)
        nums, bad = to_number(text, decimal_comma=decimal_comma)
        if not bad.any() and (text != "").any():
            out[name] = nums.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            out[name] = text.mask(text == "").astype(object).set_axis(frame.index)
    return pd.DataFrame(out, index=frame.index)


def _present(kinds: Mapping[str, str], found: Iterable[object]) -> dict[str, str]:
    """The entries of ``kinds`` whose column is among ``found`` (matched like aliases)."""
    keys = {normalize_name(c) for c in found} | {str(c) for c in found}
    return {c: k for c, k in kinds.items() if c in keys or normalize_name(c) in keys}


def _match_kinds(table: pd.DataFrame, kinds: Mapping[str, str], source: str) -> dict[str, str]:
    """``columns=`` kinds keyed by the table's own column names (matched like aliases)."""
    keys = {normalize_name(c): c for c in table.columns}
    out = {}
    for theirs, kind in kinds.items():
        col = theirs if theirs in table.columns else keys.get(normalize_name(theirs))
        if col is None:
            raise InputError(f"{source}: column {theirs!r} given in columns= not found; columns are: "
                             f"{', '.join(map(str, table.columns))}")
        out[col] = kind
    return out


def _checked(table: pd.DataFrame, uses: Mapping[object, ColumnUse], source: str) -> pd.DataFrame:
    """Parse every used column once, so that a bad value is an error naming this file; flags
    become booleans (nullable when some are blank) under their canonical names."""
    out = table.copy()
    renames = {}
    for col, use in uses.items():                # loops over columns, never rows
        if use.kind == "survey":
            parse_survey(table[col], col, use.scale, source=source)
        elif use.kind == "activity":
            out[col] = parse_count(table[col], col, source=source)
        elif use.kind in ("opt_in", "opt_out"):
            flags = parse_flag(table[col], col, kind=use.kind, source=source)
            out[col] = flags.astype("boolean") if flags.isna().any() else flags.astype(bool)
            renames[col] = BOOLEAN_SIGNALS.get(normalize_name(col), col)
    clash = [c for c, new in renames.items() if new != c and new in table.columns]
    return out.rename(columns={c: n for c, n in renames.items() if c not in clash})


def _account(report: LoadReport, uses: Mapping[object, ColumnUse], person: str,
             questions: Mapping[object, str], source: str, absent: list[str]) -> None:
    """One note per column of the file, and an error when nothing is a signal."""
    if absent:
        report.notes.append(f"--survey-column {describe_ids(absent)}: not a column of this file")
    report.notes.append(f"column {person!r}: person id")
    for col, use in uses.items():
        asked = f" ({questions[col]!r})" if col in questions else ""
        report.notes.append(f"column {col!r}{asked}: {use.describe()}")
    if all(u.kind == "ignore" for u in uses.values()):
        found = "; ".join(f"{c!r}: {u.why}" for c, u in uses.items())
        also = f"; --survey-column {describe_ids(absent)} is not one of them" if absent else ""
        raise InputError(f"{source}: no column is a survey answer, activity count, opt-in or opt-out "
                         f"(columns: {found}{also}); name them with columns={{'<column>': 'survey'}} "
                         "(or 'activity', 'opt_in', 'opt_out'), or --survey-column NAME")


def read_signals(path_or_frame: str | PathLike | pd.DataFrame, *,
                 people: pd.DataFrame | Loaded | None = None,
                 columns: Mapping[str, str] | None = None,
                 survey_columns: Iterable[str] = ()) -> Loaded:
    """Read enthusiasm signals (survey answers, activity counts, opt-in flags), wide or long.

    The shape is detected from the columns: ``person_id, signal, value`` (aliases ``metric``,
    ``question``, ``item`` / ``score``, ``answer``, ``response``) is *long* and is pivoted to
    wide; anything else is *wide* (one row per person, one column per signal). Survey-tool
    exports are read as written: Microsoft Forms (``ID`` is the response number, the person is
    ``Email``), Google Forms (``Timestamp``, ``Email address``), Qualtrics (three header rows;
    ``ExternalReference`` or ``RecipientEmail``), SurveyMonkey (two header rows; ``Email
    Address``). Each column is classified by :func:`~ambassadors.io.signal_columns.classify_columns`
    (question text in the header, Likert answers in the values, names like ``enthusiasm``).

    Parameters
    ----------
    path_or_frame : path or DataFrame
        CSV/TSV, ``.xlsx``, ``.parquet``, ``.json`` or a DataFrame.
    people : DataFrame, Loaded or path, optional
        The roster (as for :func:`~ambassadors.io.interactions.read_interactions`). People are
        matched by ``person_id`` or, case-insensitively, by ``email``;
        others are dropped and counted as ``unknown_person``.
    columns : dict, optional
        ``{"their column": "our column or kind"}``: ``"person_id"`` (and ``"signal"``,
        ``"value"`` for the long form) rename; ``"survey"``, ``"survey:1-7"``, ``"activity"``,
        ``"opt_in"``, ``"opt_out"`` or ``"ignore"`` say what a column is, e.g.
        ``{"Respondent": "person_id", "How do you feel about it?": "survey:1-5"}``.
    survey_columns : iterable of str
        Columns that are survey answers *where present* (``--survey-column``): unlike
        ``columns=``, a name this file does not have is not an error (several files may be read
        with the same list; :func:`read_signal_files` checks that each name is in one of them).

    Returns
    -------
    Loaded
        ``table`` indexed by ``person_id`` (str, roster ids when a roster is given), one column
        per signal, names as in the input except the yes/no signals ``opt_in``, ``opt_out`` and
        ``volunteer`` (also ``optin``, ``opted in``, ...), which become ``bool`` (nullable
        ``boolean`` when some are blank), as every opt-in / opt-out column does. Columns whose
        non-blank values are all numbers become float64 (decimal commas read when the file is
        not comma-delimited); other columns stay text. ``table.attrs["kinds"]`` holds what each
        column is. ``report`` counts ``missing_id``, ``anonymous`` (Microsoft Forms' anonymous
        responses), ``header_row`` (the extra header rows of Qualtrics and SurveyMonkey),
        ``duplicate_row``, ``unknown_person`` and (long form) ``bad_value``; its notes say what
        every column was read as, or why it was not used.

    Raises
    ------
    InputError
        Unreadable file, no person column, one person with conflicting rows (wide form), nothing
        left, no column recognised as a signal (naming the columns found and how to map them),
        opt-in / opt-out values that are not yes/no, survey answers that are neither numbers nor
        Likert words, activity values that are not counts (or negative) -- each naming the file,
        the column and the values as written.

    Examples
    --------
    >>> long = pd.DataFrame({"employee_id": ["007", "007", "012"],
    ...                      "metric": ["posts", "opt-in", "posts"],
    ...                      "value": ["12", "ja", "3,5"]})
    >>> signals, report = read_signals(long)
    >>> signals.index.tolist(), signals["posts"].tolist(), signals["opt_in"].tolist()
    (['007', '012'], [12.0, 3.5], [True, <NA>])
    >>> for note in report.notes:
    ...     if ": " in note:
    ...         print(note)
    column 'employee_id': person id
    column 'posts': activity count (from the name)
    column 'opt-in': opt-in (from the name)

    Notes
    -----
    Long duplicates of one (person, signal) keep the last row (noted in the report).
    Vectorised over rows; the classification loops over columns and distinct values only.
    """
    raw = read_raw(path_or_frame)
    source, report = raw.source, raw.new_report("signals")
    renames, kinds = _split_columns(columns)
    frame, questions = _survey_layout(raw.to_pandas(), report)
    named = _present({c: "survey" for c in survey_columns}, frame.columns)
    absent = [c for c in survey_columns if c not in named]
    kinds = named | kinds
    mapping, long = _person_column(frame, renames, source, report)
    person = next(c for c, o in mapping.items() if o == "person_id")
    frame = _known_people(frame.rename(columns=mapping), people, report)
    frame = _pivot_long(frame, report) if long else _one_row_each(frame, source, report)
    if frame.empty or report.rows_used == 0:
        raise InputError(f"{source}: no signals left after dropping rows ("
                         + (", ".join(f"{r}: {n}" for r, n in report.dropped.items()) or "empty")
                         + ")")
    table = _convert(frame, decimal_comma=raw.decimal_comma)
    table.index = pd.Index(np.asarray(frame.index, dtype=object), dtype=str, name="person_id")
    uses = classify_columns(table, _match_kinds(table, kinds, source), headers=questions,
                            option="columns")
    _account(report, uses, person, questions, source, absent)
    table = _checked(table, uses, source)
    names = dict(zip(uses, table.columns, strict=True))
    table.attrs["kinds"] = {names[c]: _spec(u) for c, u in uses.items()}
    return Loaded(table, report)


def read_signal_files(items: Iterable[str | PathLike | pd.DataFrame | Loaded], *,
                      people: pd.DataFrame | Loaded | None = None,
                      survey_columns: Iterable[str] = ()) -> list[Loaded]:
    """:func:`read_signals` for several files with one list of survey columns (the CLI's
    ``--survey-column``); tables already read pass through.

    Raises
    ------
    InputError
        A survey column that is in none of the files, naming it and the files' columns.
    """
    survey_columns = list(survey_columns)
    loaded = [item if isinstance(item, Loaded) else
              read_signals(item, people=people, survey_columns=survey_columns) for item in items]
    found = [c for item in loaded for c in item.table.columns]   # survey columns keep their names
    missing = [c for c in survey_columns if not _present({c: "survey"}, found)]
    if missing:
        raise InputError(f"--survey-column: {describe_ids(missing)} not in any signals file; columns "
                         f"are: {', '.join(map(str, found))}")
    return loaded


def _spec(use: ColumnUse) -> str:
    """A :class:`ColumnUse` as the kind text ``kinds=`` takes (``"survey:1-5"``)."""
    return f"survey:{use.scale[0]:g}-{use.scale[1]:g}" if use.kind == "survey" and use.scale else use.kind


def combine_signals(*items: pd.DataFrame | Loaded) -> Loaded:
    """Outer-join signals tables on ``person_id``.

    A column present in more than one input is an error (rather than silently suffixed, which
    would hide the signal from :func:`~ambassadors.enthusiasm.enthusiasm_scores`): rename it in
    one of the inputs. What the readers decided about each column (``attrs["kinds"]``) is kept.

    Returns
    -------
    Loaded
        People of the first input first, then new people in order; missing values are NaN/NA.
        The report sums rows read, used and dropped.

    Examples
    --------
    >>> a = pd.DataFrame({"posts": [3.0]}, index=pd.Index(["1"], name="person_id"))
    >>> b = pd.DataFrame({"opt_in": [True]}, index=pd.Index(["2"], name="person_id"))
    >>> table, _ = combine_signals(a, b)
    >>> table.index.tolist(), table.columns.tolist()
    (['1', '2'], ['posts', 'opt_in'])
    """
    if not items:
        raise InputError("combine_signals: nothing to combine")
    frames, reports = [], []
    seen: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for i, item in enumerate(items):
        frame = as_frame(item)
        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"combine_signals: item {i + 1} is not a table")
        if "person_id" in frame.columns:
            frame = frame.set_index("person_id")
        report = item.report if isinstance(item, Loaded) else LoadReport(
            source=f"<DataFrame {i + 1}>", kind="signals", rows_read=len(frame),
            rows_used=len(frame))
        frame = frame.copy()
        frame.index = pd.Index(frame.index.astype(str), dtype=str, name="person_id")
        check_unique_ids(frame.index, f"combine_signals: {report.source}")
        for col in frame.columns:
            if col in seen:
                raise InputError(f"combine_signals: column {col!r} is in both {seen[col]} and "
                                 f"{report.source}; rename it in one of them")
            seen[col] = report.source
        kinds.update(frame.attrs.get("kinds") or {})
        frames.append(frame)
        reports.append(report)
    index = frames[0].index
    for frame in frames[1:]:
        # ids are unique in each input (checked above), so a hash lookup tells the new ones
        index = index.append(frame.index[index.get_indexer(frame.index) < 0])
    table = pd.concat([f.reindex(index) for f in frames], axis=1)
    table.index.name = "person_id"
    table.attrs["kinds"] = kinds
    report = LoadReport(source=" + ".join(r.source for r in reports), kind="signals")
    for r in reports:
        report.rows_read += r.rows_read
        report.rows_used += r.rows_used
        for reason, n in r.dropped.items():
            report.drop(reason, n)
        report.notes += [f"{r.source}: {note}" for note in r.notes]
    return Loaded(table, report)
