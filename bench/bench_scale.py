"""Scaling table of the whole ``ambassadors shortlist`` command, 2,000 to 200,000 people.

Usage (from the repository root; runs with 10,000 people or more must hold the shared lock)::

    flock /tmp/amb-bench.lock python bench/bench_scale.py                   # 10k, 50k, 100k, 200k
    flock /tmp/amb-bench.lock python bench/bench_scale.py --sizes 2k,10k,50k --repeat 3
    python bench/bench_scale.py --sizes 2k --repeat 7 --plain               # start-up included

For each size an organisation is made with :func:`ambassadors.datasets.make_organization`
(40 departments, six months, about 40 e-mails per person: ``messages_per_month = 40 / 6``) and
written once to ``--data`` (reused by later runs). The shortlist then runs in a fresh child
process, exactly the command line's code path (``ambassadors.cli.main``), with light timing
wrappers around the pipeline's stages (read, enthusiasm, build, scores, rank, select) and the
``ambassadors.metrics`` DEBUG log of every measure piece. The parent records

* wall time and the peak resident memory of the child (``ru_maxrss`` from ``wait4``, what
  GNU ``time`` reports), and the peak of the *summed proportional set size* of the child and
  its forked workers (``/proc/<pid>/smaps_rollup``, sampled every 250 ms): shared pages count
  once, so this is the memory the run really takes -- and the highest sample while each stage
  ran (``peak GB while each stage ran``; ``after select`` is the writing), to find where the
  peak is;
* per stage: wall seconds and cpu/wall (process CPU time of the child plus that of its
  reaped workers, divided by the stage's wall time: 2.0 means both cores busy).

``--plain`` also times the installed ``ambassadors`` entry point without any wrapper (median
of ``--repeat``): the number to compare with the 0.5 s target at 2,000 people. Results go to
``bench/results/scale-<time>.json`` (gitignored) and the table to stdout; ``--markdown``
prints the README's table.

Targets (2-core machine): 50,000 people (``--size 150``) at most 12 s and 1.7 GB; 200,000 at
most 60 s and 6 GB; 2,000 people whole process at most 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
STAGES = ["read", "enthusiasm", "build", "scores", "rank", "select"]
#: ``--size`` given to the shortlist per number of people (the issue's 50,000-person target)
SIZE_OPTION = {50_000: 150}


# -- data ----------------------------------------------------------------------------------
def organisation(n: int, data: Path, departments: int, seed: int) -> tuple[Path, dict]:
    """Write (once) and return the folder of an ``n``-person organisation and its facts. The
    generation runs in a child process: Linux keeps a process's peak RSS across fork and exec,
    so generating here would inflate the ``ru_maxrss`` of every later shortlist child."""
    folder = data / f"org-{n}-{departments}-{seed}"
    facts_file = folder / "facts.json"
    if not facts_file.exists():
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--generate", str(n),
                        "--data", str(data), "--departments", str(departments), "--seed", str(seed)],
                       check=True)
    return folder, json.loads(facts_file.read_text())


def generate(n: int, data: Path, departments: int, seed: int) -> None:
    folder = data / f"org-{n}-{departments}-{seed}"
    from ambassadors.datasets import make_organization

    start = time.perf_counter()
    org = make_organization(n, departments, 6, seed=seed, messages_per_month=40 / 6)
    mails = org.emails
    pairs = int((mails["recipients"].str.count(";") + 1).sum()
                + (mails["cc"].str.count(";") + 1).fillna(0).sum() + len(org.chat))
    tmp = folder.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    org.write(tmp)
    facts = {"people": n, "departments": departments, "mails": len(mails), "pairs": pairs,
             "generated_s": round(time.perf_counter() - start, 1)}
    (tmp / "facts.json").write_text(json.dumps(facts))
    tmp.rename(folder)


def shortlist_args(folder: Path, out: Path, n: int) -> list[str]:
    args = ["shortlist", "--people", str(folder / "people.csv"),
            "--interactions", str(folder / "emails.csv"), "--interactions", str(folder / "chat.csv"),
            "--signals", str(folder / "survey.csv"), "--signals", str(folder / "activity.csv"),
            "--out", str(out), "--no-progress", "--quiet"]
    if n in SIZE_OPTION:
        args += ["--size", str(SIZE_OPTION[n])]
    return args


# -- the child: the real CLI with timing wrappers ------------------------------------------
def child(argv: list[str], report: Path) -> int:
    import logging
    import resource

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    stages: dict[str, dict[str, float]] = {}
    spans: list[tuple[str, float, float]] = []  # (stage, start, end) in time.time() seconds
    depth = [0]

    def wrap(module, name: str, stage: str) -> None:
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            if depth[0]:  # a stage called from inside another (e.g. combine inside read)
                return inner(*args, **kwargs)
            depth[0] += 1
            start, c0, t0 = time.perf_counter(), cpu(), time.time()
            try:
                return inner(*args, **kwargs)
            finally:
                depth[0] -= 1
                spans.append((stage, t0, time.time()))
                entry = stages.setdefault(stage, {"seconds": 0.0, "cpu": 0.0})
                entry["seconds"] += time.perf_counter() - start
                entry["cpu"] += cpu() - c0

        setattr(module, name, timed)

    from ambassadors import cli

    cli.import_igraph_without_drawing()  # as the command line does, before the stage modules import them
    import ambassadors.enthusiasm
    import ambassadors.graph
    import ambassadors.io
    import ambassadors.metrics
    import ambassadors.ranking
    import ambassadors.select

    for name in ("read_people", "read_interactions", "read_signals", "combine_interactions",
                 "combine_signals"):
        if hasattr(ambassadors.io, name):
            wrap(ambassadors.io, name, "read")
    wrap(ambassadors.enthusiasm, "enthusiasm_scores", "enthusiasm")
    wrap(ambassadors.graph, "build_graph", "build")
    wrap(ambassadors.metrics, "influence_scores", "scores")
    wrap(ambassadors.ranking, "rank_candidates", "rank")
    wrap(ambassadors.select, "propose_ambassadors", "select")

    pieces: dict[str, dict[str, float]] = {}

    class Pieces(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            name, wall, used = record.args[0], record.args[1], record.args[2]
            entry = pieces.setdefault(str(name), {"seconds": 0.0, "cpu": 0.0, "count": 0})
            entry["seconds"] += wall
            entry["cpu"] += used
            entry["count"] += 1

    logger = logging.getLogger("ambassadors.metrics")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(Pieces())
    start = time.perf_counter()
    code = cli.main(argv)
    total = time.perf_counter() - start
    report.write_text(json.dumps({"stages": stages, "pieces": pieces, "main_s": total, "code": code,
                                  "spans": spans}))
    return int(code or 0)


# -- the parent: run, sample memory, tabulate ----------------------------------------------
def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def _pss_mb(pid: int) -> float:
    total = 0.0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += float(line.split()[1]) / 1024.0
                        break
        except OSError:
            pass
    return total


def run_child(argv: list[str]) -> dict:
    report = Path(f"/tmp/amb-scale-{os.getpid()}.json")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--report", str(report), "--", *argv]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    samples: list[tuple[float, float]] = []  # (time.time(), summed PSS MB)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), _pss_mb(proc.pid)))
            peak[0] = max(peak[0], samples[-1][1])
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"shortlist failed ({proc.returncode}):\n{stderr[-3000:]}")
    result = json.loads(report.read_text())
    report.unlink()
    result.update(wall_s=wall, maxrss_mb=usage.ru_maxrss / 1024.0, pss_peak_mb=peak[0],
                  cpu_s=usage.ru_utime + usage.ru_stime,
                  stage_peak_mb=stage_peaks(result.pop("spans", []), samples))
    return result


def stage_peaks(spans: list[list], samples: list[tuple[float, float]]) -> dict[str, float]:
    """The highest summed PSS sampled while each stage ran. A sample between stages counts as
    ``after <the stage that ended last>`` (``after select`` is the writing of the shortlist),
    one before the first stage as ``start-up``."""
    peaks: dict[str, float] = {}
    for at, mb in samples:
        stage = next((name for name, t0, t1 in spans if t0 <= at <= t1), None)
        if stage is None:
            ended = [(t1, name) for name, _, t1 in spans if t1 < at]
            stage = f"after {max(ended)[1]}" if ended else "start-up"
        peaks[stage] = max(peaks.get(stage, 0.0), mb)
    return peaks


def run_plain(argv: list[str]) -> float:
    exe = shutil.which("ambassadors") or str(Path(sys.executable).with_name("ambassadors"))
    start = time.perf_counter()
    subprocess.run([exe, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "MPLBACKEND": "Agg"})
    return time.perf_counter() - start


def _median_run(runs: list[dict]) -> dict:
    best = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
    best = dict(best)
    best["walls"] = [round(r["wall_s"], 2) for r in runs]
    best["pss_peak_mb"] = max(r["pss_peak_mb"] for r in runs)
    best["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
    return best


def load_rows(paths: list[Path]) -> list[dict]:
    """Rows of earlier result files, the latest per number of people, in size order."""
    rows: dict[int, dict] = {}
    for path in paths:
        for row in json.loads(path.read_text())["rows"]:
            rows[row["people"]] = row
    return [rows[n] for n in sorted(rows)]


def table(rows: list[dict]) -> str:
    head = (f"{'people':>8} {'pairs':>7} {'wall s':>7} {'cpu s':>7} {'peak GB':>8} {'rss GB':>7} "
            + " ".join(f"{s:>14}" for s in STAGES) + f" {'other':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        cells = []
        for s in STAGES:
            e = r["stages"].get(s)
            cells.append(f"{e['seconds']:6.2f} s x{e['cpu'] / max(e['seconds'], 1e-9):4.2f}" if e else "-")
        other = r["wall_s"] - sum(e["seconds"] for e in r["stages"].values())
        lines.append(f"{r['people']:>8,} {r['pairs'] / 1e6:6.1f}M {r['wall_s']:7.2f} {r['cpu_s']:7.2f} "
                     f"{r['pss_peak_mb'] / 1024:8.2f} {r['maxrss_mb'] / 1024:7.2f} "
                     + " ".join(f"{c:>14}" for c in cells) + f" {other:6.2f}")
    lines.append("(stage cells: seconds and cpu/wall; 'other' is start-up, imports and writing; "
                 "peak GB: summed PSS of the process and its workers; rss GB: ru_maxrss of the main process)")
    return "\n".join(lines)


def pieces_table(rows: list[dict]) -> str:
    lines = []
    for r in rows:
        if r.get("stage_peak_mb"):
            peaks = ", ".join(f"{k} {v / 1024:.2f}" for k, v in r["stage_peak_mb"].items())
            lines.append(f"{r['people']:,} people, peak GB while each stage ran: {peaks}")
        parts = ", ".join(f"{k} {v['seconds']:.2f} s cpu ({v['count']})"
                          for k, v in sorted(r["pieces"].items(), key=lambda kv: -kv[1]["seconds"]))
        lines.append(f"{r['people']:,} people, measure pieces (summed over workers): {parts}")
    return "\n".join(lines)


def markdown(rows: list[dict]) -> str:
    lines = ["| people | pairs | whole `ambassadors shortlist` | cpu seconds | peak memory | read | build "
             "| scores (cpu/wall) | select | load average |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        def cell(name: str, ratio: bool = False, st: dict = r["stages"]) -> str:
            e = st.get(name)
            if not e:
                return "-"
            return f"{e['seconds']:.1f} s" + (f" ({e['cpu'] / e['seconds']:.2f})" if ratio else "")

        size = f" (`--size {SIZE_OPTION[r['people']]}`)" if r["people"] in SIZE_OPTION else ""
        load = r.get("loadavg")
        lines.append(f"| {r['people']:,} | {r['pairs'] / 1e6:.1f}M | {r['wall_s']:.1f} s{size} | "
                     f"{r['cpu_s']:.0f} s | {r['pss_peak_mb'] / 1024:.2f} GB | {cell('read')} | "
                     f"{cell('build')} | {cell('scores', True)} | {cell('select')} | "
                     f"{f'{load[0]:.0f}' if load else '-'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,50k,100k,200k")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median reported)")
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=Path("/tmp/amb-scale-data"),
                        help="folder for the generated organisations (kept for later runs)")
    parser.add_argument("--plain", action="store_true", help="also time the bare entry point")
    parser.add_argument("--markdown", action="store_true", help="print the README table too")
    parser.add_argument("--tabulate", type=Path, nargs="+", metavar="JSON",
                        help="only print the tables of earlier result files (latest row per size)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.rest, args.report)
    if args.generate:
        generate(args.generate, args.data, args.departments, args.seed)
        return 0
    if args.tabulate:
        rows = load_rows(args.tabulate)
        print(table(rows))
        print(pieces_table(rows))
        print()
        print(markdown(rows))
        return 0
    sizes = [int(float(s.lower().replace("k", "e3"))) for s in args.sizes.split(",") if s.strip()]
    args.data.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    rows = []
    for n in sizes:
        folder, facts = organisation(n, args.data, args.departments, args.seed)
        argv_n = shortlist_args(folder, args.data / f"shortlist-{n}.csv", n)
        runs = [run_child(argv_n) for _ in range(args.repeat)]
        row = {**facts, **_median_run(runs), "loadavg": os.getloadavg()}
        if args.plain:
            walls = [run_plain(argv_n) for _ in range(args.repeat)]
            row["plain_walls"] = [round(w, 3) for w in walls]
            row["plain_median_s"] = statistics.median(walls)
        rows.append(row)
        print(f"{n:,} people: wall {row['wall_s']:.2f} s, peak {row['pss_peak_mb'] / 1024:.2f} GB, "
              f"load average {row['loadavg'][0]:.1f}"
              + (f", bare entry point median {row['plain_median_s']:.3f} s" if args.plain else ""),
              flush=True)
        # written after every size, so a long series leaves what it finished
        target.write_text(json.dumps({"rows": rows, "argv": sys.argv}, indent=2, default=str))
    print()
    print(table(rows))
    print(pieces_table(rows))
    if args.markdown:
        print()
        print(markdown(rows))
    print(f"\nwritten {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
