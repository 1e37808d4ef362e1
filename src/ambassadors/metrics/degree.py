"""Degree family: contacts in and out, distinct contacts and tie strength (CSR row counts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.graph import CollaborationGraph
from ambassadors.metrics._common import check_graph, row_counts

__all__ = ["degrees"]


def degrees(graph: CollaborationGraph) -> pd.DataFrame:
    """Number of contacts and tie strength of each person.

    * ``in_degree_i = |{j : w_ji > 0}|`` (people who reached out to ``i``),
    * ``out_degree_i = |{j : w_ij > 0}|``,
    * ``degree_i = |{j : w_ij > 0 or w_ji > 0}|`` (distinct contacts, either direction),
    * ``strength_i = sum_j (w_ij + w_ji)`` (for an undirected graph ``sum_j w_ij``).

    For an undirected graph ``in_degree = out_degree = degree``.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    DataFrame
        Indexed by ``person_id``: ``in_degree, out_degree, degree`` (int) and ``strength``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p1", "p3"], "target": ["p2", "p3", "p1"],
    ...                     "weight": [1.0, 0.5, 2.0]})
    >>> degrees(build_graph(people, log))  # doctest: +NORMALIZE_WHITESPACE
               in_degree  out_degree  degree  strength
    person_id
    p1                 1           2       2       3.5
    p2                 1           0       1       1.0
    p3                 1           1       1       2.5

    Notes
    -----
    ``O(n + m)`` on the CSR arrays.

    References
    ----------
    Freeman, L. C. (1978). Centrality in social networks: conceptual clarification.
    *Social Networks* 1(3), 215-239. Barrat, A. et al. (2004). The architecture of complex
    weighted networks. *PNAS* 101(11), 3747-3752 (strength).
    """
    graph = check_graph(graph)
    W = graph.weights
    nz = sp.csr_array((W != 0).astype(np.int8))
    if nz.diagonal().any():  # build_graph never leaves self-ties; a hand-made graph might
        nz.setdiag(0)
        nz.eliminate_zeros()
    out_deg = row_counts(nz)
    in_deg = np.bincount(nz.indices, minlength=graph.n_people).astype(np.int64)
    deg = row_counts(graph.neighbors_csr())
    S = graph.undirected_weights()
    strength = np.asarray(S.sum(axis=1)).ravel().astype(np.float64)
    return pd.DataFrame(
        {"in_degree": in_deg, "out_degree": out_deg, "degree": deg, "strength": strength},
        index=graph.ids,
    )


