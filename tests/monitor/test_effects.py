"""The statistics: segmented regression and the discrete-time hazard model, on known data."""

from __future__ import annotations

import numpy as np
import pytest

from ambassadors.monitor._effects import (
    MIN_EVENTS_PER_GROUP,
    MIN_PERIODS_EACH_SIDE,
    adoption_hazard,
    person_periods,
    segmented_regression,
)


def test_segmented_regression_recovers_a_level_change():
    rng = np.random.default_rng(0)
    t = np.arange(24)
    after = t >= 12
    y = 0.2 + 0.001 * t + 0.05 * after + rng.normal(0, 0.004, size=24)
    row = segmented_regression(y, after, np.ones(24, bool), "reach_share")
    assert row["ci_low"] < 0.05 < row["ci_high"] and row["ci_low"] > 0
    assert row["p_value"] < 0.001 and row["n"] == 24 and "Newey-West" in row["method"]
    flat = segmented_regression(0.2 + rng.normal(0, 0.004, size=24), after, np.ones(24, bool), "reach_share")
    assert flat["ci_low"] < 0 < flat["ci_high"]


def test_segmented_regression_needs_periods_on_both_sides():
    after = np.arange(8) >= 6
    row = segmented_regression(np.linspace(0, 1, 8), after, np.ones(8, bool), "reach_share")
    assert np.isnan(row["estimate"]) and row["method"].startswith("too little data")
    assert f"at least {MIN_PERIODS_EACH_SIDE}" in row["method"]


def test_unused_periods_are_left_out_of_the_regression():
    rng = np.random.default_rng(1)
    after = np.arange(14) >= 7
    y = 0.3 + rng.normal(0, 0.01, size=14)
    y[0] = 5.0                                   # a partial first period
    used = np.ones(14, bool)
    used[0] = False
    row = segmented_regression(y, after, used, "cross_department_share")
    assert row["n"] == 13 and row["ci_low"] < 0 < row["ci_high"]


def _brute_person_periods(first, at_risk, exposed, start, stop):
    rows = []
    for i in np.flatnonzero(at_risk):
        for p in range(start, stop):
            event = first[i] == p
            rows.append((i, p, event, exposed[i]))
            if event:
                break
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_person_period_rows_match_a_plain_loop(seed):
    rng = np.random.default_rng(seed)
    n = 40
    first = rng.integers(-1, 9, size=n)
    at_risk = rng.random(n) < 0.8
    exposed = rng.random(n) < 0.5
    person, period, event, x = person_periods(first, at_risk, exposed, 3, 8)
    assert list(zip(person, period, event, x, strict=True)) == _brute_person_periods(first, at_risk, exposed, 3, 8)


def _grouped_ph(n, hr, rng, periods=6, h=0.08):
    exposed = rng.random(n) < 0.5
    rate = -np.log(1 - h) * np.where(exposed, hr, 1.0)
    t = rng.exponential(1 / rate)
    first = np.where(t < periods, np.floor(t).astype(int), -1)
    return first, np.ones(n, bool), exposed


def test_hazard_ratio_is_recovered_from_grouped_proportional_hazards():
    rng = np.random.default_rng(3)
    first, at_risk, exposed = _grouped_ph(4000, 2.0, rng)
    row = adoption_hazard(first, at_risk, exposed, 0, 6)
    assert row["ci_low"] < 2.0 < row["ci_high"] and row["ci_low"] > 1.5
    assert row["n"] == 4000 and "cloglog" in row["method"] and "adopted" in row["detail"]
    first, at_risk, exposed = _grouped_ph(4000, 1.0, rng)
    row = adoption_hazard(first, at_risk, exposed, 0, 6)
    assert row["ci_low"] < 1.0 < row["ci_high"]


def test_hazard_ratio_says_too_little_data():
    first = np.array([0, -1, -1, -1] * 5)
    exposed = np.array([True, True, False, False] * 5)
    row = adoption_hazard(first, np.ones(20, bool), exposed, 0, 4)
    assert np.isnan(row["estimate"]) and row["method"].startswith("too little data")
    assert f"{MIN_EVENTS_PER_GROUP} adoptions" in row["method"]
