"""Departments reached and participation from bitsets: many departments, small blocks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.graph import build_graph
from ambassadors.metrics import _common, bridging


def brute_force(people: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """Sets of departments per person, from networkx neighbourhoods."""
    G = nx.Graph()
    G.add_nodes_from(people.index)
    G.add_edges_from(zip(log["source"], log["target"]))
    G.remove_edges_from(nx.selfloop_edges(G))
    dept = people["department"].to_dict()
    rows = {}
    for v in G:
        near = set(G[v])
        two = near | {u for w in near for u in G[w]}
        counts = pd.Series([dept[u] for u in near]).value_counts()
        k = counts.sum()
        rows[v] = {
            "participation": 1.0 - float(((counts / k) ** 2).sum()) if k else 0.0,
            "departments_reached_1": len({dept[u] for u in near} - {dept[v]}),
            "departments_reached_2": len({dept[u] for u in two} - {dept[v]}),
        }
    return pd.DataFrame.from_dict(rows, orient="index").loc[people.index]


@settings(deadline=None, max_examples=30)
@given(st.integers(2, 90), st.integers(1, 200), st.integers(0, 400), st.integers(0, 2**16),
       st.sampled_from([1 << 22, 7, 64]))
def test_bitsets_match_sets_for_any_number_of_departments(n, departments, ties, seed, block):
    rng = np.random.default_rng(seed)
    ids = [f"p{i:03d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{d:03d}" for d in rng.integers(0, departments, n)]},
                          index=pd.Index(ids, name="person_id"))
    s, t = rng.integers(0, n, size=(2, ties))
    log = pd.DataFrame({"source": np.array(ids)[s], "target": np.array(ids)[t]})
    graph = build_graph(people, log)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_common, "BLOCK_ENTRIES", block)  # force many small blocks of rows
        ours = bridging(graph)
    expected = brute_force(people, log)
    np.testing.assert_allclose(ours["participation"], expected["participation"], atol=1e-12)
    for col in ("departments_reached_1", "departments_reached_2"):
        np.testing.assert_array_equal(ours[col], expected[col])
