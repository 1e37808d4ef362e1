"""Influence measures: networkx oracle on small random graphs, Krackhardt's managers, sampling."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.graph import build_graph
from ambassadors.metrics import (
    MEASURES,
    bridging,
    brokerage,
    coreness,
    degrees,
    eigenvector,
    influence_scores,
    pagerank,
    path_measures,
    percentiles,
    reach,
)
from ambassadors.metrics import paths as paths_module
from ambassadors.metrics import structural_holes as brokerage_module

ROOT = Path(__file__).resolve().parents[2]
KRACK = ROOT / "data" / "real" / "krackhardt"
TOL = 1e-6


# ---------------------------------------------------------------------------------------
# building blocks: our graph and an independently built networkx oracle from the same log
def make(n, edges, *, directed=True, departments=None, ids=None):
    ids = ids or [f"p{i:02d}" for i in range(n)]
    departments = departments or [["A", "B", "C"][i % 3] for i in range(n)]
    people = pd.DataFrame({"department": departments}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame(
        {
            "source": [ids[s] for s, _, _ in edges],
            "target": [ids[t] for _, t, _ in edges],
            "weight": [float(w) for _, _, w in edges],
        }
    )
    graph = build_graph(people, log, directed=directed)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(ids)
    for s, t, w in edges:
        a, b = ids[s], ids[t]
        if G.has_edge(a, b):
            G[a][b]["weight"] += w
        else:
            G.add_edge(a, b, weight=float(w))
    # for directed=False both directions accumulate on one nx.Graph edge, as W + W.T does
    return graph, G, people


def sym(G):
    """Undirected weighted graph with s_ij = w_ij + w_ji (the convention for eigenvector)."""
    U = nx.Graph()
    U.add_nodes_from(G.nodes())
    for a, b, w in G.edges(data="weight"):
        if U.has_edge(a, b):
            U[a][b]["weight"] += w
        else:
            U.add_edge(a, b, weight=w)
    return U


def ties(G):
    """Unweighted undirected tie graph."""
    T = nx.Graph()
    T.add_nodes_from(G.nodes())
    T.add_edges_from(G.edges())
    return T


def oracle(G, people):
    """Every exact measure computed by networkx / plain Python."""
    nodes = list(people.index)
    n = len(nodes)
    T = ties(G)
    U = sym(G)
    out = pd.DataFrame(index=pd.Index(nodes, name="person_id"))
    if G.is_directed():
        out["in_degree"] = [G.in_degree(v) for v in nodes]
        out["out_degree"] = [G.out_degree(v) for v in nodes]
    else:
        out["in_degree"] = out["out_degree"] = [G.degree(v) for v in nodes]
    out["degree"] = [T.degree(v) for v in nodes]
    out["strength"] = [G.degree(v, weight="weight") for v in nodes]
    pr = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-14, max_iter=100_000)
    out["pagerank"] = [pr[v] for v in nodes]
    if U.number_of_edges():
        ev = nx.eigenvector_centrality(U, weight="weight", tol=1e-14, max_iter=100_000)
        top = max(ev.values())
        out["eigenvector"] = [ev[v] / top for v in nodes]
    else:
        out["eigenvector"] = 0.0
    hc = nx.harmonic_centrality(T)
    out["closeness"] = [hc[v] / (n - 1) if n > 1 else 0.0 for v in nodes]
    bc = nx.betweenness_centrality(T, normalized=True)
    out["betweenness"] = [bc[v] for v in nodes]
    cn = nx.core_number(T)
    out["coreness"] = [cn[v] for v in nodes]
    # networkx's reference (per-node) implementation on the symmetric weights: its sparse
    # shortcut (nodes=None) divides by column maxima in effective_size (networkx 3.6), and its
    # per-node path treats people with only incoming ties of a DiGraph as isolates.
    con = nx.constraint(U, nodes=list(U), weight="weight")
    eff = nx.effective_size(U, nodes=list(U), weight="weight")
    out["constraint"] = [con[v] for v in nodes]
    out["effective_size"] = [eff[v] for v in nodes]
    dept = people["department"].astype(str)
    part, r1, r2, reach1, reach2 = [], [], [], [], []
    for v in nodes:
        nbrs = set(T[v])
        k = len(nbrs)
        counts = pd.Series([dept[u] for u in nbrs], dtype=object).value_counts()
        part.append(1.0 - float(((counts / k) ** 2).sum()) if k else 0.0)
        r1.append(len({dept[u] for u in nbrs} - {dept[v]}))
        two = set(nx.single_source_shortest_path_length(T, v, cutoff=2)) - {v}
        r2.append(len({dept[u] for u in two} - {dept[v]}))
        reach1.append(k)
        reach2.append(len(two))
    out["participation"] = part
    out["departments_reached_1"] = r1
    out["departments_reached_2"] = r2
    out["reach_1"] = reach1
    out["reach_2"] = reach2
    return out


def assert_frames_close(ours: pd.DataFrame, expected: pd.DataFrame, columns, tol=TOL):
    for col in columns:
        a = ours[col].to_numpy(dtype=float)
        b = expected.loc[ours.index, col].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), f"{col}: NaN pattern differs"
        mask = ~np.isnan(a)
        np.testing.assert_allclose(a[mask], b[mask], atol=tol, rtol=tol, err_msg=col)


def random_edges(rng, n, m, weighted):
    s = rng.integers(0, n, size=m)
    t = rng.integers(0, n, size=m)
    keep = s != t
    w = rng.uniform(0.1, 3.0, size=m) if weighted else np.ones(m)
    return list(zip(s[keep].tolist(), t[keep].tolist(), w[keep].tolist()))


# ---------------------------------------------------------------------------------------
edge_lists = st.integers(min_value=2, max_value=12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from([1.0, 0.5, 2.0, 0.25, 3.5]),
            ).filter(lambda e: e[0] != e[1]),
            max_size=3 * n,
        ),
        st.booleans(),
        st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=n, max_size=n),
    )
)


def brokerage_path(dense: bool):
    """Force brokerage's dense (BLAS) or sparse product path, whatever the graph's size."""
    from unittest import mock

    if dense:
        return mock.patch.multiple(
            brokerage_module, DENSE_BROKERAGE_MAX_PEOPLE=10**9, DENSE_BROKERAGE_RATIO=1e300
        )
    return mock.patch.object(brokerage_module, "DENSE_BROKERAGE_MAX_PEOPLE", 0)


@settings(deadline=None, max_examples=25)
@given(edge_lists, st.booleans())
def test_every_exact_measure_matches_networkx_on_random_graphs(case, dense):
    n, edges, directed, depts = case
    graph, G, people = make(n, edges, directed=directed, departments=depts)
    with brokerage_path(dense):
        ours = influence_scores(graph, progress=False)
    expected = oracle(G, people)
    assert list(ours.index) == list(people.index)
    assert_frames_close(ours, expected, MEASURES)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("dense", [True, False], ids=["dense-brokerage", "sparse-brokerage"])
def test_seeded_random_graphs_with_isolates_match_networkx(directed, weighted, seed, dense):
    rng = np.random.default_rng(seed)
    n = 60
    # people 50..59 have no interactions at all: isolates stay in the graph
    edges = random_edges(rng, 50, 180, weighted)
    graph, G, people = make(n, edges, directed=directed)
    with brokerage_path(dense):
        ours = influence_scores(graph, progress=False)
    expected = oracle(G, people)
    assert_frames_close(ours, expected, MEASURES)
    isolates = people.index[50:]
    assert (ours.loc[isolates, "degree"] == 0).all()
    assert ours.loc[isolates, "constraint"].isna().all()
    assert ours.loc[isolates, "constraint_pct"].isna().all()
    assert ours.attrs["sampling"]["betweenness"]["exact"] is True


def krackhardt():
    advice = pd.read_csv(KRACK / "advice.csv", sep=";")
    attrs = pd.read_csv(KRACK / "attributes.csv", sep=";", decimal=",")
    people = pd.DataFrame(
        {"department": attrs["DEPT"].astype(str).to_numpy()},
        index=pd.Index(attrs["ID"].astype(str), name="person_id"),
    )
    ties_ = advice[(advice["edge"] == 1) & (advice["ego"] != advice["alter"])]
    log = pd.DataFrame(
        {"source": ties_["ego"].astype(str), "target": ties_["alter"].astype(str), "weight": 1.0}
    )
    return people, log


@pytest.mark.parametrize("directed", [True, False])
def test_krackhardt_advice_network_matches_networkx(directed):
    people, log = krackhardt()
    graph = build_graph(people, log, directed=directed)
    assert graph.n_people == 21
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(people.index)
    for s, t in zip(log["source"], log["target"]):
        if G.has_edge(s, t):
            G[s][t]["weight"] += 1.0
        else:
            G.add_edge(s, t, weight=1.0)
    if directed:
        assert G.number_of_edges() == 190
    expected = oracle(G, people)
    ours = influence_scores(graph, progress=False)
    assert_frames_close(ours, expected, MEASURES)
    with brokerage_path(dense=False):
        assert_frames_close(brokerage(graph), expected, ["constraint", "effective_size"])
    # the department labels are kept as strings
    assert ours["department"].tolist() == people["department"].tolist()


def test_each_family_function_matches_influence_scores():
    rng = np.random.default_rng(7)
    graph, G, people = make(40, random_edges(rng, 40, 120, True))
    full = influence_scores(graph, progress=False)
    pd.testing.assert_frame_equal(degrees(graph), full[["in_degree", "out_degree", "degree", "strength"]])
    np.testing.assert_allclose(pagerank(graph), full["pagerank"])
    np.testing.assert_allclose(eigenvector(graph), full["eigenvector"])
    np.testing.assert_allclose(path_measures(graph)["betweenness"], full["betweenness"])
    np.testing.assert_array_equal(coreness(graph), full["coreness"])
    np.testing.assert_allclose(brokerage(graph)["constraint"], full["constraint"])
    np.testing.assert_array_equal(bridging(graph)["departments_reached_2"], full["departments_reached_2"])
    np.testing.assert_array_equal(reach(graph, hops=2), full["reach_2"])
    assert abs(pagerank(graph).sum() - 1.0) < 1e-9


def test_reach_more_hops_matches_bfs():
    rng = np.random.default_rng(3)
    graph, G, people = make(50, random_edges(rng, 50, 60, False))
    T = ties(G)
    got = reach(graph, hops=3)
    want = [len(nx.single_source_shortest_path_length(T, v, cutoff=3)) - 1 for v in people.index]
    assert got.tolist() == want
    assert got.name == "reach_3"
    with pytest.raises(InputError, match="hops"):
        reach(graph, hops=0)


# ---------------------------------------------------------------------------------------
def test_relabelling_and_reordering_people_does_not_change_scores():
    rng = np.random.default_rng(11)
    n = 45
    edges = random_edges(rng, n, 150, True)
    graph, _, people = make(n, edges)
    base = influence_scores(graph, progress=False)
    # new ids in a different string order, and the roster rows shuffled
    perm = rng.permutation(n)
    new_ids = [f"x{(37 * i) % 101:03d}" for i in range(n)]
    mapping = dict(zip(people.index, new_ids))
    people2 = people.rename(index=mapping).iloc[perm]
    log = pd.DataFrame(
        {
            "source": [new_ids[s] for s, _, _ in edges],
            "target": [new_ids[t] for _, t, _ in edges],
            "weight": [w for _, _, w in edges],
        }
    )
    other = influence_scores(build_graph(people2, log), progress=False)
    assert list(other.index) == list(people2.index)
    back = other.rename(index={v: k for k, v in mapping.items()}).loc[base.index]
    numeric = [c for c in base.columns if c != "department"]
    np.testing.assert_allclose(
        back[numeric].to_numpy(float), base[numeric].to_numpy(float), atol=1e-9, equal_nan=True
    )


def test_sampled_betweenness_converges_to_exact():
    rng = np.random.default_rng(5)
    n = 300
    graph, _, _ = make(n, random_edges(rng, n, 900, False))
    exact = path_measures(graph)
    errors = {}
    for k in (15, 60, 240):
        errs = []
        for seed in range(3):
            est = path_measures(graph, samples=k, seed=seed)
            assert est.attrs["sampling"]["betweenness"] == {
                **est.attrs["sampling"]["betweenness"], "exact": False, "sources": k, "seed": seed,
            }
            errs.append(np.abs(est["betweenness"] - exact["betweenness"]).sum() / exact["betweenness"].sum())
            errs_c = np.abs(est["closeness"] - exact["closeness"]).sum() / exact["closeness"].sum()
            assert errs_c < 0.2
        errors[k] = float(np.mean(errs))
    assert errors[240] < errors[60] < errors[15]
    assert errors[240] < 0.15
    full = path_measures(graph, samples=n)
    np.testing.assert_allclose(full["betweenness"], exact["betweenness"], atol=1e-12)
    # the recorded error estimate is in the right range for the top people
    rel = path_measures(graph, samples=60, seed=0).attrs["sampling"]["betweenness"]["relative_error"]
    assert 0.0 < rel < 1.0


def test_large_graphs_sample_paths_and_restrict_brokerage(monkeypatch):
    monkeypatch.setattr(paths_module, "EXACT_WORK", 100)
    monkeypatch.setattr(brokerage_module, "CANDIDATE_LIMIT", 50)
    monkeypatch.setattr(brokerage_module, "DEFAULT_CANDIDATES", 10)
    monkeypatch.setattr(paths_module, "_MAX_SAMPLES", 40)
    monkeypatch.setattr(paths_module, "_MIN_SAMPLES", 16)
    rng = np.random.default_rng(2)
    n = 120
    graph, G, people = make(n, random_edges(rng, n, 500, True))
    scores = influence_scores(graph, progress=False, seed=4)
    info = scores.attrs["sampling"]["betweenness"]
    assert info["exact"] is False and info["seed"] == 4
    assert info["sources"] == paths_module.default_samples(n, graph.neighbors_csr().nnz)
    assert scores["constraint"].notna().sum() == 10 == scores.attrs["candidates"]
    # the pool is the 10 people with most contacts, and their values are exact
    top = scores.sort_values("degree", ascending=False, kind="stable").index[:10]
    assert set(scores.index[scores["constraint"].notna()]) == set(top) or (
        scores.loc[scores["constraint"].notna(), "degree"].min() >= scores.loc[top, "degree"].min()
    )
    con = nx.constraint(sym(G), nodes=list(G), weight="weight")
    have = scores.index[scores["constraint"].notna()]
    np.testing.assert_allclose(scores.loc[have, "constraint"], [con[v] for v in have], atol=TOL)
    # same seed, same result; explicit candidates override the pool
    again = influence_scores(graph, progress=False, seed=4, measures=["betweenness"])
    np.testing.assert_allclose(again["betweenness"], scores["betweenness"])
    some = list(people.index[:3])
    chosen = brokerage(graph, candidates=some)
    assert chosen["constraint"].notna().sum() == sum(graph.neighbors_csr().sum(axis=1)[:3] > 0)
    with pytest.raises(InputError, match="nobody"):
        brokerage(graph, candidates=["nobody"])
    # the default pool also stops where its two-step paths exceed the work budget
    deg = scores["degree"].to_numpy(float)
    walks = graph.neighbors_csr().astype(float) @ deg
    first = int(np.argmax(deg))
    monkeypatch.setattr(brokerage_module, "BROKERAGE_WORK", float(walks[first]) * 3.5)
    pooled = brokerage(graph)
    assert 1 <= pooled["constraint"].notna().sum() <= 4
    assert pooled["constraint"].notna().iloc[first]


# ---------------------------------------------------------------------------------------
def test_measures_subset_order_and_unknown_names():
    rng = np.random.default_rng(1)
    graph, _, _ = make(20, random_edges(rng, 20, 50, True))
    scores = influence_scores(graph, measures=["reach_2", "pagerank"], progress=False)
    assert list(scores.columns) == ["department", "pagerank", "reach_2", "pagerank_pct", "reach_2_pct"]
    with pytest.raises(InputError) as info:
        influence_scores(graph, measures=["pagerank", "fame"])
    assert "fame" in str(info.value) and "betweenness" in str(info.value)
    with pytest.raises(InputError, match="CollaborationGraph"):
        influence_scores(pd.DataFrame())


def test_all_columns_in_contract_order():
    graph, _, _ = make(5, [(0, 1, 1.0), (1, 2, 1.0)])
    scores = influence_scores(graph, progress=False)
    assert list(scores.columns) == ["department", *MEASURES, *[f"{m}_pct" for m in MEASURES]]
    assert scores.index.name == "person_id"


def test_percentiles_orientation_and_missing_values():
    rng = np.random.default_rng(9)
    graph, _, _ = make(30, random_edges(rng, 25, 70, True))
    scores = influence_scores(graph, progress=False)
    for m in MEASURES:
        pct = scores[f"{m}_pct"]
        vals = scores[m]
        assert pct.isna().equals(vals.isna()), m
        ok = vals.notna()
        assert pct[ok].between(0, 100).all(), m
        a, b = vals[ok].to_numpy(float), pct[ok].to_numpy(float)
        i, j = np.triu_indices(len(a), 1)
        same = np.isclose(a[i], a[j], rtol=1e-8, atol=0)
        less = (a[i] < a[j]) & ~same
        assert (b[i][same] == b[j][same]).all(), m
        if m == "constraint":
            assert (b[i][less] > b[j][less]).all()
        else:
            assert (b[i][less] < b[j][less]).all(), m
    s = percentiles(pd.Series([3.0, 1.0, np.nan], name="x"), higher_is_better=False)
    assert s.name == "x_pct" and s.iloc[0] == 0.0 and s.iloc[1] == 100.0 and np.isnan(s.iloc[2])


def test_empty_and_tiny_graphs():
    graph, _, _ = make(3, [])
    scores = influence_scores(graph, progress=False)
    assert (scores["degree"] == 0).all() and (scores["eigenvector"] == 0).all()
    assert np.allclose(scores["pagerank"], 1 / 3)
    assert scores["constraint"].isna().all()
    one, _, _ = make(1, [])
    assert influence_scores(one, progress=False).shape[0] == 1


def test_progress_is_silent_when_not_a_terminal(capsys):
    rng = np.random.default_rng(1)
    graph, _, _ = make(30, random_edges(rng, 30, 60, True))
    influence_scores(graph)
    influence_scores(graph, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_line_on_a_terminal_only(monkeypatch):
    import io
    import sys

    from ambassadors._progress import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(progress(range(3), desc="demo")) == [0, 1, 2]
    assert "demo: 3/3" in term.getvalue()
    term2 = Terminal()
    monkeypatch.setattr(sys, "stderr", term2)
    rng = np.random.default_rng(1)
    graph, _, _ = make(30, random_edges(rng, 30, 60, True))
    influence_scores(graph, progress=False)
    assert list(progress(range(2), desc="quiet", enabled=False)) == [0, 1]
    assert term2.getvalue() == ""
    influence_scores(graph)
    assert "influence measures" in term2.getvalue()


def _scaled_oracle(G, nodes, sources):
    """Sum over ``sources`` of ``sum_t sigma_st(v) / sigma_st * d(s, v) / d(s, t)`` and of
    ``1 / d(s, v)``, from networkx's enumeration of every shortest path."""
    between, inverse = dict.fromkeys(nodes, 0.0), dict.fromkeys(nodes, 0.0)
    for s in sources:
        dist = nx.single_source_shortest_path_length(G, s)
        for t, d_st in dist.items():
            if t == s:
                continue
            inverse[t] += 1.0 / d_st
            paths = list(nx.all_shortest_paths(G, s, t))
            for path in paths:
                for v in path[1:-1]:
                    between[v] += dist[v] / d_st / len(paths)
    return np.array([between[v] for v in nodes]), np.array([inverse[v] for v in nodes])


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 14), st.integers(0, 40), st.integers(0, 2**16), st.booleans())
def test_batched_search_matches_an_oracle_of_scaled_dependencies(n, m, seed, exact):
    """One matrix search for a batch of sources gives, per person, the linearly scaled
    dependency and the sum of ``1 / d`` of networkx's shortest paths (float32 when sampled)."""
    rng = np.random.default_rng(seed)
    graph, G, _ = make(n, random_edges(rng, n, m, False), directed=False)
    nodes = list(graph.ids)
    sources = np.sort(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False))
    vertices = np.sort(graph.department_label[sources])
    between, inverse = paths_module._path_batch(graph, vertices=vertices, replicate=0, exact=exact)
    want_b, want_c = _scaled_oracle(G, nodes, [nodes[s] for s in sources])
    tol = 1e-12 if exact else 1e-5
    np.testing.assert_allclose(between, want_b, rtol=tol, atol=tol)
    np.testing.assert_allclose(inverse, want_c, rtol=tol, atol=tol)
