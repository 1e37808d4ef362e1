"""Parallel runs equal serial ones bit for bit; an unconverged eigenvector says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse.linalg

from ambassadors.graph import build_graph
from ambassadors.metrics import (
    EigenvectorConvergenceWarning,
    eigenvector,
    influence_scores,
    path_measures,
    reach,
)
from ambassadors.metrics import influence as influence_module


def organisation(n=400, ties=1600, departments=5, seed=3):
    rng = np.random.default_rng(seed)
    ids = [f"p{i:03d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{i % departments}" for i in range(n)]},
                          index=pd.Index(ids, name="person_id"))
    s, t = rng.integers(0, n, size=(2, ties))
    keep = s != t
    log = pd.DataFrame({"source": np.array(ids)[s[keep]], "target": np.array(ids)[t[keep]],
                        "weight": rng.random(int(keep.sum())) + 0.1})
    return build_graph(people, log)


def test_influence_scores_in_two_workers_equal_the_serial_run(monkeypatch):
    graph = organisation()
    serial = influence_scores(graph, n_jobs=1, samples=64, seed=2, progress=False)
    monkeypatch.setattr(influence_module, "PARALLEL_WORK", 0.0)  # fork even for a small graph
    parallel = influence_scores(organisation(), n_jobs=2, samples=64, seed=2, progress=False)
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)
    assert parallel.attrs == serial.attrs


@pytest.mark.parametrize("samples", [None, 40])
def test_path_measures_and_reach_do_not_depend_on_the_number_of_workers(samples):
    graph = organisation(n=300, ties=900)
    one = path_measures(graph, samples=samples, n_jobs=1, progress=False)
    two = path_measures(organisation(n=300, ties=900), samples=samples, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert one.attrs == two.attrs
    pd.testing.assert_series_equal(reach(graph, hops=2, n_jobs=1), reach(graph, hops=2, n_jobs=2),
                                   check_exact=True)


def test_an_unconverged_eigenvector_warns_and_says_so(monkeypatch):
    graph = organisation(n=60, ties=200)

    def fails(*args, **kwargs):
        raise scipy.sparse.linalg.ArpackNoConvergence("no convergence", np.zeros(1), np.zeros((60, 1)))

    monkeypatch.setattr(scipy.sparse.linalg, "eigsh", fails)
    with pytest.warns(EigenvectorConvergenceWarning, match="did not converge"):
        scores = eigenvector(graph, max_iter=1)
    assert scores.attrs["converged"] is False
    assert scores.attrs["residual"] > 1e-6
    assert scores.max() == pytest.approx(1.0)


def test_a_converged_eigenvector_is_silent_and_records_its_residual(recwarn):
    scores = eigenvector(organisation(n=60, ties=200))
    assert scores.attrs["converged"] is True and scores.attrs["residual"] < 1e-6
    assert not [w for w in recwarn if issubclass(w.category, EigenvectorConvergenceWarning)]


def test_influence_scores_carries_the_eigenvector_convergence():
    scores = influence_scores(organisation(n=60, ties=200), measures=["eigenvector"], progress=False)
    assert scores.attrs["eigenvector"]["converged"] is True


def test_recorded_betweenness_error_is_an_honest_estimate():
    """The recorded relative error of the top 1 % agrees (within a factor of two) with the real
    error against exact betweenness, on an organisation where exact is affordable."""
    from ambassadors.datasets import make_organization

    org = make_organization(1200, 8, 3, seed=4)
    mails = org.emails
    pairs = mails.assign(target=mails["recipients"].str.split(";")).explode("target")
    log = pd.concat([pairs[["sender", "target"]].rename(columns={"sender": "source"}),
                     org.chat[["source", "target"]]])
    graph = build_graph(org.people, log)
    exact = path_measures(graph, n_jobs=1)["betweenness"].to_numpy()
    actual, recorded = [], []
    for seed in range(6):
        est = path_measures(graph, samples=192, seed=seed, n_jobs=1)
        b = est["betweenness"].to_numpy()
        top = np.argsort(-b)[: graph.n_people // 100]
        # median absolute error of a normal estimate is 0.674 standard errors
        actual.append(np.median(np.abs(b[top] - exact[top]) / exact[top]) / 0.674)
        recorded.append(est.attrs["sampling"]["betweenness"]["relative_error"])
    ratio = np.mean(recorded) / np.mean(actual)
    assert 0.5 < ratio < 2.0


def test_workers_get_the_department_adjacency_only_when_a_path_measure_is_asked(monkeypatch):
    """The float32 department-ordered tie pattern (264 MB at 200,000 people) is built before
    the fork for the path searches, and not for measures that never read it (e.g. the three
    that ``monitor`` computes every period)."""
    monkeypatch.setattr(influence_module, "PARALLEL_WORK", 0.0)  # fork even for a small graph
    graph = organisation()
    influence_scores(graph, measures=["degree", "participation", "departments_reached_1"],
                     n_jobs=2, progress=False)
    assert "department_adjacency" not in graph.__dict__
    influence_scores(graph, measures=["betweenness"], n_jobs=2, samples=64, progress=False)
    assert "department_adjacency" in graph.__dict__
