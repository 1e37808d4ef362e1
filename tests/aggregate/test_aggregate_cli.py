"""``ambassadors shortlist --interactions lake/ --engine duckdb`` works as any other run."""

from __future__ import annotations

import pandas as pd
import pytest

from ambassadors.cli import main

pytest.importorskip("duckdb")


def test_shortlist_from_a_lake_with_duckdb_is_the_shortlist_from_the_csv_files(
        org, lake, tmp_path, capsys):
    files = org.write(tmp_path / "org")
    common = ["--people", str(files / "people.csv"), "--half-life", "30D",
              "--channel-weights", "chat=0.5", "--no-progress"]
    assert main(["shortlist", *common, "--interactions", str(files / "emails.csv"),
                 "--interactions", str(files / "chat.csv"),
                 "--out", str(tmp_path / "today.csv")]) == 0
    capsys.readouterr()
    assert main(["shortlist", *common, "--interactions", str(lake / "emails"),
                 "--interactions", str(lake / "chat"), "--engine", "duckdb",
                 "--memory-limit", "256MB", "--out", str(tmp_path / "lake.csv")]) == 0
    err = capsys.readouterr().err
    assert "engine: duckdb (asked for)" in err and "memory limit 244.1 MiB" in err
    today = pd.read_csv(tmp_path / "today.csv")  # ids are P00001...: no number-like ids
    from_lake = pd.read_csv(tmp_path / "lake.csv")
    assert len(today) > 0 and (from_lake.iloc[:, 0] == today.iloc[:, 0]).all()
    pd.testing.assert_frame_equal(from_lake, today, check_exact=False, rtol=1e-9)


def test_engine_option_names_a_missing_folder(tmp_path, capsys, org):
    files = org.write(tmp_path / "org")
    code = main(["shortlist", "--people", str(files / "people.csv"), "--interactions",
                 str(tmp_path / "no-lake"), "--engine", "duckdb", "--out",
                 str(tmp_path / "x.csv")])
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-lake: no such file or folder" in err[0]
