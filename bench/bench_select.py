"""Benchmark: propose_ambassadors on a synthetic 50,000-person organisation.

Builds a graph with :func:`ambassadors.graph.build_graph` from ~5 M random interaction pairs
(42 departments of uneven size, 70 % of pairs inside the department, heavy-tailed activity),
then times ``propose_ambassadors(graph, hops=1)`` (default size, about 140 ambassadors).
Prints the median of 3 runs (and the process cpu seconds of each: steadier than wall time on a
shared machine). ``--scores`` adds a ranking with random composite scores and
``--reach-tolerance 0.02`` trades up to 2 % of reach for score; ``--enthusiasts 0.2`` marks a
random fifth of everyone as known enthusiasts (and a fifth of the rest as reluctant), so the
group is drawn from the enthusiast pool. Prints how the bound was proved.

``--load FILE`` times the selection on a real pipeline's graph and ranking instead: a pickle of
``{"graph": CollaborationGraph, "ranking": DataFrame}`` made once from a generated organisation
(e.g. ``bench_scale.py``'s 200,000-person data read, built, scored and ranked by
``ambassadors.pipeline.analyze(..., select=False)``); ``--size 500`` sets the group size and
``--profile`` prints the functions that took longest (cProfile, one extra run). Hold the shared
lock (any run with >= 10,000 people)::

    flock /tmp/amb-bench.lock .venv/bin/python bench/bench_select.py [--people 50000]
        [--pairs 5000000] [--repeat 3] [--scores] [--reach-tolerance 0.02] [--enthusiasts 0.2]
    flock /tmp/amb-bench.lock .venv/bin/python bench/bench_select.py --load /tmp/exp/select-200k.pkl
        --size 500 [--profile]
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import statistics
import time

import numpy as np
import pandas as pd

from ambassadors.graph import build_graph
from ambassadors.select import propose_ambassadors


def synthetic_graph(n_people: int, n_pairs: int, n_departments: int = 42, seed: int = 0):
    rng = np.random.default_rng(seed)
    share = rng.pareto(1.0, n_departments) + 0.3
    dept = np.sort(rng.choice(n_departments, n_people, p=share / share.sum()))
    ids = np.char.add("e", np.arange(n_people).astype(str))
    people = pd.DataFrame({"department": np.char.add("D", dept.astype(str))},
                          index=pd.Index(ids, name="person_id"))
    activity = rng.pareto(2.0, n_people) + 0.2
    prob = activity / activity.sum()
    src = rng.choice(n_people, n_pairs, p=prob)
    # partner: 70 % same department (uniform inside it), else anyone by activity
    starts = np.searchsorted(dept, np.arange(n_departments))
    ends = np.searchsorted(dept, np.arange(n_departments), side="right")
    d = dept[src]
    inside = rng.random(n_pairs) < 0.7
    same = starts[d] + (rng.random(n_pairs) * (ends[d] - starts[d])).astype(np.int64)
    other = rng.choice(n_people, n_pairs, p=prob)
    dst = np.where(inside, same, other)
    log = pd.DataFrame({"source": pd.Categorical.from_codes(src, categories=ids),
                        "target": pd.Categorical.from_codes(dst, categories=ids)})
    return build_graph(people, log)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--pairs", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hops", type=int, default=1)
    parser.add_argument("--reach-tolerance", type=float, default=0.0,
                        help="trade this share of reach for composite score (needs scores: see --scores)")
    parser.add_argument("--scores", action="store_true",
                        help="pass a ranking with random composite scores (seeded), everyone eligible")
    parser.add_argument("--enthusiasts", type=float, default=0.0, metavar="SHARE",
                        help="mark this share of everyone (random, seeded) as known enthusiasts")
    parser.add_argument("--load", metavar="FILE", default=None,
                        help="a pickle of {'graph': ..., 'ranking': ...} instead of the synthetic graph")
    parser.add_argument("--size", type=int, default=None, help="group size (default: default_size)")
    parser.add_argument("--profile", action="store_true", help="one more run under cProfile: top functions")
    args = parser.parse_args()
    t = time.perf_counter()
    ranking = None
    if args.load:
        with open(args.load, "rb") as f:
            loaded = pickle.load(f)
        graph, ranking = loaded["graph"], loaded["ranking"]
        print(f"loaded in {time.perf_counter() - t:.1f} s: {graph.summary().splitlines()[0]}")
    else:
        graph = synthetic_graph(args.people, args.pairs)
        print(f"graph built in {time.perf_counter() - t:.1f} s: {graph.summary().splitlines()[0]}")
    if not args.load and (args.scores or args.enthusiasts):
        rng = np.random.default_rng(1)
        ranking = pd.DataFrame({"score": rng.random(graph.n_people), "eligible": True},
                               index=pd.Index(graph.ids, name="person_id"))
    if args.enthusiasts:
        u = rng.random(graph.n_people)
        ranking["enthusiast"] = u < args.enthusiasts
        ranking["reluctant"] = (u >= args.enthusiasts) & (u < args.enthusiasts + 0.2 * (1 - args.enthusiasts))
        ranking["enthusiasm_known"] = ranking["enthusiast"] | ranking["reluctant"]
        ranking["opted_out"] = False
    def fresh():
        # a fresh graph object each time so that no cached adjacency is reused
        return type(graph)(people=graph.people, weights=graph.weights, counts=graph.counts,
                           directed=graph.directed, params=graph.params, dropped=graph.dropped)

    def run(g):
        return propose_ambassadors(g, ranking, size=args.size, hops=args.hops,
                                   reach_tolerance=args.reach_tolerance, progress=False)

    times, cpus = [], []
    for _ in range(args.repeat):
        g = fresh()
        t, c = time.perf_counter(), time.process_time()
        plan = run(g)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    print(plan.summary())
    print(f"status: {plan.status}; bound method: {plan.bound_method}; bound {plan.bound}; gap {plan.gap}; "
          f"pool: {plan.pool}")
    print("members: " + ",".join(plan.ids[:8]) + f",... ({len(plan.ids)}; md5 "
          + hashlib.md5(",".join(plan.ids).encode()).hexdigest()[:12] + ")")
    print("times (s): " + ", ".join(f"{x:.2f}" for x in times)
          + "; cpu (s): " + ", ".join(f"{x:.2f}" for x in cpus))
    print(f"median of {args.repeat}: {statistics.median(times):.2f} s")
    if args.profile:
        import cProfile
        import pstats

        g = fresh()
        prof = cProfile.Profile()
        prof.runcall(run, g)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
