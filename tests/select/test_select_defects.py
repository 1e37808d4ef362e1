"""Defects found while splitting select.py (issue 13); each test failed before its fix."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from ambassadors.errors import InfeasibleError
from ambassadors.graph import build_graph
from ambassadors.metrics import influence_scores
from ambassadors.ranking import rank_candidates
from ambassadors.select import propose_ambassadors


def _org(n: int = 40, seed: int = 3):
    rng = np.random.default_rng(seed)
    ids = [f"p{i:02d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{i % 4}" for i in range(n)],
                           "level": ["Optics Outreach" if i == 5 else "staff" for i in range(n)]},
                          index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame({"source": rng.choice(ids, 120), "target": rng.choice(ids, 120)})
    return people, build_graph(people, log)


def test_someone_excluded_by_a_level_that_reads_like_opt_out_can_still_be_included():
    """The selection recognised opt-outs by "opt" and "out" anywhere in ``ineligible_reason``:
    a person excluded by the level "Optics Outreach" and then named in ``include`` was refused."""
    people, graph = _org()
    ranking = rank_candidates(influence_scores(graph), pd.Series(0.5, index=people.index), people=people,
                              exclude_levels=["Optics Outreach"])
    assert "Optics Outreach" in str(ranking.loc["p05", "ineligible_reason"])
    plan = propose_ambassadors(graph, ranking, size=5, include=["p05"])
    assert "p05" in plan.ids
    assert any("included although not eligible" in note for note in plan.notes)


def test_people_who_opted_out_are_still_refused_without_an_opted_out_column():
    people, graph = _org()
    ent = pd.DataFrame({"enthusiasm": 0.5, "opted_out": people.index == "p07"}, index=people.index)
    ranking = rank_candidates(influence_scores(graph), ent, people=people)
    ranking = ranking.drop(columns=[c for c in ("opted_out",) if c in ranking.columns])
    with pytest.raises(InfeasibleError, match="opted out"):
        propose_ambassadors(graph, ranking, size=5, include=["p07"])
    assert "p07" not in propose_ambassadors(graph, ranking, size=5).ids


def test_the_lp_bound_keeps_to_time_limit(monkeypatch):
    """The LP relaxation behind the cheap bounds ran with a hard-coded 60 s, whatever ``time_limit``."""
    import ambassadors.select._bounds as bounds_module

    limits = []
    real = bounds_module.solve_milp

    def record(inst, time_limit, **kwargs):
        limits.append((time_limit, kwargs.get("relax", False)))
        return real(inst, time_limit, **kwargs)

    monkeypatch.setattr(bounds_module, "solve_milp", record)
    _, graph = _org(n=120, seed=4)
    propose_ambassadors(graph, size=6, method="greedy", time_limit=0.75)
    propose_ambassadors(graph, size=6, time_limit=0.75)
    relaxations = [t for t, relax in limits if relax]
    assert relaxations and all(t <= 0.75 for t in relaxations)


def test_plan_html_needs_no_report_module(monkeypatch):
    """Plan.to_html imported ambassadors.report (the present stage): an upward import."""
    monkeypatch.setitem(sys.modules, "ambassadors.report", None)
    _, graph = _org()
    assert "<table" in propose_ambassadors(graph, size=4)._repr_html_()
