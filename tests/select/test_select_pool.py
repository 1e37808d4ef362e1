"""The enthusiasts-first pool (issue 12): the group is drawn from people known to be enthusiastic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors


def _graph(n: int, n_dept: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    ids = [f"u{i:03d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{i % n_dept}" for i in range(n)]}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame({"source": rng.choice(ids, m), "target": rng.choice(ids, m)})
    return build_graph(people, log), rng


def _ranking(graph, rng, *, enthusiast, reluctant, score=None):
    """A ranking as rank_candidates writes it, with the pool columns (signals given)."""
    ids = pd.Index([str(i) for i in graph.ids], name="person_id")
    score = rng.random(len(ids)) if score is None else score
    known = enthusiast | reluctant
    basis = np.where(enthusiast, "survey 5 of 5", np.where(reluctant, "survey 1 of 5", "unknown"))
    return pd.DataFrame({"department": graph.people["department"].astype(str).to_numpy(), "score": score,
                         "eligible": True, "ineligible_reason": "", "reason": "", "enthusiast": enthusiast,
                         "reluctant": reluctant, "enthusiasm_known": known, "opted_out": False,
                         "enthusiasm_basis": basis}, index=ids)


@pytest.fixture(scope="module")
def sample():
    from ambassadors.datasets import load_sample
    from ambassadors.pipeline import analyze

    org = load_sample()
    a = analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity], seed=0,
                progress=False, select=False)
    return org, a


def test_the_bundled_sample_holds_the_planted_enthusiastic_connectors(sample):
    org, a = sample
    plan = propose_ambassadors(a.graph, a.ranking)
    assert len(set(org.truth["connectors"]) & set(plan.ids)) >= 7
    assert plan.members["enthusiasm_unknown"].sum() == 0 and a.ranking.loc[plan.ids, "enthusiast"].all()
    assert plan.pool.startswith("known enthusiasts") and plan.status == "optimal"
    old = propose_ambassadors(a.graph, a.ranking, pool="all")  # reach first, as before
    assert old.objective_value >= plan.objective_value and old.pool.startswith("everyone eligible")


def test_without_signals_the_pool_is_everyone_eligible():
    graph, rng = _graph(60, 3, 150, 2)
    ranking = _ranking(graph, rng, enthusiast=np.zeros(60, bool), reluctant=np.zeros(60, bool))
    plan = propose_ambassadors(graph, ranking, size=4)
    assert plan.ids == propose_ambassadors(graph, ranking, size=4, pool="all").ids
    assert "no enthusiasm signals" in plan.pool and plan.recruit_here.empty


def test_a_department_without_enthusiasts_gets_its_best_unknown_person_flagged():
    graph, rng = _graph(60, 3, 200, 5)
    dept = graph.people["department"].astype(str).to_numpy()
    enthusiast = (dept != "D2") & (rng.random(60) < 0.4)
    reluctant = (dept == "D2") & (np.arange(60) % 2 == 0)   # half of D2 answered 1 of 5
    score = rng.random(60)
    score[(dept == "D2") & reluctant] += 10                  # the reluctant score highest
    ranking = _ranking(graph, rng, enthusiast=enthusiast, reluctant=reluctant, score=score)
    plan = propose_ambassadors(graph, ranking, size=5)
    d2 = plan.members[plan.members["department"] == "D2"]
    assert len(d2) == 1
    person = d2.index[0]
    assert not ranking.loc[person, "reluctant"] and not ranking.loc[person, "enthusiast"]
    unknown_d2 = ranking[(dept == "D2") & ~reluctant]
    assert person == unknown_d2["score"].idxmax()            # its most promising unknown person
    assert d2["enthusiasm_unknown"].iloc[0] and d2["reason"].iloc[0].startswith("enthusiasm unknown - ask first")
    assert plan.recruit_here.loc["D2", "ambassador"] == person and plan.recruit_here.loc["D2", "enthusiasts"] == 0
    others = plan.members[plan.members["department"] != "D2"]
    assert ranking.loc[others.index, "enthusiast"].all()

    strict = propose_ambassadors(graph, ranking, size=5, strict=True)
    assert "D2" not in set(strict.members["department"]) and "D2" in strict.uncovered.index
    bridge = strict.uncovered.loc["D2", "bridge"]
    assert pd.isna(bridge) or ranking.loc[bridge, "enthusiast"]
    assert pd.isna(strict.recruit_here.loc["D2", "ambassador"])


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 10_000), p_ent=st.floats(0.0, 0.5), p_rel=st.floats(0.0, 0.6),
       size=st.integers(3, 8), strict=st.booleans())
def test_nobody_reluctant_is_an_ambassador_while_their_department_has_an_enthusiast(seed, p_ent, p_rel, size, strict):
    graph, rng = _graph(50, 3, 120, seed)
    u = rng.random(50)
    enthusiast = u < p_ent
    reluctant = (~enthusiast) & (rng.random(50) < p_rel)
    ranking = _ranking(graph, rng, enthusiast=enthusiast, reluctant=reluctant)
    try:
        plan = propose_ambassadors(graph, ranking, size=size, strict=strict)
    except Exception as exc:  # too few people for the size: fine, but only as our own error
        assert type(exc).__name__ in {"InfeasibleError"}
        return
    dept = graph.people["department"].astype(str)
    has_enthusiast = set(dept[enthusiast])
    for person, row in plan.members.iterrows():
        assert not ranking.loc[person, "reluctant"]          # never reluctant, in any department
        if row["department"] in has_enthusiast:
            assert ranking.loc[person, "enthusiast"]


QUESTION = "How enthusiastic are you about becoming an ambassador for the programme? (1-5)"


def _plain_greedy_reach(graph, pool_ids, k):
    """Oracle: plain greedy maximum coverage (Python sets, no department rule) from ``pool_ids``."""
    nbrs = {str(i): {str(i)} for i in graph.ids}
    for s, t in zip(graph.edges()["source"], graph.edges()["target"], strict=True):
        nbrs[s].add(t)
        nbrs[t].add(s)
    covered: set[str] = set()
    left = set(pool_ids)
    for _ in range(k):
        best = max(sorted(left), key=lambda i: len(nbrs[i] - covered))
        covered |= nbrs[best]
        left.discard(best)
    return len(covered)


@pytest.fixture(scope="module")
def org2000():
    from ambassadors.datasets import make_organization
    from ambassadors.enthusiasm import enthusiasm_scores
    from ambassadors.metrics import influence_scores
    from ambassadors.ranking import rank_candidates

    org = make_organization(2000, 12, seed=1)
    survey = org.survey[["person_id", "survey_enthusiasm"]].rename(columns={"survey_enthusiasm": QUESTION})
    graph = build_graph(org.people, pd.concat([org.emails, org.chat]))
    ranking = rank_candidates(influence_scores(graph, progress=False), enthusiasm_scores(survey, org.people),
                              people=org.people)
    return graph, ranking


def test_a_survey_headed_by_its_question_fills_the_group_with_top_two_answers(org2000):
    graph, ranking = org2000
    plan = propose_ambassadors(graph, ranking)
    top_two = plan.members["enthusiasm_basis"].isin(["survey 4 of 5", "survey 5 of 5"])
    every_department_has_one = ranking.groupby("department")["enthusiast"].any().all()
    assert every_department_has_one and top_two.mean() >= 0.9
    pool = ranking.index[ranking["enthusiast"] & ranking["eligible"]]
    assert plan.reach_1.count >= 0.97 * _plain_greedy_reach(graph, pool, plan.size)
    assert plan.bound is not None and plan.bound >= plan.objective_value and plan.bound_method
