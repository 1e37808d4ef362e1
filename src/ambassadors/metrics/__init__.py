"""Influence measures on the collaboration graph.

This stage takes a :class:`~ambassadors.graph.CollaborationGraph` and scores every person on the
classic measures of network position (degree, PageRank, eigenvector, harmonic closeness,
betweenness, k-core, Burt's constraint and effective size, the participation coefficient,
departments and colleagues reached). :func:`influence_scores` combines them in one table,
indexed by ``person_id``, with a ``<measure>_pct`` percentile column per measure; the ranking
stage (:func:`ambassadors.rank_candidates`) reads that table.

Each family is also a plain function, in a module of its own (networkx's
``algorithms/centrality`` shape)::

    degree.py        degrees (in, out, distinct contacts, strength)
    spectral.py      pagerank, eigenvector
    paths.py         path_measures (harmonic closeness, betweenness), default_samples
    cohesion.py      coreness
    structural_holes.py  brokerage (Burt's constraint, effective size)
    departments.py   bridging (participation, departments reached), reach
    influence.py     influence_scores: the families in one table, with percentiles
    _common.py       measure names, graph checks, percentiles, blocked CSR helpers
    _parallel.py     independent pieces in forked workers sharing the graph (n_jobs)

A new centrality goes in the module of its family (or a new one), is re-exported here, and
becomes a column by adding it to :data:`MEASURES` and to ``influence.py``'s family table.

Conventions (see also ``docs/measures.md``)
-------------------------------------------
* A **tie** is an interaction in either direction (``graph.neighbors_csr()``): degree, reach,
  bridging, coreness and the path measures use ties, unweighted.
* **PageRank** runs on the directed weighted graph (the symmetric weights when the graph is
  undirected); dangling people spread their score uniformly.
* **Eigenvector**, **constraint** and **effective size** use the symmetric weights
  ``S = W + W^T`` (``W`` itself for an undirected graph).
* **Betweenness** and **closeness** count hops on the undirected tie graph (distance 1 per tie,
  weights ignored): a tie is a channel whatever its volume, and hop counts keep the measures
  comparable between e-mail-heavy and meeting-heavy departments. On large graphs
  (``people x arcs > EXACT_WORK``) they are estimated from a department-balanced random
  sample of source people (linearly scaled dependencies), with the estimated error recorded.
* Brokerage (constraint, effective size) is computed for a candidate pool above
  :data:`CANDIDATE_LIMIT` people (the :data:`DEFAULT_CANDIDATES` people with most contacts);
  others get NaN.

Nothing here loops over people or ties in Python: the measures use scipy.sparse products
(the path searches for 64 sources at once), bitsets over the CSR arrays and igraph's C
routines, and independent pieces run on every core (``n_jobs``), so 50,000 people and
millions of ties take seconds.
"""

from __future__ import annotations

from ambassadors.metrics._common import MEASURE_COLUMNS, MEASURES, percentiles
from ambassadors.metrics.cohesion import coreness
from ambassadors.metrics.degree import degrees
from ambassadors.metrics.departments import bridging, reach
from ambassadors.metrics.influence import influence_scores
from ambassadors.metrics.paths import EXACT_WORK, default_samples, path_measures
from ambassadors.metrics.spectral import EigenvectorConvergenceWarning, eigenvector, pagerank
from ambassadors.metrics.structural_holes import (
    BROKERAGE_WORK,
    CANDIDATE_LIMIT,
    DEFAULT_CANDIDATES,
    brokerage,
)

__all__ = [
    "MEASURES",
    "MEASURE_COLUMNS",
    "EXACT_WORK",
    "CANDIDATE_LIMIT",
    "DEFAULT_CANDIDATES",
    "BROKERAGE_WORK",
    "EigenvectorConvergenceWarning",
    "influence_scores",
    "degrees",
    "pagerank",
    "eigenvector",
    "path_measures",
    "coreness",
    "brokerage",
    "bridging",
    "reach",
    "percentiles",
    "default_samples",
]
