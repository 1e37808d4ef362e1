"""Enthusiasm: how willing each person seems to be an ambassador.

This stage reads the wide *signals* table (one row per person, one column per signal; see
``docs/architecture.md``) and turns it into one enthusiasm score per person of the roster, in
[0, 1], together with the facts it was built from. It never reads message content: only survey
answers, activity *counts* and explicit opt-in / opt-out flags.

It hands a DataFrame indexed by ``person_id`` to :func:`ambassadors.ranking.rank_candidates`:
``enthusiasm, enthusiasm_known, opted_in, opted_out, survey, activity, survey_answer,
activity_total, activity_detail`` and the enthusiast pool ``enthusiast, reluctant,
enthusiasm_basis`` (thresholds in :data:`POOL_DEFAULTS`, changed with ``min_enthusiasm=``).

What each column is (survey answer, activity count, opt-in, opt-out or unused) is decided by
:func:`ambassadors.io.signal_columns.classify_columns` -- from the column name, the values and the
question text --, the same rules :func:`ambassadors.io.read_signals` reports in its load report;
a table from ``read_signals`` carries the decisions in ``attrs["kinds"]``. ``kinds={"column":
kind}`` overrides them; a survey column may state its scale as ``"survey:1-5"``, ``"survey:1-7"``,
``"survey:0-10"`` (or any ``"survey:LO-HI"``). A table with columns none of which is a signal is an
error naming them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from ambassadors._phrases import format_numbers, isin_ids, join_phrases
from ambassadors._text import snake_name
from ambassadors._validation import check_choice, check_number, person_frame
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.load_report import Loaded, as_frame
from ambassadors.io.signal_columns import (
    KIND_RULES,
    LIKERT_TEXT,
    ColumnUse,
    classify_columns,
    detect_kind,
    parse_count,
    parse_flag,
    parse_survey,
)

__all__ = [
    "enthusiasm_scores",
    "detect_kind",
    "ENTHUSIASM_WEIGHTS",
    "KIND_RULES",
    "LIKERT_TEXT",
    "MISSING_MODES",
    "POOL_DEFAULTS",
    "pool_thresholds",
    "top_two_threshold",
]

#: Default weights of the enthusiasm components (renormalised over the components known for a person).
ENTHUSIASM_WEIGHTS: dict[str, float] = {"survey": 0.5, "activity": 0.3, "opt_in": 0.2}

#: Accepted values of ``missing=``.
MISSING_MODES = ("neutral", "exclude", "infer")

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


def _count_label(values: pd.Series, column: object) -> pd.Series:
    """' posts' / ' post' (for a count of 1) from the column name, vectorised."""
    plural = " " + snake_name(column).replace("_", " ")
    singular = plural
    if plural.endswith("ies"):
        singular = plural[:-3] + "y"
    elif plural.endswith("s") and not plural.endswith("ss"):
        singular = plural[:-1]
    return pd.Series(np.where(values.to_numpy() == 1, singular, plural), index=values.index)


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



# --------------------------------------------------------------------------- the enthusiast pool

#: Default thresholds of the enthusiast pool; ``min_enthusiasm=`` changes them.
#: ``survey``: scaled answer (0 = bottom, 1 = top of the scale) from which an answer counts as
#: enthusiastic; ``None`` = the top two points of the answer's own scale (4-5 of 5, 6-7 of 7,
#: 9-10 of 0-10). ``activity``: the top share of activity, among people with any activity, that
#: counts as enthusiastic for people with no survey or opt-in answer. ``reluctant``: scaled
#: answers strictly below it are reluctant (0.5: the bottom half, 1-2 of 5, 1-3 of 7, 0-4 of 10).
POOL_DEFAULTS: dict[str, float | None] = {"survey": None, "activity": 0.2, "reluctant": 0.5}


def pool_thresholds(min_enthusiasm: float | Mapping[str, float | None] | None = None
                    ) -> dict[str, float | None]:
    """The enthusiast-pool thresholds from ``min_enthusiasm``: None, a number or a mapping.

    A number ``x`` in [0, 1] is the scaled survey answer from which a person counts as an
    enthusiast (``0.75`` = 4 of 5; ``1`` = only the top answer); a mapping sets any of the keys
    of :data:`POOL_DEFAULTS` (``survey`` in [0, 1], ``activity`` in (0, 1], ``reluctant`` in
    [0, 1]); keys not given keep their default.

    Examples
    --------
    >>> pool_thresholds()
    {'survey': None, 'activity': 0.2, 'reluctant': 0.5}
    >>> pool_thresholds(1.0)
    {'survey': 1.0, 'activity': 0.2, 'reluctant': 0.5}
    >>> pool_thresholds({"activity": 0.1})
    {'survey': None, 'activity': 0.1, 'reluctant': 0.5}
    """
    out = dict(POOL_DEFAULTS)
    if min_enthusiasm is None:
        return out
    if not isinstance(min_enthusiasm, Mapping):
        out["survey"] = float(check_number(min_enthusiasm, "min_enthusiasm", min_val=0, max_val=1))
        return out
    unknown = [k for k in min_enthusiasm if k not in POOL_DEFAULTS]
    if unknown:
        raise InputError(f"min_enthusiasm: unknown key(s) {describe_ids(unknown)}; keys are "
                         f"{', '.join(POOL_DEFAULTS)}")
    for key, value in min_enthusiasm.items():
        if value is None and key == "survey":
            continue
        out[key] = float(check_number(value, f"min_enthusiasm[{key!r}]", min_val=0, max_val=1,
                                      include_min=key != "activity"))
    return out


def top_two_threshold(lo: float, hi: float) -> float:
    """Scaled value of the second-highest point of a ``lo..hi`` scale (the top point on scales
    of fewer than three points).

    Examples
    --------
    >>> top_two_threshold(1, 5), round(top_two_threshold(1, 7), 3), top_two_threshold(0, 10)
    (0.75, 0.833, 0.9)
    """
    return (hi - 1 - lo) / (hi - lo) if hi - lo >= 2 else 1.0


class _Survey(NamedTuple):
    score: pd.Series       # mean scaled answer in [0, 1] over the answered columns; NaN: none
    top: pd.Series         # mean top-two threshold over the same columns
    answer: pd.Series      # "5/5, 4/7" (the reasons)
    said: pd.Series        # "5 of 5, 4 of 7" (the pool's basis)
    scales: dict[str, str]


class _Activity(NamedTuple):
    score: pd.Series       # mean scaled activity in [0, 1]; NaN: no count known
    total: pd.Series       # sum of the counts
    detail: pd.Series      # "40 posts, 3 comments"


def _survey_part(table: pd.DataFrame, columns: list[object],
                 uses: Mapping[object, ColumnUse]) -> _Survey:
    """Parse every survey column and reduce them to one answer per person."""
    index = table.index
    if not columns:
        nan = pd.Series(np.nan, index=index)
        na = pd.Series(pd.NA, index=index, dtype="string")
        return _Survey(nan, nan, na, na, {})
    scaled, tops, answers, said, scales = [], [], [], [], {}
    for col in columns:                          # loops over columns, never rows
        values, (lo, hi) = parse_survey(table[col], col, uses[col].scale)
        scales[str(col)] = f"{lo:g}-{hi:g}"
        scaled.append((values - lo) / (hi - lo))
        tops.append(pd.Series(top_two_threshold(lo, hi), index=index).where(values.notna()))
        text = format_numbers(values)
        answers.append((text + f"/{hi:g}").where(values.notna()))
        said.append((text + f" of {hi:g}").where(values.notna()))
    return _Survey(pd.concat(scaled, axis=1).mean(axis=1, skipna=True),
                   pd.concat(tops, axis=1).mean(axis=1, skipna=True),
                   join_phrases(answers, ", ").astype("string"),
                   join_phrases(said, ", ").astype("string"), scales)


def _activity_part(table: pd.DataFrame, columns: list[object]) -> _Activity:
    """Parse every activity column: the scaled component, the total and the detail text."""
    if not columns:
        nan = pd.Series(np.nan, index=table.index)
        return _Activity(nan, nan.copy(), pd.Series(pd.NA, index=table.index, dtype="string"))
    counts = [parse_count(table[c], c) for c in columns]
    detail = join_phrases([(format_numbers(c) + _count_label(c, col)).where(c.notna())
                           for c, col in zip(counts, columns, strict=True)], ", ")
    return _Activity(pd.concat([_scale_activity(c) for c in counts], axis=1).mean(axis=1, skipna=True),
                     pd.concat(counts, axis=1).sum(axis=1, min_count=1), detail.astype("string"))


def _any_flag(table: pd.DataFrame, columns: list[object], kind: str) -> pd.Series:
    """1.0 where any of the flag columns says yes, 0.0 where they say no, NaN when unknown."""
    if not columns:
        return pd.Series(np.nan, index=table.index)
    flags = [parse_flag(table[c], c, kind=kind) for c in columns]
    return pd.concat(flags, axis=1).max(axis=1, skipna=True)


def _top_share(values: pd.Series, share: float) -> np.ndarray:
    """True for people with positive ``values`` ranked in the top ``share`` of those people:
    fewer than ``share * n`` of them have a strictly higher value (ties are all in or all out)."""
    v = values.to_numpy(dtype="float64")
    positive = np.nan_to_num(v, nan=0.0) > 0
    ordered = np.sort(v[positive])
    higher = len(ordered) - np.searchsorted(ordered, np.nan_to_num(v, nan=0.0), side="right")
    return positive & (higher < share * len(ordered))


def _pool(survey: _Survey, activity: _Activity, opt_in: pd.Series, opt_out: pd.Series,
          thresholds: Mapping[str, float | None]) -> pd.DataFrame:
    """``enthusiast``, ``reluctant`` and ``enthusiasm_basis`` of every person.

    Precedence: an opt-out excludes; an explicit opt-in includes (and is never reluctant); else
    the person's own survey answer decides; only without a survey or opt-in answer does a top
    share of activity count.
    """
    eps = 1e-9                                   # scaled answers are ratios of small integers
    answered = survey.score.notna().to_numpy()
    top = survey.top if thresholds["survey"] is None else thresholds["survey"]
    survey_top = answered & (survey.score >= top - eps).to_numpy()
    volunteered = (opt_in == 1.0).to_numpy()
    out = (opt_out == 1.0).to_numpy()
    activity_only = ~answered & opt_in.isna().to_numpy() & activity.score.notna().to_numpy()
    share = float(thresholds["activity"])
    activity_top = activity_only & _top_share(activity.score, share)
    reluctant = answered & (survey.score < float(thresholds["reluctant"]) - eps).to_numpy()
    reluctant &= ~volunteered
    shown = f"{share * 100:g} %"
    basis = np.select(
        [out, volunteered, answered, activity_top, activity_only, (opt_in == 0.0).to_numpy()],
        ["opted out", "opted in", "survey " + survey.said.fillna("").to_numpy(dtype=object),
         f"activity top {shown}", f"activity below the top {shown}", "did not opt in"],
        default="unknown")
    return pd.DataFrame({
        "enthusiast": (survey_top | volunteered | activity_top) & ~out,
        "reluctant": reluctant,
        "enthusiasm_basis": pd.array(basis, dtype="string"),
    }, index=survey.score.index)


# --------------------------------------------------------------------------- the score

def _align(signals: pd.DataFrame | Loaded,
           people: pd.DataFrame | Loaded | None) -> tuple[pd.DataFrame, int]:
    """The signals reindexed to the roster (the signals' own ids without one), and the number
    of signal rows whose person is not in the roster."""
    table = person_frame(as_frame(signals), "signals")
    roster = table.index if people is None else person_frame(as_frame(people), "people").index
    roster = pd.Index(roster, name="person_id")
    in_roster = isin_ids(table.index, roster)
    return table[in_roster].reindex(roster), int((~in_roster).sum())


def _column_uses(table: pd.DataFrame, kinds: Mapping[str, str] | None) -> dict[object, ColumnUse]:
    """What every column is: ``kinds=`` first, then what the reader decided (``attrs["kinds"]`` of
    a table from :func:`~ambassadors.io.read_signals`), then the shared classifier. A table with
    columns of which none is a signal is an error naming them: nothing is silently ignored."""
    decided = {c: k for c, k in dict(table.attrs.get("kinds") or {}).items() if c in table.columns}
    uses = classify_columns(table, {**decided, **dict(kinds or {})})
    if uses and all(u.kind == "ignore" for u in uses.values()) and not kinds:
        raise InputError("signals: no column is a survey answer, activity count, opt-in or "
                         "opt-out; columns are: " + "; ".join(f"{c!r} ({u.why})" for c, u in uses.items()))
    return uses


def _combine(survey: pd.Series, activity: pd.Series, opt_in: pd.Series, weights: Mapping[str, float],
             *, missing: str, has_survey: bool) -> np.ndarray:
    """The weighted mean of the known components, with the ``missing`` rule for the survey."""
    survey_used = survey
    if has_survey and missing == "neutral":
        survey_used = survey.fillna(0.5)
    elif has_survey and missing == "infer":
        survey_used = survey.fillna(activity).fillna(0.5)
    comps = np.column_stack([survey_used.to_numpy(), activity.to_numpy(), opt_in.to_numpy()])
    wvec = np.array([weights["survey"], weights["activity"], weights["opt_in"]])
    wsum = (~np.isnan(comps) * wvec).sum(axis=1)
    num = (np.nan_to_num(comps) * wvec).sum(axis=1)
    score = np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), np.nan)
    if missing == "exclude":
        if has_survey:
            score = np.where(survey.notna().to_numpy(), score, np.nan)
    else:
        score = np.where(np.isnan(score), 0.5, score)
    return np.clip(score, 0.0, 1.0)


def enthusiasm_scores(
    signals: pd.DataFrame | Loaded,
    people: pd.DataFrame | Loaded | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    missing: str = "neutral",
    kinds: Mapping[str, str] | None = None,
    min_enthusiasm: float | Mapping[str, float | None] | None = None,
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
    min_enthusiasm : float or dict, optional
        Thresholds of the enthusiast pool (see :func:`pool_thresholds`): a number in [0, 1] is
        the scaled survey answer from which a person is an ``enthusiast`` (default: the top two
        points of the answer's own scale); a dict may also set ``activity`` (the top share of
        activity that counts, default 0.2) and ``reluctant`` (scaled answers strictly below it
        are reluctant, default 0.5: the bottom half of the scale).

    Returns
    -------
    DataFrame
        Indexed by ``person_id``: ``enthusiasm`` (float in [0, 1], NaN only with
        ``missing="exclude"``), ``enthusiasm_known`` (a survey answer, an activity count or an
        opt-in answer is known), ``opted_in``, ``opted_out`` (bool), ``survey``, ``activity``
        (components in [0, 1], NaN when unknown; no imputation here), ``survey_answer`` (e.g.
        ``"5/5"``; several survey columns joined by ", "), ``activity_total`` (sum of the
        activity counts, NaN when unknown) and ``activity_detail`` (e.g. ``"40 posts, 3
        comments"``), and the enthusiast pool: ``enthusiast`` (bool: a survey answer at or above
        the threshold -- by default the top two points of its scale --, or an explicit opt-in,
        or, for people with neither a survey nor an opt-in answer, activity in the top 20 % of
        the people with any activity; never when opted out), ``reluctant`` (bool: a survey
        answer strictly in the bottom half of its scale, unless the person opted in) and
        ``enthusiasm_basis`` (what decided: ``"opted out"``, ``"opted in"``, ``"survey 5 of 5"``,
        ``"activity top 20 %"``, ``"activity below the top 20 %"``, ``"did not opt in"`` or
        ``"unknown"``). ``attrs`` holds ``kinds``, ``scales``, ``weights``, ``missing``,
        ``pool`` (the thresholds used) and ``not_in_roster``.

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
    >>> e[["enthusiast", "reluctant", "enthusiasm_basis"]]
    ... # doctest: +NORMALIZE_WHITESPACE
               enthusiast  reluctant enthusiasm_basis
    person_id
    a                True      False    survey 5 of 5
    b               False       True    survey 2 of 5
    c               False      False        opted out
    d               False      False          unknown

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
    check_choice(missing, "missing", MISSING_MODES)
    w = _check_weights(weights)
    thresholds = pool_thresholds(min_enthusiasm)
    table, not_in_roster = _align(signals, people)
    uses = _column_uses(table, kinds)
    table.attrs = {}                 # pandas deep-copies attrs on every operation: drop them once read

    def of_kind(kind: str) -> list[object]:
        return [c for c, u in uses.items() if u.kind == kind]

    survey = _survey_part(table, of_kind("survey"), uses)
    activity = _activity_part(table, of_kind("activity"))
    opt_in = _any_flag(table, of_kind("opt_in"), "opt_in")
    opt_out = _any_flag(table, of_kind("opt_out"), "opt_out")
    score = _combine(survey.score, activity.score, opt_in, w, missing=missing,
                     has_survey=bool(of_kind("survey")))
    result = pd.DataFrame({
        "enthusiasm": score,
        "enthusiasm_known": (survey.score.notna() | activity.score.notna() | opt_in.notna()).to_numpy(),
        "opted_in": (opt_in == 1.0).to_numpy(),
        "opted_out": (opt_out == 1.0).to_numpy(),
        "survey": survey.score.to_numpy(),
        "activity": activity.score.to_numpy(),
        "survey_answer": survey.answer,
        "activity_total": activity.total.to_numpy(),
        "activity_detail": activity.detail,
    }, index=table.index)
    result = result.join(_pool(survey, activity, opt_in, opt_out, thresholds))
    result.attrs.update({
        "kinds": {str(c): u.kind for c, u in uses.items()},
        "scales": survey.scales,
        "weights": w,
        "missing": missing,
        "pool": thresholds,
        "not_in_roster": not_in_roster,
    })
    return result
