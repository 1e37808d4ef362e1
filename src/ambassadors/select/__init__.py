"""Propose the ambassador group.

This stage takes the :class:`~ambassadors.graph.CollaborationGraph` (who works with whom) and,
optionally, the ranking of :func:`ambassadors.ranking.rank_candidates` (who is enthusiastic and
eligible), and chooses ``size`` ambassadors so that

* every department with an eligible person gets at least ``min_per_department`` ambassadors,
  and at most ``max_per_department``;
* people named in ``include`` are in, people in ``exclude`` and opted-out people are not;
* as many colleagues as possible are an ambassador or within ``hops`` ties of one (``"reach"``),
  or the expected spread of a message is largest (``"spread"``), or the composite scores are
  highest (``"score"``); among equal reach the higher composite score wins, and with
  ``reach_tolerance=t`` the highest composite score among plans within ``t`` of the best reach.

It hands on a :class:`Plan`: the members with a plain reason each, the per-department coverage,
two backups per department, departments nobody eligible can cover (with the best bridge into
them), and the evidence for the choice (method, objective value, upper bound, gap).

The user guide page ``docs/selection.md`` explains the guarantees.

Modules: ``_inputs`` (ranking columns, eligibility, options, department rules), ``_coverage``
(who each candidate reaches; the instance), ``_search`` (greedy, lazy greedy, the 1-swap core,
perturbation), ``_bounds`` (submodular, Lagrangian, LP; the certificate), ``_milp`` (HiGHS),
``_solve`` (which of these run), ``_tradeoff`` (``reach_tolerance``), ``_tables`` (members,
coverage, backups, uncovered departments), ``_plan`` (:class:`Plan`), ``_propose`` (the chain).
"""

from __future__ import annotations

from ambassadors.select._inputs import default_size
from ambassadors.select._plan import Plan, Reach
from ambassadors.select._propose import propose_ambassadors

__all__ = ["Plan", "Reach", "default_size", "propose_ambassadors"]
