"""The outreach plan (issue 12): who carries the message to whom, and who is left."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors


def _org(seed: int, n: int = 40, m: int = 70):
    rng = np.random.default_rng(seed)
    ids = [f"c{i:02d}" for i in range(n)]
    people = pd.DataFrame({"department": [f"D{i % 3}" for i in range(n)]}, index=pd.Index(ids, name="person_id"))
    log = pd.DataFrame({"source": rng.choice(ids, m), "target": rng.choice(ids, m),
                        "weight": rng.integers(1, 6, m).astype(float)})
    graph = build_graph(people, log)
    G = nx.Graph()
    G.add_nodes_from(ids)
    W = graph.undirected_weights().tocoo()
    for i, j, w in zip(W.row, W.col, W.data, strict=True):
        if i != j:
            G.add_edge(str(graph.ids[i]), str(graph.ids[j]), weight=abs(float(w)))
    return graph, G


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 10_000), size=st.integers(3, 6), cap=st.one_of(st.none(), st.integers(1, 4)))
def test_every_colleague_is_assigned_once_by_strongest_tie_or_listed_as_unreached(seed, size, cap):
    graph, G = _org(seed)
    plan = propose_ambassadors(graph, size=size, max_contacts=cap)
    amb = set(plan.ids)
    out, left = plan.outreach, plan.unreached
    assert out.index.is_unique and left.index.is_unique
    assert set(out.index) | set(left.index) | amb == set(G.nodes) and not set(out.index) & set(left.index)
    for colleague, row in out.iterrows():
        assert G.has_edge(colleague, row["ambassador"]) and row["hops"] == 1
        assert row["tie_strength"] == G[colleague][row["ambassador"]]["weight"]
        if cap is None:   # no load limit: the strongest tie to any ambassador
            assert row["tie_strength"] == max(G[colleague][a]["weight"] for a in amb if G.has_edge(colleague, a))
    if cap is None:
        reached = {c for a in amb for c in G[a]} - amb
        assert set(out.index) == reached and len(out) == plan.reach_1.count - len(amb)
    else:
        assert (out.groupby("ambassador").size() <= cap).all()
        assert (plan.outreach_load()["colleagues"] <= cap).all()
    for colleague, row in left.iterrows():
        if pd.notna(row["nearest_ambassador"]):
            assert nx.shortest_path_length(G, colleague, row["nearest_ambassador"]) <= 2
            assert G.has_edge(colleague, row["via"])


def test_two_step_plans_assign_colleagues_at_two_steps_through_the_first():
    graph, G = _org(7, n=60, m=90)
    plan = propose_ambassadors(graph, size=3, hops=2)
    two = plan.outreach[plan.outreach["hops"] == 2]
    assert len(two) > 0
    first = plan.outreach[plan.outreach["hops"] == 1]
    for colleague, row in two.iterrows():
        assert nx.shortest_path_length(G, colleague, row["ambassador"]) == 2
    assert len(plan.outreach) + plan.size == plan.reach_2.count
    assert set(first.index) <= {c for a in plan.ids for c in G[a]}
