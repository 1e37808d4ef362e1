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
    """Oracle: a plain loop over everyone, best first (value, then person_id or position): each
    department's first ``req_d`` (beyond the included people), then the first of the rest whose
    department is below its cap, until the plan is full."""
    tie = inst.idr if by_id else np.arange(inst.nc)
    order = sorted(range(inst.nc), key=lambda i: (-values[i], tie[i]))
    chosen = {int(i) for i in inst.fixed}
    count = [0] * len(inst.req)
    for i in chosen:
        count[inst.dept[i]] += 1
    for i in order:
        if i not in chosen and count[inst.dept[i]] < inst.req[inst.dept[i]]:
            chosen.add(i)
            count[inst.dept[i]] += 1
    left = inst.k - len(chosen)
    for i in order:
        if left <= 0:
            break
        if i not in chosen and count[inst.dept[i]] < inst.cap[inst.dept[i]]:
            chosen.add(i)
            count[inst.dept[i]] += 1
            left -= 1
    return sorted(chosen)


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
    assert top_score(inst, values, by_id=by_id).tolist() == _plain_top_score(inst, values, by_id)
