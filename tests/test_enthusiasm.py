"""Tests for ambassadors.enthusiasm: signal kinds, Likert parsing, scales, missing data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.enthusiasm import detect_kind, enthusiasm_scores
from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded, LoadReport


def ids(*names: str) -> pd.Index:
    return pd.Index(list(names), name="person_id")


def roster(*names: str) -> pd.DataFrame:
    return pd.DataFrame({"department": ["D"] * len(names)}, index=ids(*names))


def survey_only(values, **kw) -> pd.DataFrame:
    names = [f"p{i}" for i in range(len(values))]
    sig = pd.DataFrame({"survey_q1": values}, index=ids(*names))
    return enthusiasm_scores(sig, roster(*names), **kw)


# ---------------------------------------------------------------- kinds

@pytest.mark.parametrize("name, kind", [
    ("survey_ambassador", "survey"), ("Survey Q3", "survey"), ("q12_pride", "survey"),
    ("likert_1", "survey"), ("posts", "activity"), ("Comments (30d)", "activity"),
    ("replies", "activity"), ("reactions", "activity"), ("shares", "activity"),
    ("activity_engage", "activity"), ("opt_in", "opt_in"), ("Opt-In", "opt_in"),
    ("volunteer", "opt_in"), ("opt_out", "opt_out"), ("opted-out", "opt_out"),
    ("department", "ignore"), ("postcode", "ignore"),
])
def test_kind_detected_from_column_name(name, kind):
    assert detect_kind(name) == kind


def test_kinds_override_detection_and_unknown_columns_are_refused():
    sig = pd.DataFrame({"mood": [5, 1], "posts": [3, 4]}, index=ids("a", "b"))
    default = enthusiasm_scores(sig, roster("a", "b"))
    assert default.attrs["kinds"]["mood"] == "ignore"
    assert default["survey"].isna().all()
    over = enthusiasm_scores(sig, roster("a", "b"), kinds={"mood": "survey", "posts": "ignore"})
    assert over.loc["a", "survey"] == 1.0 and over.loc["b", "survey"] == 0.0
    assert over["activity"].isna().all()
    with pytest.raises(InputError, match="'typo'"):
        enthusiasm_scores(sig, roster("a", "b"), kinds={"typo": "survey"})
    with pytest.raises(InputError, match="mood"):
        enthusiasm_scores(sig, roster("a", "b"), kinds={"mood": "feelings"})


# ---------------------------------------------------------------- Likert text

@pytest.mark.parametrize("text, position", [
    ("Strongly disagree", 1), ("disagree", 2), ("Neither agree nor disagree", 3),
    ("Neutral", 3), ("Agree", 4), ("  STRONGLY AGREE ", 5),
    ("Helemaal oneens", 1), ("oneens", 2), ("Neutraal", 3), ("Niet eens, niet oneens", 3),
    ("Eens", 4), ("helemaal eens", 5), ("Helemaal  Eens ", 5),
])
def test_likert_text_english_and_dutch(text, position):
    e = survey_only([text, "Strongly disagree", "Strongly agree"])
    assert e.loc["p0", "survey_answer"] == f"{position}/5"
    assert e.loc["p0", "survey"] == pytest.approx((position - 1) / 4)


def test_seven_point_text_when_somewhat_answers_appear():
    e = survey_only(["Somewhat agree", "Strongly agree", "disagree"])
    assert e["survey_answer"].tolist() == ["5/7", "7/7", "2/7"]


def test_no_answer_text_is_unknown_not_zero():
    e = survey_only(["n/a", "Weet niet", "", "Agree"])
    assert e.loc[["p0", "p1", "p2"], "survey"].isna().all()
    assert e.loc["p3", "survey"] == 0.75


def test_unparseable_answer_names_column_and_values():
    with pytest.raises(InputError, match=r"survey_q1.*'kinda'"):
        survey_only(["Agree", "kinda", "Agree"])


# ---------------------------------------------------------------- numeric scales

@pytest.mark.parametrize("values, scale, top", [
    ([1, 3, 5], "1-5", 5), ([1, 4, 7], "1-7", 7), ([0, 5, 10], "0-10", 10), ([2, 6, 9], "0-10", 10),
])
def test_numeric_scale_detected(values, scale, top):
    e = survey_only(values)
    assert e.attrs["scales"]["survey_q1"] == scale
    lo = 0 if scale == "0-10" else 1
    assert e["survey"].tolist() == pytest.approx([(v - lo) / (top - lo) for v in values])
    assert e.loc["p2", "survey_answer"] == f"{values[2]}/{top}"


def test_numbers_written_as_text_with_decimal_comma():
    e = survey_only(["4", " 2,5 ", "5"])
    assert e["survey"].tolist() == pytest.approx([0.75, 0.375, 1.0])
    assert e.loc["p1", "survey_answer"] == "2.5/5"


def test_stated_scale_wins_over_detection():
    e = survey_only([1, 4, 5], kinds={"survey_q1": "survey:1-7"})
    assert e.loc["p1", "survey"] == pytest.approx(0.5)
    assert e.loc["p2", "survey_answer"] == "5/7"


def test_values_outside_every_scale_or_the_stated_one_are_refused():
    with pytest.raises(InputError, match="survey_q1"):
        survey_only([3, 12])
    with pytest.raises(InputError, match="outside its scale"):
        survey_only([3, 7], kinds={"survey_q1": "survey:1-5"})


def test_several_survey_columns_average_and_show_each_answer():
    sig = pd.DataFrame({"survey_a": [5, 1], "survey_b": [1, np.nan]}, index=ids("a", "b"))
    e = enthusiasm_scores(sig, roster("a", "b"), kinds={"survey_b": "survey:1-7"})
    assert e.loc["a", "survey"] == pytest.approx(0.5)
    assert e.loc["a", "survey_answer"] == "5/5, 1/7"
    assert e.loc["b", "survey_answer"] == "1/5"


# ---------------------------------------------------------------- missing modes

def _mixed_signals():
    sig = pd.DataFrame({"survey_q1": [5, np.nan, np.nan], "posts": [10, 10, np.nan]},
                       index=ids("a", "b", "c"))
    return sig, roster("a", "b", "c", "d")


def test_missing_neutral_uses_prior_half_for_unknown_survey():
    sig, people = _mixed_signals()
    e = enthusiasm_scores(sig, people, missing="neutral", weights={"survey": 1, "activity": 1})
    assert np.isnan(e.loc["b", "survey"])                     # the fact stays unknown
    assert e.loc["b", "enthusiasm"] == pytest.approx((0.5 + e.loc["b", "activity"]) / 2)
    assert e.loc["d", "enthusiasm"] == 0.5
    assert not e.loc["d", "enthusiasm_known"] and e.loc["b", "enthusiasm_known"]


def test_missing_exclude_gives_nan():
    sig, people = _mixed_signals()
    e = enthusiasm_scores(sig, people, missing="exclude")
    assert e.loc["a", "enthusiasm"] > 0
    assert e.loc[["b", "c", "d"], "enthusiasm"].isna().all()


def test_missing_infer_uses_activity():
    sig, people = _mixed_signals()
    e = enthusiasm_scores(sig, people, missing="infer", weights={"survey": 1, "activity": 1})
    assert e.loc["b", "enthusiasm"] == pytest.approx(e.loc["b", "activity"])
    assert e.loc["d", "enthusiasm"] == 0.5                    # nothing to infer from


def test_missing_mode_and_weights_are_validated():
    sig, people = _mixed_signals()
    with pytest.raises(InputError, match="missing"):
        enthusiasm_scores(sig, people, missing="zero")
    with pytest.raises(InputError, match="unknown enthusiasm component"):
        enthusiasm_scores(sig, people, weights={"mood": 1})
    with pytest.raises(InputError, match=">= 0"):
        enthusiasm_scores(sig, people, weights={"survey": -1, "activity": 2})


def test_one_row_per_roster_person_ids_kept_as_text():
    sig = pd.DataFrame({"survey_q1": [4, 2]}, index=ids("007", "x"))
    people = roster("007", "008", "009")
    e = enthusiasm_scores(Loaded(sig, LoadReport("s.csv", "signals")),
                          Loaded(people, LoadReport("p", "people")))
    assert e.index.tolist() == ["007", "008", "009"]
    assert e.attrs["not_in_roster"] == 1
    assert e["enthusiasm_known"].tolist() == [True, False, False]


def test_empty_signals_give_neutral_unknown_everybody():
    sig = pd.DataFrame(index=pd.Index([], name="person_id", dtype=str))
    e = enthusiasm_scores(sig, roster("a", "b"))
    assert e["enthusiasm"].tolist() == [0.5, 0.5]
    assert not e["enthusiasm_known"].any()


# ---------------------------------------------------------------- flags and activity

def test_opt_in_and_opt_out_flags():
    values = ["yes", "no", "TRUE", "false", "1", "0", "ja", "nee", "x", None]
    names = [f"p{i}" for i in range(len(values))]
    sig = pd.DataFrame({"volunteer": values, "opt_out": values[::-1]}, index=ids(*names))
    e = enthusiasm_scores(sig, roster(*names))
    assert e["opted_in"].tolist() == [True, False, True, False, True, False, True, False, True, False]
    assert e["opted_out"].tolist() == [False, True, False, True, False, True, False, True, False, True]
    bad = pd.DataFrame({"opt_in": ["yes", "maybe"]}, index=ids("a", "b"))
    with pytest.raises(InputError, match=r"opt_in.*'maybe'"):
        enthusiasm_scores(bad, roster("a", "b"))


def test_activity_is_robust_to_one_extreme_poster():
    counts = [0, 1, 2, 5, 10, 20, 40, 50, 60, 80, 100_000]
    names = [f"p{i:02d}" for i in range(len(counts))]
    e = enthusiasm_scores(pd.DataFrame({"posts": counts}, index=ids(*names)), roster(*names))
    act = e["activity"]
    assert act.iloc[0] == 0.0 and act.iloc[-1] == 1.0
    assert act.loc["p06"] > 0.5                        # 40 posts is not squashed to ~0
    assert act.is_monotonic_increasing
    assert e.loc["p06", "activity_total"] == 40
    assert e.loc["p01", "activity_detail"] == "1 post"


def test_activity_text_and_negative_counts_are_refused():
    with pytest.raises(InputError, match=r"posts.*'lots'"):
        enthusiasm_scores(pd.DataFrame({"posts": ["3", "lots"]}, index=ids("a", "b")), roster("a", "b"))
    with pytest.raises(InputError, match="negative"):
        enthusiasm_scores(pd.DataFrame({"posts": [3, -1]}, index=ids("a", "b")), roster("a", "b"))


# ---------------------------------------------------------------- properties

answers = st.one_of(st.none(), st.integers(1, 5))
counts = st.one_of(st.none(), st.integers(0, 10_000))


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(answers, counts, st.sampled_from(["yes", "no", None])),
                min_size=2, max_size=12),
       st.sampled_from(["neutral", "infer", "exclude"]))
def test_enthusiasm_in_unit_interval(rows, missing):
    names = [f"p{i}" for i in range(len(rows))]
    sig = pd.DataFrame(rows, columns=["survey_q1", "posts", "opt_in"], index=ids(*names))
    sig["survey_q1"] = sig["survey_q1"].astype("float64")
    sig["posts"] = sig["posts"].astype("float64")
    e = enthusiasm_scores(sig, roster(*names), missing=missing, kinds={"survey_q1": "survey:1-5"})
    known = e["enthusiasm"].dropna()
    assert ((known >= 0) & (known <= 1)).all()
    if missing != "exclude":
        assert e["enthusiasm"].notna().all()


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 500)), min_size=2, max_size=12),
       st.data())
def test_raising_own_answer_or_activity_never_lowers_enthusiasm(rows, data):
    names = [f"p{i}" for i in range(len(rows))]
    sig = pd.DataFrame(rows, columns=["survey_q1", "posts"], index=ids(*names), dtype="float64")
    who = data.draw(st.sampled_from(names))
    kinds = {"survey_q1": "survey:1-5"}
    before = enthusiasm_scores(sig, roster(*names), kinds=kinds).loc[who, "enthusiasm"]
    raised = sig.copy()
    raised.loc[who, "survey_q1"] = data.draw(st.integers(int(sig.loc[who, "survey_q1"]), 5))
    raised.loc[who, "posts"] += data.draw(st.integers(0, 100_000))
    after = enthusiasm_scores(raised, roster(*names), kinds=kinds).loc[who, "enthusiasm"]
    assert after >= before - 1e-12


# ---------------------------------------------------------------- the enthusiast pool

@pytest.mark.parametrize("scale, answers, enthusiasts, reluctants", [
    ("1-5", [1, 2, 3, 4, 5], [4, 5], [1, 2]),
    ("1-7", [1, 2, 3, 4, 5, 6, 7], [6, 7], [1, 2, 3]),
    ("0-10", list(range(11)), [9, 10], [0, 1, 2, 3, 4]),
])
def test_pool_top_two_points_and_strict_bottom_half_of_each_scale(scale, answers, enthusiasts,
                                                                  reluctants):
    e = survey_only(answers, kinds={"survey_q1": f"survey:{scale}"})
    by_answer = pd.Series(answers, index=e.index)
    assert by_answer[e["enthusiast"]].tolist() == enthusiasts
    assert by_answer[e["reluctant"]].tolist() == reluctants
    hi = scale.split("-")[1]
    assert e.loc[e.index[-1], "enthusiasm_basis"] == f"survey {answers[-1]} of {hi}"


def test_pool_opt_in_includes_opt_out_excludes_and_unknown_is_neither():
    sig = pd.DataFrame({"survey_q1": [2, 5, np.nan, np.nan], "volunteer": ["yes", None, None, "no"],
                        "opt_out": ["no", "yes", None, None]}, index=ids("a", "b", "c", "d"))
    e = enthusiasm_scores(sig, roster("a", "b", "c", "d", "x"), kinds={"survey_q1": "survey:1-5"})
    assert e["enthusiast"].tolist() == [True, False, False, False, False]
    assert e["reluctant"].tolist() == [False] * 5                # a's opt-in outranks the 2 of 5
    assert e["enthusiasm_basis"].tolist() == ["opted in", "opted out", "unknown", "did not opt in",
                                              "unknown"]


def test_pool_activity_only_people_by_top_share_of_activity():
    posts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]                    # 10 people with any activity
    names = [f"p{i}" for i in range(len(posts))]
    sig = pd.DataFrame({"posts": posts, "survey_q1": [np.nan] * 10 + [1.0]}, index=ids(*names))
    e = enthusiasm_scores(sig, roster(*names), kinds={"survey_q1": "survey:1-5"})
    # the top 20 % of the 10 active people are p9 and p10 (10 posts; both capped at x95 = 9);
    # p10 answered the survey (1 of 5), so activity does not decide for them
    assert e.index[e["enthusiast"]].tolist() == ["p9"]
    assert e.loc["p9", "enthusiasm_basis"] == "activity top 20 %"
    assert e.loc["p1", "enthusiasm_basis"] == "activity below the top 20 %"
    assert e.loc["p10", "reluctant"] and e.loc["p10", "enthusiasm_basis"] == "survey 1 of 5"
    wider = enthusiasm_scores(sig, roster(*names), kinds={"survey_q1": "survey:1-5"},
                              min_enthusiasm={"activity": 0.5})
    assert wider.index[wider["enthusiast"]].tolist() == ["p6", "p7", "p8", "p9"]


def test_min_enthusiasm_number_and_mapping_change_the_thresholds():
    answers = [1, 2, 3, 4, 5]
    assert survey_only(answers, min_enthusiasm=1.0)["enthusiast"].tolist() == [False] * 4 + [True]
    assert survey_only(answers, min_enthusiasm=0.5)["enthusiast"].tolist() == [False] * 2 + [True] * 3
    e = survey_only(answers, min_enthusiasm={"reluctant": 0.75})
    assert e["reluctant"].tolist() == [True, True, True, False, False]
    assert e.attrs["pool"] == {"survey": None, "activity": 0.2, "reluctant": 0.75}
    for bad in (1.5, -0.1, {"activity": 0}, {"surveys": 0.5}, "high"):
        with pytest.raises(InputError, match="min_enthusiasm"):
            survey_only(answers, min_enthusiasm=bad)


def test_several_survey_columns_pool_on_the_mean_answer():
    sig = pd.DataFrame({"survey_a": [5, 4, 1], "survey_b": [7, 5, np.nan]}, index=ids("a", "b", "c"))
    e = enthusiasm_scores(sig, roster("a", "b", "c"), kinds={"survey_b": "survey:1-7"})
    assert e["enthusiast"].tolist() == [True, False, False]     # b: 4 of 5 and 5 of 7 average below
    assert e.loc["a", "enthusiasm_basis"] == "survey 5 of 5, 7 of 7"
    assert e["reluctant"].tolist() == [False, False, True]


@settings(deadline=None, max_examples=40)
@given(st.sampled_from([(1, 5), (1, 7), (0, 10), (1, 10), (0, 4)]), st.data())
def test_reluctant_is_exactly_the_strict_bottom_half_of_the_scale(scale, data):
    lo, hi = scale
    answers = data.draw(st.lists(st.one_of(st.none(), st.integers(lo, hi)), min_size=1, max_size=15))
    e = survey_only([np.nan if a is None else float(a) for a in answers],
                    kinds={"survey_q1": f"survey:{lo}-{hi}"})
    midpoint = (lo + hi) / 2
    expected = [a is not None and a < midpoint for a in answers]
    assert e["reluctant"].tolist() == expected
    assert e["enthusiast"].tolist() == [a is not None and a >= hi - 1 for a in answers]
    assert not (e["enthusiast"] & e["reluctant"]).any()


def test_a_table_of_which_no_column_is_a_signal_is_an_error_naming_them():
    sig = pd.DataFrame({"mood": [4, 2], "office": ["Leeds", "York"]}, index=ids("a", "b"))
    with pytest.raises(InputError, match=r"no column is a survey answer.*'mood' \(numbers.*'office' "
                                         r"\(roster information"):
        enthusiasm_scores(sig, roster("a", "b"))
    e = enthusiasm_scores(sig, roster("a", "b"), kinds={"mood": "survey"})
    assert e["survey_answer"].tolist() == ["4/5", "2/5"]


def test_columns_are_recognised_by_their_values_and_question_headers():
    sig = pd.DataFrame({"I enjoy helping colleagues": ["Agree", "Strongly disagree"],
                        "How motivated are you? (0-10)": [9, 3],
                        "Any comments?": ["great", "no time"]}, index=ids("a", "b"))
    e = enthusiasm_scores(sig, roster("a", "b"))
    assert e.attrs["kinds"] == {"I enjoy helping colleagues": "survey",
                                "How motivated are you? (0-10)": "survey", "Any comments?": "ignore"}
    assert e["survey_answer"].tolist() == ["4/5, 9/10", "1/5, 3/10"]
    assert e["enthusiast"].tolist() == [True, False] and e["reluctant"].tolist() == [False, True]


@settings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(answers, counts, st.sampled_from(["yes", "no", None]),
                          st.sampled_from(["yes", "no", None])), min_size=1, max_size=15))
def test_pool_never_holds_an_opted_out_person_and_each_enthusiast_has_a_basis(rows):
    names = [f"p{i}" for i in range(len(rows))]
    sig = pd.DataFrame(rows, columns=["survey_q1", "posts", "volunteer", "opt_out"], index=ids(*names))
    sig[["survey_q1", "posts"]] = sig[["survey_q1", "posts"]].astype("float64")
    e = enthusiasm_scores(sig, roster(*names), kinds={"survey_q1": "survey:1-5"})
    assert not (e["enthusiast"] & e["opted_out"]).any()
    said = sig["survey_q1"]
    by_survey = said >= 4
    by_activity = said.isna() & sig["volunteer"].isna() & e["enthusiasm_basis"].eq("activity top 20 %")
    assert (e["enthusiast"] == ((by_survey | e["opted_in"] | by_activity) & ~e["opted_out"])).all()
    assert (e["reluctant"] == ((said <= 2) & ~e["opted_in"])).all()
