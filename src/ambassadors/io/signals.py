"""Enthusiasm signals -> the canonical wide signals table (index ``person_id``).

Reads survey answers, activity counts (posts, comments, reactions...) and opt-in/opt-out flags,
in *wide* form (one row per person, one column per signal) or *long* form
(``person_id, signal, value``, pivoted to wide). Numbers are converted (decimal commas too),
``opt_in``/``opt_out``/``volunteer`` become booleans, and any other text (Likert answers such as
"Agree") is kept as text for :func:`ambassadors.enthusiasm.enthusiasm_scores` to interpret.
"""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd

from ambassadors._text import FALSE_WORDS, NO_ANSWER, OPT_IN_WORDS, OPT_OUT_WORDS, TRUE_WORDS, norm_text
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.people import PERSON_ID_ALIASES
from ambassadors.io.load_report import LoadReport, Loaded, as_frame
from ambassadors.io.tables import (
    Roster,
    _as_str_series,
    normalize_name,
    read_raw,
    resolve_columns,
    to_bool,
    to_number,
)

__all__ = ["read_signals", "combine_signals", "parse_flag", "SIGNAL_ALIASES", "BOOLEAN_SIGNALS"]

#: Columns of the long form and the person key (case/space/underscore-insensitive).
SIGNAL_ALIASES: dict[str, list[str]] = {
    "person_id": PERSON_ID_ALIASES + ["email", "mail", "emailaddress", "workemail"],
    "signal": ["metric", "question", "item", "variable", "measure", "indicator", "key"],
    "value": ["score", "answer", "response", "val"],
}

_TIME_COLUMNS = {"date", "time", "timestamp", "datetime", "answeredat", "submittedat", "week",
                 "month", "period"}

#: Signals that are yes/no by contract -> canonical name. Other yes/no text stays text.
BOOLEAN_SIGNALS: dict[str, str] = {
    "optin": "opt_in", "optedin": "opt_in",
    "optout": "opt_out", "optedout": "opt_out",
    "volunteer": "volunteer", "volunteered": "volunteer",
}


_FLAG_WHAT = {"opt_in": "opt-in", "opt_out": "opt-out", "flag": "flag"}


def parse_flag(values: pd.Series, name: object, *, kind: str = "flag",
               source: str = "signals") -> pd.Series:
    """A yes/no column as float 1.0 / 0.0 / NaN (blank or "no answer" = unknown).

    Words are those of :mod:`ambassadors._text` (``TRUE_WORDS``, ``FALSE_WORDS``, ``NO_ANSWER``);
    with ``kind="opt_in"`` or ``"opt_out"`` the consent answers ``OPT_IN_WORDS`` /
    ``OPT_OUT_WORDS`` ("Opted out", "signed up", ...) are understood too. Anything else raises:
    consent fails closed, so an opt-out nobody can read is never taken as a pass.

    Examples
    --------
    >>> parse_flag(pd.Series(["Yes, please", "no", "", "Opted out"]), "opt_out", kind="opt_out").tolist()
    [1.0, 0.0, nan, 1.0]
    >>> parse_flag(pd.Series(["maybe"]), "opt_out", kind="opt_out", source="s.csv")
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: s.csv: opt-out column 'opt_out' has values that are not yes/no: \
'maybe' (an unreadable opt-out is never taken as consent: write yes/no, opted in/opted out)
    """
    what = _FLAG_WHAT[kind]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
        bad = numbers.dropna()
        bad = bad[~bad.isin([0.0, 1.0])]
        if not bad.empty:
            raise InputError(f"{source}: {what} column {name!r} has values other than 0/1: "
                             f"{describe_ids(bad.unique())}")
        return numbers
    true_words, false_words = TRUE_WORDS, FALSE_WORDS
    if kind == "opt_in":
        true_words, false_words = true_words | OPT_IN_WORDS, false_words | OPT_OUT_WORDS
    elif kind == "opt_out":
        true_words, false_words = true_words | OPT_OUT_WORDS, false_words | OPT_IN_WORDS
    mapping: dict[object, float] = {}
    bad_values = []
    for raw in pd.unique(values.dropna().to_numpy(dtype=object)):   # distinct values: a handful
        text = norm_text(raw)
        if text in true_words:
            mapping[raw] = 1.0
        elif text in false_words:
            mapping[raw] = 0.0
        elif text in NO_ANSWER:
            mapping[raw] = np.nan
        else:
            bad_values.append(raw)
    if bad_values:
        hint = (" (an unreadable opt-out is never taken as consent: write yes/no, opted in/opted out)"
                if kind != "flag" else " (yes/no/true/false/1/0/ja/nee/x)")
        raise InputError(f"{source}: {what} column {name!r} has values that are not yes/no: "
                         f"{describe_ids(bad_values)}{hint}")
    return values.astype(object).map(mapping).astype("float64")


def _convert(frame: pd.DataFrame, *, decimal_comma: bool, report: LoadReport) -> pd.DataFrame:
    """Per column: booleans by contract, numbers when every value is one, else text."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        key = normalize_name(name)
        if key in BOOLEAN_SIGNALS:
            flags, bad = to_bool(col)
            if bad.any():
                report.notes.append(f"{name}: {int(bad.sum())} values not yes/no (left empty)")
            out[BOOLEAN_SIGNALS[key]] = flags.to_numpy() if flags.dtype == bool else flags.array
            continue
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            out[name] = col.to_numpy()
            continue
        text = _as_str_series(col)
        nums, bad = to_number(text, decimal_comma=decimal_comma)
        if not bad.any() and (text != "").any():
            out[name] = nums.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            out[name] = text.where(text != "").set_axis(frame.index)
    return pd.DataFrame(out, index=frame.index)


def read_signals(path_or_frame: str | PathLike | pd.DataFrame, *,
                 people: pd.DataFrame | Loaded | None = None,
                 columns: dict[str, str] | None = None) -> Loaded:
    """Read enthusiasm signals (survey answers, activity counts, opt-in flags), wide or long.

    The shape is detected from the columns: ``person_id, signal, value`` (aliases ``metric``,
    ``question``, ``item`` / ``score``, ``answer``, ``response``) is *long* and is pivoted to
    wide; anything else is *wide* (one row per person, one column per signal).

    Parameters
    ----------
    path_or_frame : path or DataFrame
        CSV/TSV, ``.xlsx``, ``.parquet``, ``.json`` or a DataFrame.
    people : DataFrame, Loaded or path, optional
        The roster (as for :func:`~ambassadors.io.interactions.read_interactions`). People are
        matched by ``person_id`` or, case-insensitively, by ``email``;
        others are dropped and counted as ``unknown_person``.
    columns : dict, optional
        ``{"their column": "our column"}`` overrides, e.g. ``{"Respondent": "person_id"}``.

    Returns
    -------
    Loaded
        ``table`` indexed by ``person_id`` (str, roster ids when a roster is given), one column
        per signal, names as in the input except the yes/no signals: ``opt_in``, ``opt_out`` and
        ``volunteer`` (also ``optin``, ``opted in``, ...) become ``bool`` (nullable ``boolean``
        when some are blank; ``yes/no/true/false/1/0/ja/nee/y/n`` understood). Columns whose
        non-blank values are all numbers become float64 (decimal commas read when the file is
        not comma-delimited); other columns stay text (``str``, NaN when blank), including
        yes/no answers to other questions and Likert text, which
        :func:`ambassadors.enthusiasm.enthusiasm_scores` interprets. ``report`` counts
        ``missing_id``, ``duplicate_row``, ``unknown_person`` and (long form) ``bad_value``
        (blank signal name).

    Raises
    ------
    InputError
        Unreadable file, no person column, one person with conflicting rows (wide form), or
        nothing left.

    Examples
    --------
    >>> long = pd.DataFrame({"employee_id": ["007", "007", "012"],
    ...                      "metric": ["posts", "opt-in", "posts"],
    ...                      "value": ["12", "ja", "3,5"]})
    >>> signals, report = read_signals(long)
    >>> signals.index.tolist(), signals["posts"].tolist(), signals["opt_in"].tolist()
    (['007', '012'], [12.0, 3.5], [True, <NA>])

    Notes
    -----
    Long duplicates of one (person, signal) keep the last row (noted in the report).
    Vectorised; linear in the number of rows.
    """
    raw = read_raw(path_or_frame)
    source = raw.source
    frame = raw.to_pandas()
    report = raw.new_report("signals")
    mapping, notes = resolve_columns(list(frame.columns), SIGNAL_ALIASES, columns=columns,
                                     source=source)
    if "person_id" not in mapping.values():
        raise InputError(f"{source}: column 'person_id' not found; columns are: "
                         f"{', '.join(map(str, frame.columns)) or '(none)'}")
    others = [c for c in frame.columns if mapping.get(c) != "person_id"]
    if not others:
        raise InputError(f"{source}: no signal columns besides the person column; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    times = [c for c in others if normalize_name(c) in _TIME_COLUMNS]
    core = [c for c in others if c not in times]
    long = {mapping.get(c) for c in core} == {"signal", "value"} and len(core) == 2
    if long and times:
        frame = frame.drop(columns=times)
        report.notes.append(f"long form: column(s) {', '.join(times)} not used (file order "
                            "decides which repeated answer is kept)")
    if not long:  # wide: only the person column is renamed
        mapping = {c: o for c, o in mapping.items() if o == "person_id"}
        notes = [n for n in notes if n.endswith("'person_id'") or "(columns=)" in n]
    report.notes += notes
    report.notes.append("read as long (person_id, signal, value), pivoted to wide" if long
                        else "read as wide (one column per signal)")
    frame = frame.rename(columns=mapping)
    ids = _as_str_series(frame["person_id"]).to_numpy(dtype=object)
    frame["person_id"] = ids

    blank = ids == ""
    report.drop("missing_id", int(blank.sum()))
    frame = frame[~blank]

    if people is not None:
        from ambassadors.io.people import as_roster

        roster = Roster(as_roster(people))
        pos = roster.resolve(frame["person_id"])
        unknown = pos < 0
        report.drop("unknown_person", int(unknown.sum()))
        frame = frame[~unknown].copy()
        frame["person_id"] = roster.ids.to_numpy(dtype=object)[pos[~unknown]]

    dup_rows = frame.astype(str).duplicated().to_numpy()
    report.drop("duplicate_row", int(dup_rows.sum()))
    frame = frame[~dup_rows]

    if long:
        signal = _as_str_series(frame["signal"]).to_numpy(dtype=object)
        no_signal = signal == ""
        report.drop("bad_value", int(no_signal.sum()))
        frame = frame[~no_signal].assign(signal=signal[~no_signal])
        repeated = frame.duplicated(["person_id", "signal"], keep="last").to_numpy()
        if repeated.any():
            report.notes.append(f"{int(repeated.sum())} repeated (person, signal) rows: the last "
                                "one kept")
        # rows superseded by a later answer are used (read and resolved), not dropped
        report.rows_used = len(frame)
        frame = frame[~repeated]
        order = pd.unique(frame["person_id"])
        sig_order = pd.unique(frame["signal"])
        wide = frame.pivot(index="person_id", columns="signal", values="value")
        wide = wide.reindex(index=order, columns=sig_order)
        wide.columns = [str(c) for c in wide.columns]
        wide = wide.astype(object).where(wide.notna(), "")
        frame = wide
    else:
        conflicted = frame["person_id"].duplicated(keep=False).to_numpy()
        if conflicted.any():
            ids_bad = pd.unique(frame.loc[conflicted, "person_id"])
            raise InputError(f"{source}: several different rows for person_id "
                             f"{describe_ids(ids_bad)}; give one row per person")
        report.rows_used = len(frame)
        frame = frame.set_index("person_id")
    if frame.empty or report.rows_used == 0:
        raise InputError(f"{source}: no signals left after dropping rows ("
                         + (", ".join(f"{r}: {n}" for r, n in report.dropped.items()) or "empty")
                         + ")")
    table = _convert(frame, decimal_comma=raw.decimal_comma, report=report)
    table.index = pd.Index(np.asarray(frame.index, dtype=object), dtype=str, name="person_id")
    return Loaded(table, report)


def combine_signals(*items: pd.DataFrame | Loaded) -> Loaded:
    """Outer-join signals tables on ``person_id``.

    A column present in more than one input is an error (rather than silently suffixed, which
    would hide the signal from :func:`~ambassadors.enthusiasm.enthusiasm_scores`): rename it in
    one of the inputs.

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
        if frame.index.has_duplicates:
            raise InputError(f"combine_signals: {report.source}: duplicate person_id "
                             f"{describe_ids(frame.index[frame.index.duplicated()].unique())}")
        for col in frame.columns:
            if col in seen:
                raise InputError(f"combine_signals: column {col!r} is in both {seen[col]} and "
                                 f"{report.source}; rename it in one of them")
            seen[col] = report.source
        frames.append(frame)
        reports.append(report)
    index = frames[0].index
    for frame in frames[1:]:
        index = index.append(frame.index[~frame.index.isin(index)])
    table = pd.concat([f.reindex(index) for f in frames], axis=1)
    table.index.name = "person_id"
    report = LoadReport(source=" + ".join(r.source for r in reports), kind="signals")
    for r in reports:
        report.rows_read += r.rows_read
        report.rows_used += r.rows_used
        for reason, n in r.dropped.items():
            report.drop(reason, n)
        report.notes += [f"{r.source}: {note}" for note in r.notes]
    return Loaded(table, report)
