"""Benchmark the pipeline stage by stage on synthetic organisations.

Usage::

    python bench/bench_pipeline.py                       # 1k, 10k and 50k people
    python bench/bench_pipeline.py --sizes 2000,50000 --repeat 3

Each size runs in its own subprocess (so peak memory is that of one size), generating an
organisation with :func:`ambassadors.datasets.make_organization` (or, if that is not available,
a vectorised stand-in with the same shape), writing its mail log (events shape) and chat log
to CSV, then timing: read, build, each influence measure (inside one ``influence_scores``
call, from the ``ambassadors.metrics`` DEBUG log; pieces that ran in parallel workers are
summed), enthusiasm, ranking and selection when those stages exist. Wall time per stage (median
over ``--repeat`` runs) and peak resident memory after each stage (``ru_maxrss``) are printed
as a table and written to ``bench/results/pipeline-<time>.json`` (gitignored).

Targets (2-core machine): the shortlist (read -> select) on 50k people / ~5-6M pairs in at most
60 s and 6 GB; all influence measures for 50k in about 25 s; 2,000 people end to end in 2 s
(the whole command, start-up and imports included, is timed by ``bench_shortlist.py``).
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
RESULTS = HERE / "results"
SHORTLIST = ["read", "build", "scores", "enthusiasm", "rank", "select"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


class Timer:
    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}

    def record(self, name: str, seconds: float) -> None:
        entry = self.stages.setdefault(name, {"seconds": 0.0, "peak_mb": 0.0})
        entry["seconds"] += seconds
        entry["peak_mb"] = _peak_mb()

    def run(self, name, fn, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        self.record(name, time.perf_counter() - start)
        return out


# ---------------------------------------------------------------------------------------
def _standin_organization(n: int, seed: int = 0):
    """Vectorised stand-in for make_organization: people + ~110 weighted pairs per person."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_dept = max(8, n // 1200)
    dept = np.sort(rng.integers(0, n_dept, size=n))
    ids = np.array([f"P{i:06d}" for i in range(n)])
    people = pd.DataFrame({"department": [f"Dept {d}" for d in dept]}, index=pd.Index(ids, name="person_id"))
    m = 110 * n
    activity = rng.lognormal(0, 1, size=n)
    src = rng.choice(n, size=m, p=activity / activity.sum())
    same = rng.random(m) < 0.85
    starts = np.searchsorted(dept, dept[src])
    ends = np.searchsorted(dept, dept[src], side="right")
    inside = starts + (rng.random(m) * (ends - starts)).astype(np.int64)
    dst = np.where(same, inside, rng.integers(0, n, size=m))
    keep = src != dst
    ts = pd.Timestamp("2025-01-06", tz="UTC") + pd.to_timedelta(rng.integers(0, 90 * 86400, size=m), unit="s")
    chat = pd.DataFrame(
        {"source": ids[src[keep]], "target": ids[dst[keep]], "timestamp": ts[keep], "channel": "chat"}
    )
    return people, None, chat, None


def _organization(n: int, seed: int, messages_per_month: float):
    try:
        from ambassadors.datasets import make_organization
    except ImportError:
        return _standin_organization(n, seed), "stand-in"
    org = make_organization(n, max(8, n // 1200), seed=seed, messages_per_month=messages_per_month)
    return (org.people, org.emails, org.chat, (org.survey, org.activity)), "make_organization"


def child(n: int, seed: int, out: Path, messages_per_month: float = 10.0) -> None:
    import pandas as pd

    import ambassadors.metrics as metrics
    from ambassadors.cli import import_igraph_without_drawing
    from ambassadors.graph import build_graph

    # import igraph as the command line does (without its matplotlib drawing layer): imports
    # are start-up cost, timed by bench_shortlist.py, not part of any stage here
    import_igraph_without_drawing()

    timer = Timer()
    start = time.perf_counter()
    (people, emails, chat, signals), generator = _organization(n, seed, messages_per_month)
    timer.record("generate", time.perf_counter() - start)

    tmp = Path(tempfile.mkdtemp(prefix="ambassadors-bench-"))
    start = time.perf_counter()
    people.to_csv(tmp / "people.csv")
    if emails is not None:
        emails.to_csv(tmp / "emails.csv", index=False)
    chat.to_csv(tmp / "chat.csv", index=False)
    timer.record("write_csv", time.perf_counter() - start)

    info: dict[str, object] = {
        "n_people": n, "generator": generator, "seed": seed, "messages_per_month": messages_per_month,
    }
    # -- read ------------------------------------------------------------------------
    start = time.perf_counter()
    try:
        from ambassadors.io import combine_interactions, read_interactions, read_people

        roster = read_people(tmp / "people.csv").table
        logs = [read_interactions(tmp / "chat.csv", people=roster)]
        if emails is not None:
            logs.insert(0, read_interactions(tmp / "emails.csv", people=roster))
        interactions = combine_interactions(*logs).table if len(logs) > 1 else logs[0].table
        info["reader"] = "ambassadors.io"
    except (ImportError, AttributeError):
        roster = pd.read_csv(tmp / "people.csv", dtype=str).set_index("person_id")
        interactions = pd.read_csv(tmp / "chat.csv", dtype={"source": str, "target": str})
        interactions["weight"] = 1.0
        info["reader"] = "pandas (ambassadors.io.read_interactions not available)"
    timer.record("read", time.perf_counter() - start)
    info["pairs"] = int(len(interactions))

    # -- build -----------------------------------------------------------------------
    graph = timer.run("build", build_graph, roster, interactions)
    info["ties"] = int(graph.n_ties)
    info["undirected_ties"] = int(graph.neighbors_csr().nnz // 2)

    # -- scores, with each measure piece timed by the ambassadors.metrics DEBUG log --------
    import logging

    class Pieces(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            name, wall = str(record.args[0]), float(record.args[1])
            entry = timer.stages.setdefault(f"  {name}", {"seconds": 0.0, "peak_mb": 0.0})
            entry["seconds"] += wall  # summed over workers (pieces may run in parallel)
            entry["peak_mb"] = _peak_mb()

    logger = logging.getLogger("ambassadors.metrics")
    logger.setLevel(logging.DEBUG)
    handler = Pieces()
    logger.addHandler(handler)
    try:
        scores = timer.run("scores", metrics.influence_scores, graph, progress=False, seed=seed)
    finally:
        logger.removeHandler(handler)
    info["sampling"] = scores.attrs.get("sampling")
    info["brokerage_candidates"] = scores.attrs.get("candidates")

    # -- enthusiasm, ranking, selection (when those stages exist) ------------------------
    enthusiasm = ranking = None
    try:
        from ambassadors.enthusiasm import enthusiasm_scores
        from ambassadors.io import combine_signals, read_signals

        start = time.perf_counter()
        if signals is not None:
            survey, activity = signals
            survey.to_csv(tmp / "survey.csv", index=False)
            activity.to_csv(tmp / "activity.csv", index=False)
            sig = combine_signals(
                read_signals(tmp / "survey.csv", people=roster),
                read_signals(tmp / "activity.csv", people=roster),
            ).table
        else:
            sig = pd.DataFrame(index=roster.index)
        enthusiasm = enthusiasm_scores(sig, roster)
        timer.record("enthusiasm", time.perf_counter() - start)
    except Exception as exc:  # a stage still being written must not stop the benchmark
        info["enthusiasm_skipped"] = f"{type(exc).__name__}: {exc}"[:200]
    try:
        from ambassadors.ranking import rank_candidates

        if enthusiasm is not None:
            ranking = timer.run("rank", rank_candidates, scores, enthusiasm, people=roster)
    except Exception as exc:
        info["rank_skipped"] = f"{type(exc).__name__}: {exc}"[:200]
    try:
        from ambassadors.select import propose_ambassadors

        plan = timer.run("select", propose_ambassadors, graph, ranking, seed=seed)
        info["plan"] = {"size": int(len(plan.members)), "method": str(plan.method),
                        "status": str(plan.status)}
    except Exception as exc:
        info["select_skipped"] = f"{type(exc).__name__}: {exc}"[:200]

    stages = timer.stages
    info["shortlist_seconds"] = sum(stages[s]["seconds"] for s in SHORTLIST if s in stages)
    info["peak_mb"] = _peak_mb()
    out.write_text(json.dumps({"info": info, "stages": stages}, default=str))
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


# ---------------------------------------------------------------------------------------
def _median_runs(runs: list[dict]) -> dict:
    names: list[str] = []
    for r in runs:
        for s in r["stages"]:
            if s not in names:
                names.append(s)
    stages = {}
    for s in names:
        secs = [r["stages"][s]["seconds"] for r in runs if s in r["stages"]]
        peaks = [r["stages"][s]["peak_mb"] for r in runs if s in r["stages"]]
        stages[s] = {"seconds": statistics.median(secs), "peak_mb": max(peaks), "runs": secs}
    info = dict(runs[-1]["info"])
    info["shortlist_seconds"] = statistics.median(r["info"]["shortlist_seconds"] for r in runs)
    info["shortlist_runs"] = [r["info"]["shortlist_seconds"] for r in runs]
    info["peak_mb"] = max(r["info"]["peak_mb"] for r in runs)
    return {"info": info, "stages": stages}


def _table(results: list[dict]) -> str:
    sizes = [r["info"]["n_people"] for r in results]
    names: list[str] = []
    for r in results:
        for s in r["stages"]:
            if s not in names:
                names.append(s)
    width = 16
    head = "stage".ljust(18) + "".join(f"{n:>{width},} people"[: width + 7].rjust(width + 7) for n in sizes)
    lines = [head, "-" * len(head)]
    for s in names:
        cells = []
        for r in results:
            e = r["stages"].get(s)
            cell = f"{e['seconds']:7.2f} s {e['peak_mb'] / 1024:5.2f} GB" if e else "-"
            cells.append(cell.rjust(width + 7))
        lines.append(s.ljust(18) + "".join(cells))
    lines.append("-" * len(head))
    lines.append("shortlist".ljust(18) + "".join(
        f"{r['info']['shortlist_seconds']:7.2f} s".rjust(width + 7) for r in results))
    lines.append("pairs / ties".ljust(18) + "".join(
        f"{r['info']['pairs']:,} / {r['info']['undirected_ties']:,}".rjust(width + 7) for r in results))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated numbers of people")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--messages-per-month", type=float, default=10.0,
                        help="mails per person per month (10: ~4.1M pairs at 50k people; 14: ~5.5M)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.seed, args.out, args.messages_per_month)
        return 0
    sizes = [int(s.replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s.strip()]
    results = []
    for n in sizes:
        runs = []
        for i in range(args.repeat):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
                path = Path(fh.name)
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--seed", str(args.seed),
                   "--out", str(path),
                   "--messages-per-month", str(args.messages_per_month)]
            proc = subprocess.run(cmd, env=os.environ.copy())
            if proc.returncode != 0:
                print(f"size {n}: run {i + 1} failed (exit {proc.returncode})", file=sys.stderr)
                continue
            runs.append(json.loads(path.read_text()))
            path.unlink()
        if runs:
            results.append(_median_runs(runs))
    if not results:
        return 1
    print(_table(results))
    for r in results:
        keys = ("sampling", "brokerage_candidates", "generator", "reader", "plan")
        extra = {k: v for k, v in r["info"].items() if k.endswith("_skipped") or k in keys}
        print(f"\n{r['info']['n_people']:,} people: {json.dumps(extra, default=str)}")
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = RESULTS / f"pipeline-{stamp}.json"
    summary = {"sizes": sizes, "repeat": args.repeat, "results": results}
    target.write_text(json.dumps(summary, indent=2, default=str))
    print(f"\nwritten {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
