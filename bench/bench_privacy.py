"""Benchmark pseudonymisation: one HMAC-SHA256 per distinct id, the rest vectorised.

Usage::

    flock /tmp/amb-bench.lock python bench/bench_privacy.py            # 10k, 100k ids
    python bench/bench_privacy.py --sizes 2000 --repeat 5

For each size: ``pseudonymize_ids`` over that many distinct ids (the per-id HMAC cost), and
``pseudonymize`` of a roster of that size with ten times as many interaction rows over the same
ids (the per-row cost must stay vectorised: the rows only map category codes). Prints the median
wall time over ``--repeat`` runs and the cost per id. Runs with >= 10,000 people hold the shared
lock (see the BRIEF).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from ambassadors.privacy import pseudonymize, pseudonymize_ids

KEY = b"benchmark key, never use it for real data"


def tables(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"E{i:07d}" for i in range(n)], dtype=object)
    people = pd.DataFrame({"department": rng.integers(0, 40, n).astype(str), "name": ids},
                          index=pd.Index(ids, name="person_id"))
    cats = pd.CategoricalDtype(ids)
    rows = 10 * n
    log = pd.DataFrame({
        "source": pd.Categorical.from_codes(rng.integers(0, n, rows), dtype=cats),
        "target": pd.Categorical.from_codes(rng.integers(0, n, rows), dtype=cats),
        "timestamp": pd.Timestamp("2024-01-01", tz="UTC"),
        "weight": 1.0,
        "channel": "email",
    })
    return people, log


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of people")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'people':>8} {'ids (s)':>9} {'us/id':>7} {'tables (s)':>11} {'rows':>9}")
    for n in (int(x) for x in args.sizes.split(",")):
        people, log = tables(n)
        ids = list(people.index)
        only_ids = median_seconds(lambda ids=ids: pseudonymize_ids(ids, key=KEY), args.repeat)
        whole = median_seconds(lambda p=people, g=log: pseudonymize(p, g, key=KEY), args.repeat)
        print(f"{n:>8} {only_ids:>9.3f} {1e6 * only_ids / n:>7.2f} {whole:>11.3f} {len(log):>9}")


if __name__ == "__main__":
    main()
