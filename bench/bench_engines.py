"""Aggregate a month-partitioned Parquet lake with each engine; compare; run the shortlist.

Usage (from the repository root; hold the shared lock at 10,000 people or more)::

    flock /tmp/amb-bench.lock python bench/bench_engines.py --people 50000
    flock /tmp/amb-bench.lock python bench/bench_engines.py --people 200000 \\
        --engines duckdb --memory-limit 2GB --shortlist duckdb

Generates an organisation with :func:`ambassadors.datasets.make_organization`, writes its mail
log (events) and chat log (edge list) as hive-partitioned Parquet (``month=YYYY-MM/part-k``)
and the roster as CSV under ``--dir``, then aggregates the lake once per engine, each in a
fresh process: wall time, peak resident memory of the whole process tree (the JVM too, for
Spark) sampled every 0.2 s, and the peak size of DuckDB's spill directory. Every engine's tie
table is compared with the first engine's (weights to 1e-9, counts, drops by reason) and the
ambassadors proposed from each are compared too. ``--shortlist ENGINE`` then runs the real
command line, ``ambassadors shortlist --interactions lake/emails --interactions lake/chat
--engine ENGINE``, and reports its wall time and peak memory. Results go to
``bench/results/engines-<people>[-<memory limit>].json`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def measure(cmd: list[str], *, spill: Path | None = None) -> dict:
    """Run ``cmd``; wall time, peak RSS of its process tree, peak spill size."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd)
    proc = psutil.Process(child.pid)
    peak = peak_spill = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(proc))
        if spill is not None:
            peak_spill = max(peak_spill, _dir_size(spill))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(cmd)}")
    return {"wall_s": round(wall, 1), "peak_rss_gb": round(peak / 2 ** 30, 2),
            "peak_spill_gb": round(peak_spill / 2 ** 30, 2)}


def make_lake(people: int, months: float, seed: int, root: Path) -> dict:
    import pyarrow.parquet as pq

    from ambassadors.aggregate import write_lake
    from ambassadors.datasets import make_organization

    t0 = time.perf_counter()
    org = make_organization(people, 40, months, seed=seed)
    t1 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    org.people.to_csv(root / "people.csv")
    write_lake(org.emails, root / "lake" / "emails", rows_per_file=500_000)
    write_lake(org.chat, root / "lake" / "chat", rows_per_file=500_000)
    files = sorted((root / "lake").rglob("*.parquet"))
    info = {"people": people, "months": months, "mails": len(org.emails), "chats": len(org.chat),
            "files": len(files), "generate_s": round(t1 - t0, 1),
            "write_s": round(time.perf_counter() - t1, 1),
            "lake_disk_gb": round(sum(f.stat().st_size for f in files) / 2 ** 30, 3),
            "lake_uncompressed_gb": round(sum(
                pq.ParquetFile(f).metadata.row_group(i).total_byte_size
                for f in files for i in range(pq.ParquetFile(f).metadata.num_row_groups)) / 2 ** 30, 3)}
    (root / "lake.json").write_text(json.dumps(info, indent=2))
    return info


def child(engine: str, root: Path, memory_limit: str | None, half_life: str | None,
          plan: bool) -> None:
    """Aggregate (one engine, this process), write the tie table, report and ambassadors."""
    import pandas as pd

    from ambassadors.aggregate import aggregate_interactions
    from ambassadors.io import read_people
    from ambassadors.pipeline import analyze

    people = read_people(root / "people.csv").table
    t0 = time.perf_counter()
    ties, report = aggregate_interactions(
        [root / "lake" / "emails", root / "lake" / "chat"], people=people, engine=engine,
        half_life=half_life, memory_limit=memory_limit, spill_dir=root / f"spill-{engine}")
    seconds = time.perf_counter() - t0
    ties.astype({"source": str, "target": str}).to_parquet(root / f"ties-{engine}.parquet")
    members = list(analyze(people, ties, graph_options={}, progress=False,
                           samples=256).plan.members.index) if plan else None
    out = {"aggregate_s": round(seconds, 1), "ties": len(ties), "pairs_read": report.pairs_read,
           "pairs_used": report.pairs_used, "rows_read": report.rows_read,
           "dropped": report.dropped, "pairs_dropped": report.pairs_dropped,
           "notes": report.notes, "ambassadors": members}
    (root / f"result-{engine}.json").write_text(json.dumps(out, indent=2, default=str))
    print(pd.Series({k: v for k, v in out.items() if k not in ("ambassadors", "notes")}))


def compare(root: Path, base: str, other: str) -> dict:
    import numpy as np
    import pandas as pd

    a = pd.read_parquet(root / f"ties-{base}.parquet")
    b = pd.read_parquet(root / f"ties-{other}.parquet")
    ra = json.loads((root / f"result-{base}.json").read_text())
    rb = json.loads((root / f"result-{other}.json").read_text())
    same_rows = len(a) == len(b) and (a["source"].to_numpy() == b["source"].to_numpy()).all() \
        and (a["target"].to_numpy() == b["target"].to_numpy()).all()
    rel = float(np.max(np.abs(a["weight"] - b["weight"]) / a["weight"])) if same_rows else None
    return {"same_pairs": bool(same_rows), "max_rel_weight_diff": rel,
            "counts_equal": bool(same_rows and (a["count"].to_numpy() == b["count"].to_numpy()).all()),
            "drops_equal": ra["dropped"] == rb["dropped"] and ra["pairs_dropped"] == rb["pairs_dropped"],
            "same_ambassadors": None if ra["ambassadors"] is None else
            ra["ambassadors"] == rb["ambassadors"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--months", type=float, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="work folder (default /tmp/amb-engines-<people>)")
    parser.add_argument("--engines", default="arrow,duckdb,spark")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 2GB")
    parser.add_argument("--half-life", default="30D")
    parser.add_argument("--shortlist", default=None, metavar="ENGINE",
                        help="also time `ambassadors shortlist --engine ENGINE` on the lake")
    parser.add_argument("--no-plan", action="store_true",
                        help="do not propose ambassadors from each engine's ties")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.dir or Path(f"/tmp/amb-engines-{args.people}")
    if args.child:
        child(args.child, root, args.memory_limit, args.half_life, not args.no_plan)
        return
    lake = json.loads((root / "lake.json").read_text()) if (root / "lake.json").exists() else \
        make_lake(args.people, args.months, args.seed, root)
    print("lake:", lake, flush=True)
    results: dict = {"lake": lake, "memory_limit": args.memory_limit, "engines": {}}
    engines = args.engines.split(",")
    for engine in engines:
        cmd = [sys.executable, __file__, "--child", engine, "--dir", str(root),
               "--half-life", args.half_life] + (["--no-plan"] if args.no_plan else [])
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        stats = measure(cmd, spill=root / f"spill-{engine}")
        stats.update(json.loads((root / f"result-{engine}.json").read_text()))
        stats.pop("ambassadors")
        results["engines"][engine] = stats
        print(engine, stats, flush=True)
    for other in engines[1:]:
        results["engines"][other]["versus_" + engines[0]] = compare(root, engines[0], other)
        print(other, "vs", engines[0], results["engines"][other]["versus_" + engines[0]])
    if args.shortlist:
        cmd = [sys.executable, "-m", "ambassadors.cli", "shortlist", "--people",
               str(root / "people.csv"), "--interactions", str(root / "lake" / "emails"),
               "--interactions", str(root / "lake" / "chat"), "--engine", args.shortlist,
               "--half-life", args.half_life, "--out", str(root / "shortlist.csv"), "--quiet",
               "--samples", "256"]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        results["shortlist"] = {"engine": args.shortlist, **measure(cmd)}
        print("shortlist", results["shortlist"])
    tag = f"-{args.memory_limit}" if args.memory_limit else ""
    out = HERE / "results" / f"engines-{args.people}{tag}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print("wrote", out)


if __name__ == "__main__":
    main()
