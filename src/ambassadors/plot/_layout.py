"""Where the people of a map sit: department clusters placed by affinity, sunflower spirals.

:func:`influence_map_layout` is public (``ambassadors.plot.influence_map_layout``); the helpers
are small steps of it. No person-level force layout: ``O(n log n + m + g^2)`` for ``n`` people,
``m`` ties and ``g`` groups (departments), so 50,000 people lay out in well under a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ambassadors.graph import CollaborationGraph

GAP_INSIDE = 1.8  # the widest spacing of neighbours on a sunflower spiral


def sunflower(order_in_group: np.ndarray) -> np.ndarray:
    """Vogel's sunflower spiral: the ``j``-th point of a cluster at radius ``sqrt(j)``, angle
    ``j`` times the golden angle; neighbours are 1 to 1.8 units apart at any size."""
    golden = np.pi * (3.0 - np.sqrt(5.0))
    j = order_in_group.astype(np.float64)
    r = np.sqrt(j)
    return np.column_stack([r * np.cos(j * golden), r * np.sin(j * golden)])


def rank_in_group(groups: np.ndarray, key: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """0-based position of each element inside its group, ordered by ``key`` descending and
    then by id (string order)."""
    id_rank = pd.Index(ids).argsort(kind="stable")
    id_pos = np.empty_like(id_rank)
    id_pos[id_rank] = np.arange(len(ids))
    order = np.lexsort((id_pos, -np.nan_to_num(key, nan=-np.inf), groups))
    g_sorted = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    within = np.arange(len(order)) - np.repeat(starts, counts)
    out = np.empty(len(order), dtype=np.int64)
    out[order] = within
    return out


def group_affinity(graph: CollaborationGraph, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """``g x g`` normalised affinity ``w_kl / sqrt(w_k w_l)`` of the tie weight between groups
    (both directions, diagonal zero): one sparse product ``M^T W M``, ``M`` the n x g indicator."""
    n = graph.n_people
    member = sp.csr_array((np.ones(n), (np.arange(n), groups)), shape=(n, n_groups))
    aff = (member.T @ graph.undirected_weights() @ member).toarray()
    np.fill_diagonal(aff, 0.0)
    total = np.maximum(aff.sum(axis=1), 1e-12)
    return np.nan_to_num(aff / np.sqrt(np.outer(total, total)))


def spring_centres(affinity: np.ndarray, seed: int) -> np.ndarray:
    """A spring layout of the groups (``g`` nodes, small), centred at the origin."""
    d = affinity.shape[0]
    if d == 1:
        return np.zeros((1, 2))
    if d == 2:
        return np.array([[-1.0, 0.0], [1.0, 0.0]])
    import networkx as nx  # small: one node per group

    g = nx.from_numpy_array(affinity + 1e-3 * (1 - np.eye(d)))  # keep unconnected ones near
    layout = nx.spring_layout(g, weight="weight", seed=seed, iterations=200)
    pos = np.array([layout[k] for k in range(d)], dtype=np.float64)
    return pos - pos.mean(axis=0)


def separate(pos: np.ndarray, radius: np.ndarray, *, seed: int, gap: float) -> np.ndarray:
    """Push clusters (circles of ``radius`` at ``pos``) apart until none overlap by more than
    a rounding error (``O(g^2)`` per step, ``g`` small)."""
    rng = np.random.default_rng(seed)
    for _ in range(300):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((diff**2).sum(-1))
        overlap = np.clip(radius[:, None] + radius[None, :] + gap - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 1e-6:
            break
        coincident = dist < 1e-9
        np.fill_diagonal(coincident, False)
        if coincident.any():
            pos = pos + rng.normal(scale=1e-3, size=pos.shape)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.nan_to_num(diff / dist[:, :, None])
        push = (unit * overlap[:, :, None]).sum(axis=1) / np.maximum((overlap > 0).sum(1), 1)[:, None]
        pos = pos + 0.5 * push
    return pos


def stretch_to(pos: np.ndarray, radius: np.ndarray, aspect: float) -> np.ndarray:
    """Scale the centres along one axis so that the clusters' bounding box has width / height
    ``aspect`` (the clusters stay round; :func:`separate` afterwards removes any overlap)."""
    width = float((pos[:, 0] + radius).max() - (pos[:, 0] - radius).min())
    height = float((pos[:, 1] + radius).max() - (pos[:, 1] - radius).min())
    if width <= 0 or height <= 0:
        return pos
    factor = aspect * height / width
    pos = pos.copy()
    spread_x = float(np.ptp(pos[:, 0]))
    spread_y = float(np.ptp(pos[:, 1]))
    if factor > 1 and spread_x > 0:  # too tall: widen
        pos[:, 0] *= 1 + (factor - 1) * width / spread_x
    elif factor < 1 and spread_y > 0:  # too wide: heighten
        pos[:, 1] *= 1 + (1 / factor - 1) * height / spread_y
    return pos


def group_centres(affinity: np.ndarray, radius: np.ndarray, *, seed: int, aspect: float) -> np.ndarray:
    """Centres of the clusters: a spring layout of their affinity, scaled so that neighbouring
    clusters are about their radii apart, fitted to the ``aspect`` of the frame, never
    overlapping."""
    d = len(radius)
    pos = spring_centres(affinity, seed)
    if d == 1:
        return pos
    diff = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt((diff**2).sum(-1)) + np.eye(d) * 1e9
    need = radius[:, None] + radius[None, :]
    pos = pos * float(np.median(need.min(axis=1)) / max(np.median(dist.min(axis=1)), 1e-9)) * 1.1
    gap = 0.2 * float(radius.mean()) + 2.5  # > GAP_INSIDE: clusters read as clusters
    pos = separate(pos, radius, seed=seed, gap=gap)
    for _ in range(3):  # a spring layout has no preferred orientation: fit the frame
        pos = separate(stretch_to(pos, radius + gap / 2, aspect), radius, seed=seed, gap=gap)
    return pos - pos.mean(axis=0)


def influence_map_layout(
    graph: CollaborationGraph,
    *,
    order_by: np.ndarray | None = None,
    shown: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    aspect: float = 16 / 9,
    seed: int = 0,
) -> np.ndarray:
    """Node positions for :func:`plot_influence_map`: ``n x 2`` array in code order.

    Groups (by default the departments) are placed by a spring layout of the group-to-group
    affinity (``w_kl / sqrt(w_k w_l)``), with radius ``sqrt(size)``, then fitted to the
    ``aspect`` of the frame; members sit on a sunflower spiral around their group centre
    (Vogel 1979), the highest ``order_by`` value in the middle.

    Parameters
    ----------
    graph : CollaborationGraph
    order_by : array of float, optional
        Per-node value; larger values are placed nearer the centre (default: degree).
    shown : array of bool, optional
        Lay out only these nodes (the others get NaN); cluster sizes follow the nodes shown.
    groups : array of int, optional
        Per-node cluster code ``0..g-1`` (default: the department codes). The map uses it to
        pool departments too small to show into one cluster.
    aspect : float, default 16/9
        Width / height of the frame the clusters should fill.
    seed : int, default 0
        Seed of the cluster layout.

    Returns
    -------
    ndarray of shape (n, 2)

    Notes
    -----
    ``O(n log n + m + g^2)`` for ``n`` people, ``m`` ties and ``g`` groups; no person-level
    force layout.

    References
    ----------
    Vogel, H. (1979). A better way to construct the sunflower head. *Mathematical Biosciences*
    44, 179-189.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.graph import build_graph
    >>> people = pd.DataFrame({"department": ["A", "A", "B"]}, index=["a1", "a2", "b1"])
    >>> g = build_graph(people, pd.DataFrame({"source": ["a1"], "target": ["b1"]}))
    >>> influence_map_layout(g).shape
    (3, 2)
    """
    n = graph.n_people
    if groups is None:
        groups, n_groups = graph.department_codes, len(graph.department_names)
    else:
        groups = np.asarray(groups, dtype=np.int64)
        n_groups = int(groups.max()) + 1 if n else 0
    if shown is None:
        shown = np.ones(n, dtype=bool)
    if order_by is None:
        order_by = np.diff(graph.neighbors_csr().indptr).astype(np.float64)
    sizes = np.bincount(groups[shown], minlength=n_groups).astype(np.float64)
    radius = np.sqrt(np.maximum(sizes, 1.0))
    centres = group_centres(group_affinity(graph, groups, n_groups), radius, seed=seed, aspect=float(aspect))
    idx = np.flatnonzero(shown)
    within = rank_in_group(
        groups[idx], np.asarray(order_by, dtype=np.float64)[idx], graph.ids.to_numpy().astype(str)[idx]
    )
    pos = np.full((n, 2), np.nan)
    pos[idx] = centres[groups[idx]] + sunflower(within)
    return pos
