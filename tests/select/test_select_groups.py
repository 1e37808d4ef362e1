"""The sort-free "best entry per group" used by the outreach and bridge tables, against the
lexsort it replaces (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.select._coverage import best_in_groups


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 10_000), m=st.integers(0, 300), n_groups=st.integers(1, 40),
       levels=st.sampled_from([2, 5, 1000]))
def test_best_in_groups_is_the_first_entry_per_group_of_the_lexsort(seed, m, n_groups, levels):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, m)
    value = rng.integers(0, levels, m) / 4.0  # many ties on value
    rank = rng.permutation(m).astype(np.int64)  # unique per entry, so unique per group
    order = np.lexsort((rank, -value, group))
    first = np.r_[True, group[order][1:] != group[order][:-1]] if m else np.zeros(0, dtype=bool)
    assert best_in_groups(group, value, rank, n_groups).tolist() == order[first].tolist()


def _plain_top_score(inst, values, by_id):
    """Oracle: the full sort (the implementation before the prefix): each department's best
    ``req_d`` first, then the best of the rest within the caps."""
    from ambassadors.select._coverage import position_in_group

    order = np.lexsort((inst.idr, -values)) if by_id else np.argsort(-values, kind="stable")
    chosen = np.zeros(inst.nc, dtype=bool)
    chosen[inst.fixed] = True
    count = np.bincount(inst.dept[inst.fixed], minlength=len(inst.req))
    open_order = order[~chosen[order]]
    need = np.maximum(inst.req - count, 0)
    d_open = inst.dept[open_order]
    chosen[open_order[position_in_group(d_open) < need[d_open]]] = True
    count = np.bincount(inst.dept[chosen], minlength=len(inst.req))
    left = inst.k - int(chosen.sum())
    if left > 0:
        rest = order[~chosen[order]]
        d_rest = inst.dept[rest]
        ok = count[d_rest] + position_in_group(d_rest) < inst.cap[d_rest]
        chosen[rest[ok][:left]] = True
    return np.flatnonzero(chosen)


@settings(deadline=None, max_examples=80)
@given(seed=st.integers(0, 10_000), nc=st.integers(1, 400), n_dept=st.integers(1, 12),
       k=st.integers(1, 30), levels=st.sampled_from([3, 50, 10**6]), by_id=st.booleans(),
       skew=st.booleans())
def test_top_score_prefix_equals_the_full_sort(seed, nc, n_dept, k, levels, by_id, skew):
    """top_score sorts only a prefix of the candidates (and the members of departments whose
    best lie beyond it): the same plan as sorting everyone, ties and all."""
    from ambassadors.select._coverage import Instance
    from ambassadors.select._search import top_score

    rng = np.random.default_rng(seed)
    dept = rng.integers(0, n_dept, nc)
    values = rng.integers(0, levels, nc).astype(np.float64)
    if skew:  # one department far below everyone else: its minimum lies beyond the prefix
        values[dept == 0] -= levels
    req = rng.integers(0, 3, n_dept)
    cap = req + rng.integers(0, 40, n_dept)
    fixed = rng.choice(nc, size=min(nc, int(rng.integers(0, 3))), replace=False)
    inst = Instance(cover=None, w=np.ones(1), s=rng.random(nc), idr=rng.permutation(nc), dept=dept,
                    req=req, cap=cap, k=min(k, nc), fixed=np.sort(fixed), integral=True)
    assert top_score(inst, values, by_id=by_id).tolist() == _plain_top_score(inst, values, by_id).tolist()
