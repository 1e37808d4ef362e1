"""Benchmark of the interactions hot path: an events CSV like the 50k-people benchmark.

Generates (numpy, vectorised) a roster of N people and an e-mail log of M messages with 1-6
recipients each (``;``-separated ids, one in ten an upper-cased e-mail address, 1% distribution
lists and 1% external addresses), 2.5 recipients per message on average (~115 MB for 2M
messages), written once to a temporary folder; then times
``read_interactions(log, people=roster)`` and prints the median of 3 runs and the peak RSS.

    python bench/bench_read.py                # 50,000 people, 2,000,000 messages
    python bench/bench_read.py --messages 200000
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

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
