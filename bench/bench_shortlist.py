"""Time the real command line, ``ambassadors shortlist``, on a generated company.

Usage::

    python bench/bench_shortlist.py                          # 50,000 people, ~5.4M mail pairs
    python bench/bench_shortlist.py --people 2000 --repeat 5

Generates an organisation with :func:`ambassadors.datasets.make_organization`, writes its CSVs
(the mail log in the events shape: one row per message, ``;``-separated recipients) to a
temporary folder, then runs ``ambassadors shortlist`` on them ``--repeat`` times in fresh
processes, exactly as a scheduled script would. Prints the median wall time and the largest peak
resident memory of the child process (``ru_maxrss``), and writes them as JSON to
``bench/results/shortlist-<people>.json`` (gitignored).

Targets (2-core machine): 50,000 people / 5-6M pairs in at most 60 s and 6 GB; 2,000 people in
at most 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--messages-per-month", type=float, default=14.0,
                        help="14 gives about 5.4M mail pairs at 50,000 people")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extra", default="", help="extra CLI options, e.g. '--reach-tolerance 0.02'")
    args = parser.parse_args()

    from ambassadors.datasets import make_organization

    with tempfile.TemporaryDirectory(prefix="amb-bench-") as tmp:
        t0 = time.perf_counter()
        org = make_organization(n_people=args.people, n_departments=args.departments, months=3,
                                seed=0, messages_per_month=args.messages_per_month)
        org.write(tmp)
        pairs = int(org.emails["recipients"].str.count(";").sum() + org.emails["recipients"].notna().sum())
        size_mb = (Path(tmp) / "emails.csv").stat().st_size / 1e6
        print(f"generated {args.people} people, {len(org.emails)} mails (~{pairs} to-pairs, "
              f"{size_mb:.0f} MB events CSV) in {time.perf_counter() - t0:.1f} s", flush=True)
        del org
        cmd = [
            sys.executable, "-m", "ambassadors.cli", "shortlist",
            "--people", f"{tmp}/people.csv", "--interactions", f"{tmp}/emails.csv",
            "--interactions", f"{tmp}/chat.csv", "--signals", f"{tmp}/survey.csv",
            "--signals", f"{tmp}/activity.csv", "--out", f"{tmp}/shortlist.csv", "--no-progress",
            *args.extra.split(),
        ]
        walls = []
        peak = 0.0
        for i in range(args.repeat):
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  env={**os.environ, "MPLBACKEND": "Agg"})
            wall = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"shortlist failed:\n{proc.stderr}")
            walls.append(wall)
            # ru_maxrss of children is the largest of any child so far (KiB on Linux)
            peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)
            print(f"run {i + 1}: {wall:.1f} s", flush=True)
        report = proc.stderr.strip().splitlines()
        print("\n".join(line for line in report if "pairs" in line or "rows read" in line))
        print("\n".join(report[-4:]))
    result = {"people": args.people, "pairs_to": pairs, "events_csv_mb": round(size_mb, 1),
              "runs": [round(w, 2) for w in walls], "median_s": round(statistics.median(walls), 2),
              "peak_rss_mb": round(peak, 0), "extra": args.extra}
    print(json.dumps(result))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"shortlist-{args.people}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
