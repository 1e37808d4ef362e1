"""Enthusiasm signals of a synthetic organisation: survey answers, volunteering, opt-outs and
internal social-network activity, driven by one latent enthusiasm per person."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.datasets._tables import infer_text

__all__ = ["LIKERT", "make_signals"]

#: Survey answers, from 1 (``"Strongly disagree"``) to 5 (``"Strongly agree"``).
LIKERT: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)



def make_signals(rng: np.random.Generator, r: dict, roles: dict,
                 months: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    n, ids = r["n"], r["ids"]
    planted = np.zeros(n, dtype=bool)
    planted[roles["connectors"]] = True
    planted[roles["enthusiasts"]] = True
    # latent enthusiasm z drives the survey answer, volunteering and social-network activity
    z = rng.normal(size=n)
    z[planted] = 2.5
    answer = np.clip(np.rint(3.0 + 0.9 * z + rng.normal(0, 0.6, size=n)), 1, 5).astype(np.int64)
    answer[planted] = 5
    text = np.array(LIKERT, dtype=object)[answer - 1]
    text[(rng.random(n) < 0.3) & ~planted] = np.nan
    u = rng.random(n)
    p_yes = 0.05 + 0.15 * (z > 1)
    volunteer = np.full(n, np.nan, dtype=object)
    volunteer[u > 0.9] = "no"
    volunteer[u < p_yes] = "yes"
    volunteer[planted] = "yes"
    opt_out = np.full(n, np.nan, dtype=object)
    opt_out[(rng.random(n) < 0.02) & ~planted] = "yes"
    survey = infer_text(pd.DataFrame({
        "person_id": ids,
        "survey_enthusiasm": text,
        "volunteer": volunteer,
        "opt_out": opt_out,
    }))

    noise = rng.normal(0.0, 1.0, size=n)
    noise[planted] = 2.0
    lam = 3.0 * months * np.exp(0.8 * z + noise)
    has_account = (rng.random(n) < 0.9) | planted
    counts = {name: rng.poisson(lam * rate) for name, rate in
              [("posts", 0.3), ("comments", 0.8), ("reactions", 2.5), ("shares", 0.2)]}
    activity = pd.DataFrame({"person_id": ids, **counts})
    activity = activity.loc[has_account].reset_index(drop=True)
    activity = infer_text(activity)
    for col in counts:
        activity[col] = activity[col].astype("int64")
    return survey, activity

