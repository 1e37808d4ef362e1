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
