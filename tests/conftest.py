"""Toy organisations shared by the tests: a builder and three small graphs with known answers.

About 25 test files build graphs like these inline; new tests use the fixtures instead.

``make_graph(departments, edges, **build_options)``
    A :class:`~ambassadors.graph.CollaborationGraph` from ``{person_id: department}`` and a list
    of ``(source, target)`` or ``(source, target, weight)`` messages.
``two_departments``
    Sales ``s1 s2 s3 s4`` and Legal ``l1 l2 l3``; the only tie across is ``s1 <-> l1``, and its
    two ends are the only people who reach everyone within two hops. 7 people, 11 directed
    ties (9 pairs).
``star``
    Hub ``h`` and leaves ``x1 .. x5`` (each leaf messages the hub once), one department ``D``.
``path``
    ``p1 -> p2 -> p3 -> p4 -> p5``: departments ``X`` (``p1 p2 p3``) and ``Y`` (``p4 p5``).

Each toy is a :class:`Toy`: the roster (string ids, ``department``, ``name``, ``email``), the
canonical-looking interactions (``source``/``target`` Categorical over the roster ids, UTC
timestamps, weight 1, channel ``email``, an ``event_id``) and the graph built from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from ambassadors.graph import CollaborationGraph, build_graph


@dataclass(frozen=True)
class Toy:
    people: pd.DataFrame
    interactions: pd.DataFrame
    graph: CollaborationGraph


def toy_tables(departments: Mapping[str, str],
               edges: Iterable[tuple[Any, ...]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roster and interactions for ``{person_id: department}`` and ``(source, target[, weight])``."""
    ids = [str(i) for i in departments]
    people = pd.DataFrame(
        {"department": [str(departments[i]) for i in departments],
         "name": [f"Person {i}" for i in ids], "email": [f"{i}@example.org" for i in ids]},
        index=pd.Index(ids, name="person_id"),
    )
    rows = [(str(e[0]), str(e[1]), float(e[2]) if len(e) > 2 else 1.0) for e in edges]
    cats = pd.CategoricalDtype(ids)
    interactions = pd.DataFrame({
        "source": pd.Series([r[0] for r in rows], dtype=cats),
        "target": pd.Series([r[1] for r in rows], dtype=cats),
        "timestamp": pd.date_range("2024-01-01", periods=len(rows), freq="h", tz="UTC"),
        "weight": pd.Series([r[2] for r in rows], dtype="float64"),
        "channel": pd.Categorical(["email"] * len(rows)),
        "event_id": [f"<m{k}@mail.example.org>" for k in range(len(rows))],
    })
    return people, interactions


def toy(departments: Mapping[str, str], edges: Iterable[tuple[Any, ...]], **build_options: Any) -> Toy:
    people, interactions = toy_tables(departments, edges)
    return Toy(people, interactions, build_graph(people, interactions, **build_options))


@pytest.fixture
def make_graph() -> Callable[..., CollaborationGraph]:
    """``make_graph({"a": "X", "b": "Y"}, [("a", "b")], directed=False) -> CollaborationGraph``."""

    def make(departments: Mapping[str, str], edges: Iterable[tuple[Any, ...]] = (),
             **build_options: Any) -> CollaborationGraph:
        return toy(departments, edges, **build_options).graph

    return make


@pytest.fixture
def two_departments() -> Toy:
    departments = {"s1": "Sales", "s2": "Sales", "s3": "Sales", "s4": "Sales",
                   "l1": "Legal", "l2": "Legal", "l3": "Legal"}
    edges = [("s1", "s2"), ("s2", "s1"), ("s1", "s3"), ("s3", "s4"), ("s4", "s1"), ("s2", "s3"),
             ("l1", "l2"), ("l2", "l3"), ("l3", "l1"), ("s1", "l1"), ("l1", "s1")]
    return toy(departments, edges)


@pytest.fixture
def star() -> Toy:
    leaves = [f"x{i}" for i in range(1, 6)]
    return toy({"h": "D", **dict.fromkeys(leaves, "D")}, [(leaf, "h") for leaf in leaves])


@pytest.fixture
def path() -> Toy:
    departments = {"p1": "X", "p2": "X", "p3": "X", "p4": "Y", "p5": "Y"}
    return toy(departments, [("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p4", "p5")])
