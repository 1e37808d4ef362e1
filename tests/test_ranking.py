"""Tests for ambassadors.ranking: composite score, eligibility, reasons, weights, exports."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.enthusiasm import enthusiasm_scores
from ambassadors.errors import InputError
from ambassadors.graph import build_graph
from ambassadors.metrics import influence_scores
from ambassadors.ranking import (
    WEIGHT_PRESETS,
    parse_weights,
    rank_candidates,
    ranking_to_csv,
    ranking_to_markdown,
    ranking_to_xlsx,
    read_id_list,
    resolve_weights,
)


def make_influence(pagerank, *, departments=None, ids=None, **extra) -> pd.DataFrame:
    n = len(pagerank)
    ids = ids or [f"p{i:02d}" for i in range(n)]
    departments = departments or [f"D{i % 3}" for i in range(n)]
    frame = pd.DataFrame({"department": departments, "pagerank_pct": pagerank, **extra},
                         index=pd.Index(ids, name="person_id"))
    return frame


def make_enthusiasm(values, ids, **extra) -> pd.DataFrame:
    return pd.DataFrame({"enthusiasm": values, **extra}, index=pd.Index(ids, name="person_id"))


def ranked(pagerank, enthusiasm, **kw) -> pd.DataFrame:
    infl = make_influence(pagerank)
    return rank_candidates(infl, make_enthusiasm(enthusiasm, list(infl.index)), **kw)


# ---------------------------------------------------------------- score and contributions

def test_contributions_sum_to_score_and_score_in_unit_interval():
    r = ranked([10, 50, 90, 99], [0.9, 0.1, 0.5, 1.0], weights={"influence": 2, "enthusiasm": 1})
    contrib = r["contrib_influence"] + r["contrib_enthusiasm"]
    np.testing.assert_allclose(contrib, r["score"])
    assert r["score"].between(0, 1).all()
    np.testing.assert_allclose(r["contrib_influence"], 2 / 3 * r["influence"])
    assert list(r.columns[:6]) == ["department", "score", "rank", "department_rank", "influence",
                                   "enthusiasm"]


def test_influence_component_uses_documented_mix_of_present_columns():
    infl = make_influence([100.0, 0.0], betweenness_pct=[0.0, 100.0], reach_2_pct=[np.nan, 100.0])
    r = rank_candidates(infl, make_enthusiasm([0.5, 0.5], list(infl.index)))
    # mix 0.4 pagerank, 0.2 reach_2, 0.2 betweenness (participation absent), per-row renormalised
    assert r.loc["p00", "influence"] == pytest.approx(0.4 / 0.6)
    assert r.loc["p01", "influence"] == pytest.approx(0.4 / 0.8)
    assert r.attrs["influence_mix"] == pytest.approx(
        {"pagerank_pct": 0.5, "reach_2_pct": 0.25, "betweenness_pct": 0.25})


def test_no_percentile_columns_is_an_input_error():
    infl = pd.DataFrame({"department": ["A"], "pagerank": [0.1]}, index=pd.Index(["a"], name="person_id"))
    with pytest.raises(InputError, match="_pct"):
        rank_candidates(infl, make_enthusiasm([0.5], ["a"]))


# ---------------------------------------------------------------- order, ties, relabelling

def test_ties_broken_by_person_id_string_order():
    ids = ["b", "a", "10", "9"]
    infl = make_influence([50.0] * 4, ids=ids, departments=["X"] * 4)
    r = rank_candidates(infl, make_enthusiasm([0.5] * 4, ids))
    assert r.index.tolist() == ["10", "9", "a", "b"]
    assert r["rank"].tolist() == [1, 2, 3, 4]
    assert r["department_rank"].tolist() == [1, 2, 3, 4]


@settings(deadline=None, max_examples=20)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=2, max_size=15,
                unique_by=lambda t: (t[0], t[1])),
       st.randoms(use_true_random=False))
def test_invariant_under_relabelling_ids(rows, rnd):
    pr = [float(a) for a, _ in rows]
    en = [b / 100 for _, b in rows]
    r1 = ranked(pr, en)
    old = list(r1.sort_index().index)
    new = [f"x{v}" for v in rnd.sample(range(1000), len(old))]
    mapping = dict(zip(old, new, strict=True))
    infl = make_influence(pr, ids=new)
    r2 = rank_candidates(infl, make_enthusiasm(en, new))
    # same scores under the new names; ranks equal wherever the tie-break is not needed
    left = r1.rename(index=mapping)[["score", "rank"]].sort_index()
    right = r2[["score", "rank"]].sort_index()
    np.testing.assert_allclose(left["score"], right["score"])
    tied = left["score"].duplicated(keep=False)
    assert (left.loc[~tied, "rank"] == right.loc[~tied, "rank"]).all()


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=2, max_size=15),
       st.data(), st.sampled_from(["enthusiasm", "influence"]))
def test_raising_a_component_never_lowers_rank(rows, data, which):
    pr = [a for a, _ in rows]
    en = [b for _, b in rows]
    who = data.draw(st.integers(0, len(rows) - 1))
    weights = data.draw(st.sampled_from(list(WEIGHT_PRESETS)))
    min_e = data.draw(st.sampled_from([None, 0.3]))
    before = ranked(pr, en, weights=weights, min_enthusiasm=min_e)
    if which == "enthusiasm":
        en[who] = data.draw(st.floats(en[who], 1))
    else:
        pr[who] = data.draw(st.floats(pr[who], 100))
    after = ranked(pr, en, weights=weights, min_enthusiasm=min_e)
    pid = f"p{who:02d}"
    if before.loc[pid, "eligible"]:
        assert after.loc[pid, "eligible"]
        assert after.loc[pid, "rank"] <= before.loc[pid, "rank"]
    assert after.index.get_loc(pid) <= before.index.get_loc(pid)


# ---------------------------------------------------------------- eligibility

def test_opted_out_never_eligible_never_top():
    infl = make_influence([100.0, 10.0, 20.0])
    ent = make_enthusiasm([1.0, 0.2, 0.3], list(infl.index), opted_out=[True, False, False])
    r = rank_candidates(infl, ent, weights="influence only")
    assert not r.loc["p00", "eligible"]
    assert pd.isna(r.loc["p00", "rank"])
    assert r.loc["p00", "ineligible_reason"] == "opted out"
    assert r.index[0] != "p00" and r.index[-1] == "p00"
    assert len(r) == 3                                    # nobody silently lost


@settings(deadline=None, max_examples=20)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1), st.booleans()), min_size=1, max_size=12))
def test_opted_out_never_eligible_property(rows):
    infl = make_influence([a for a, _, _ in rows])
    ent = make_enthusiasm([b for _, b, _ in rows], list(infl.index),
                          opted_out=[c for _, _, c in rows])
    r = rank_candidates(infl, ent)
    out = ent.index[ent["opted_out"]]
    assert not r.loc[out, "eligible"].any()
    assert r.loc[out, "rank"].isna().all()
    ranks = r["rank"].dropna().tolist()
    assert ranks == list(range(1, len(ranks) + 1))


def _people():
    return pd.DataFrame({
        "department": ["A", "A", "B", "B", "C"],
        "level": ["Executive", "staff", "staff", "manager", "staff"],
        "hire_date": pd.to_datetime(["2010-01-01", "2026-03-01", "2020-01-01", None, "2015-05-05"]),
        "active": [True, True, False, True, True],
    }, index=pd.Index(["a", "b", "c", "d", "e"], name="person_id"))


def _ranked_people(**kw):
    people = _people()
    infl = make_influence([90.0, 80.0, 70.0, 60.0, 50.0], ids=list(people.index),
                          departments=list(people["department"]))
    ent = make_enthusiasm([0.9, 0.8, 0.7, 0.3, np.nan], list(people.index))
    return rank_candidates(infl, ent, people=people, **kw)


def test_eligibility_filters_and_reasons():
    r = _ranked_people(exclude_levels=["executive"], min_tenure=1, reference_date="2026-06-01",
                       min_enthusiasm=0.4)
    reasons = r["ineligible_reason"]
    assert reasons["a"] == "level Executive excluded"
    assert reasons["b"] == "tenure < 1 y"
    assert reasons["c"] == "inactive"
    assert reasons["d"] == "enthusiasm below 0.4"
    assert reasons["e"] == "enthusiasm unknown"
    assert not r["eligible"].any() and r["rank"].isna().all()
    assert r.attrs["tenure_unknown"] == 1                 # d has no hire date: not filtered on it


def test_default_keeps_people_active_only_and_unknown_enthusiasm_ineligible():
    r = _ranked_people()
    assert r["eligible"].to_dict() == {"a": True, "b": True, "d": True, "c": False, "e": False}
    assert r.index[:3].tolist() == ["a", "b", "d"]
    assert r["rank"].iloc[:3].tolist() == [1, 2, 3]
    assert r.loc["b", "department_rank"] == 2 and r.loc["d", "department_rank"] == 1
    r_all = _ranked_people(active_only=False, weights="influence only")
    assert r_all["eligible"].all()                         # unknown enthusiasm has weight 0


def test_exclude_ids_and_unknown_ids_reported(tmp_path):
    r = _ranked_people(exclude=["a", "nobody", "ghost"])
    assert r.loc["a", "ineligible_reason"] == "excluded"
    assert r.attrs["exclude_not_found"] == ["nobody", "ghost"]
    assert any("2 excluded id(s)" in n for n in r.attrs["notes"])
    txt = tmp_path / "exclude.txt"
    txt.write_text("person_id\n# the board\n a \n\nb\na\n", encoding="utf-8")
    assert read_id_list(txt) == ["a", "b"]
    r = _ranked_people(exclude=txt)
    assert r.loc[["a", "b"], "ineligible_reason"].tolist() == ["excluded", "excluded"]
    csv = tmp_path / "exclude.csv"
    csv.write_text("name,Person_ID\nAnn,007\nBob,b\n", encoding="utf-8")
    assert read_id_list(csv) == ["007", "b"]


def test_exclude_single_text_must_be_a_file_and_series_enthusiasm_accepted():
    infl = make_influence([50.0, 60.0])
    ent = pd.Series([0.9, 0.1], index=infl.index, name="whatever")
    r = rank_candidates(infl, ent, exclude=["p01"])
    assert r["enthusiasm"].tolist() == [0.9, 0.1] and r.index[0] == "p00"
    with pytest.raises(InputError, match="not a file"):
        rank_candidates(infl, ent, exclude="p01")


def test_read_id_list_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_id_list(tmp_path / "missing.txt")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,dept\nAnn,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="person_id.*name, dept"):
        read_id_list(bad)


def test_filters_needing_people_columns_say_so():
    infl = make_influence([50.0])
    ent = make_enthusiasm([0.5], list(infl.index))
    with pytest.raises(InputError, match="level"):
        rank_candidates(infl, ent, exclude_levels=["exec"])
    with pytest.raises(InputError, match="hire_date"):
        rank_candidates(infl, ent, people=infl[["department"]], min_tenure=2)
    with pytest.raises(InputError, match="min_enthusiasm"):
        rank_candidates(infl, ent, min_enthusiasm=3)


def test_active_column_as_text_and_bad_values():
    people = _people().assign(active=["ja", "yes", "nee", "", "1"])
    r = _ranked_people_with(people)
    assert r.loc["c", "ineligible_reason"] == "inactive"
    assert r.loc["d", "eligible"]                           # blank = unknown = active
    with pytest.raises(InputError, match="people: flag column 'active'.*'sometimes'"):
        _ranked_people_with(_people().assign(active=["yes", "sometimes", "no", "no", "no"]))


def _ranked_people_with(people):
    infl = make_influence([90.0, 80.0, 70.0, 60.0, 50.0], ids=list(people.index))
    return rank_candidates(infl, make_enthusiasm([0.5] * 5, list(people.index)), people=people)


def test_numeric_levels():
    people = _people().assign(level=[1, 2, 2, 3, 2])
    infl = make_influence([90.0, 80.0, 70.0, 60.0, 50.0], ids=list(people.index))
    r = rank_candidates(infl, make_enthusiasm([0.5] * 5, list(people.index)), people=people,
                        exclude_levels=[1, "3"], active_only=False)
    assert r.loc["a", "ineligible_reason"] == "level 1 excluded"
    assert r.loc["d", "ineligible_reason"] == "level 3 excluded"
    assert r.loc[["b", "c", "e"], "eligible"].all()


def test_missing_exclude_enthusiasm_end_to_end():
    sig = pd.DataFrame({"survey_q1": [5, np.nan], "posts": [4, 9]},
                       index=pd.Index(["p00", "p01"], name="person_id"))
    infl = make_influence([10.0, 99.0])
    ent = enthusiasm_scores(sig, infl[["department"]], missing="exclude")
    r = rank_candidates(infl, ent)
    assert r.index.tolist() == ["p00", "p01"]
    assert r.loc["p01", "ineligible_reason"] == "enthusiasm unknown"
    assert np.isnan(r.loc["p01", "score"])


def test_people_missing_from_enthusiasm_are_kept_and_not_opted_out():
    infl = make_influence([10.0, 50.0, 99.0])
    ent = make_enthusiasm([0.9, 0.1], ["p00", "p01"], opted_out=[False, True],
                          opted_in=[True, False], enthusiasm_known=[True, True])
    r = rank_candidates(infl, ent)
    assert r.loc["p02", "ineligible_reason"] == "enthusiasm unknown"
    assert "no enthusiasm signals" in r.loc["p02", "reason"]
    assert r.loc["p01", "ineligible_reason"] == "opted out"
    assert r.index.tolist() == ["p00", "p01", "p02"]       # unknown score sorts last


# ---------------------------------------------------------------- reasons

def test_reason_mentions_the_facts():
    ids = ["ann", "bob"]
    infl = make_influence([96.0, 30.0], ids=ids, departments_reached_1=[6, 1],
                          betweenness_pct=[99.5, 10.0])
    sig = pd.DataFrame({"survey_q1": ["Strongly agree", "Oneens"], "posts": [40, 1],
                        "volunteer": ["yes", "no"]}, index=pd.Index(ids, name="person_id"))
    r = rank_candidates(infl, enthusiasm_scores(sig, infl[["department"]]))
    ann, bob = r.loc["ann", "reason"], r.loc["bob", "reason"]
    for fact in ("top 5 % PageRank", "reaches 6 other departments", "survey 5/5", "40 posts",
                 "volunteered", "top 1 % betweenness"):
        assert fact in ann
    for fact in ("PageRank percentile 30", "reaches 1 other department;", "survey 2/5", "1 post"):
        assert fact in bob
    assert "volunteered" not in bob and "betweenness" not in bob


# ---------------------------------------------------------------- weights

def test_presets():
    r_inf = ranked([10, 90, 50], [1.0, 0.0, 0.5], weights="influence only")
    assert r_inf.index.tolist() == ["p01", "p02", "p00"]
    r_ent = ranked([10, 90, 50], [1.0, 0.0, 0.5], weights="Enthusiasm-first")
    assert r_ent.index.tolist() == ["p00", "p02", "p01"]
    assert r_ent.attrs["weights"] == WEIGHT_PRESETS["enthusiasm first"]
    assert ranked([10], [1.0]).attrs["weights"] == WEIGHT_PRESETS["balanced"]
    with pytest.raises(InputError, match="preset"):
        ranked([10], [1.0], weights="aggressive")


def test_parse_weights_and_resolve():
    assert parse_weights("influence=0.6,enthusiasm=0.4") == {"influence": 0.6, "enthusiasm": 0.4}
    assert parse_weights(" Influence = 2 ; ") == {"influence": 2.0, "enthusiasm": 0.0}
    assert resolve_weights("influence=3,enthusiasm=1") == {"influence": 0.75, "enthusiasm": 0.25}
    with pytest.raises(InputError, match="unknown component"):
        resolve_weights({"charisma": 1})


@pytest.mark.parametrize("text, message", [
    ("", "expected text"), ("influence", "component=number"), ("charm=1", "unknown component"),
    ("influence=abc", "not a number"), ("influence=-1", ">= 0"), ("influence=0,enthusiasm=0", "> 0"),
    ("influence=1,influence=2", "twice"), ("influence=nan", ">= 0"),
])
def test_parse_weights_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_weights(text)


# ---------------------------------------------------------------- exports

def _export_ranking():
    ids = ["007", "=cmd", "b"]
    infl = make_influence([90.0, 50.0, 10.0], ids=ids)
    ent = make_enthusiasm([0.9, 0.5, 0.2], ids, opted_out=[False, False, True])
    return rank_candidates(infl, ent)


def test_csv_export_keeps_ids_and_escapes_formulas(tmp_path):
    r = _export_ranking()
    out = ranking_to_csv(r, tmp_path / "ranking.csv")
    back = pd.read_csv(out, dtype={"person_id": str})
    assert back["person_id"].tolist() == ["007", "'=cmd", "b"]
    assert back["rank"].tolist()[:2] == [1, 2] and np.isnan(back["rank"].iloc[2])
    assert back.loc[2, "ineligible_reason"] == "opted out"


def test_xlsx_export_has_ranking_and_column_sheets(tmp_path):
    r = _export_ranking()
    book = openpyxl.load_workbook(ranking_to_xlsx(r, tmp_path / "ranking.xlsx"))
    assert book.sheetnames == ["ranking", "columns"]
    header = [c.value for c in book["ranking"][1]]
    assert header[0] == "person_id" and "reason" in header
    explained = {row[0].value: row[1].value for row in book["columns"].iter_rows(min_row=2)}
    for col in header:
        assert explained.get(col), col
    assert "influence 0.50" in explained["(weights)"]


def test_markdown_export_top_rows():
    r = _export_ranking()
    text = ranking_to_markdown(r, top=2)
    lines = text.strip().splitlines()
    assert len(lines) == 4                                 # header, rule, 2 rows
    assert "007" in lines[2] and "0.90" in lines[2]
    assert "ineligible_reason" not in lines[0]
    assert "opted out" in ranking_to_markdown(r)


# ---------------------------------------------------------------- the enthusiast pool columns

def test_pool_columns_carried_as_explicit_booleans():
    ids = ["a", "b", "c", "d"]
    infl = make_influence([90.0, 80.0, 70.0, 60.0], ids=ids)
    sig = pd.DataFrame({"survey_q1": [5, 1, 4], "opt_out": ["no", "no", "yes"]},
                       index=pd.Index(["a", "b", "c"], name="person_id"))
    r = rank_candidates(infl, enthusiasm_scores(sig, infl[["department"]]))
    for col in ("enthusiast", "reluctant", "enthusiasm_known", "opted_out"):
        assert r[col].dtype == bool
    assert r.loc[ids, "enthusiast"].tolist() == [True, False, False, False]
    assert r.loc[ids, "reluctant"].tolist() == [False, True, False, False]
    assert r.loc[ids, "opted_out"].tolist() == [False, False, True, False]
    assert r.loc[ids, "enthusiasm_known"].tolist() == [True, True, True, False]
    assert r.loc[ids, "enthusiasm_basis"].tolist() == ["survey 5 of 5", "survey 1 of 5", "opted out",
                                                       "unknown"]


def test_pool_columns_false_without_signals():
    infl = make_influence([90.0, 80.0, 70.0])
    no_signals = enthusiasm_scores(pd.DataFrame(index=pd.Index([], name="person_id")),
                                   infl[["department"]])
    for ent in (no_signals, no_signals["enthusiasm"], make_enthusiasm([0.9, 0.5, 0.1], list(infl.index))):
        r = rank_candidates(infl, ent)
        assert not r[["enthusiast", "reluctant", "enthusiasm_known", "opted_out"]].to_numpy().any()
        assert (r["enthusiasm_basis"] == "unknown").all()


# ---------------------------------------------------------------- defects (issue 13)

def test_default_mix_falls_back_to_the_percentiles_present():
    people = pd.DataFrame({"department": ["A", "A", "B", "B"]},
                          index=pd.Index(["a", "b", "c", "d"], name="person_id"))
    log = pd.DataFrame({"source": ["a", "a", "a", "b", "c"], "target": ["b", "c", "d", "c", "d"]})
    scores = influence_scores(build_graph(people, log), measures=["degree"])
    assert [c for c in scores.columns if c.endswith("_pct")] == ["degree_pct"]
    r = rank_candidates(scores, make_enthusiasm([0.5] * 4, list(people.index)))
    assert r.attrs["influence_mix"] == {"degree_pct": 1.0}
    assert r["influence"].tolist() == pytest.approx((scores.loc[r.index, "degree_pct"] / 100).tolist())
    assert r.index[0] == "a"                                    # most ties
    with pytest.raises(InputError, match="'pagerank_pct' not found"):  # a mix given is kept
        rank_candidates(scores, make_enthusiasm([0.5] * 4, list(people.index)),
                        influence_mix={"pagerank_pct": 1.0})
