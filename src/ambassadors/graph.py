"""Build the weighted collaboration graph.

This stage takes the canonical *people* and *interactions* tables (see :doc:`data-model`) and
returns a :class:`CollaborationGraph`: the roster plus a sparse weighted adjacency over integer
codes (row ``i`` of ``people`` is node ``i``). Everything downstream (influence measures, the
selection, the plots) works on those arrays; :meth:`CollaborationGraph.to_networkx` and
:meth:`CollaborationGraph.to_igraph` hand the same graph to other libraries.

Weighting follows common practice for communication metadata:

* each event contributes ``1 / (number of recipients)`` to each of its pairs (done by the
  readers), so a mail to 200 people does not outweigh a one-to-one conversation;
* optional exponential time decay ``w * 0.5 ** (age / half_life)``;
* optional per-channel multipliers (meeting hours vs mails vs chat);
* optional reciprocity filter and minimum tie weight.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors._validation import check_duration, check_number
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.convert import plausible_until
from ambassadors.io.load_report import Loaded, as_frame

__all__ = ["CollaborationGraph", "DepartmentMatrix", "build_graph", "department_matrix"]

#: Rows of the tie graph handed to igraph per call while building ``tie_igraph`` (bounds the
#: temporary Python list of arcs).
_IGRAPH_ROWS = 8_192


@dataclass(frozen=True, eq=False)
class CollaborationGraph:
    """A weighted collaboration graph over the people of a roster.

    Attributes
    ----------
    people : DataFrame
        The roster, indexed by ``person_id``; row ``i`` is node ``i``.
    weights : scipy.sparse.csr_array
        ``n x n`` float64; ``weights[i, j]`` is the total tie weight from ``i`` to ``j``.
        Symmetric when ``directed`` is False.
    counts : scipy.sparse.csr_array
        ``n x n`` int64; number of interactions behind each tie.
    directed : bool
        Whether ``weights`` keeps the direction of the interactions.
    params : dict
        The options :func:`build_graph` was called with (for reports).
    dropped : dict
        Interactions left out while building, by reason (``unknown_person``, ``self_pair``,
        ``outside_window``, ``channel_not_selected``, ``no_timestamp``). Ties removed by
        ``reciprocal_only`` or ``min_weight`` are counted under ``ties_removed_*``.
    """

    people: pd.DataFrame
    weights: sp.csr_array
    counts: sp.csr_array
    directed: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    # -- basic facts ---------------------------------------------------------------------
    @property
    def n_people(self) -> int:
        return int(self.people.shape[0])

    @property
    def ids(self) -> pd.Index:
        """The ``person_id`` of each node, in code order."""
        return self.people.index

    @property
    def n_ties(self) -> int:
        """Number of ties: directed ties if ``directed``, else unordered pairs."""
        nnz = int(self.weights.count_nonzero())
        return nnz if self.directed else nnz // 2

    @property
    def department_names(self) -> pd.Index:
        """Department labels, sorted; ``department_codes`` index into this."""
        return pd.Index(self._departments.categories, name="department")

    @property
    def department_codes(self) -> np.ndarray:
        """The department of each node as an integer code into ``department_names``."""
        return np.asarray(self._departments.codes, dtype=np.int64)

    @property
    def department_sizes(self) -> pd.Series:
        """Number of people per department (index: department)."""
        sizes = np.bincount(self.department_codes, minlength=len(self.department_names))
        return pd.Series(sizes, index=self.department_names, name="size")

    @functools.cached_property
    def _departments(self) -> pd.Categorical:
        values = self.people["department"].astype(str).to_numpy()
        return pd.Categorical(values, categories=sorted(set(values)))

    # -- views ---------------------------------------------------------------------------
    def undirected_weights(self) -> sp.csr_array:
        """Symmetric weights: a tie in either direction, ``W + W.T`` for directed graphs."""
        return self._undirected

    def neighbors_csr(self) -> sp.csr_array:
        """Boolean symmetric adjacency without self-loops: who shares a tie with whom.

        This is the notion of *tie* used for reach and for the selection: any interaction in
        either direction.
        """
        return self._neighbors

    # Derived views are computed once per graph, on first use (the graph is immutable).
    @functools.cached_property
    def _undirected(self) -> sp.csr_array:
        if not self.directed:
            return self.weights
        return (self.weights + self.weights.T).tocsr()

    @functools.cached_property
    def _neighbors(self) -> sp.csr_array:
        und = self.undirected_weights().tocsr()
        und.sort_indices()
        n = und.shape[0]
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(und.indptr))
        # drop the diagonal and explicit zeros with one mask (setdiag on a large CSR
        # array rebuilds it and took 1.5 s at 50,000 people)
        keep = (und.indices != rows) & (und.data != 0)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[keep], minlength=n), out=indptr[1:])
        return sp.csr_array(
            (np.ones(int(keep.sum()), dtype=bool), und.indices[keep], indptr), shape=und.shape
        )

    @functools.cached_property
    def closed_neighbors(self) -> sp.csr_array:
        """``N + I`` as a boolean CSR pattern: a person and everyone they share a tie with
        (either direction). Built from the symmetric weights directly: adding the diagonal is
        cheaper than removing it."""
        n = self.n_people
        und = sp.csr_array(self.undirected_weights())
        pattern = sp.csr_array((np.ones(und.nnz, dtype=bool), und.indices, und.indptr), shape=(n, n))
        closed = sp.csr_array(pattern + sp.csr_array(sp.identity(n, dtype=bool, format="csr")))
        closed.sum_duplicates()
        closed.sort_indices()
        return closed

    @functools.cached_property
    def tie_igraph(self) -> tuple[Any, np.ndarray]:
        """The tie graph for igraph, as ``(igraph.Graph, label)``.

        It is a *directed* graph with both arcs of every tie: breadth-first searches along
        out-arcs of this symmetric digraph are the undirected searches, and igraph runs them
        about a third faster than on an undirected graph (it need not merge in- and out-lists at
        every step). Vertices are relabelled so that departments are contiguous (``label[code]``
        is the igraph vertex of node ``code``): most ties are inside departments, so the searches
        touch nearby memory, another 20-40 % faster on large graphs. Results indexed by igraph
        vertex map back to node order with ``result[label]``.
        """
        import igraph as ig

        n = self.n_people
        nb = self.neighbors_csr()
        order = np.argsort(self.department_codes, kind="stable")  # vertex -> node code
        label = np.empty(n, dtype=np.int64)
        label[order] = np.arange(n)
        graph = ig.Graph(n=n, directed=True)
        # igraph converts edges item by item from Python ints whatever it is given (a numpy
        # array goes through .tolist()); in chunks of rows the temporary list stays small
        indptr = nb.indptr
        for start in range(0, n, _IGRAPH_ROWS):
            stop = min(n, start + _IGRAPH_ROWS)
            lo, hi = int(indptr[start]), int(indptr[stop])
            rows = np.repeat(label[start:stop], np.diff(indptr[start : stop + 1]))
            cols = label[nb.indices[lo:hi]]
            graph.add_edges(list(zip(rows.tolist(), cols.tolist(), strict=True)))
        return graph, label

    def codes(self, person_ids: Iterable[object]) -> np.ndarray:
        """Integer codes of ``person_ids``; raises InputError naming unknown ids."""
        ids = pd.Index([str(p) for p in person_ids])
        codes = self.ids.get_indexer(ids)
        if (codes < 0).any():
            missing = ids[codes < 0]
            raise InputError(f"unknown person_id: {describe_ids(missing)}")
        return codes

    def edges(self) -> pd.DataFrame:
        """The ties as a table: ``source, target, weight, count`` (person_id strings).

        For an undirected graph each tie appears once, with ``source < target`` in code order.
        """
        w = self.weights.tocoo()
        c = self.counts.tocsr()
        rows, cols, data = w.row, w.col, w.data
        if not self.directed:
            keep = rows < cols
            rows, cols, data = rows[keep], cols[keep], data[keep]
        counts = np.asarray(c[rows, cols]).ravel() if rows.size else np.zeros(0, dtype=np.int64)
        ids = self.ids.to_numpy()
        frame = pd.DataFrame(
            {"source": ids[rows], "target": ids[cols], "weight": data, "count": counts.astype(np.int64)}
        )
        return frame.sort_values(["source", "target"], kind="stable").reset_index(drop=True)

    def to_networkx(self):
        """Return a networkx ``DiGraph`` (or ``Graph``) with node attributes from ``people``
        and edge attributes ``weight`` and ``count``. For interoperability and small graphs."""
        import networkx as nx

        graph = nx.DiGraph() if self.directed else nx.Graph()
        attrs = self.people.reset_index().to_dict("records")
        graph.add_nodes_from((rec["person_id"], rec) for rec in attrs)
        e = self.edges()
        graph.add_edges_from(
            (s, t, {"weight": float(w), "count": int(c)})
            for s, t, w, c in zip(e["source"], e["target"], e["weight"], e["count"], strict=True)
        )
        return graph

    def to_igraph(self):
        """Return an ``igraph.Graph`` (vertex attributes ``name``, ``department``; edge
        attributes ``weight``, ``count``), vertex ``i`` being node ``i``."""
        import igraph as ig

        w = self.weights.tocoo()
        rows, cols, data = w.row, w.col, w.data
        if not self.directed:
            keep = rows < cols
            rows, cols, data = rows[keep], cols[keep], data[keep]
        counts = np.asarray(self.counts.tocsr()[rows, cols]).ravel() if rows.size else np.zeros(0)
        # a list of int tuples is what igraph converts fastest
        edges = list(zip(rows.tolist(), cols.tolist(), strict=True))
        graph = ig.Graph(n=self.n_people, edges=edges, directed=self.directed)
        graph.vs["name"] = [str(i) for i in self.ids]
        graph.vs["department"] = self.people["department"].astype(str).tolist()
        graph.es["weight"] = data.tolist()
        graph.es["count"] = counts.astype(np.int64).tolist()
        return graph

    # -- display -------------------------------------------------------------------------
    def summary(self) -> str:
        kind = "directed" if self.directed else "undirected"
        isolates = int((np.diff(self.neighbors_csr().indptr) == 0).sum())
        lines = [
            f"CollaborationGraph ({kind}): {self.n_people} people in "
            f"{len(self.department_names)} departments, {self.n_ties} ties, {isolates} without ties"
        ]
        if self.dropped:
            lines.append(
                "left out while building: "
                + ", ".join(f"{n} {reason}" for reason, n in sorted(self.dropped.items()))
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{self.summary().splitlines()[0]}>"

    def _repr_html_(self) -> str:
        sizes = self.department_sizes.to_frame()
        body = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        return f"<p>{body}</p>" + sizes.to_html()


# ---------------------------------------------------------------------------------------
def _validate_people(people: pd.DataFrame) -> pd.DataFrame:
    if "department" not in people.columns:
        raise InputError(
            "people: column 'department' not found; columns are: " + ", ".join(map(str, people.columns))
        )
    if people.index.has_duplicates:
        dup = people.index[people.index.duplicated()].unique()
        raise InputError(f"people: duplicate person_id: {describe_ids(dup)}")
    people = people.copy()
    people.index = pd.Index(people.index.astype(str), name="person_id")
    return people


def _endpoint_codes(column: pd.Series, ids: pd.Index) -> np.ndarray:
    """Map a source/target column (Categorical or strings) to node codes; -1 when unknown."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat_codes = ids.get_indexer(pd.Index(column.cat.categories.astype(str)))
        raw = column.cat.codes.to_numpy()
        out = np.where(raw >= 0, cat_codes[np.maximum(raw, 0)], -1)
        return out.astype(np.int64)
    return ids.get_indexer(pd.Index(column.astype(str))).astype(np.int64)


def _parse_window(
    window: Any, timestamps: pd.Series, reference_time: Any
) -> tuple[pd.Timestamp, pd.Timestamp]:
    if isinstance(window, (tuple, list)) and len(window) == 2:
        start = pd.Timestamp(window[0]) if window[0] is not None else pd.Timestamp.min.tz_localize("UTC")
        end = pd.Timestamp(window[1]) if window[1] is not None else pd.Timestamp.max.tz_localize("UTC")
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
        return start, end
    try:
        length = pd.Timedelta(window)
    except (ValueError, TypeError):
        raise InputError(
            f"window: expected (start, end) or a duration such as '90D', got {window!r}"
        ) from None
    if pd.isna(length) or length <= pd.Timedelta(0):
        raise InputError(f"window must be a positive duration such as '90D', got {window!r}")
    end = _reference_time(timestamps, reference_time)
    return end - length, end


def _reference_time(timestamps: pd.Series, reference_time: Any) -> pd.Timestamp:
    if reference_time is not None:
        ref = pd.Timestamp(reference_time)
        return ref.tz_localize("UTC") if ref.tzinfo is None else ref.tz_convert("UTC")
    # from the last *plausible* date: three rows dated 2099 must not cut away every other row
    latest = timestamps[timestamps <= plausible_until()].max()
    if pd.isna(latest):
        raise InputError("interactions: no timestamps, so a window or half-life needs reference_time")
    return latest


def _utc(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts, errors="coerce", utc=True)
    return ts


def build_graph(
    people: pd.DataFrame | Loaded,
    interactions: pd.DataFrame | Loaded,
    *,
    window: Any = None,
    directed: bool = True,
    min_weight: float = 0.0,
    reciprocal_only: bool = False,
    half_life: Any = None,
    channels: Iterable[str] | None = None,
    channel_weights: Mapping[str, float] | None = None,
    reference_time: Any = None,
) -> CollaborationGraph:
    """Build the weighted collaboration graph from a roster and an interaction log.

    The tie weight from ``i`` to ``j`` is

    .. math:: w_{ij} = \\sum_{e: i \\to j} c_{ch(e)} \\, w_e \\, 2^{-(t_{ref} - t_e)/h}

    over the interactions ``e`` from ``i`` to ``j``, where ``w_e`` is the interaction weight
    (``1 / recipients`` by default), ``c`` the optional channel multiplier and ``h`` the optional
    half-life.

    Parameters
    ----------
    people : DataFrame or Loaded
        The roster (index ``person_id``, column ``department``). Everyone in it is a node, with
        or without interactions: isolates matter for department coverage.
    interactions : DataFrame or Loaded
        Canonical interactions (``source, target, timestamp, weight, channel``), or a tie table
        from :func:`ambassadors.aggregate.aggregate_interactions` (``source, target, weight,
        count, first, last``; rows of several periods are summed).
    window : (start, end) or duration, optional
        Keep interactions in ``[start, end]``, or within the given duration (``"90D"``) before
        ``reference_time``. Interactions without a timestamp are then left out (counted).
    directed : bool, default True
        Keep the direction of ties. With False the weights are symmetrised (``W + W.T``).
    min_weight : float, default 0
        Drop ties whose total weight (after decay and channel weights) is below this.
    reciprocal_only : bool, default False
        Keep a tie ``i -> j`` only if ``j -> i`` exists too.
    half_life : duration, optional
        Exponential time decay (``"30D"``): an interaction ``half_life`` older than
        ``reference_time`` counts half. Interactions without timestamp are not decayed.
    channels : iterable of str, optional
        Keep only these channels (others are counted as ``channel_not_selected``).
    channel_weights : mapping, optional
        Multiplier per channel (e.g. ``{"meeting": 2.0, "chat": 0.5}``); unnamed channels 1.
    reference_time : timestamp, optional
        "Now" for ``window`` durations and ``half_life``; default: the latest timestamp.

    Returns
    -------
    CollaborationGraph

    Raises
    ------
    InputError
        When ``people`` lacks a ``department`` column or has duplicate ids, or
        ``interactions`` lacks ``source``/``target``.

    Notes
    -----
    Cost is ``O(m + n)`` for ``m`` interactions and ``n`` people: the interactions are mapped to
    integer codes and summed into a CSR matrix in one vectorised pass; memory is that of the
    CSR arrays (about 12 bytes per distinct tie, twice).

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]},
    ...                       index=pd.Index(["p1", "p2", "p3"], name="person_id"))
    >>> log = pd.DataFrame({"source": ["p1", "p2"], "target": ["p2", "p3"],
    ...                     "weight": [1.0, 0.5]})
    >>> build_graph(people, log).n_ties
    2
    """
    people = _validate_people(as_frame(people))
    log = _validate_log(as_frame(interactions))
    # a tie table (ambassadors.aggregate) is already summed per pair: its `count` is the counts
    is_ties = {"count", "first", "last"} <= set(log.columns)
    tie_counts = log["count"].to_numpy(dtype=np.int64) if is_ties else None
    if is_ties and (any(o is not None for o in (window, half_life, channels)) or channel_weights):
        raise InputError("a tie table is already aggregated: give window, half_life, channels and "
                         "channel_weights to ambassadors.aggregate.aggregate_interactions instead")
    ids = people.index
    dropped: dict[str, int] = {}
    src = _endpoint_codes(log["source"], ids)
    dst = _endpoint_codes(log["target"], ids)
    weight = _interaction_weights(log)
    channel = log["channel"].astype(str).to_numpy() if "channel" in log.columns else None
    ts = _timestamps(log) if window is not None or half_life is not None else None
    keep = _kept_rows(src, dst, channel, ts, channels=channels, window=window,
                      reference_time=reference_time, dropped=dropped)
    if channel_weights:
        weight = weight * _channel_multipliers(channel, channel_weights)
    if half_life is not None:
        weight = weight * _decay(ts, keep, half_life=half_life, reference_time=reference_time)
    W, C = _tie_matrices(src[keep], dst[keep], weight[keep], len(ids), directed=directed,
                         reciprocal_only=reciprocal_only, min_weight=min_weight, dropped=dropped,
                         counts=None if tie_counts is None else tie_counts[keep])
    params = {
        "window": window,
        "directed": directed,
        "min_weight": min_weight,
        "reciprocal_only": reciprocal_only,
        "half_life": half_life,
        "channels": None if channels is None else sorted(str(c) for c in channels),
        "channel_weights": None if channel_weights is None else dict(channel_weights),
        "reference_time": reference_time,
        "interactions_used": int(keep.sum()),
    }
    return CollaborationGraph(
        people=people, weights=W.astype(np.float64), counts=C.astype(np.int64),
        directed=directed, params=params, dropped=dropped,
    )


def _validate_log(log: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("source", "target") if c not in log.columns]
    if missing:
        raise InputError(
            f"interactions: column {missing[0]!r} not found; columns are: "
            + ", ".join(map(str, log.columns))
        )
    return log


def _interaction_weights(log: pd.DataFrame) -> np.ndarray:
    """The ``weight`` column as float64 (1 where missing); refuses negative or non-finite ones."""
    if "weight" not in log.columns:
        return np.ones(len(log))
    weight = pd.to_numeric(log["weight"], errors="coerce").fillna(1.0).to_numpy(dtype=np.float64)
    bad = ~np.isfinite(weight) | (weight < 0)
    if bad.any():
        rows = log.index[bad]
        raise InputError(
            f"interactions: column 'weight' must be a finite number >= 0; {int(bad.sum())} rows "
            f"are not (rows {describe_ids(rows)})"
        )
    return weight


def _timestamps(log: pd.DataFrame) -> pd.Series:
    if "timestamp" in log.columns:
        return _utc(log["timestamp"])
    return pd.Series(pd.NaT, index=log.index, dtype="datetime64[ns, UTC]")


def _kept_rows(src, dst, channel, ts, *, channels, window, reference_time, dropped) -> np.ndarray:
    """Rows that make ties; the others are counted in ``dropped`` by reason."""

    def count(reason: str, mask: np.ndarray) -> None:
        k = int(mask.sum())
        if k:
            dropped[reason] = dropped.get(reason, 0) + k

    keep = np.ones(src.size, dtype=bool)
    unknown = (src < 0) | (dst < 0)
    count("unknown_person", unknown)
    keep &= ~unknown
    selfp = keep & (src == dst)
    count("self_pair", selfp)
    keep &= ~selfp
    if channels is not None:
        wanted = {str(c) for c in channels}
        if channel is None:
            chan_ok = np.zeros(src.size, dtype=bool)
        else:
            chan_ok = pd.Index(channel).isin(list(wanted))
        count("channel_not_selected", keep & ~chan_ok)
        keep &= chan_ok
    if window is not None:
        start, end = _parse_window(window, ts[keep], reference_time)
        no_time = ts.isna().to_numpy()
        count("no_timestamp", keep & no_time)
        keep &= ~no_time
        inside = ((ts >= start) & (ts <= end)).to_numpy()
        count("outside_window", keep & ~inside)
        keep &= inside
    return keep


def _channel_multipliers(channel: np.ndarray | None, channel_weights: Mapping[str, float]) -> np.ndarray:
    if channel is None:
        raise InputError("channel_weights given but the interactions have no 'channel' column")
    for k, v in channel_weights.items():
        check_number(v, f"channel_weights[{str(k)!r}]", min_val=0)
    mult = pd.Series(channel).map({str(k): float(v) for k, v in channel_weights.items()})
    return mult.fillna(1.0).to_numpy()


def _decay(ts: pd.Series, keep: np.ndarray, *, half_life: Any, reference_time: Any) -> np.ndarray:
    """``0.5 ** (age / half_life)`` per row (1 without a timestamp)."""
    hl = check_duration(half_life, "half_life")
    ref = _reference_time(ts[keep], reference_time)
    age = (ref - ts).dt.total_seconds().to_numpy()
    return np.where(np.isnan(age), 1.0, np.power(0.5, np.nan_to_num(age) / hl.total_seconds()))


def _tie_matrices(s, t, w, n, *, directed, reciprocal_only, min_weight, dropped, counts=None):
    """Summed weights ``W`` and interaction counts ``C`` (one per row, or ``counts``) as CSR,
    after the tie filters."""
    W = sp.csr_array(sp.coo_array((w, (s, t)), shape=(n, n)))
    c = np.ones(len(s), dtype=np.int64) if counts is None else counts
    C = sp.csr_array(sp.coo_array((c, (s, t)), shape=(n, n)))
    W.sum_duplicates()
    C.sum_duplicates()
    if reciprocal_only:
        before = C.count_nonzero()
        mutual = sp.csr_array((C != 0).astype(np.int8))
        mutual = mutual.multiply(mutual.T)
        W = sp.csr_array(W.multiply(mutual))
        C = sp.csr_array(C.multiply(mutual))
        _count_removed(dropped, "ties_removed_not_reciprocal", before - C.count_nonzero())
    if not directed:
        W = sp.csr_array(W + W.T)
        C = sp.csr_array(C + C.T)
    if min_weight and min_weight > 0:
        before = C.count_nonzero()
        strong = sp.csr_array((W >= min_weight).astype(np.int8))
        W = sp.csr_array(W.multiply(strong))
        C = sp.csr_array(C.multiply(strong))
        _count_removed(dropped, "ties_removed_below_min_weight", before - C.count_nonzero())
    for m in (W, C):
        m.eliminate_zeros()
        m.sort_indices()
    return W, C


def _count_removed(dropped: dict[str, int], reason: str, n: int) -> None:
    if n > 0:
        dropped[reason] = dropped.get(reason, 0) + int(n)


# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DepartmentMatrix:
    """Collaboration between departments.

    Attributes
    ----------
    weights : DataFrame
        department x department total tie weight (rows: from, columns: to; symmetric for an
        undirected graph).
    counts : DataFrame
        department x department number of ties.
    person_share : Series
        Per person (index ``person_id``): share of their tie weight (either direction) that goes
        to other departments; NaN for people without ties.
    department_share : Series
        Per department: share of the tie weight of its members that crosses to other departments.
    """

    weights: pd.DataFrame
    counts: pd.DataFrame
    person_share: pd.Series
    department_share: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``from_department, to_department, weight, ties``."""
        w = self.weights.stack().rename("weight")
        c = self.counts.stack().rename("ties")
        frame = pd.concat([w, c], axis=1)
        frame.index.names = ["from_department", "to_department"]
        return frame.reset_index()

    def _repr_html_(self) -> str:
        return "<b>Tie weight between departments</b>" + self.weights.round(2).to_html()


def department_matrix(graph: CollaborationGraph) -> DepartmentMatrix:
    """Aggregate the graph to departments.

    With ``P`` the ``n x d`` membership matrix, the department weights are ``P^T W P`` and the
    tie counts ``P^T [W != 0] P``. A person's cross-department share is
    ``sum_{j in other depts} (w_ij + w_ji) / sum_j (w_ij + w_ji)``.

    Parameters
    ----------
    graph : CollaborationGraph

    Returns
    -------
    DepartmentMatrix

    Notes
    -----
    ``O(m + n)`` with sparse products; the result is ``d x d`` dense (``d`` departments).
    """
    n = graph.n_people
    names = graph.department_names
    d = len(names)
    codes = graph.department_codes
    P = sp.csr_array((np.ones(n), (np.arange(n), codes)), shape=(n, d))
    W = graph.weights
    tie = sp.csr_array((W != 0).astype(np.float64))
    dw = (P.T @ W @ P).toarray()
    dc = (P.T @ tie @ P).toarray().round().astype(np.int64)
    weights = pd.DataFrame(dw, index=names, columns=names)
    counts = pd.DataFrame(dc, index=names, columns=names)
    weights.columns.name = counts.columns.name = "to_department"
    weights.index.name = counts.index.name = "from_department"

    und = graph.undirected_weights()
    total = np.asarray(und.sum(axis=1)).ravel()
    coo = und.tocoo()
    cross_mask = codes[coo.row] != codes[coo.col]
    cross = np.bincount(coo.row[cross_mask], weights=coo.data[cross_mask], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, cross / np.where(total > 0, total, 1), np.nan)
    person_share = pd.Series(share, index=graph.ids, name="cross_department_share")
    dept_total = np.bincount(codes, weights=total, minlength=d)
    dept_cross = np.bincount(codes, weights=cross, minlength=d)
    with np.errstate(invalid="ignore", divide="ignore"):
        dshare = np.where(dept_total > 0, dept_cross / np.where(dept_total > 0, dept_total, 1), np.nan)
    department_share = pd.Series(dshare, index=names, name="cross_department_share")
    return DepartmentMatrix(weights, counts, person_share, department_share)
