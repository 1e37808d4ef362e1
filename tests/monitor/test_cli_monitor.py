"""`ambassadors monitor`: the five files with their columns, and one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest

from ambassadors.cli import main

FILES = {
    "periods.csv": ["period", "phase", "active_people", "ties", "cross_department_share", "reach_share",
                    "active_ambassadors", "new_adopters", "adopters", "adoption_share"],
    "departments.csv": ["department", "period", "active_people", "cross_department_share", "reach_share",
                        "adoption_share"],
    "ambassadors.csv": ["person_id", "department", "status", "last_active", "reach_before", "reach_after",
                        "replacement", "replacement_reason"],
    "effects.csv": ["outcome", "estimate", "ci_low", "ci_high", "p_value", "method", "n", "detail"],
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    from ambassadors.datasets import load_sample, sample_paths

    paths = sample_paths()
    root = tmp_path_factory.mktemp("monitor")
    org = load_sample()
    plan = root / "shortlist.csv"
    amb = org.truth["programme"]["ambassadors"]
    pd.DataFrame({"person_id": amb, "role": "ambassador"}).to_csv(plan, index=False)
    return {**paths, "plan": plan, "root": root, "launch": org.truth["programme"]["launch"]}


def _args(inputs, **change):
    args = {"--people": inputs["people"], "--interactions": inputs["emails"], "--plan": inputs["plan"],
            "--launch": inputs["launch"], "--adoption": inputs["adoption"], "--period": "week",
            "--out-dir": inputs["root"] / "out"}
    args.update(change)
    out = ["monitor", "--interactions", str(inputs["chat"]), "-q"]
    for k, v in args.items():
        out += [k, str(v)]
    return out


def test_monitor_writes_the_five_files(inputs, capsys):
    assert main(_args(inputs)) == 0
    out = inputs["root"] / "out"
    for name, columns in FILES.items():
        frame = pd.read_csv(out / name, dtype=str)
        assert list(frame.columns) == columns, name
    periods = pd.read_csv(out / "periods.csv")
    assert periods["phase"].iloc[0] == "before" and periods["phase"].iloc[-1] == "after"
    assert pd.to_datetime(periods["period"]).dt.day_of_week.eq(0).all()
    effects = pd.read_csv(out / "effects.csv")
    assert effects["outcome"].tolist() == ["cross_department_share", "reach_share", "adoption"]
    page = (out / "monitor.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Effects" in page
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("change, message", [
    ({"--launch": "2031-01-01"}, "outside the data"),
    ({"--launch": "someday"}, "launch"),
])
def test_bad_launch_is_a_one_line_error(inputs, capsys, change, message):
    assert main(_args(inputs, **change)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and "\n" not in err


def test_plan_ids_not_in_the_roster_are_named(inputs, capsys, tmp_path):
    plan = tmp_path / "plan.csv"
    ghosts = pd.DataFrame({"person_id": ["P00001", "GHOST1", "GHOST2"], "role": "ambassador"})
    ghosts.to_csv(plan, index=False)
    assert main(_args(inputs, **{"--plan": plan})) == 2
    err = capsys.readouterr().err.strip()
    assert "not in the roster" in err and "GHOST1" in err and "\n" not in err


def test_an_adoption_file_matching_nobody_is_refused(inputs, capsys, tmp_path):
    adoption = tmp_path / "adoption.csv"
    pd.DataFrame({"email": ["who@nowhere.org"], "timestamp": ["2025-03-01"]}).to_csv(adoption, index=False)
    assert main(_args(inputs, **{"--adoption": adoption})) == 2
    err = capsys.readouterr().err.strip()
    assert "matches anybody" in err and str(adoption) in err and "\n" not in err


def test_window_is_refused_for_monitor(inputs, capsys):
    assert main(_args(inputs, **{"--window": "90D"})) == 2
    assert "--window" in capsys.readouterr().err
