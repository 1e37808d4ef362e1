"""The toy organisations of conftest.py have the structure their docstrings promise (networkx)."""

from __future__ import annotations

import networkx as nx


def undirected(toy) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(toy.people.index)
    graph.add_edges_from(zip(toy.interactions["source"].astype(str), toy.interactions["target"].astype(str)))
    return graph


def test_two_departments_has_one_bridge_that_reaches_everyone_in_two_hops(two_departments):
    graph = undirected(two_departments)
    department = two_departments.people["department"]
    assert (graph.number_of_nodes(), graph.number_of_edges(), two_departments.graph.n_ties) == (7, 9, 11)
    assert [tuple(sorted(e)) for e in graph.edges if department[e[0]] != department[e[1]]] == [("l1", "s1")]
    within_two = {v for v in graph if len(nx.single_source_shortest_path_length(graph, v, cutoff=2)) == 7}
    assert within_two == {"s1", "l1"}  # l1 too: s1's side is one hop from s1
    assert list(two_departments.graph.ids) == list(two_departments.people.index)


def test_star_and_path_shapes(star, path):
    hub = undirected(star)
    assert dict(hub.degree) == {"h": 5, "x1": 1, "x2": 1, "x3": 1, "x4": 1, "x5": 1}
    line = undirected(path)
    assert nx.shortest_path(line, "p1", "p5") == ["p1", "p2", "p3", "p4", "p5"]
    assert path.people["department"].tolist() == ["X", "X", "X", "Y", "Y"]


def test_make_graph_passes_build_options(make_graph):
    directed = make_graph({"a": "X", "b": "Y"}, [("a", "b", 2.0)])
    both = make_graph({"a": "X", "b": "Y"}, [("a", "b", 2.0)], directed=False)
    assert directed.directed and not both.directed
    assert float(directed.weights[0, 1]) == 2.0 and float(directed.weights[1, 0]) == 0.0
    assert float(both.weights[1, 0]) == 2.0
