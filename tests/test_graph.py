"""build_graph options and accounting, conversions, department matrix."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.graph import build_graph, department_matrix


def roster(ids=("a", "b", "c", "d"), depts=("X", "X", "Y", "Z")):
    return pd.DataFrame({"department": list(depts)}, index=pd.Index(list(ids), name="person_id"))


def log(rows):
    """rows: (source, target, weight, timestamp or None, channel)."""
    frame = pd.DataFrame(rows, columns=["source", "target", "weight", "timestamp", "channel"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def w(graph, s, t):
    i, j = graph.codes([s, t])
    return float(graph.weights[i, j])


BASE = [
    ("a", "b", 1.0, "2025-01-01", "email"),
    ("a", "b", 0.5, "2025-01-10", "chat"),
    ("b", "a", 1.0, "2025-01-20", "email"),
    ("a", "c", 2.0, "2025-01-31", "meeting"),
    ("c", "d", 0.25, None, "email"),
]


def test_weights_and_counts_sum_the_interactions_of_each_tie():
    g = build_graph(roster(), log(BASE))
    assert w(g, "a", "b") == 1.5 and w(g, "b", "a") == 1.0 and w(g, "a", "c") == 2.0
    i, j = g.codes(["a", "b"])
    assert g.counts[i, j] == 2
    assert g.n_ties == 4 and g.directed
    assert g.params["interactions_used"] == 5 and g.dropped == {}


def test_isolates_stay_and_person_ids_stay_strings():
    people = roster(ids=("007", "7", "x", "lonely"))
    g = build_graph(people, log([("007", "7", 1.0, None, "email")]))
    assert list(g.ids) == ["007", "7", "x", "lonely"]
    assert g.n_people == 4
    assert np.diff(g.neighbors_csr().indptr).tolist() == [1, 1, 0, 0]
    assert "2 without ties" in g.summary()


def test_unknown_people_and_self_pairs_are_counted():
    rows = BASE + [("a", "a", 1.0, None, "email"), ("a", "ghost", 1.0, None, "email"),
                   ("ghost", "b", 1.0, None, "email")]
    g = build_graph(roster(), log(rows))
    assert g.dropped == {"self_pair": 1, "unknown_person": 2}
    assert g.params["interactions_used"] + sum(g.dropped.values()) == len(rows)


def test_window_by_dates_and_by_duration():
    g = build_graph(roster(), log(BASE), window=("2025-01-05", "2025-01-25"))
    assert w(g, "a", "b") == 0.5 and w(g, "b", "a") == 1.0 and w(g, "a", "c") == 0.0
    assert g.dropped == {"outside_window": 2, "no_timestamp": 1}
    # a duration counts back from the latest timestamp (2025-01-31)
    g2 = build_graph(roster(), log(BASE), window="15D")
    assert w(g2, "b", "a") == 1.0 and w(g2, "a", "c") == 2.0 and w(g2, "a", "b") == 0.0
    assert g2.params["interactions_used"] + sum(g2.dropped.values()) == len(BASE)
    g3 = build_graph(roster(), log(BASE), window="15D", reference_time="2025-01-15")
    assert w(g3, "a", "b") == 1.5 and w(g3, "b", "a") == 0.0
    with pytest.raises(InputError, match="window"):
        build_graph(roster(), log(BASE), window="lately")


def test_half_life_halves_weight_per_half_life():
    rows = [("a", "b", 1.0, "2025-01-01", "email"), ("b", "a", 1.0, "2025-01-31", "email"),
            ("c", "d", 1.0, None, "email")]
    g = build_graph(roster(), log(rows), half_life="30D")
    assert w(g, "a", "b") == pytest.approx(0.5)
    assert w(g, "b", "a") == pytest.approx(1.0)
    assert w(g, "c", "d") == pytest.approx(1.0)  # no timestamp: not decayed
    g2 = build_graph(roster(), log(rows), half_life="15D")
    assert w(g2, "a", "b") == pytest.approx(0.25)
    with pytest.raises(InputError, match="half_life"):
        build_graph(roster(), log(rows), half_life="-3D")


def test_channel_weights_and_channel_selection():
    g = build_graph(roster(), log(BASE), channel_weights={"meeting": 3.0, "chat": 0.0})
    assert w(g, "a", "c") == 6.0
    assert w(g, "a", "b") == 1.0  # chat counted 0, email unchanged
    g2 = build_graph(roster(), log(BASE), channels=["email"])
    assert g2.dropped == {"channel_not_selected": 2}
    assert w(g2, "a", "b") == 1.0 and w(g2, "a", "c") == 0.0
    bare = log(BASE).drop(columns="channel")
    with pytest.raises(InputError, match="channel"):
        build_graph(roster(), bare, channel_weights={"email": 2.0})


def test_reciprocal_only_and_min_weight_count_removed_ties():
    g = build_graph(roster(), log(BASE), reciprocal_only=True)
    assert g.n_ties == 2 and w(g, "a", "b") == 1.5 and w(g, "a", "c") == 0.0
    assert g.dropped == {"ties_removed_not_reciprocal": 2}
    g2 = build_graph(roster(), log(BASE), min_weight=1.0)
    assert g2.n_ties == 3 and w(g2, "c", "d") == 0.0
    assert g2.dropped == {"ties_removed_below_min_weight": 1}


def test_undirected_graph_symmetrises():
    g = build_graph(roster(), log(BASE), directed=False)
    assert not g.directed
    assert w(g, "a", "b") == w(g, "b", "a") == 2.5
    assert (g.weights != g.weights.T).nnz == 0
    assert g.n_ties == 3
    e = g.edges()
    assert len(e) == 3 and e["weight"].sum() == pytest.approx(2.5 + 2.0 + 0.25)


def test_input_errors_name_the_problem():
    with pytest.raises(InputError, match="department"):
        build_graph(pd.DataFrame({"dept": ["X"]}, index=["a"]), log(BASE))
    dup = pd.DataFrame({"department": ["X", "Y"]}, index=pd.Index(["a", "a"], name="person_id"))
    with pytest.raises(InputError, match="'a'"):
        build_graph(dup, log(BASE))
    with pytest.raises(InputError, match="target"):
        build_graph(roster(), log(BASE).drop(columns="target"))
    negative = log(BASE)
    negative.loc[3, "weight"] = -1.0
    with pytest.raises(InputError, match="weight.*rows '3'"):
        build_graph(roster(), negative)
    g = build_graph(roster(), log(BASE))
    with pytest.raises(InputError, match="nobody"):
        g.codes(["a", "nobody"])


# ---------------------------------------------------------------------------------------
random_logs = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(0.05, 5.0), st.sampled_from(["email", "chat"])),
    max_size=40,
)


def _graph_from(rows, directed):
    ids = [f"p{i}" for i in range(8)]
    people = pd.DataFrame(
        {"department": ["D1", "D1", "D2", "D2", "D2", "D3", "D3", "D4"]},
        index=pd.Index(ids, name="person_id"),
    )
    frame = pd.DataFrame(
        {
            "source": [ids[s] for s, _, _, _ in rows],
            "target": [ids[t] for _, t, _, _ in rows],
            "weight": [x for _, _, x, _ in rows],
            "channel": [c for _, _, _, c in rows],
        }
    )
    return build_graph(people, frame, directed=directed), frame


@settings(deadline=None, max_examples=40)
@given(random_logs, st.booleans())
def test_accounting_and_total_weight(rows, directed):
    g, frame = _graph_from(rows, directed)
    kept = frame[frame["source"] != frame["target"]]
    assert g.params["interactions_used"] == len(kept)
    assert g.params["interactions_used"] + sum(g.dropped.values()) == len(frame)
    factor = 1 if directed else 2
    assert g.weights.sum() == pytest.approx(factor * kept["weight"].sum())
    assert g.counts.sum() == factor * len(kept)
    # the department matrix redistributes the same total weight
    dm = department_matrix(g)
    assert dm.weights.to_numpy().sum() == pytest.approx(g.weights.sum())
    assert dm.counts.to_numpy().sum() == (g.weights != 0).sum()
    share = dm.person_share.dropna()
    assert ((share >= 0) & (share <= 1 + 1e-12)).all()
    codes = g.department_codes
    coo = g.weights.tocoo()
    cross = coo.data[codes[coo.row] != codes[coo.col]].sum()
    off_diag = dm.weights.to_numpy().sum() - np.trace(dm.weights.to_numpy())
    assert off_diag == pytest.approx(cross)


@settings(deadline=None, max_examples=30)
@given(random_logs, st.booleans())
def test_networkx_and_igraph_round_trips(rows, directed):
    g, _ = _graph_from(rows, directed)
    G = g.to_networkx()
    assert G.is_directed() == directed
    assert list(G.nodes) == list(g.ids)
    assert all(G.nodes[p]["department"] == d for p, d in g.people["department"].items())
    A = nx.to_scipy_sparse_array(G, nodelist=list(g.ids), weight="weight")
    assert abs(A - g.weights).sum() == pytest.approx(0.0, abs=1e-9)
    C = nx.to_scipy_sparse_array(G, nodelist=list(g.ids), weight="count")
    assert abs(C - g.counts).sum() == 0
    h = g.to_igraph()
    assert h.is_directed() == directed and h.vcount() == g.n_people
    assert h.vs["name"] == list(g.ids)
    assert h.vs["department"] == g.people["department"].tolist()
    back = np.zeros((g.n_people, g.n_people))
    for e in h.es:
        back[e.source, e.target] += e["weight"]
        if not directed:
            back[e.target, e.source] += e["weight"]
    np.testing.assert_allclose(back, g.weights.toarray())
    assert h.ecount() == g.n_ties


def test_department_matrix_known_values():
    g = build_graph(roster(), log(BASE))
    dm = department_matrix(g)
    assert dm.weights.loc["X", "X"] == 2.5 and dm.weights.loc["X", "Y"] == 2.0
    assert dm.weights.loc["Y", "Z"] == 0.25 and dm.counts.loc["X", "X"] == 2
    # a: 2.5 within X (both directions of a-b) and 2.0 to Y
    assert dm.person_share["a"] == pytest.approx(2.0 / 4.5)
    assert dm.department_share["Z"] == 1.0
    long = dm.to_frame()
    assert set(long.columns) == {"from_department", "to_department", "weight", "ties"}
    assert long["weight"].sum() == pytest.approx(g.weights.sum())


def _separate_sums(s, t, w, n):
    """The oracle: weights and counts each summed in a float64 / int64 scipy matrix of its own."""
    import scipy.sparse as sp

    W = sp.csr_array(sp.coo_array((w, (s, t)), shape=(n, n)))
    C = sp.csr_array(sp.coo_array((np.ones(len(s), dtype=np.int64), (s, t)), shape=(n, n)))
    for m in (W, C):
        m.sum_duplicates()
        m.eliminate_zeros()
        m.sort_indices()
    return W, C


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7),
                          st.sampled_from([0.0, 1e-17, 0.1, 1 / 3, 0.7, 1.0, 2.5e8])), max_size=60),
       st.booleans())
def test_one_sort_gives_the_same_bits_as_separate_weight_and_count_matrices(rows, categorical):
    """Weights and counts come from one complex-valued sum: each must equal, bit for bit, its own
    float64 / int64 sum (zero weights drop out of the weights but stay in the counts)."""
    ids = [f"p{i}" for i in range(8)]
    people = pd.DataFrame({"department": ["D"] * 8}, index=pd.Index(ids, name="person_id"))
    kept = [(s, t, x) for s, t, x in rows if s != t]
    frame = pd.DataFrame({"source": [ids[s] for s, _, _ in rows],
                          "target": [ids[t] for _, t, _ in rows],
                          "weight": [x for _, _, x in rows]})
    if categorical:  # the readers' tables: categories are the roster ids
        for col in ("source", "target"):
            frame[col] = pd.Categorical(frame[col], categories=ids)
    g = build_graph(people, frame)
    s = np.array([r[0] for r in kept], dtype=np.int64)
    t = np.array([r[1] for r in kept], dtype=np.int64)
    W, C = _separate_sums(s, t, np.array([r[2] for r in kept], dtype=np.float64), 8)
    for got, want in ((g.weights, W), (g.counts, C)):
        assert got.dtype == want.dtype and got.indices.dtype == want.indices.dtype
        np.testing.assert_array_equal(got.indptr, want.indptr)
        np.testing.assert_array_equal(got.indices, want.indices)
        assert got.data.tobytes() == want.data.tobytes()
