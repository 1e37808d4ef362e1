"""The selection's command-line options: --pool, --outreach, --max-contacts (issue 12)."""

from __future__ import annotations

import pandas as pd

from ambassadors.cli import main
from ambassadors.datasets import load_sample, sample_paths


def _shortlist(tmp_path, *extra: str):
    p = sample_paths()
    out = tmp_path / "shortlist.csv"
    args = ["shortlist", "--people", str(p["people"]), "--interactions", str(p["emails"]), "--interactions",
            str(p["chat"]), "--signals", str(p["survey"]), "--signals", str(p["activity"]), "--out", str(out),
            "--quiet", "--no-progress", "--no-backups", *extra]
    assert main(args) == 0
    return pd.read_csv(out, dtype={"person_id": str})


def test_the_default_shortlist_is_the_enthusiastic_connectors_and_the_outreach_file_covers_the_reach(
    tmp_path,
):
    connectors = set(load_sample().truth["connectors"])
    outreach = tmp_path / "outreach.csv"
    table = _shortlist(tmp_path, "--outreach", str(outreach), "--max-contacts", "30")
    assert len(set(table["person_id"]) & connectors) >= 7
    plan = pd.read_csv(outreach, dtype={"colleague": str, "ambassador": str})
    assert list(plan.columns) == ["colleague", "department", "ambassador", "tie_strength", "hops"]
    assert plan["colleague"].is_unique and set(plan["ambassador"]) <= set(table["person_id"])
    assert (plan.groupby("ambassador").size() <= 30).all()
    reach_first = _shortlist(tmp_path, "--pool", "all")
    assert len(set(reach_first["person_id"]) & connectors) < 7
