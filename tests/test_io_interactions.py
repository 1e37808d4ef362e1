"""Tests of the interactions readers: pair finalisation, edge lists, events, accounting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ambassadors.io.interactions import finalize_pairs
from ambassadors.io.report import LoadReport


def roster(ids, emails=None, depts=None):
    data = {"department": depts or ["D"] * len(ids)}
    if emails is not None:
        data["email"] = emails
    return pd.DataFrame(data, index=pd.Index(ids, name="person_id"))


def new_report(rows):
    return LoadReport(source="<test>", kind="interactions", rows_read=rows)


# ---------------------------------------------------------------- finalize_pairs

def test_finalize_resolves_ids_and_emails_case_insensitively():
    people = roster(["007", "7"], emails=["Bond@MI6.gov.uk", "m@mi6.gov.uk"])
    pairs = pd.DataFrame({"row": [0, 1], "source": ["bond@mi6.GOV.uk", "7"],
                          "target": ["7", " 007 "]})
    rep = new_report(2)
    out = finalize_pairs(pairs, people=people, report=rep)
    assert out["source"].astype(str).tolist() == ["007", "7"]
    assert out["target"].astype(str).tolist() == ["7", "007"]
    assert list(out["source"].cat.categories) == ["007", "7"]
    assert rep.balanced and rep.rows_used == 2 and rep.pairs_used == 2


def test_finalize_default_weight_is_one_over_pairs_of_the_row():
    pairs = pd.DataFrame({"row": [5, 5, 5, 9], "source": ["a", "a", "a", "b"],
                          "target": ["b", "c", "d", "a"]})
    out = finalize_pairs(pairs, people=None, report=new_report(2))
    assert np.allclose(out["weight"], [1 / 3, 1 / 3, 1 / 3, 1.0])


def test_finalize_drop_reasons_and_row_reasons():
    people = roster(["a", "b", "c"])
    pairs = pd.DataFrame({
        "row":       [0,     0,     1,     1,     2,     3],
        "source":    ["x",   "x",   "a",   "a",   "a",   "b"],
        "target":    ["a",   "b",   "a",   "dl@", "b",   "c"],
        "timestamp": ["",    "",    "",    "",    "junk", "2024-01-01"],
    })
    rep = new_report(4)
    out = finalize_pairs(pairs, people=people, report=rep, channel="chat")
    assert len(out) == 1 and out["source"].astype(str).tolist() == ["b"]
    assert rep.pairs_dropped == {"unknown_sender": 2, "bad_timestamp": 1,
                                 "unknown_recipient": 1, "self_pair": 1}
    # row 1 has a self pair and an unknown recipient: unknown_recipient comes first
    assert rep.dropped == {"unknown_sender": 1, "bad_timestamp": 1, "unknown_recipient": 1}
    assert rep.rows_used == 1 and rep.balanced
    assert set(out["channel"]) == {"chat"}
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_finalize_self_pair_detected_after_resolution():
    people = roster(["1", "2"], emails=["one@x.org", "two@x.org"])
    pairs = pd.DataFrame({"row": [0], "source": ["ONE@x.org"], "target": ["1"]})
    rep = new_report(1)
    out = finalize_pairs(pairs, people=people, report=rep)
    assert out.empty and rep.dropped == {"self_pair": 1} and rep.balanced


def test_finalize_accepts_categorical_and_keeps_event_ids():
    pairs = pd.DataFrame({"row": [0, 0, 1],
                          "source": pd.Categorical(["u1", "u1", "u2"]),
                          "target": pd.Categorical(["u2", "u3", "u1"]),
                          "timestamp": pd.Categorical(["2024-03-31T01:59:00+01:00"] * 2
                                                      + ["2024-03-31T03:01:00+02:00"]),
                          "event_id": ["m1", "m1", "m2"]})
    out = finalize_pairs(pairs, people=None, report=new_report(2))
    assert out["event_id"].tolist() == ["m1", "m1", "m2"]
    assert out["timestamp"].dt.strftime("%H:%M").tolist() == ["00:59", "00:59", "01:01"]
    assert list(out.columns[:5]) == ["source", "target", "timestamp", "weight", "channel"]
