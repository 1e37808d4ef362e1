"""Cohesion family: the k-core number of each person (igraph, ``O(n + m)``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import as_series, check_graph

__all__ = ["coreness"]


def coreness(graph: CollaborationGraph) -> pd.Series:
    """k-core number of each person on the undirected tie graph.

    The k-core is the largest group in which everyone has at least ``k`` ties inside the
    group; a person's coreness is the largest ``k`` whose core contains them (0 for isolates).

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    Series
        ``coreness`` (int) per ``person_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A"] * 4},
    ...                       index=pd.Index(["a", "b", "c", "d"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["a", "b", "c", "c"], "target": ["b", "c", "a", "d"]})
    >>> coreness(build_graph(people, log)).tolist()
    [2, 2, 2, 1]

    Notes
    -----
    ``O(n + m)`` (Batagelj & Zaversnik, igraph). Equals ``networkx.core_number``.

    References
    ----------
    Seidman, S. B. (1983). Network structure and minimum degree. *Social Networks* 5(3),
    269-287. Batagelj, V. & Zaversnik, M. (2003). An O(m) algorithm for cores decomposition
    of networks. arXiv:cs/0310049.
    """
    graph = check_graph(graph)
    if graph.n_people == 0:
        return as_series(np.zeros(0, dtype=np.int64), graph, "coreness")
    g, label = graph.tie_igraph
    return as_series(np.asarray(g.coreness(mode="out"), dtype=np.int64)[label], graph, "coreness")


