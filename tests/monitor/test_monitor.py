"""monitor(): the done-when claims of issue 18 on the planted organisations, and the tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ambassadors.errors import InputError
from ambassadors.monitor import monitor

NO_EFFECT = {"cross_department_share": 0.0, "reach_share": 0.0, "adoption": 1.0}
PERIOD_COLUMNS = ["period", "phase", "active_people", "ties", "cross_department_share", "reach_share",
                  "active_ambassadors", "new_adopters", "adopters", "adoption_share"]


def test_planted_effects_are_detected(planted):
    effects = planted.effects.set_index("outcome")
    assert list(effects.index) == list(NO_EFFECT)
    for outcome, none in NO_EFFECT.items():
        row = effects.loc[outcome]
        assert row["ci_low"] > none, (outcome, row.to_dict())   # an increase, interval above none
        assert row["p_value"] < 0.05 and row["method"] and row["n"] > 0
    hr = effects.loc["adoption"]
    assert hr["ci_low"] < 3.0 < hr["ci_high"]          # the planted hazard ratio


def test_no_effect_intervals_contain_no_effect(null):
    effects = null.effects.set_index("outcome")
    for outcome, none in NO_EFFECT.items():
        row = effects.loc[outcome]
        assert np.isfinite(row["estimate"])
        assert row["ci_low"] <= none <= row["ci_high"], (outcome, row.to_dict())


def test_silent_and_departed_ambassadors_are_flagged_with_replacements(planted, planted_org):
    prog = planted_org.truth["programme"]
    table = planted.ambassadors.set_index("person_id")
    assert table.loc[prog["silent"][0], "status"] == "lapsed"
    assert table.loc[prog["departed"][0], "status"] == "left"
    flagged = table[table["status"] != "active"]
    assert set(flagged.index) == set(prog["silent"]) | set(prog["departed"])
    dept = planted_org.people["department"]
    for pid, row in flagged.iterrows():
        assert row["replacement"], row.to_dict()
        assert row["replacement"] not in table.index                   # not already an ambassador
        assert dept[row["replacement"]] == dept[pid] == row["department"]
        assert planted_org.people.loc[row["replacement"], "active"]
        assert "same department" in row["replacement_reason"]
    assert (table.loc[table["status"] == "active", "replacement"] == "").all()
    assert table.loc[prog["silent"][0], "last_active"] < prog["silent_from"][:10]


def test_cumulative_adopters_equal_the_planted_count(planted, planted_org, null, null_org):
    for traj, org in ((planted, planted_org), (null, null_org)):
        assert traj.periods["adopters"].iloc[-1] == org.truth["programme"]["adopters"]
        assert traj.periods["new_adopters"].sum() == org.adoption["person_id"].nunique()


def test_periods_table_has_one_row_per_month_and_the_listed_columns(planted):
    periods = planted.periods
    assert list(periods.columns) == PERIOD_COLUMNS
    assert periods["period"].tolist() == [f"2025-{m:02d}-01" for m in range(1, 13)]
    assert periods["phase"].tolist() == ["before"] * 6 + ["after"] * 6
    assert (periods["adopters"].diff().dropna() >= 0).all()
    assert periods["active_ambassadors"].max() == 8
    assert periods["active_ambassadors"].iloc[-1] == 6        # one silent, one gone
    assert periods["reach_share"].between(0, 1).all()


def test_null_organisation_keeps_every_ambassador_active(null):
    assert (null.ambassadors["status"] == "active").all()
    assert (null.ambassadors["replacement"] == "").all()


def test_departments_are_masked_below_the_minimum_group_size(planted_org):
    people = planted_org.people
    traj = monitor(people, [planted_org.chat], planted_org.truth["programme"]["ambassadors"],
                   launch="2025-07-01", min_group_size=10_000)
    shares = traj.departments[["cross_department_share", "reach_share", "adoption_share"]]
    assert shares.isna().all().all() and traj.departments["active_people"].isna().all()


def test_bad_requests_are_one_line_errors(planted_org):
    org = planted_org
    amb = org.truth["programme"]["ambassadors"]
    with pytest.raises(InputError, match="outside the data"):
        monitor(org.people, [org.chat], amb, launch="2030-01-01")
    with pytest.raises(InputError, match="not in the roster.*NOPE"):
        monitor(org.people, [org.chat], [*amb, "NOPE"], launch="2025-07-01")
    nobody = pd.DataFrame({"person_id": ["X1", "X2"], "timestamp": ["2025-08-01", "2025-08-02"]})
    with pytest.raises(InputError, match="matches anybody"):
        monitor(org.people, [org.chat], amb, launch="2025-07-01", adoption=nobody)
    with pytest.raises(InputError, match="unknown option"):
        monitor(org.people, [org.chat], amb, launch="2025-07-01", window="90D")


def test_too_little_data_is_said_not_printed(planted_org):
    org = planted_org
    chat = org.chat[org.chat["timestamp"] < "2025-09"]
    traj = monitor(org.people, [chat], org.truth["programme"]["ambassadors"], launch="2025-08-01")
    effects = traj.effects.set_index("outcome")
    for outcome in ("cross_department_share", "reach_share", "adoption"):
        assert np.isnan(effects.loc[outcome, "estimate"])
        assert effects.loc[outcome, "method"].startswith("too little data")


def test_plan_may_be_a_shortlist_file(planted_org, tmp_path):
    org = planted_org
    amb = org.truth["programme"]["ambassadors"]
    other = org.people.index[~org.people.index.isin(amb)][:3].tolist()
    path = tmp_path / "shortlist.csv"
    pd.DataFrame({"person_id": amb + other,
                  "role": ["ambassador"] * len(amb) + ["backup"] * 3}).to_csv(path, index=False)
    traj = monitor(org.people, [org.chat], str(path), launch="2025-07-01")
    assert sorted(traj.ambassadors["person_id"]) == sorted(amb)


def test_html_report_is_self_contained_and_in_plain_words(planted):
    page = planted.to_html()
    assert page.startswith("<!DOCTYPE html>") and "http://" not in page and "https://" not in page
    assert "adopted" in page and "x as fast" in page and "95 % CI" in page
    assert page.count("data:image/png;base64,") == 4
    assert "replacement" in page
    assert "<b>Trajectory</b>" in planted._repr_html_()
