"""Viva Insights queries in the layouts Microsoft ships (pq_data.csv, p2p_data.csv): GUID ids,
weekly rows, MM/DD/YYYY dates, both Level columns, tie scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from formats_fixtures import WEEKS, viva_ids, viva_p2p, viva_person_query

from ambassadors.errors import InputError
from ambassadors.graph import build_graph
from ambassadors.io import read_interactions, read_people, read_signals
from ambassadors.io.formats import detect_format, read_viva_person_query, read_viva_person_signals
from ambassadors.io.formats.viva import read_viva_p2p

IDS = viva_ids(12)
RING = [(i, (i + 1) % 12) for i in range(12)] + [(0, 6), (3, 9)]


@pytest.fixture
def pq(tmp_path):
    return viva_person_query(tmp_path / "pq_data.csv", IDS)


def test_person_query_with_level_and_level_designation_does_not_crash(pq):
    people, report = read_viva_person_query(pq)
    assert set(people.index) == set(IDS)
    assert len(people) == 12 and report.rows_read == 12 * len(WEEKS) and report.balanced
    # the documented HR attribute is the level; the other column keeps its own name
    assert set(people["level"]) == {"Junior IC", "Senior IC", "Manager"}
    assert set(people["Level"]) == {"Level1", "Level2", "Level3"}
    assert any("'LevelDesignation' is read as 'level', 'Level' kept under its own name" in n
               for n in report.notes)
    # the latest week describes a person, and the change is noted
    assert people.loc[IDS[0], "department"] == "Marketing"
    assert any("attributes that change over the weeks" in n and "'Organization' (1 people)" in n
               for n in report.notes)


def test_person_query_is_usable_as_the_roster_directly(pq):
    people, report = read_people(pq)
    assert len(people) == 12 and people.index.is_unique and report.balanced
    assert report.rows_used == 12 * len(WEEKS)
    assert people.loc[IDS[0], "department"] == "Marketing"  # latest MetricDate, month-first
    assert any("collapsed to 12 people" in n for n in report.notes)


def test_person_query_survey_and_activity_columns_as_signals(pq):
    signals, report = read_viva_person_signals(pq)
    assert list(signals.columns) == ["survey_esat", "survey_wellbeing", "activity_channel_message_posts"]
    assert len(signals) == 12 and report.balanced
    raw = pd.read_csv(pq, dtype={"PersonId": str})
    first = raw[raw["PersonId"] == IDS[0]]
    assert signals.loc[IDS[0], "activity_channel_message_posts"] == first["Channel_message_posts"].sum()
    assert signals.loc[IDS[0], "survey_esat"] == first["eSat"].dropna().iloc[-1]
    read, _ = read_signals(signals.reset_index(), people=read_people(pq))
    assert read.loc[IDS[1], "survey_esat"] == signals.loc[IDS[1], "survey_esat"]


def test_p2p_tie_score_is_the_weight_and_ties_are_undirected(tmp_path, pq):
    p2p = viva_p2p(tmp_path / "p2p_data.csv", IDS, pairs=RING)
    assert detect_format(p2p) == "viva_p2p"
    people = read_people(pq)
    table, report = read_interactions(p2p, people=people)
    assert any("weight: 'Strong_tie_score'" in n for n in report.notes) and report.balanced
    raw = pd.read_csv(p2p)
    assert table["weight"].sum() == pytest.approx(raw["Strong_tie_score"].sum())
    graph = build_graph(people, table)
    w = graph.weights
    # both people of a tie alike: in-strength equals out-strength for everyone
    assert np.allclose(np.asarray(w.sum(axis=0)).ravel(), np.asarray(w.sum(axis=1)).ravel())
    # and the other score when asked for
    diverse, _ = read_viva_p2p(p2p, people=people.table, score="Diverse_tie_score")
    assert diverse["weight"].sum() == pytest.approx(raw["Diverse_tie_score"].sum())


def test_p2p_sharing_no_id_with_the_person_query_is_refused(tmp_path, pq, capsys):
    """Microsoft's own samples share no id: exit 2, nothing written, examples from both sides."""
    from ambassadors.cli import main

    p2p = viva_p2p(tmp_path / "p2p_data.csv", viva_ids(12, seed=99), pairs=RING)
    with pytest.raises(InputError, match=r"p2p_data\.csv: none of the \d+ sender->recipient pairs"):
        read_interactions(p2p, people=read_people(pq))
    out = tmp_path / "shortlist.csv"
    assert main(["shortlist", "--people", str(pq), "--interactions", str(p2p), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "matches the roster" in err and "in the roster such as" in err and not out.exists()


def test_cli_reads_both_viva_queries(tmp_path, pq):
    from ambassadors.cli import main

    p2p = viva_p2p(tmp_path / "p2p_data.csv", IDS, pairs=RING)
    out = tmp_path / "shortlist.csv"
    assert main(["shortlist", "--people", str(pq), "--interactions", str(p2p), "--out", str(out),
                 "--quiet"]) == 0
    assert out.exists()
