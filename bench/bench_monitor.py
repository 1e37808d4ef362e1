"""Benchmark of ``monitor``: 12 months of a 50,000-person organisation (about 4M e-mails).

Generates the organisation with a planted programme (``make_organization(..., launch=...)``:
one ambassador per department, one of them silent, one gone, so the replacements run too),
reads the mail and chat once (timed apart: that is the readers' cost, the same for every
command), then times ``monitor(...)`` -- the per-period graphs, the trends, the statuses and
replacements, the effects -- ``--repeat`` times and prints the median, the peak RSS, and how
long writing the five output files takes.

Hold the shared lock (the machine is shared):

    flock /tmp/amb-bench.lock python bench/bench_monitor.py              # 50,000 people
    python bench/bench_monitor.py --people 5000 --repeat 3               # a quick look
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--messages-per-month", type=float, default=6.5)
    parser.add_argument("--chats-per-month", type=float, default=2.0)
    parser.add_argument("--period", default="month")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from ambassadors.datasets import make_organization
    from ambassadors.io import read_interactions, read_people
    from ambassadors.monitor import monitor

    t = time.perf_counter()
    org = make_organization(args.people, args.departments, args.months, seed=0, start="2025-01-01",
                            launch=f"2025-{args.months // 2 + 1:02d}-01",
                            messages_per_month=args.messages_per_month,
                            chats_per_month=args.chats_per_month)
    print(f"generated {org} in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    people = read_people(org.people.reset_index()).table
    logs = [read_interactions(org.emails, people=people), read_interactions(org.chat, people=people)]
    pairs = sum(len(x.table) for x in logs)
    print(f"read {len(org.emails):,} e-mails and {len(org.chat):,} chats ({pairs:,} pairs) in "
          f"{time.perf_counter() - t:.1f} s")
    del org.emails, org.chat
    programme = org.truth["programme"]
    times = []
    for _ in range(args.repeat):
        t, cpu = time.perf_counter(), time.process_time()
        traj = monitor(people, logs, programme["ambassadors"], launch=programme["launch"],
                       period=args.period, adoption=org.adoption)
        times.append(time.perf_counter() - t)
        # CPU time of this process: on a shared machine the wall time also counts the others
        print(f"  monitor: {times[-1]:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        traj.write(out)
    written = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    status = traj.ambassadors["status"].value_counts().to_dict()
    print(f"monitor, {args.people:,} people, {len(traj.periods)} {args.period}s, {pairs:,} pairs: "
          f"median {statistics.median(times):.1f} s of {args.repeat} (min {min(times):.1f}); "
          f"writing the five files {written:.1f} s; peak RSS {rss:.1f} GB; ambassadors {status}")
    print(traj.effects[["outcome", "estimate", "ci_low", "ci_high"]].to_string(index=False))


if __name__ == "__main__":
    main()
