"""The report tells the plan's story: top candidates marked by the plan, outreach sections."""

from __future__ import annotations

import pytest

from ambassadors.report import render_report
from ambassadors.report._outreach import candidate_roles
from ambassadors.select import propose_ambassadors


@pytest.fixture(scope="module")
def sample():
    from ambassadors.datasets import load_sample
    from ambassadors.pipeline import analyze

    org = load_sample()
    a = analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity], seed=0,
                progress=False)
    return org, a


def test_top_candidates_and_shortlist_tell_one_story(sample):
    org, a = sample
    top = a.ranking[a.ranking["rank"].notna()].sort_values("rank").head(20)
    roles = candidate_roles(top, a.plan)
    in_top = [i for i in a.plan.ids if i in top.index]
    assert in_top and (roles[in_top] == "ambassador").all()
    # nobody above an ambassador in the table is left out without a reason the table shows
    assert set(roles) <= {"ambassador", "backup", "in the pool", "not in the pool (reluctant)",
                          "not in the pool (enthusiasm not known)"}
    assert len(set(org.truth["connectors"]) & set(a.plan.ids)) >= 7
    html = render_report(graph=a.graph, plan=a.plan, ranking=a.ranking, min_group_size=5)
    for heading in ("Outreach: each ambassador", "How many ambassadors do we need?"):
        assert heading in html
    assert "Innovisor" in html and "Zbieg" in html


def test_unreached_colleagues_are_masked_in_small_departments(sample):
    _, a = sample
    plan = propose_ambassadors(a.graph, a.ranking, size=8)
    html = render_report(graph=a.graph, plan=plan, ranking=a.ranking, min_group_size=50)
    start = html.index("Colleagues nobody reaches yet")
    section = html[start:html.index("<h2>", start + 10)]
    assert "&lt; 50" in section
