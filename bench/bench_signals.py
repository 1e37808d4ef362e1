"""Benchmark reading and scoring enthusiasm signals: read_signals, enthusiasm_scores, rank_candidates.

Usage::

    flock /tmp/amb-bench.lock python bench/bench_signals.py             # 50,000 people
    python bench/bench_signals.py --people 2000 --repeat 5

A synthetic survey export (vectorised, seeded) in the layout of a Google Forms export plus the
usual columns: ``Timestamp``, ``Employee ID``, a question-text header with a scale (numbers), a
Likert statement (text), ``volunteer`` and ``opt_out`` (yes/no, mostly blank), four activity
counts and a free-text column; a roster and an influence table of the same people. Prints the
median wall time of each step over ``--repeat`` runs (the classification of columns works on
distinct values, so its cost should not grow with the rows beyond the vectorised parsing).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors.enthusiasm import enthusiasm_scores
from ambassadors.io import read_signals
from ambassadors.ranking import rank_candidates

LIKERT = np.array(["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                   "Strongly agree"], dtype=object)


def make_inputs(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("P", np.char.zfill(np.arange(n).astype(str), 6)).astype(object)
    people = pd.DataFrame({"department": rng.integers(0, 40, n).astype(str)},
                          index=pd.Index(ids, name="person_id"))
    answer = rng.integers(1, 6, n).astype(float)
    answer[rng.random(n) < 0.3] = np.nan
    survey = pd.DataFrame({
        "Timestamp": "2025/03/04 9:14:02 AM GMT+1",
        "Employee ID": ids,
        "How enthusiastic are you about becoming an ambassador? (1-5)": answer,
        "I would like to help colleagues with the change": LIKERT[rng.integers(0, 5, n)],
        "volunteer": np.where(rng.random(n) < 0.1, "yes", np.where(rng.random(n) < 0.1, "no", "")),
        "opt_out": np.where(rng.random(n) < 0.02, "yes", ""),
        **{name: rng.poisson(lam, n) for name, lam in
           [("posts", 2.0), ("comments", 5.0), ("reactions", 20.0), ("shares", 1.0)]},
        "Any comments?": np.where(rng.random(n) < 0.05, "count me in", ""),
    })
    pct = rng.random((n, 4)) * 100
    influence = pd.DataFrame(pct, columns=["pagerank_pct", "reach_2_pct", "participation_pct",
                                           "betweenness_pct"], index=people.index)
    influence.insert(0, "department", people["department"])
    return people, survey, influence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    people, survey, influence = make_inputs(args.people)
    times: dict[str, list[float]] = {"read_signals": [], "enthusiasm_scores": [], "rank_candidates": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.csv"
        survey.to_csv(path, index=False)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            signals = read_signals(path, people=people)
            t1 = time.perf_counter()
            enthusiasm = enthusiasm_scores(signals, people)
            t2 = time.perf_counter()
            rank_candidates(influence, enthusiasm, people=people)
            t3 = time.perf_counter()
            times["read_signals"].append(t1 - t0)
            times["enthusiasm_scores"].append(t2 - t1)
            times["rank_candidates"].append(t3 - t2)
    print(f"{args.people:,} people, {survey.shape[1]} columns, median of {args.repeat} runs")
    for step, values in times.items():
        print(f"  {step:<18} {statistics.median(values):6.2f} s")
    print(f"  enthusiasts: {int(enthusiasm['enthusiast'].sum()):,}, reluctant: "
          f"{int(enthusiasm['reluctant'].sum()):,}")


if __name__ == "__main__":
    main()
