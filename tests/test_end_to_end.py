"""The whole chain on generated organisations: what a user of the product relies on."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import ambassadors as amb
import ambassadors.pipeline
from ambassadors.errors import InputError
from ambassadors.metrics import MEASURES
from ambassadors.pipeline import MEASURE_COLUMNS, analyze
from ambassadors.privacy import pseudonymize_ids


@pytest.fixture(scope="module")
def org():
    return amb.make_organization(n_people=400, n_departments=8, months=3, seed=11)


@pytest.fixture(scope="module")
def analysis(org):
    return analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity],
                   seed=0, progress=False)


def test_every_public_name_resolves():
    for name in amb.__all__:
        assert getattr(amb, name) is not None, name


def test_every_input_row_is_accounted_for(analysis):
    for report in analysis.load_reports:
        assert report.rows_read == report.rows_used + sum(report.dropped.values()), str(report)
        if report.pairs_read is not None:
            assert report.pairs_read == report.pairs_used + sum(report.pairs_dropped.values()), str(report)


def test_distribution_list_sender_is_dropped_and_counted(org, analysis):
    mail = next(r for r in analysis.load_reports if r.kind == "interactions")
    assert mail.dropped.get("unknown_sender", 0) > 0


def test_plan_covers_every_department(analysis, org):
    plan = analysis.plan
    assert set(plan.members["department"]) == set(org.people["department"])
    assert (plan.coverage["ambassadors"] >= 1).all()


def test_planted_connectors_rank_at_the_top_of_their_departments(analysis, org):
    ranking = analysis.ranking
    connectors = [c for c in org.truth["connectors"] if c in ranking.index]
    assert connectors, "the generator plants connectors"
    top = ranking.loc[connectors, "department_rank"]
    # each planted enthusiastic connector is among the top 3 of its department
    assert (top <= 3).mean() >= 0.8, ranking.loc[connectors, ["department", "department_rank", "reason"]]


def test_reasons_explain_every_pick(analysis):
    shortlist = analysis.shortlist()
    assert shortlist["reason"].notna().all()
    assert shortlist["reason"].str.len().min() > 15


def test_opted_out_people_are_never_proposed(org):
    survey = org.survey.copy()
    ids = org.people.index.astype(str)
    first = analyze(org.people.reset_index(), [org.emails], [survey, org.activity], seed=0, progress=False)
    picked = list(first.plan.members.index[:3])
    col = "opt_out"
    survey = survey.set_index("person_id") if "person_id" in survey.columns else survey
    survey[col] = survey.get(col, pd.Series("", index=survey.index)).astype(object)
    for pid in picked:
        survey.loc[pid, col] = "yes"
    second = analyze(org.people.reset_index(), [org.emails], [survey.reset_index(), org.activity],
                     seed=0, progress=False)
    assert not set(picked) & set(second.plan.members.index)
    assert set(second.plan.members["department"]) == set(ids.map(org.people["department"]))


def test_result_is_invariant_under_relabelling_ids(org):
    """Renaming every person (consistently) renames the plan and changes nothing else."""
    base = analyze(org.people.reset_index(), [org.chat], None, seed=0, progress=False, size=10)
    rng = np.random.default_rng(5)
    old = org.people.index.astype(str).to_numpy()
    new = np.array([f"X{v:05d}" for v in rng.permutation(len(old))])
    mapping = dict(zip(old, new))
    people = org.people.reset_index()
    people["person_id"] = people["person_id"].map(mapping)
    if "manager_id" in people.columns:
        people["manager_id"] = people["manager_id"].map(mapping)
    chat = org.chat.copy()
    chat["source"] = chat["source"].map(mapping)
    chat["target"] = chat["target"].map(mapping)
    renamed = analyze(people, [chat], None, seed=0, progress=False, size=10)
    assert renamed.plan.reach_1 == base.plan.reach_1
    assert sorted(renamed.plan.members["department"]) == sorted(base.plan.members["department"])
    pr_base = base.scores["pagerank"].rename(index=mapping).sort_index()
    pr_new = renamed.scores["pagerank"].sort_index()
    np.testing.assert_allclose(pr_base.to_numpy(), pr_new.to_numpy(), atol=1e-9)


def test_drop_opted_out_removes_people_from_the_graph(org):
    survey = org.survey.copy()
    survey = survey.set_index("person_id") if "person_id" in survey.columns else survey
    out = list(org.people.index.astype(str)[:5])
    survey["opt_out"] = survey.get("opt_out", pd.Series("", index=survey.index)).astype(object)
    for pid in out:
        survey.loc[pid, "opt_out"] = "yes"
    kept = analyze(org.people.reset_index(), [org.emails], [survey.reset_index()], seed=0,
                   progress=False, select=False)
    dropped = analyze(org.people.reset_index(), [org.emails], [survey.reset_index()], seed=0,
                      progress=False, select=False, drop_opted_out=True)
    assert set(out) <= set(kept.graph.ids)                      # by default they stay as colleagues
    assert not set(out) & set(dropped.graph.ids)               # with drop_opted_out they are gone
    assert not set(out) & set(dropped.interactions["source"].astype(str))
    assert not set(out) & set(dropped.interactions["target"].astype(str))
    assert not kept.ranking.loc[out, "eligible"].any()         # never eligible either way


def _id_files(tmp_path, analysis):
    """An exclusion file with two proposed ambassadors, an inclusion file with one outsider."""
    excluded = list(analysis.plan.members.index[:2])
    ranking = analysis.ranking
    outsider = ranking.index[ranking["eligible"] & ~ranking.index.isin(analysis.plan.members.index)][-1]
    (tmp_path / "excl.txt").write_text("# not this time\n" + "\n".join(excluded) + "\n")
    (tmp_path / "incl.csv").write_text(f"person_id\n{outsider}\n")
    return excluded, outsider


def test_exclude_and_include_accept_the_path_of_an_id_file(org, analysis, tmp_path):
    excluded, outsider = _id_files(tmp_path, analysis)
    result = analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity],
                     exclude=str(tmp_path / "excl.txt"), include=tmp_path / "incl.csv",
                     seed=0, progress=False)
    assert not result.ranking.loc[excluded, "eligible"].any()
    assert not result.ranking.attrs.get("exclude_not_found")  # no '/', 't', ... as ids
    assert not set(excluded) & set(result.plan.members.index)
    assert outsider in result.plan.members.index


def test_id_files_are_pseudonymised_with_the_tables(org, analysis, tmp_path):
    excluded, outsider = _id_files(tmp_path, analysis)
    key = b"a key of at least sixteen bytes"
    result = analyze(org.people.reset_index(), [org.emails, org.chat], [org.survey, org.activity],
                     exclude=tmp_path / "excl.txt", include=str(tmp_path / "incl.csv"), key=key,
                     seed=0, progress=False)
    hidden = pseudonymize_ids(excluded, key=key)
    assert not result.ranking.loc[hidden, "eligible"].any()
    assert not set(hidden) & set(result.plan.members.index)
    assert pseudonymize_ids([outsider], key=key)[0] in result.plan.members.index


def test_exclude_of_the_wrong_type_names_the_option(org):
    with pytest.raises(InputError, match="^exclude: expected ids or the path of an id list, got int"):
        analyze(org.people.reset_index(), [org.chat], exclude=7, select=False, progress=False)
    with pytest.raises(InputError, match="missing.txt"):
        analyze(org.people.reset_index(), [org.chat], exclude="missing.txt", select=False, progress=False)


def test_measure_columns_come_from_metrics_not_a_second_copy():
    assert MEASURE_COLUMNS == list(MEASURES)
    source = Path(ambassadors.pipeline.__file__).read_text(encoding="utf-8")
    literals = {node.value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not literals & set(MEASURES), "pipeline.py spells out measure names again"


def test_two_ambassadors_reach_the_whole_toy_organisation(two_departments):
    toy = two_departments
    result = analyze(toy.people, toy.interactions, size=2, seed=0, progress=False)
    members = list(result.plan.members.index)
    log = toy.interactions
    graph = nx.Graph(list(zip(log["source"].astype(str), log["target"].astype(str))))

    def reached(group):
        return set(group).union(*(graph[v] for v in group))

    best = max(len(reached(pair)) for pair in itertools.combinations(toy.people.index, 2))
    assert len(reached(members)) == best == len(toy.people)  # brute force: 7 of 7 is possible
    assert sorted(result.plan.members["department"]) == ["Legal", "Sales"]
    assert result.plan.reach_1.count == len(reached(members))
