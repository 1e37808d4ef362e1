"""Benchmark of the interactions hot path: an events CSV like the 50k-people benchmark.

Generates (numpy, vectorised) a roster of N people and an e-mail log of M messages with 1-6
recipients each (``;``-separated ids, one in ten an upper-cased e-mail address, 1% distribution
lists and 1% external addresses), 2.5 recipients per message on average (~115 MB for 2M
messages), written once to a temporary folder; then times
``read_interactions(log, people=roster)`` and prints the median of 3 runs and the peak RSS.

    python bench/bench_read.py                # 50,000 people, 2,000,000 messages
    python bench/bench_read.py --messages 200000

``--org FOLDER`` instead times the reading stages of the pipeline on a ``bench_scale.py`` folder
(people.csv, emails.csv, chat.csv, survey.csv, activity.csv) as ``pipeline._read_inputs`` does
them, then ``build_graph``: each run in a fresh process (so that every run pays the first
allocations, as the command line does), printing seconds per stage, the median over the runs and
the peak RSS. Pair it with the previous code (``PYTHONPATH=<old checkout>/src``) to compare:

    flock /tmp/amb-bench.lock python bench/bench_read.py --org /tmp/amb-scale-data/org-50000-40-0
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_files(folder: Path, *, people: int, messages: int, seed: int = 0) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("E", np.char.zfill(np.arange(people).astype(str), 6))
    emails = np.char.add(np.char.lower(ids), "@example.com")
    roster = pd.DataFrame({"employee_id": ids, "department": rng.integers(0, 40, people).astype(str),
                           "email": emails})
    roster_path = folder / "people.csv"
    roster.to_csv(roster_path, index=False)

    sender = rng.integers(0, people, messages)
    n_rec = rng.choice([1, 1, 1, 2, 2, 3, 4, 6], size=messages)
    total = int(n_rec.sum())
    rec = rng.integers(0, people, total)
    # most systems log ids; one address in ten is an e-mail address (matched case-insensitively)
    addr = np.where(rng.random(total) < 0.1, np.char.upper(emails[rec]), ids[rec]).astype(object)
    odd = rng.random(total)
    addr[odd < 0.01] = "all-staff@example.com"
    addr[(odd >= 0.01) & (odd < 0.02)] = "someone@partner.org"
    # join each message's recipients with ";" (vectorised via a cumulative split)
    sep = np.full(total, ";", dtype=object)
    sep[np.cumsum(n_rec) - 1] = "\n"
    joined = "".join((addr + sep).tolist()).split("\n")[:-1]
    base = np.datetime64("2024-01-01T00:00:00")
    ts = base + rng.integers(0, 365 * 86400, messages).astype("timedelta64[s]")
    log = pd.DataFrame({
        "message_id": np.char.add("m", np.arange(messages).astype(str)),
        "sender": ids[sender],
        "to": joined,
        "sent_at": np.datetime_as_string(ts, unit="s"),
    })
    log_path = folder / "events.csv"
    log.to_csv(log_path, index=False)
    return roster_path, log_path


def read_org(folder: str, queue) -> None:
    """One run of the pipeline's reading stages and build_graph on ``folder`` (a child process)."""
    from ambassadors.graph import build_graph
    from ambassadors.io import (
        combine_interactions,
        combine_signals,
        read_interactions,
        read_people,
        read_signals,
    )

    times = {}

    def timed(stage, f):
        t0 = time.perf_counter()
        out = f()
        times[stage] = time.perf_counter() - t0
        return out

    roster = timed("people", lambda: read_people(f"{folder}/people.csv")).table
    mails = timed("emails", lambda: read_interactions(f"{folder}/emails.csv", people=roster))
    chat = timed("chat", lambda: read_interactions(f"{folder}/chat.csv", people=roster))
    log = timed("combine", lambda: combine_interactions(mails, chat)).table
    timed("signals", lambda: combine_signals(read_signals(f"{folder}/survey.csv", people=roster),
                                             read_signals(f"{folder}/activity.csv", people=roster)))
    timed("build", lambda: build_graph(roster, log))
    queue.put((times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def bench_org(folder: str, runs: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    results = []
    for _ in range(runs):
        queue = ctx.Queue()
        child = ctx.Process(target=read_org, args=(folder, queue))
        child.start()
        results.append(queue.get())
        child.join()
    stages = list(results[0][0])
    for stage in [*stages, "total"]:
        values = [sum(r[0].values()) if stage == "total" else r[0][stage] for r in results]
        print(f"{stage:8s} median {statistics.median(values):6.2f} s  "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    print(f"peak RSS median {statistics.median(r[1] for r in results):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--org", help="a bench_scale.py folder: time the pipeline's reading stages")
    args = parser.parse_args()
    if args.org:
        bench_org(args.org, args.runs)
        return

    from ambassadors.io import read_interactions, read_people

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        # generate in a child process so that the peak RSS below is the reader's alone
        ctx = multiprocessing.get_context("spawn")
        child = ctx.Process(target=make_files, args=(folder,),
                            kwargs={"people": args.people, "messages": args.messages})
        child.start()
        child.join()
        roster_path, log_path = folder / "people.csv", folder / "events.csv"
        print(f"generated {args.messages:,} messages in {time.perf_counter() - t0:.1f} s; "
              f"events.csv {log_path.stat().st_size / 1e6:.0f} MB")
        people = read_people(roster_path).table
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            table, report = read_interactions(log_path, people=people)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            del table
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(report)
        print(f"read_interactions: median {statistics.median(times):.2f} s wall "
              f"({', '.join(f'{t:.2f}' for t in times)}), median {statistics.median(cpu):.2f} s "
              f"CPU (all threads), over {args.runs} runs; {report.pairs_used:,} pairs; "
              f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
