"""What each column of a signals table is: survey answer, activity count, opt-in, opt-out or unused.

One classifier for the reader and the scorer: :func:`ambassadors.io.signals.read_signals` uses it
to say in its load report what every column was read as (or why it was not used), and
:func:`ambassadors.enthusiasm.enthusiasm_scores` uses it to score the same columns the same way.
It also holds the parsers of each kind (:func:`parse_survey`, :func:`parse_count`,
:func:`parse_flag`), so that a value refused by one stage is refused by the other with the same
words. Vocabulary (yes/no, "no answer", consent words) comes from :mod:`ambassadors._text`.

A column is classified from its name *and* its values, in this order (first match wins):

1. ``kinds=`` / ``columns=`` given by the user;
2. metadata columns of survey tools (time stamps, response numbers, names, IP addresses, ...):
   unused, with the reason (:data:`UNUSED_COLUMNS`);
3. an opt-out name (:data:`KIND_RULES`): opt-out -- consent is never guessed from values;
4. values that are all Likert answers in words (``Agree``, ``Very enthusiastic``, ``4 - Likely``):
   a survey answer, whatever the header;
5. a scale in the header (``... (1-5)``, ``on a scale of 0 to 10``) over numeric answers: a survey
   answer on that scale;
6. the name rules of :data:`KIND_RULES` (opt-in, survey -- including ``enthusiasm``, ``interest``,
   ``motivation`` --, activity); an opt-in name over whole numbers above 1 is a survey answer;
7. whole numbers from 0 to 10 under a header that asks a question (``?``, ``how``, ``rate``):
   a survey answer;
8. anything else: unused, with the reason and how to map it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from ambassadors._phrases import format_numbers
from ambassadors._text import (
    FALSE_WORDS,
    NO_ANSWER,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    TRUE_WORDS,
    norm_text,
    normalize_name,
    snake_name,
)
from ambassadors.errors import InputError, describe_ids

__all__ = [
    "ColumnUse",
    "classify_column",
    "classify_columns",
    "detect_kind",
    "parse_kind",
    "parse_survey",
    "parse_count",
    "parse_flag",
    "scale_hint",
    "likert_mapping",
    "KINDS",
    "KIND_RULES",
    "LIKERT_TEXT",
    "LIKERT_TEXT_7",
    "UNUSED_COLUMNS",
]

#: The kinds a signals column can have.
KINDS = ("survey", "activity", "opt_in", "opt_out", "ignore")

#: (kind, pattern) pairs applied in order to the snake_case column name.
KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("opt_out", re.compile(
        r"(^|_)(opt_?out|opted_?out|unsubscribed?|do_not_contact|do_not_ask|no_ambassador)($|_)")),
    ("opt_in", re.compile(
        r"(^|_)(opt_?in|opted_?in|volunteers?|volunteered|interested|sign_?up|signed_?up)($|_)")),
    ("survey", re.compile(
        r"^(survey|likert|pulse|enps)($|_)|^q\d+($|_)|"
        r"(^|_)(enthusias\w*|interest|motivat\w*|willing\w*|eager\w*)($|_)")),
    ("activity", re.compile(
        r"(^|_)(activity|activities|posts?|comments?|repl(y|ies)|reactions?|likes?|shares?|"
        r"mentions?)($|_)")),
]

_TIME = "when the answer was given (not a signal)"
_RESPONSE = "the survey tool's response or collector number, not a person"
_NAME = "a name (people are matched by id or e-mail)"
_TOOL = "survey-tool metadata (not a signal)"
_ROSTER = "roster information (read from the people file)"
_EMAIL = "an e-mail address (a person key, not a signal)"

#: Survey-tool metadata columns (compared with :func:`~ambassadors._text.normalize_name`) and why
#: they are not used. Microsoft Forms: ID, Start time, Completion time, Email, Name, Last modified
#: time. Google Forms: Timestamp, Email address, Score. Qualtrics: StartDate ... UserLanguage.
#: SurveyMonkey: Respondent ID, Collector ID, Start Date, End Date, IP Address, First/Last Name.
UNUSED_COLUMNS: dict[str, str] = {
    **dict.fromkeys(["timestamp", "time", "date", "datetime", "starttime", "completiontime",
                     "lastmodifiedtime", "startdate", "enddate", "recordeddate", "submittedat",
                     "answeredat", "submitted", "submitdate", "week", "month", "period"], _TIME),
    **dict.fromkeys(["id", "responseid", "respondentid", "collectorid", "responseno", "response",
                     "submissionid"], _RESPONSE),
    **dict.fromkeys(["name", "fullname", "firstname", "lastname", "recipientfirstname",
                     "recipientlastname", "respondentname", "displayname"], _NAME),
    **dict.fromkeys(["ipaddress", "status", "progress", "durationinseconds", "duration",
                     "finished", "distributionchannel", "userlanguage", "language",
                     "locationlatitude", "locationlongitude", "collector", "customdata1"], _TOOL),
    **dict.fromkeys(["score", "totalscore", "points", "quizfeedback"],
                    "a quiz score of the survey tool (Google Forms, Microsoft Forms), not an answer"),
    **dict.fromkeys(["email", "mail", "emailaddress", "workemail", "respondentemail",
                     "recipientemail", "useremail", "externalreference", "externaldatareference"],
                    _EMAIL),
    **dict.fromkeys(["department", "dept", "team", "division", "unit", "location", "office",
                     "manager", "managerid", "level", "title", "jobtitle", "role", "hiredate",
                     "active", "country", "site"], _ROSTER),
}

#: Text answers on the 5-point agree scale (after :func:`~ambassadors._text.norm_text`).
LIKERT_TEXT: dict[str, int] = {
    # English (Microsoft Forms' Likert question, SurveyMonkey's agree scale)
    "strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3,
    "neither agree or disagree": 3, "neither disagree nor agree": 3, "agree": 4,
    "strongly agree": 5,
    # Dutch
    "helemaal oneens": 1, "helemaal mee oneens": 1, "zeer oneens": 1, "oneens": 2,
    "mee oneens": 2, "neutraal": 3, "niet eens niet oneens": 3, "niet mee eens niet mee oneens": 3,
    "eens": 4, "mee eens": 4, "helemaal eens": 5, "helemaal mee eens": 5, "zeer eens": 5,
}

#: Text answers on the 7-point agree scale; used when a column holds a "somewhat" answer *and* a
#: plain "agree" or "disagree" (Qualtrics' 5-point scale has "somewhat" but no plain answers).
LIKERT_TEXT_7: dict[str, int] = {
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neutral": 4,
    "neither agree nor disagree": 4, "neither agree or disagree": 4, "somewhat agree": 5,
    "agree": 6, "strongly agree": 7,
    "helemaal oneens": 1, "oneens": 2, "enigszins oneens": 3, "neutraal": 4,
    "niet eens niet oneens": 4, "enigszins eens": 5, "eens": 6, "helemaal eens": 7,
}
_SOMEWHAT = {"somewhat disagree", "somewhat agree", "enigszins oneens", "enigszins eens"}
_PLAIN = {"agree", "disagree", "eens", "oneens", "mee eens", "mee oneens"}
#: Qualtrics' default 5-point agree scale.
_LIKERT_TEXT_5_SOMEWHAT: dict[str, int] = {
    "strongly disagree": 1, "somewhat disagree": 2, "neither agree nor disagree": 3, "neutral": 3,
    "neither agree or disagree": 3, "somewhat agree": 4, "strongly agree": 5,
    "helemaal oneens": 1, "enigszins oneens": 2, "neutraal": 3, "niet eens niet oneens": 3,
    "enigszins eens": 4, "helemaal eens": 5,
}
#: Other 5-point answer scales that survey tools offer.
_OTHER_5 = [
    {"very unlikely": 1, "unlikely": 2, "neither likely nor unlikely": 3, "neutral": 3,
     "likely": 4, "very likely": 5, "extremely unlikely": 1, "extremely likely": 5},
    {"very dissatisfied": 1, "dissatisfied": 2, "neither satisfied nor dissatisfied": 3,
     "neutral": 3, "satisfied": 4, "very satisfied": 5},
]
#: "not at all enthusiastic" ... "extremely enthusiastic" (any adjective).
_INTENSITY = {"not at all": 1, "slightly": 2, "somewhat": 3, "moderately": 3, "very": 4,
              "extremely": 5}
_INTENSITY_RE = re.compile(r"^(not at all|slightly|somewhat|moderately|very|extremely)( [a-z]+)?$")
_NUMBERED_RE = re.compile(r"^(\d{1,2})\s*(?:[-=:.)(]|–)\s*\D")       # "4 - Agree", "5 (very)"
_SCALE_RE = re.compile(r"(?<![\d.])(0|1)\s*(?:-|–|to|tot|bis|à)\s*(4|5|7|10)(?![\d.])")
_QUESTION_RE = re.compile(r"\?|^(how|to what extent|on a scale|rate|please rate|would|do you|are you|"
                          r"i am|i would|hoe|in hoeverre)\b")


class ColumnUse(NamedTuple):
    """What one column of a signals table is used as.

    ``kind`` is one of :data:`KINDS`; ``scale`` the survey scale ``(lo, hi)`` when it is stated
    or read from the header (None: read from the values); ``why`` says how it was recognised, or
    for ``"ignore"`` why the column is not used.
    """

    kind: str
    scale: tuple[float, float] | None
    why: str

    def describe(self) -> str:
        """The column's line in a load report: ``"survey answer (1-5; from the values)"``."""
        if self.kind == "ignore":
            return f"not used: {self.why}"
        label = {"survey": "survey answer", "activity": "activity count", "opt_in": "opt-in",
                 "opt_out": "opt-out"}[self.kind]
        scale = f"{self.scale[0]:g}-{self.scale[1]:g}; " if self.scale else ""
        return f"{label} ({scale}{self.why})"


def detect_kind(column: object) -> str:
    """Return the signal kind of a column *name*: survey, activity, opt_in, opt_out or ignore.

    Examples
    --------
    >>> detect_kind("Survey Q3"), detect_kind("posts_30d"), detect_kind("Opt-in")
    ('survey', 'activity', 'opt_in')
    >>> detect_kind("opted_out"), detect_kind("favourite_colour"), detect_kind("Enthusiasm")
    ('opt_out', 'ignore', 'survey')
    """
    name = snake_name(column)
    for kind, pattern in KIND_RULES:
        if pattern.search(name):
            return kind
    return "ignore"


def parse_kind(column: object, spec: object, *, option: str = "kinds"
               ) -> tuple[str, tuple[float, float] | None]:
    """Read a kind given by the user: ``"survey"``, ``"survey:1-7"``, ``"activity"``, ``"opt-in"``...

    Examples
    --------
    >>> parse_kind("mood", "survey:1-7"), parse_kind("x", "Opt-Out")
    (('survey', (1.0, 7.0)), ('opt_out', None))
    """
    text = str(spec).strip().lower().replace(" ", "")
    kind, _, scale = text.partition(":")
    kind = kind.replace("-", "_")
    if kind not in KINDS:
        raise InputError(f"{option}: {spec!r} for column {column!r} is not one of {', '.join(KINDS)}")
    if not scale:
        return kind, None
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)", scale)
    if kind != "survey" or match is None or float(match[1]) >= float(match[2]):
        raise InputError(f"{option}: {spec!r} for column {column!r}: a scale is written "
                         "'survey:1-5', 'survey:1-7' or 'survey:0-10'")
    return kind, (float(match[1]), float(match[2]))


def scale_hint(header: object) -> tuple[float, float] | None:
    """The answer scale a header states, e.g. ``"How enthusiastic ...? (1-5)"`` -> ``(1.0, 5.0)``.

    Examples
    --------
    >>> scale_hint("How enthusiastic are you? (1-5)"), scale_hint("On a scale of 0 to 10, ...")
    ((1.0, 5.0), (0.0, 10.0))
    >>> scale_hint("posts_30d") is None
    True
    """
    match = _SCALE_RE.search(str(header).lower())
    return None if match is None else (float(match[1]), float(match[2]))


def likert_mapping(texts: list[str]) -> tuple[dict[str, float], tuple[float, float]] | None:
    """Positions of Likert answers in words, and their scale, or None when one is not Likert.

    ``texts`` are distinct answers after :func:`~ambassadors._text.norm_text` with "no answer"
    values removed. One scale must hold them all: the agree scale (5 or 7 points, English and
    Dutch), likelihood, satisfaction, "not at all ... extremely <adjective>", or numbered labels
    (``"4 - agree"``, 1-5/1-7/0-10 by the highest number).

    Examples
    --------
    >>> likert_mapping(["agree", "strongly agree"])
    ({'agree': 4.0, 'strongly agree': 5.0}, (1.0, 5.0))
    >>> likert_mapping(["somewhat agree", "strongly agree"])[0]["somewhat agree"]   # Qualtrics 5-point
    4.0
    >>> likert_mapping(["very enthusiastic", "not at all enthusiastic"])[1]
    (1.0, 5.0)
    >>> likert_mapping(["agree", "blue"]) is None
    True
    """
    if not texts:
        return None
    found = set(texts)
    if found & _SOMEWHAT:
        tables = [LIKERT_TEXT_7] if found & _PLAIN else [_LIKERT_TEXT_5_SOMEWHAT, LIKERT_TEXT_7]
    else:
        tables = [LIKERT_TEXT]
    for table in [*tables, *_OTHER_5]:
        if found <= table.keys():
            top = 7.0 if table is LIKERT_TEXT_7 else 5.0
            return {t: float(table[t]) for t in texts}, (1.0, top)
    intensity = [_INTENSITY_RE.match(t) for t in texts]
    if all(intensity) and len({m[2] for m in intensity if m[2]}) <= 1:
        return {t: float(_INTENSITY[m[1]]) for t, m in zip(texts, intensity, strict=True)}, (1.0, 5.0)
    numbered = [_NUMBERED_RE.match(t) for t in texts]
    if all(numbered):
        points = {t: float(m[1]) for t, m in zip(texts, numbered, strict=True)}
        low, high = min(points.values()), max(points.values())
        scale = (0.0, 10.0) if high > 7 or low == 0 else (1.0, 7.0) if high > 5 else (1.0, 5.0)
        return points, scale
    return None


def _distinct_answers(values: pd.Series) -> dict[object, str]:
    """Distinct raw values -> folded text, "no answer" values left out (a handful, not rows)."""
    uniques = pd.unique(values.dropna().to_numpy(dtype=object))
    normed = {u: norm_text(u) for u in uniques}
    return {u: t for u, t in normed.items() if t not in NO_ANSWER}


def _as_numbers(values: pd.Series) -> pd.Series | None:
    """The values as float when every non-blank one is a number ("4,5" is 4.5), else None."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return None
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    answers = _distinct_answers(values)
    mapping: dict[object, float] = {}
    for raw in answers:
        try:
            mapping[raw] = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None
    return values.astype(object).map(mapping).astype("float64")


def _survey_scale(known: pd.Series, name: object, source: str) -> tuple[float, float]:
    """The scale of numeric answers: 0-10 if any is below 1 or above 7, 1-7 above 5, else 1-5."""
    if known.empty:
        return (1.0, 5.0)
    if known.min() < 0 or known.max() > 10:
        raise InputError(f"{source}: survey column {name!r} has values from {known.min():g} to "
                         f"{known.max():g}, outside the 1-5, 1-7 and 0-10 scales; state the "
                         f"scale with kinds={{{str(name)!r}: 'survey:LO-HI'}}")
    if known.min() < 1 or known.max() > 7:
        return (0.0, 10.0)
    return (1.0, 7.0) if known.max() > 5 else (1.0, 5.0)


def parse_survey(values: pd.Series, name: object, scale: tuple[float, float] | None = None, *,
                 source: str = "signals") -> tuple[pd.Series, tuple[float, float]]:
    """Answers of one survey column as floats on their scale, and that scale ``(lo, hi)``.

    Numbers (also written as text, decimal commas read) or Likert answers in words
    (:func:`likert_mapping`); "no answer" values are NaN. Without a stated ``scale``, words give
    their own scale and numbers are read as 0-10 if any is below 1 or above 7, as 1-7 if any is
    above 5, else as 1-5.

    Raises
    ------
    InputError
        Answers that are neither numbers nor Likert words (naming the column and values), values
        outside the scale, or true/false values.

    Examples
    --------
    >>> values, scale = parse_survey(pd.Series(["Agree", "n/a", "Strongly agree"]), "q1")
    >>> values.tolist(), scale
    ([4.0, nan, 5.0], (1.0, 5.0))
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        raise InputError(f"{source}: survey column {name!r} holds true/false values; "
                         "declare it with kinds={...: 'opt_in'} if it is a flag")
    numbers = _as_numbers(values)
    if numbers is None:
        answers = _distinct_answers(values)
        found = likert_mapping(list(dict.fromkeys(answers.values())))
        if found is None:
            raise InputError(f"{source}: survey column {name!r} has answers that are neither numbers "
                             f"nor agree/disagree answers: {describe_ids(_unknown_answers(answers))}")
        positions, text_scale = found
        numbers = values.astype(object).map({raw: positions[t] for raw, t in answers.items()})
        numbers = numbers.astype("float64")
        scale = scale or text_scale
    known = numbers.dropna()
    lo, hi = scale or _survey_scale(known, name, source)
    outside = known[(known < lo) | (known > hi)]
    if not outside.empty:
        raise InputError(f"{source}: survey column {name!r} has values outside its scale "
                         f"{lo:g}-{hi:g}: {describe_ids(format_numbers(outside).unique())}")
    return numbers, (lo, hi)


def _unknown_answers(answers: Mapping[object, str]) -> list[object]:
    """The answers no single vocabulary explains: those outside every table and every pattern."""
    known = set(LIKERT_TEXT) | set(LIKERT_TEXT_7) | set().union(*_OTHER_5)
    bad = [raw for raw, t in answers.items()
           if t not in known and not _INTENSITY_RE.match(t) and not _NUMBERED_RE.match(t)]
    return bad or list(answers)


def parse_count(values: pd.Series, name: object, *, source: str = "signals") -> pd.Series:
    """An activity count column as float (NaN = unknown).

    Raises
    ------
    InputError
        Text that is not a number, true/false values, or negative counts -- naming the values as
        written (``'-4'``, not ``'-4.0'``).

    Examples
    --------
    >>> parse_count(pd.Series(["12", "", "3"]), "posts").tolist()
    [12.0, nan, 3.0]
    >>> parse_count(pd.Series(["12", "-4"]), "posts", source="a.csv")
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: a.csv: activity column 'posts' has negative counts: '-4'
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        raise InputError(f"{source}: activity column {name!r} holds true/false values, not counts")
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64")
        shown = format_numbers(numbers)
    else:
        shown = values.astype("string").str.strip()
        shown = shown.mask(shown == "")
        numbers = pd.to_numeric(shown, errors="coerce").astype("float64")
        bad = shown[numbers.isna() & shown.notna()]
        if not bad.empty:
            raise InputError(f"{source}: activity column {name!r} has values that are not counts: "
                             f"{describe_ids(bad.unique())}")
    negative = shown[(numbers < 0).to_numpy()]
    if not negative.empty:
        raise InputError(f"{source}: activity column {name!r} has negative counts: "
                         f"{describe_ids(negative.unique())}")
    return numbers


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
                             f"{describe_ids(format_numbers(bad).unique())}")
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
        text = text if text in true_words | false_words else text.replace("-", " ")
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


def _whole_numbers_upto_10(numbers: pd.Series | None) -> bool:
    if numbers is None:
        return False
    known = numbers.dropna()
    return bool(len(known)) and bool(((known >= 0) & (known <= 10) & (known == np.round(known))).all())


def classify_column(name: object, values: pd.Series, *, header: object = None) -> ColumnUse:
    """What one column is used as, from its name, its values and (Qualtrics) its question text.

    See the module docstring for the order of the rules.

    Examples
    --------
    >>> classify_column("How enthusiastic are you about the programme? (1-5)", pd.Series([4, 2]))
    ColumnUse(kind='survey', scale=(1.0, 5.0), why='scale in the header')
    >>> classify_column("Which office?", pd.Series(["Leeds", "York"])).describe()
    "not used: text that is not Likert answers or counts, under a name that is no known signal \
(map it with columns={'Which office?': 'survey'} or --survey-column 'Which office?')"
    """
    header = name if header is None else header
    key = normalize_name(name)
    if key in UNUSED_COLUMNS:
        return ColumnUse("ignore", None, UNUSED_COLUMNS[key])
    by_name = detect_kind(name)
    if by_name == "opt_out":
        return ColumnUse("opt_out", None, "from the name")
    answers = _distinct_answers(values)
    if not answers:
        return ColumnUse("ignore", None, "no values")
    numbers = _as_numbers(values)
    if numbers is None and not pd.api.types.is_bool_dtype(values.dtype):
        found = likert_mapping(list(dict.fromkeys(answers.values())))
        if found is not None:
            return ColumnUse("survey", None, "Likert answers")
    hint = scale_hint(header)
    if hint is not None and numbers is not None and by_name != "activity":
        return ColumnUse("survey", hint, "scale in the header")
    if by_name == "opt_in":
        if numbers is not None and numbers.max() > 1 and _whole_numbers_upto_10(numbers):
            return ColumnUse("survey", None, "numbers under an opt-in name")
        return ColumnUse("opt_in", None, "from the name")
    yes_no = pd.api.types.is_bool_dtype(values.dtype) or set(answers.values()) <= TRUE_WORDS | FALSE_WORDS
    asks = bool(_QUESTION_RE.search(str(header).strip().lower()))
    if by_name in ("survey", "activity") and numbers is None and yes_no:
        return ColumnUse("ignore", None, f"yes/no answers under a {by_name}-like name (map it with "
                                         f"columns={{{str(name)!r}: 'opt_in'}} if it is a volunteer "
                                         "flag)")
    if by_name == "activity" and numbers is None and asks:
        return ColumnUse("ignore", None, "free-text answers to a question, not counts")
    if by_name in ("survey", "activity"):
        return ColumnUse(by_name, None, "from the name")
    if _whole_numbers_upto_10(numbers) and asks:
        return ColumnUse("survey", None, "numbers 0-10 under a question")
    what = ("numbers" if numbers is not None else "yes/no answers" if yes_no else
            "text that is not Likert answers or counts")
    return ColumnUse("ignore", None, f"{what}, under a name that is no known signal (map it with "
                                     f"columns={{{str(name)!r}: 'survey'}} or --survey-column "
                                     f"{str(name)!r})")


def classify_columns(table: pd.DataFrame, kinds: Mapping[object, object] | None = None, *,
                     headers: Mapping[object, object] | None = None,
                     option: str = "kinds") -> dict[object, ColumnUse]:
    """:func:`classify_column` for every column of a wide signals table; ``kinds`` first.

    Examples
    --------
    >>> t = pd.DataFrame({"Timestamp": ["2024-01-02"], "enthusiasm": [4], "mood": [2]})
    >>> {c: u.kind for c, u in classify_columns(t, {"mood": "survey:1-7"}).items()}
    {'Timestamp': 'ignore', 'enthusiasm': 'survey', 'mood': 'survey'}
    """
    overrides = dict(kinds or {})
    unknown = [c for c in overrides if c not in table.columns]
    if unknown:
        raise InputError(f"{option}: column(s) {describe_ids(unknown)} not in the signals; "
                         f"columns are: {', '.join(map(str, table.columns))}")
    out: dict[object, ColumnUse] = {}
    for col in table.columns:                    # loops over columns, never rows
        if col in overrides:
            kind, scale = parse_kind(col, overrides[col], option=option)
            out[col] = ColumnUse(kind, scale, f"{option}=")
        else:
            out[col] = classify_column(col, table[col], header=(headers or {}).get(col))
    return out
