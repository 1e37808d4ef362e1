"""Enthusiasm: how willing each person seems to be an ambassador.

This stage reads the wide *signals* table (one row per person, one column per signal; see
``docs/architecture.md``) and turns it into one enthusiasm score per person of the roster, in
[0, 1], together with the facts it was built from. It never reads message content: only survey
answers, activity *counts* and explicit opt-in / opt-out flags.

It hands a DataFrame indexed by ``person_id`` to :func:`ambassadors.ranking.rank_candidates`:
``enthusiasm, enthusiasm_known, opted_in, opted_out, survey, activity, survey_answer,
activity_total, activity_detail``.

Column kinds are detected from the column names (rules in :data:`KIND_RULES`, applied to the
lower-cased name with every run of non-alphanumerics turned into ``_``; the first rule that
matches wins):

=========  ==================================================================================
kind       names
=========  ==================================================================================
opt_out    a word ``opt_out``/``optout``/``opted_out``/``unsubscribed``/``do_not_contact``/
           ``do_not_ask``/``no_ambassador``
opt_in     a word ``opt_in``/``optin``/``opted_in``/``volunteer(s/ed)``/``interested``/
           ``sign_up``/``signed_up``
survey     starts with ``survey``, ``likert``, ``pulse``, ``enps`` or ``q<digits>``
activity   a word ``activity``, ``post(s)``, ``comment(s)``, ``reply``/``replies``,
           ``reaction(s)``, ``like(s)``, ``share(s)``, ``mention(s)``
ignore     anything else (listed in ``result.attrs["kinds"]``)
=========  ==================================================================================

``kinds={"column": kind}`` overrides the detection; a survey column may state its scale as
``"survey:1-5"``, ``"survey:1-7"``, ``"survey:0-10"`` (or any ``"survey:LO-HI"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ambassadors.errors import InputError, describe_ids
from ambassadors.io.load_report import Loaded, as_frame

__all__ = [
    "enthusiasm_scores",
    "detect_kind",
    "ENTHUSIASM_WEIGHTS",
    "KIND_RULES",
    "LIKERT_TEXT",
    "MISSING_MODES",
]

#: Default weights of the enthusiasm components (renormalised over the components known for a person).
ENTHUSIASM_WEIGHTS: dict[str, float] = {"survey": 0.5, "activity": 0.3, "opt_in": 0.2}

#: Accepted values of ``missing=``.
MISSING_MODES = ("neutral", "exclude", "infer")

_KINDS = ("survey", "activity", "opt_in", "opt_out", "ignore")

#: (kind, pattern) pairs applied in order to the normalised column name.
KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("opt_out", re.compile(
        r"(^|_)(opt_?out|opted_?out|unsubscribed?|do_not_contact|do_not_ask|no_ambassador)($|_)")),
    ("opt_in", re.compile(
        r"(^|_)(opt_?in|opted_?in|volunteers?|volunteered|interested|sign_?up|signed_?up)($|_)")),
    ("survey", re.compile(r"^(survey|likert|pulse|enps)($|_)|^q\d+($|_)")),
    ("activity", re.compile(
        r"(^|_)(activity|activities|posts?|comments?|repl(y|ies)|reactions?|likes?|shares?|"
        r"mentions?)($|_)")),
]

#: Text answers on the 5-point agree scale (normalised: lower case, punctuation -> space).
LIKERT_TEXT: dict[str, int] = {
    # English
    "strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3,
    "neither agree or disagree": 3, "neither disagree nor agree": 3, "agree": 4,
    "strongly agree": 5,
    # Dutch
    "helemaal oneens": 1, "helemaal mee oneens": 1, "zeer oneens": 1, "oneens": 2,
    "mee oneens": 2, "neutraal": 3, "niet eens niet oneens": 3, "niet mee eens niet mee oneens": 3,
    "eens": 4, "mee eens": 4, "helemaal eens": 5, "helemaal mee eens": 5, "zeer eens": 5,
}

#: Text answers on the 7-point agree scale; used when a column holds any "somewhat" answer.
LIKERT_TEXT_7: dict[str, int] = {
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neutral": 4,
    "neither agree nor disagree": 4, "neither agree or disagree": 4, "somewhat agree": 5,
    "agree": 6, "strongly agree": 7,
    "helemaal oneens": 1, "oneens": 2, "enigszins oneens": 3, "neutraal": 4,
    "niet eens niet oneens": 4, "enigszins eens": 5, "eens": 6, "helemaal eens": 7,
}
_ONLY_7 = {"somewhat disagree", "somewhat agree", "enigszins oneens", "enigszins eens"}

# Survey answers that mean "no answer": unknown, never zero.
_NO_ANSWER = {
    "", "na", "n a", "n/a", "nan", "none", "null", "-", "--", "?", "unknown", "don't know",
    "dont know", "do not know", "prefer not to say", "no answer", "nvt", "n v t", "weet niet",
    "geen antwoord", "geen mening", "zeg ik liever niet",
}

_TRUE = {"yes", "y", "true", "t", "1", "1.0", "x", "ja", "j", "waar", "✓", "✔"}
_FALSE = {"no", "n", "false", "f", "0", "0.0", "nee", "onwaar"}


def _norm_name(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _norm_text(value: object) -> str:
    text = re.sub(r"[,;.!]+", " ", str(value).strip().lower())
    return " ".join(text.split())


def detect_kind(column: object) -> str:
    """Return the signal kind of a column name: survey, activity, opt_in, opt_out or ignore.

    Examples
    --------
    >>> detect_kind("Survey Q3"), detect_kind("posts_30d"), detect_kind("Opt-in")
    ('survey', 'activity', 'opt_in')
    >>> detect_kind("opted_out"), detect_kind("favourite_colour")
    ('opt_out', 'ignore')
    """
    name = _norm_name(column)
    for kind, pattern in KIND_RULES:
        if pattern.search(name):
            return kind
    return "ignore"


def _parse_kind(column: object, spec: object) -> tuple[str, tuple[float, float] | None]:
    text = str(spec).strip().lower().replace(" ", "")
    kind, _, scale = text.partition(":")
    kind = kind.replace("-", "_")
    if kind not in _KINDS:
        raise InputError(f"kinds: {spec!r} for column {column!r} is not one of {', '.join(_KINDS)}")
    if not scale:
        return kind, None
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)", scale)
    if kind != "survey" or match is None or float(match[1]) >= float(match[2]):
        raise InputError(f"kinds: {spec!r} for column {column!r}: a scale is written "
                         "'survey:1-5', 'survey:1-7' or 'survey:0-10'")
    return kind, (float(match[1]), float(match[2]))


def _parse_survey(col: pd.Series, name: object,
                  scale: tuple[float, float] | None) -> tuple[pd.Series, tuple[float, float]]:
    """Answers of one survey column as floats on their scale, and that scale (lo, hi)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        raise InputError(f"signals: survey column {name!r} holds true/false values; "
                         "declare it with kinds={...: 'opt_in'} if it is a flag")
    text_scale = False
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64")
    else:
        uniques = pd.unique(col.dropna().to_numpy(dtype=object))
        normed = {u: _norm_text(u) for u in uniques}       # distinct answers only: a handful
        table = LIKERT_TEXT_7 if any(t in _ONLY_7 for t in normed.values()) else LIKERT_TEXT
        mapping: dict[object, float] = {}
        bad = []
        for raw, text in normed.items():
            if text in table:
                mapping[raw] = float(table[text])
                text_scale = True
            elif text in _NO_ANSWER:
                mapping[raw] = np.nan
            else:
                try:
                    mapping[raw] = float(str(raw).strip().replace(",", "."))   # "4,5" is 4.5
                except ValueError:
                    bad.append(raw)
        if bad:
            raise InputError(f"signals: survey column {name!r} has answers that are neither numbers "
                             f"nor agree/disagree answers: {describe_ids(bad)}")
        values = col.astype(object).map(mapping).astype("float64")
        if text_scale and scale is None:
            scale = (1.0, 7.0) if table is LIKERT_TEXT_7 else (1.0, 5.0)
    known = values.dropna()
    if scale is None:
        if known.empty:
            scale = (1.0, 5.0)
        elif known.min() < 0 or known.max() > 10:
            raise InputError(f"signals: survey column {name!r} has values from {known.min():g} to "
                             f"{known.max():g}, outside the 1-5, 1-7 and 0-10 scales; state the "
                             f"scale with kinds={{{str(name)!r}: 'survey:LO-HI'}}")
        elif known.min() < 1 or known.max() > 7:
            scale = (0.0, 10.0)
        elif known.max() > 5:
            scale = (1.0, 7.0)
        else:
            scale = (1.0, 5.0)
    lo, hi = scale
    outside = known[(known < lo) | (known > hi)]
    if not outside.empty:
        raise InputError(f"signals: survey column {name!r} has values outside its scale "
                         f"{lo:g}-{hi:g}: {describe_ids(outside.unique())}")
    return values, scale


def _parse_flag(col: pd.Series, name: object, *, table: str = "signals") -> pd.Series:
    """A yes/no column as float 1.0 / 0.0 / NaN (blank = unknown)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("float64")
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64")
        bad = values.dropna()
        bad = bad[~bad.isin([0.0, 1.0])]
        if not bad.empty:
            raise InputError(f"{table}: flag column {name!r} has values other than 0/1: "
                             f"{describe_ids(bad.unique())}")
        return values
    uniques = pd.unique(col.dropna().to_numpy(dtype=object))
    mapping: dict[object, float] = {}
    bad = []
    for raw in uniques:
        text = _norm_text(raw)
        if text in _TRUE:
            mapping[raw] = 1.0
        elif text in _FALSE:
            mapping[raw] = 0.0
        elif text in _NO_ANSWER:
            mapping[raw] = np.nan
        else:
            bad.append(raw)
    if bad:
        raise InputError(f"{table}: flag column {name!r} has values that are not yes/no "
                         f"(yes/no/true/false/1/0/ja/nee/x): {describe_ids(bad)}")
    return col.astype(object).map(mapping).astype("float64")


def _parse_count(col: pd.Series, name: object) -> pd.Series:
    """An activity count column as float (NaN = unknown); InputError on text or negatives."""
    if pd.api.types.is_bool_dtype(col.dtype):
        raise InputError(f"signals: activity column {name!r} holds true/false values, not counts")
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64")
    else:
        raw = col.astype(object).where(col.notna(), None)
        stripped = raw.map(lambda v: v if v is None else str(v).strip(), na_action="ignore")
        values = pd.to_numeric(stripped.mask(stripped == ""), errors="coerce").astype("float64")
        bad = col[values.isna() & stripped.notna() & (stripped != "")]
        if not bad.empty:
            raise InputError(f"signals: activity column {name!r} has values that are not counts: "
                             f"{describe_ids(bad.unique())}")
    negative = values[values < 0]
    if not negative.empty:
        raise InputError(f"signals: activity column {name!r} has negative counts: "
                         f"{describe_ids(negative.unique())}")
    return values


def _scale_activity(values: pd.Series) -> pd.Series:
    """Robust [0, 1] scale of one heavy-tailed count: log1p(x) / log1p(x95), capped at 1.

    x95 is the 95th percentile of the *positive* counts, taken as an observed value (the order
    statistic at or below it, never interpolated), so one extreme poster in a small group cannot
    push everybody else towards 0, and many people with 0 cannot make one post look like a lot.
    """
    positive = values[values > 0]
    if positive.empty:
        return values * 0.0        # every known count is 0 (NaN stays NaN)
    cap = float(np.percentile(positive.to_numpy(), 95, method="lower"))
    return (np.log1p(values) / np.log1p(cap)).clip(upper=1.0)


def _format_numbers(values: pd.Series) -> pd.Series:
    """Vectorised number -> text: integers without decimals, others with one."""
    known = values.dropna()
    if (known == np.round(known)).all():
        text = values.round().astype("Int64").astype("string")
    else:
        text = values.round(1).astype("string")
    return text


def _isin(values: object, universe: object) -> np.ndarray:
    """Boolean mask of ``values`` found in ``universe`` (hash join on object arrays: Arrow-backed
    string ``isin`` loops in Python over the universe)."""
    left = pd.Index(np.asarray(values, dtype=object), dtype=object)
    return left.isin(np.asarray(universe, dtype=object))


def _count_label(values: pd.Series, column: object) -> pd.Series:
    """' posts' / ' post' (for a count of 1) from the column name, vectorised."""
    plural = " " + _norm_name(column).replace("_", " ")
    singular = plural
    if plural.endswith("ies"):
        singular = plural[:-3] + "y"
    elif plural.endswith("s") and not plural.endswith("ss"):
        singular = plural[:-1]
    return pd.Series(np.where(values.to_numpy() == 1, singular, plural), index=values.index)


def _join(parts: list[pd.Series], sep: str) -> pd.Series:
    """Row-wise join of string Series (NA = skip), vectorised over rows."""
    out = None
    for part in parts:
        part = part.astype("string").fillna("")
        if out is None:
            out = part
        else:
            glue = pd.Series(np.where((out != "") & (part != ""), sep, ""), index=out.index)
            out = out + glue + part
    if out is None:
        return pd.Series(dtype="string")
    return out.mask(out == "")


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(ENTHUSIASM_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise InputError(f"weights: expected a dict like {ENTHUSIASM_WEIGHTS}, got {weights!r}")
    unknown = [k for k in weights if k not in ENTHUSIASM_WEIGHTS]
    if unknown:
        raise InputError(f"weights: unknown enthusiasm component(s) {describe_ids(unknown)}; "
                         f"components are {', '.join(ENTHUSIASM_WEIGHTS)}")
    out = {k: float(weights.get(k, 0.0)) for k in ENTHUSIASM_WEIGHTS}
    if any(not np.isfinite(v) or v < 0 for v in out.values()) or sum(out.values()) <= 0:
        raise InputError(f"weights: enthusiasm weights must be >= 0 and not all 0, got {dict(weights)}")
    return out


def _ids(frame: pd.DataFrame, what: str) -> pd.Index:
    if frame.index.name != "person_id" and "person_id" in frame.columns:
        frame = frame.set_index("person_id")
    ids = frame.index.astype(str)
    if ids.has_duplicates:
        raise InputError(f"{what}: duplicate person_id {describe_ids(ids[ids.duplicated()].unique())}")
    return ids


def enthusiasm_scores(
    signals: pd.DataFrame | Loaded,
    people: pd.DataFrame | Loaded | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    missing: str = "neutral",
    kinds: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    r"""Per-person enthusiasm in [0, 1] from survey answers, activity counts and opt-in flags.

    .. math::

        e_i = \frac{\sum_{k \in K_i} w_k c_{ik}}{\sum_{k \in K_i} w_k}, \qquad
        k \in \{\text{survey}, \text{activity}, \text{opt\_in}\}

    where :math:`K_i` are the components known for person *i* (after the ``missing`` rule) and

    * survey :math:`c = (a - lo) / (hi - lo)`, the mean over the survey columns the person
      answered (``a`` on the column's scale ``lo..hi``: 1-5, 1-7 or 0-10);
    * activity :math:`c = \min(1, \log(1 + x) / \log(1 + x_{95}))` per activity column, with
      :math:`x_{95}` that column's 95th percentile of the positive counts (an observed value,
      not interpolated). Activity is heavy-tailed: the log and the cap keep a few very active
      people from squashing everybody else to 0. Averaged over the person's known activity
      columns, so cheap reactions do not outweigh posts;
    * opt_in :math:`c = 1` when any opt-in column says yes, 0 when the person answered no.

    Parameters
    ----------
    signals : DataFrame or Loaded
        Wide signals table indexed by ``person_id`` (or with a ``person_id`` column).
    people : DataFrame or Loaded, optional
        The roster. The result has one row per roster person (people without signals get
        ``enthusiasm_known=False``); signal rows of people not in the roster are dropped and
        counted in ``result.attrs["not_in_roster"]``. Without a roster, the signals' ids are used.
    weights : dict, optional
        Component weights, default :data:`ENTHUSIASM_WEIGHTS` ``{"survey": 0.5,
        "activity": 0.3, "opt_in": 0.2}``; missing keys count as 0.
    missing : {"neutral", "exclude", "infer"}
        What an unknown survey answer means (it is never zero):

        * ``"neutral"`` (default): the survey component counts as the neutral prior 0.5;
        * ``"exclude"``: enthusiasm is NaN (the ranking then marks the person ineligible,
          "enthusiasm unknown"); without survey columns, only people with no known signal at all;
        * ``"infer"``: the survey component is taken from the person's activity component, and
          the neutral 0.5 when activity is unknown too.

        In every mode, a person with no known component at all gets 0.5 (NaN with ``"exclude"``).
    kinds : dict, optional
        ``{column: kind}`` overriding the name rules; kind is ``"survey"``, ``"survey:1-7"``
        (any ``"survey:LO-HI"``), ``"activity"``, ``"opt_in"``, ``"opt_out"`` or ``"ignore"``.

    Returns
    -------
    DataFrame
        Indexed by ``person_id``: ``enthusiasm`` (float in [0, 1], NaN only with
        ``missing="exclude"``), ``enthusiasm_known`` (a survey answer, an activity count or an
        opt-in answer is known), ``opted_in``, ``opted_out`` (bool), ``survey``, ``activity``
        (components in [0, 1], NaN when unknown; no imputation here), ``survey_answer`` (e.g.
        ``"5/5"``; several survey columns joined by ", "), ``activity_total`` (sum of the
        activity counts, NaN when unknown) and ``activity_detail`` (e.g. ``"40 posts, 3
        comments"``). ``attrs`` holds ``kinds``, ``scales``, ``weights``, ``missing`` and
        ``not_in_roster``.

    Raises
    ------
    InputError
        Unparseable survey answers (naming the column and the first bad values), values outside
        every supported scale, non-count activity values, flags that are not yes/no, duplicate
        ids, unknown ``kinds`` columns, bad ``weights`` or ``missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> signals = pd.DataFrame(
    ...     {"survey_ambassador": ["Strongly agree", "oneens", None],
    ...      "posts": [40, 0, 3], "opt_out": ["no", "no", "yes"]},
    ...     index=pd.Index(["a", "b", "c"], name="person_id"))
    >>> people = pd.DataFrame({"department": ["X", "X", "Y", "Y"]},
    ...                       index=pd.Index(["a", "b", "c", "d"], name="person_id"))
    >>> e = enthusiasm_scores(signals, people)
    >>> e[["enthusiasm", "enthusiasm_known", "opted_out", "survey_answer"]].round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
               enthusiasm  enthusiasm_known  opted_out survey_answer
    person_id
    a                1.00              True      False           5/5
    b                0.16              True      False           2/5
    c                0.69              True       True          <NA>
    d                0.50             False      False          <NA>

    Notes
    -----
    Cost: O(n) per column, vectorised; text answers are mapped per distinct value. An unparseable
    survey answer raises rather than silently counting as unknown: a typo or a new answer option
    should be seen, not averaged away. The 1-5 / 1-7 / 0-10 scale is detected from the values
    (any value below 1 or above 7: 0-10; above 5: 1-7; otherwise 1-5), so a 1-7 question nobody
    answered above 5 is read as 1-5: state the scale with ``kinds`` when you know it.

    References
    ----------
    Likert, R. (1932). A technique for the measurement of attitudes. Archives of Psychology 140.
    """
    if missing not in MISSING_MODES:
        raise InputError(f"missing: expected one of {', '.join(MISSING_MODES)}, got {missing!r}")
    w = _check_weights(weights)
    table = as_frame(signals)
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"signals: expected a DataFrame or Loaded, got {type(table).__name__}")
    if table.index.name != "person_id" and "person_id" in table.columns:
        table = table.set_index("person_id")
    table = table.copy()
    table.index = _ids(table, "signals")
    table.index.name = "person_id"

    if people is None:
        roster = table.index
    else:
        roster_frame = as_frame(people)
        roster = _ids(roster_frame, "people")
    roster = pd.Index(roster, name="person_id")
    in_roster = _isin(table.index, roster)
    not_in_roster = int((~in_roster).sum())
    table = table[in_roster].reindex(roster)

    overrides = dict(kinds or {})
    unknown_cols = [c for c in overrides if c not in table.columns]
    if unknown_cols:
        raise InputError(f"kinds: column(s) {describe_ids(unknown_cols)} not in the signals; "
                         f"columns are: {', '.join(map(str, table.columns))}")
    col_kinds: dict[str, str] = {}
    stated: dict[str, tuple[float, float] | None] = {}
    for col in table.columns:                    # loops over columns, never rows
        if col in overrides:
            col_kinds[col], stated[col] = _parse_kind(col, overrides[col])
        else:
            col_kinds[col], stated[col] = detect_kind(col), None

    n = len(roster)
    nan = pd.Series(np.full(n, np.nan), index=roster)

    # survey
    survey_cols = [c for c, k in col_kinds.items() if k == "survey"]
    scales: dict[str, str] = {}
    normed, answers = [], []
    for col in survey_cols:
        values, (lo, hi) = _parse_survey(table[col], col, stated[col])
        scales[str(col)] = f"{lo:g}-{hi:g}"
        normed.append((values - lo) / (hi - lo))
        answers.append((_format_numbers(values) + f"/{hi:g}").where(values.notna()))
    survey = pd.concat(normed, axis=1).mean(axis=1, skipna=True) if normed else nan.copy()
    survey_answer = _join(answers, ", ") if answers else pd.Series(pd.NA, index=roster, dtype="string")

    # activity
    act_cols = [c for c, k in col_kinds.items() if k == "activity"]
    counts = [_parse_count(table[c], c) for c in act_cols]
    if counts:
        frame = pd.concat(counts, axis=1)
        activity_total = frame.sum(axis=1, min_count=1)
        activity = pd.concat([_scale_activity(c) for c in counts], axis=1).mean(axis=1, skipna=True)
        activity_detail = _join([(_format_numbers(c) + _count_label(c, col)).where(c.notna())
                                 for c, col in zip(counts, act_cols)], ", ")
    else:
        activity_total, activity = nan.copy(), nan.copy()
        activity_detail = pd.Series(pd.NA, index=roster, dtype="string")

    # flags
    def any_flag(kind: str) -> pd.Series:
        cols = [_parse_flag(table[c], c) for c, k in col_kinds.items() if k == kind]
        return pd.concat(cols, axis=1).max(axis=1, skipna=True) if cols else nan.copy()

    opt_in = any_flag("opt_in")
    opt_out = any_flag("opt_out")

    # combine
    survey_used = survey.copy()
    if survey_cols and missing == "neutral":
        survey_used = survey_used.fillna(0.5)
    elif survey_cols and missing == "infer":
        survey_used = survey_used.fillna(activity).fillna(0.5)
    comps = np.column_stack([survey_used.to_numpy(), activity.to_numpy(), opt_in.to_numpy()])
    wvec = np.array([w["survey"], w["activity"], w["opt_in"]])
    known_mask = ~np.isnan(comps)
    wsum = (known_mask * wvec).sum(axis=1)
    num = (np.nan_to_num(comps) * wvec).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), np.nan)
    known = (survey.notna() | activity.notna() | opt_in.notna()).to_numpy()
    if missing == "exclude":
        if survey_cols:
            score = np.where(survey.notna().to_numpy(), score, np.nan)
    else:
        score = np.where(np.isnan(score), 0.5, score)

    result = pd.DataFrame({
        "enthusiasm": np.clip(score, 0.0, 1.0),
        "enthusiasm_known": known,
        "opted_in": (opt_in == 1.0).to_numpy(),
        "opted_out": (opt_out == 1.0).to_numpy(),
        "survey": survey.to_numpy(),
        "activity": activity.to_numpy(),
        "survey_answer": survey_answer.to_numpy(),
        "activity_total": activity_total.to_numpy(),
        "activity_detail": activity_detail.to_numpy(),
    }, index=roster)
    result["survey_answer"] = result["survey_answer"].astype("string")
    result["activity_detail"] = result["activity_detail"].astype("string")
    result.attrs.update({
        "kinds": {str(c): k for c, k in col_kinds.items()},
        "scales": scales,
        "weights": w,
        "missing": missing,
        "not_in_roster": not_in_roster,
    })
    return result
