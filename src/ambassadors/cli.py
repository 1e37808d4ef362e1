"""The ``ambassadors`` command line: argument parsing and printing only.

Every decision lives in the library modules; this file turns options into keyword arguments,
prints load reports to stderr and writes the requested files. Heavy modules are imported inside
the commands so that ``ambassadors --help`` and ``--version`` answer at once.

Errors caused by the input or the request print ``error: <message>`` on one line to stderr and
exit with status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from ambassadors import __version__

EXIT_USAGE = 2

DESCRIPTION = (
    "Find enthusiastic, influential people in every department from an HR roster, "
    "communication metadata and enthusiasm signals."
)


# -- argument groups ------------------------------------------------------------------------
def _add_inputs(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inputs")
    g.add_argument("--people", required=True, metavar="FILE",
                   help="HR roster (CSV/TSV/XLSX/Parquet/JSON) with person_id and department")
    g.add_argument("--interactions", required=True, action="append", metavar="FILE", default=None,
                   help="communication metadata: edge list, events, mbox, .eml folder, Slack zip, "
                        "ICS, message trace ... (repeat for several sources)")
    g.add_argument("--signals", action="append", metavar="FILE", default=None,
                   help="enthusiasm signals: survey answers, activity counts, opt-ins (repeatable)")
    g.add_argument("--format", dest="interactions_format", metavar="NAME", default=None,
                   help="force the format of the --interactions files (default: detected)")
    g.add_argument("--engine", choices=("auto", "arrow", "duckdb", "spark"), default=None,
                   help="aggregate the --interactions (files, folders, globs, a Parquet lake) into "
                        "ties with this engine first (default: read them in memory)")
    g.add_argument("--spark-master", default="local[*]", metavar="URL",
                   help="Spark master for --engine spark (default: local[*])")
    g.add_argument("--memory-limit", metavar="SIZE", help="DuckDB memory limit, e.g. 2GB")
    g.add_argument("--engage", action="append", metavar="FILE", default=None,
                   help="Viva Engage / Yammer messages export: posts and replies per person "
                        "become enthusiasm signals (repeatable)")
    g.add_argument("--engage-group", metavar="NAME", default=None,
                   help="also count activity in this Engage group (e.g. social-media) as a signal")


def _add_graph(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("collaboration graph")
    g.add_argument("--window", metavar="DURATION", help="only the last DURATION of interactions, e.g. 90D")
    g.add_argument("--half-life", metavar="DURATION", help="exponential time decay, e.g. 30D")
    g.add_argument("--min-weight", type=float, default=0.0, metavar="W",
                   help="drop ties lighter than W (default 0: any interaction is a tie)")
    g.add_argument("--reciprocal-only", action="store_true",
                   help="keep a tie only when both people wrote to each other")
    g.add_argument("--channel-weights", metavar="SPEC",
                   help="per-channel multipliers, e.g. meeting=2,chat=0.5")


def _add_ranking(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ranking and eligibility")
    g.add_argument("--weights", metavar="SPEC",
                   help="component weights, e.g. influence=0.6,enthusiasm=0.4, or a preset name "
                        "('balanced', 'influence only', 'enthusiasm first')")
    g.add_argument("--exclude", metavar="FILE", action="append", default=None,
                   help="file of person_ids never to propose (one per line or a person_id column)")
    g.add_argument("--exclude-level", action="append", default=None, metavar="LEVEL",
                   help="exclude people of this level (e.g. 1 for executives); repeatable")
    g.add_argument("--min-tenure", type=float, metavar="YEARS", help="minimum tenure in years")
    g.add_argument("--min-enthusiasm", type=float, metavar="X",
                   help="enthusiasm threshold in [0, 1]: the scaled survey answer from which a person "
                        "is an enthusiast (default: the top two points of the scale); people with "
                        "a lower enthusiasm are not eligible")
    g.add_argument("--survey-column", action="append", default=None, metavar="NAME",
                   help="a column of the signals files that holds survey answers (repeatable)")
    g.add_argument("--missing", choices=("neutral", "exclude", "infer"), default="neutral",
                   help="unknown survey answers: neutral prior (default), exclude the person, "
                        "or infer from activity")
    g.add_argument("--drop-opted-out", action="store_true",
                   help="remove opted-out people from the graph entirely "
                        "(they are never proposed in any case)")


def _add_selection(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("selection")
    g.add_argument("--size", type=int, metavar="K",
                   help="number of ambassadors (default: one per department plus one per 500 people)")
    g.add_argument("--include", action="append", default=None, metavar="ID",
                   help="person_id that must be in the group; repeatable")
    g.add_argument("--min-per-department", type=int, default=1, metavar="K",
                   help="ambassadors each department needs at least (default 1; 0: no minimum)")
    g.add_argument("--hops", type=int, choices=(1, 2), default=1,
                   help="reach counts colleagues within this many steps (default 1)")
    g.add_argument("--method", choices=("auto", "greedy", "exact"), default="auto",
                   help="auto: exact MILP when small enough, else lazy greedy + swaps")
    g.add_argument("--objective", choices=("reach", "score", "spread"), default="reach",
                   help="reach: most colleagues within --hops (default); score: top composite "
                        "scores; spread: expected independent-cascade spread")
    g.add_argument("--reach-tolerance", type=float, default=0.0, metavar="T",
                   help="give up at most this share of the best reach for the most enthusiastic "
                        "group, e.g. 0.05 (default 0: maximum reach, score breaks ties)")
    g.add_argument("--pool", choices=("enthusiasts", "all"), default="enthusiasts",
                   help="enthusiasts: draw the group from people known to be enthusiastic when signals "
                        "are given (default); all: everyone eligible, reach first")
    g.add_argument("--max-contacts", type=int, metavar="N", default=None,
                   help="at most N colleagues per ambassador in the outreach plan")


def _add_privacy(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("privacy")
    g.add_argument("--pseudonymize", action="store_true",
                   help="replace ids with keyed pseudonyms (HMAC-SHA256) right after reading; "
                        "needs --key-file or AMBASSADORS_KEY")
    g.add_argument("--key-file", metavar="FILE", help="file holding the pseudonymisation key")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="seed for sampled steps (default 0)")
    p.add_argument("--samples", type=int, metavar="N", default=None,
                   help="sources sampled for betweenness/closeness on large graphs "
                        "(default: exact when small, 256-512 sources when large)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="do not print the load report and notes (written files are still named)")
    p.add_argument("--debug", dest="debug_sub", action="store_true", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ambassadors", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"ambassadors {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("shortlist", help="propose an ambassador group covering every department",
                       description="Read, build the graph, score, rank and propose a group of "
                                   "ambassadors covering every department; writes the shortlist.")
    for add in (_add_inputs, _add_graph, _add_ranking, _add_selection, _add_privacy):
        add(p)
    p.add_argument("--out", metavar="FILE",
                   help="write the shortlist (.csv, .xlsx or .md; default: print it)")
    p.add_argument("--no-backups", action="store_true", help="leave the backups out of the shortlist")
    p.add_argument("--outreach", metavar="FILE",
                   help="also write the outreach plan: each colleague, their ambassador, tie strength, hops")
    _add_common(p)
    p.set_defaults(func=cmd_shortlist)

    p = sub.add_parser("rank", help="write the full candidate ranking",
                       description="Score and rank everyone (no group selection).")
    for add in (_add_inputs, _add_graph, _add_ranking, _add_privacy):
        add(p)
    p.add_argument("--out", metavar="FILE", help="write the ranking (.csv, .xlsx or .md; default: print)")
    _add_common(p)
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("report", help="write the self-contained HTML report",
                       description="Run the analysis and write one self-contained HTML report.")
    for add in (_add_inputs, _add_graph, _add_ranking, _add_selection, _add_privacy):
        add(p)
    p.add_argument("--out", metavar="FILE", required=True, help="the HTML file to write")
    p.add_argument("--map", metavar="FILE", help="also write the influence map (.png, .svg or .pdf)")
    p.add_argument("--min-group-size", type=int, default=5,
                   help="show department figures below this size as '< N' (default 5)")
    _add_common(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="run everything on the bundled sample organisation",
                       description="Run everything on the bundled sample and write shortlist.csv, "
                                   "influence_map.png and report.html.")
    p.add_argument("--out-dir", default="ambassadors-demo", metavar="DIR",
                   help="where to write the files (default ./ambassadors-demo)")
    _add_common(p)
    p.set_defaults(func=cmd_demo)

    _add_monitor(sub)

    p = sub.add_parser("reidentify", help="restore real ids and names on a pseudonymised shortlist",
                       description="Map the pseudonyms of a shortlist back to the real roster.")
    p.add_argument("--shortlist", required=True, metavar="FILE")
    p.add_argument("--people", required=True, metavar="FILE", help="the real HR roster")
    p.add_argument("--key-file", metavar="FILE", help="the key used to pseudonymise")
    p.add_argument("--out", required=True, metavar="FILE")
    _add_common(p)
    p.set_defaults(func=cmd_reidentify)
    return parser


def _add_monitor(sub) -> None:
    p = sub.add_parser("monitor", help="monitor a programme period by period (trends, ambassadors, effects)",
                       description="Follow an ambassador programme over time: per-period trends, the "
                                   "ambassadors' status with replacements, and the effects of the launch; "
                                   "writes periods.csv, departments.csv, ambassadors.csv, effects.csv and "
                                   "monitor.html into --out-dir.")
    g = p.add_argument_group("inputs")
    g.add_argument("--people", required=True, metavar="FILE", help="HR roster")
    g.add_argument("--interactions", required=True, action="append", metavar="FILE",
                   help="communication metadata (repeat for several sources)")
    g.add_argument("--signals", action="append", metavar="FILE", default=None,
                   help="enthusiasm signals for the replacements' ranking (repeatable)")
    g.add_argument("--plan", required=True, metavar="SHORTLIST",
                   help="the shortlist CSV written by 'ambassadors shortlist' (role == ambassador)")
    g.add_argument("--launch", required=True, metavar="YYYY-MM-DD", help="the programme's launch day")
    g.add_argument("--period", choices=("month", "week", "quarter"), default="month",
                   help="length of a period (default month)")
    g.add_argument("--adoption", metavar="FILE",
                   help="the promoted behaviour: person_id (or e-mail) + timestamp per occurrence, "
                        "an Engage Messages.csv or a Slack export")
    g.add_argument("--adoption-group", metavar="NAME",
                   help="only this group / channel of the adoption file")
    g.add_argument("--current-people", metavar="FILE",
                   help="a later roster snapshot: ambassadors absent from it have left")
    _add_graph(p)
    p.add_argument("--lapse-periods", type=int, default=2, metavar="K",
                   help="an ambassador who sent nothing in the last K periods has lapsed (default 2)")
    p.add_argument("--min-group-size", type=int, default=5,
                   help="mask department figures with fewer active people (default 5)")
    p.add_argument("--out-dir", required=True, metavar="DIR", help="where to write the files")
    _add_common(p)
    p.set_defaults(func=cmd_monitor)


def cmd_monitor(args) -> int:
    from ambassadors.errors import InputError

    if args.window:
        raise InputError("--window does not apply to monitor: every period has its own graph")
    import_igraph_without_drawing()
    from ambassadors.monitor import monitor

    traj = monitor(
        args.people, list(args.interactions), args.plan, launch=args.launch, period=args.period,
        adoption=args.adoption, adoption_group=args.adoption_group, signals=args.signals,
        current_people=args.current_people, lapse_periods=args.lapse_periods,
        min_group_size=args.min_group_size, seed=args.seed, min_weight=args.min_weight,
        progress=False if (args.no_progress or args.quiet) else None,
        reciprocal_only=args.reciprocal_only, half_life=args.half_life,
        channel_weights=_parse_spec(args.channel_weights, "--channel-weights"),
    )
    paths = traj.write(args.out_dir)
    for warning in filter(None, (r.low_match_warning() for r in traj.load_reports)):
        _eprint(warning)
    if not args.quiet:
        for report in traj.load_reports:
            _eprint(str(report))
        _eprint(traj.summary())
    _say_written(args, paths)
    return 0


# -- helpers ---------------------------------------------------------------------------------
def _eprint(*args: Any) -> None:
    print(*args, file=sys.stderr)


def _parse_spec(text: str | None, option: str) -> dict[str, float] | None:
    if not text:
        return None
    from ambassadors.errors import InputError

    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(
                f"{option}: expected name=number pairs such as a=1,b=0.5, got {text!r}"
            ) from None
    return out


def _parse_weights(text: str | None):
    if not text:
        return None
    if "=" not in text:
        return text.strip()  # a preset name; rank_candidates validates it
    from ambassadors.ranking import parse_weights

    return parse_weights(text)


def _weights_note(text: str | None, used: dict[str, float] | None) -> str | None:
    """What ``--weights`` became, when the user did not spell every component out: the others
    get 0 and all are scaled to add up to 1 (``influence=0.6`` means 100 % influence)."""
    if not text or "=" not in text or not used:
        return None
    import re

    given = _parse_weights(text) or {}
    named = {part.partition("=")[0].strip().lower() for part in re.split(r"[,;]", text) if part.strip()}
    unnamed = [name for name in used if name not in named]
    if not unnamed and abs(sum(given.values()) - 1.0) < 1e-9:
        return None
    spelled = ", ".join(f"{name} {float(w):.0%}" for name, w in used.items())
    why = f"{' and '.join(unnamed)} not given, so 0; " if unnamed else ""
    return f"--weights {text}: {why}weights scaled to add up to 1: {spelled}"


def _key(args) -> bytes | None:
    if not getattr(args, "pseudonymize", False):
        if getattr(args, "key_file", None):
            _eprint("note: --key-file given without --pseudonymize; ids are not pseudonymised")
        return None
    from ambassadors.privacy import load_key

    return load_key(args.key_file)


def _inputs(args) -> list[str]:
    files = [args.people, *(args.interactions or []), *(args.signals or []),
             *(getattr(args, "engage", None) or []), *(getattr(args, "exclude", None) or [])]
    return [f for f in files if f]


def _check_outputs(args, *outs: str | None) -> None:
    from ambassadors.io.files import check_output_path  # no pandas yet: a refusal answers at once

    for out in outs:
        if out:
            check_output_path(out, _inputs(args))


def import_igraph_without_drawing() -> None:
    """Import igraph with matplotlib hidden, so that igraph's drawing layer stays unloaded
    (``bench/`` calls it too, so that its processes start like the command line).

    ``import igraph`` imports ``matplotlib.pyplot`` at once (python-igraph issue #762, open),
    about 0.6 s of the 2 s a 2,000-person shortlist takes. The command line never draws with
    igraph (our figures use matplotlib directly, which imports normally afterwards), so this
    process does not need it. Library users are unaffected: this runs only in the CLI.
    """
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # `import matplotlib` now fails
    try:
        importlib.import_module("igraph")
    except ImportError:
        pass  # the measures that need igraph report it themselves
    finally:
        del sys.modules["matplotlib"]


def _run(args, *, select: bool):
    import_igraph_without_drawing()
    from ambassadors.pipeline import analyze

    exclude: list[str] = []
    if getattr(args, "exclude", None):
        from ambassadors.ranking import read_id_list

        for path in args.exclude:
            exclude += list(read_id_list(path))
    graph_options: dict[str, Any] = {
        "window": args.window, "half_life": args.half_life, "min_weight": args.min_weight,
        "reciprocal_only": args.reciprocal_only,
        "channel_weights": _parse_spec(args.channel_weights, "--channel-weights"),
    }
    from ambassadors.io import read_people

    people = read_people(args.people)
    levels = [_level(v) for v in (args.exclude_level or [])]
    analysis = analyze(
        # read inside the call, so that no frame here keeps the interaction table alive
        people, _interaction_inputs(args, people, graph_options), _signal_inputs(args, people),
        size=getattr(args, "size", None), weights=_parse_weights(args.weights), exclude=exclude,
        exclude_levels=levels, min_tenure=args.min_tenure, min_enthusiasm=args.min_enthusiasm,
        include=getattr(args, "include", None) or (), hops=getattr(args, "hops", 1),
        min_per_department=getattr(args, "min_per_department", 1),
        method=getattr(args, "method", "auto"), objective=getattr(args, "objective", "reach"),
        reach_tolerance=getattr(args, "reach_tolerance", 0.0),
        pool=getattr(args, "pool", "enthusiasts"), max_contacts=getattr(args, "max_contacts", None),
        missing=args.missing, drop_opted_out=args.drop_opted_out, key=_key(args), graph_options=graph_options,
        select=select, samples=args.samples, seed=args.seed,
        progress=False if (args.no_progress or args.quiet) else None, keep_interactions=False,
    )
    for warning in filter(None, (r.low_match_warning() for r in analysis.load_reports)):
        _eprint(warning)  # first, and even with --quiet: the rest rests on it
    if not args.quiet:
        for report in analysis.load_reports:
            _eprint(str(report))
        _eprint(analysis.graph.summary())
        for note in analysis.ranking.attrs.get("notes", []):
            _eprint(f"note: {note}")
        weights_note = _weights_note(args.weights, analysis.ranking.attrs.get("weights"))
        if weights_note:
            _eprint(f"note: {weights_note}")
        if analysis.plan is not None:
            _eprint(analysis.plan.summary())
    return analysis


def _interaction_inputs(args, people, graph_options: dict[str, Any]) -> list[Any]:
    """The ``--interactions`` as paths, or read with ``--format``, or aggregated with ``--engine``
    (which takes the window, half-life and channel weights out of ``graph_options``)."""
    interactions: list[Any] = list(args.interactions)
    if args.interactions_format:
        from ambassadors.io import read_interactions

        return [read_interactions(p, people=people.table, format=args.interactions_format)
                for p in interactions]
    if args.engine:
        from ambassadors.aggregate import aggregate_interactions

        return [aggregate_interactions(
            interactions, people=people.table, engine=args.engine, memory_limit=args.memory_limit,
            spark_master=args.spark_master, **{k: graph_options.pop(k) for k in
                                               ("window", "half_life", "channel_weights")})]
    return interactions


def _signal_inputs(args, people) -> list[Any]:
    """The ``--signals`` (read here with ``--survey-column``) and the ``--engage`` activity."""
    signals: list[Any] = list(args.signals or [])
    if args.survey_column:
        from ambassadors.io.signals import read_signal_files

        signals = read_signal_files(signals, people=people.table, survey_columns=args.survey_column)
    if args.engage:
        from ambassadors.io.formats import read_engage_activity

        signals += [read_engage_activity(p, people=people.table, group=args.engage_group)
                    for p in args.engage]
    return signals


def _level(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value


def _write_table(table, out: str | None, *, sheet: str, explain=None) -> None:
    from ambassadors.io.writers import write_csv, write_markdown, write_xlsx

    if out is None:
        import pandas as pd

        with pd.option_context("display.max_rows", 200, "display.max_columns", 12, "display.width", 160):
            print(table.to_string())
        return
    suffix = Path(out).suffix.lower()
    if suffix == ".xlsx":
        sheets = {sheet: table}
        if explain is not None:
            sheets["columns"] = explain
        write_xlsx(out, sheets)
    elif suffix in (".md", ".markdown"):
        write_markdown(table, out)
    else:
        write_csv(table, out)


def _column_help(table):
    try:
        from ambassadors.ranking import column_descriptions
    except ImportError:
        return None
    return column_descriptions(table.columns)


# -- commands --------------------------------------------------------------------------------
def cmd_shortlist(args) -> int:
    _check_size(args.size)
    _check_outputs(args, args.out, args.outreach)
    analysis = _run(args, select=True)
    table = analysis.shortlist(backups=not args.no_backups)
    _write_table(table, args.out, sheet="shortlist", explain=_column_help(table))
    if args.outreach:  # select's hook: the outreach plan
        _write_table(analysis.plan.outreach, args.outreach, sheet="outreach")
        _say_written(args, [f"{args.outreach} (outreach plan, {len(analysis.plan.outreach)} colleagues)"])
    if args.out:
        _eprint(f"wrote {args.out} ({(table['role'] == 'ambassador').sum()} ambassadors)")
    return 0


def cmd_rank(args) -> int:
    _check_outputs(args, args.out)
    analysis = _run(args, select=False)
    table = analysis.ranking_table()
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix == ".xlsx":
        from ambassadors.ranking import ranking_to_xlsx

        ranking_to_xlsx(table, args.out)
    elif suffix in (".md", ".markdown"):
        from ambassadors.io.files import atomic_write_text
        from ambassadors.ranking import ranking_to_markdown

        atomic_write_text(args.out, ranking_to_markdown(table))
    else:
        _write_table(table, args.out, sheet="ranking")
    if args.out:
        _eprint(f"wrote {args.out} ({len(analysis.ranking)} people)")
    return 0


def cmd_report(args) -> int:
    _check_size(args.size)
    _check_outputs(args, args.out, args.map)
    analysis = _run(args, select=True)
    written = _write_report(analysis, Path(args.out), map_path=Path(args.map) if args.map else None,
                            min_group_size=args.min_group_size)
    _say_written(args, written)
    return 0


def _say_written(args, paths) -> None:
    """Name every file written, one line each, on stderr (also with --quiet, which silences
    the load report and the notes, not what was written where)."""
    for path in paths:
        _eprint(f"wrote {path}")


def _write_report(analysis, out: Path, *, map_path: Path | None, min_group_size: int = 5) -> list[Path]:
    from ambassadors.report import write_report

    written = [write_report(out, graph=analysis.graph, plan=analysis.plan, ranking=analysis.ranking,
                            scores=analysis.scores, load_reports=analysis.load_reports,
                            min_group_size=min_group_size)]
    if map_path is not None:
        from ambassadors.plot import plot_influence_map, save_figure, slide_figure

        fig, ax = slide_figure()
        plot_influence_map(analysis.graph, analysis.plan, scores=analysis.scores, ax=ax,
                           min_group_size=min_group_size)
        written.append(save_figure(fig, map_path))
    return written


def cmd_demo(args) -> int:
    import_igraph_without_drawing()
    from ambassadors.datasets import sample_paths
    from ambassadors.pipeline import analyze

    paths = sample_paths()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    analysis = analyze(
        paths["people"], [paths["emails"], paths["chat"]], [paths["survey"], paths["activity"]],
        samples=args.samples, seed=args.seed,
        progress=False if (args.no_progress or args.quiet) else None,
    )
    for warning in filter(None, (r.low_match_warning() for r in analysis.load_reports)):
        _eprint(warning)  # first, and even with --quiet: the rest rests on it
    if not args.quiet:
        for report in analysis.load_reports:
            _eprint(str(report))
        _eprint(analysis.graph.summary())
        _eprint(analysis.plan.summary())
    from ambassadors.io.writers import write_csv

    written = [write_csv(analysis.shortlist(), out_dir / "shortlist.csv")]
    written += _write_report(analysis, out_dir / "report.html", map_path=out_dir / "influence_map.png")
    written.append(_demo_monitor(analysis, paths, out_dir))
    _say_written(args, written)
    return 0


def _demo_monitor(analysis, paths, out_dir: Path) -> Path:
    """The sample's programme (launched with its planted connectors), week by week: monitor.html."""
    import json

    from ambassadors.io.files import atomic_write_text
    from ambassadors.monitor import monitor

    programme = json.loads(paths["truth"].read_text(encoding="utf-8"))["truth"]["programme"]
    traj = monitor(analysis.people, analysis.interactions, programme["ambassadors"],
                   launch=programme["launch"], period="week", adoption=paths["adoption"],
                   ranking=analysis.ranking)
    atomic_write_text(out_dir / "monitor.html", traj.to_html())
    return out_dir / "monitor.html"


def cmd_reidentify(args) -> int:
    from ambassadors.io import read_people, read_table
    from ambassadors.io.writers import check_output_path, write_csv
    from ambassadors.privacy import load_key, reidentify

    check_output_path(args.out, [args.shortlist, args.people])
    key = load_key(args.key_file)
    people = read_people(args.people).table
    shortlist = read_table(args.shortlist)
    if "person_id" in shortlist.columns:
        shortlist = shortlist.set_index("person_id")
    result = reidentify(shortlist, people, key=key)
    write_csv(result, args.out)
    _eprint(f"wrote {args.out} ({len(result)} people)")
    return 0


def _check_size(size: int | None) -> None:
    from ambassadors.errors import InputError

    if size is not None and size <= 0:
        raise InputError(f"--size must be a positive number of ambassadors, got {size}")


# -- entry point -----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    debug = (bool(getattr(args, "debug", False) or getattr(args, "debug_sub", False))
             or os.environ.get("AMBASSADORS_DEBUG") == "1")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        _eprint("error: interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): nothing to say, like other tools
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback unless asked
        if debug:
            raise
        from ambassadors.errors import AmbassadorsError

        if isinstance(exc, AmbassadorsError):
            _eprint(f"error: {in_cli_words(_one_line(str(exc)))}")
            return EXIT_USAGE
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            _eprint(f"error: {where}{exc.strerror or exc}")
            return EXIT_USAGE
        _eprint(f"error: internal error ({type(exc).__name__}: {_one_line(str(exc))}); "
                "rerun with --debug for a traceback and please report it")
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the final flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


#: Library parameter -> command-line option, for messages that name parameters.
CLI_OPTIONS = {
    "size": "--size", "min_per_department": "--min-per-department", "include": "--include",
    "exclude": "--exclude", "hops": "--hops", "method": "--method", "objective": "--objective",
    "reach_tolerance": "--reach-tolerance", "weights": "--weights", "min_tenure": "--min-tenure",
    "min_enthusiasm": "--min-enthusiasm", "exclude_levels": "--exclude-level", "window": "--window",
    "half_life": "--half-life", "min_weight": "--min-weight", "channel_weights": "--channel-weights",
    "reciprocal_only": "--reciprocal-only", "samples": "--samples", "min_group_size": "--min-group-size",
    "drop_opted_out": "--drop-opted-out", "missing": "--missing",
}


def in_cli_words(message: str) -> str:
    """A library message with its parameter names written as the command line's options:
    ``size=20 ... raise size ... lower min_per_department`` becomes
    ``--size 20 ... raise --size ... lower --min-per-department``.

    Names with an underscore are unambiguous and replaced everywhere; plain words (``size``,
    ``include``) only where they are clearly the parameter (``size=20``, ``raise size``).
    """
    import re

    def option(match: re.Match) -> str:
        return CLI_OPTIONS[match.group(0)]

    names = "|".join(sorted(CLI_OPTIONS, key=len, reverse=True))
    message = re.sub(rf"(?<![\w-])({names})=(?=\S)", lambda m: CLI_OPTIONS[m.group(1)] + " ", message)
    verbs = r"raise|lower|shorten|widen|pass|set|increase|reduce|but|the option"
    message = re.sub(rf"\b({verbs}) ({names})\b(?!-)",
                     lambda m: f"{m.group(1)} {CLI_OPTIONS[m.group(2)]}", message)
    message = re.sub(rf"^({names})(?=[ :])", option, message)  # "size must be ...", "include names ..."
    underscored = "|".join(n for n in CLI_OPTIONS if "_" in n)
    # channel_weights['email'] -> --channel-weights email
    message = re.sub(rf"(?<![\w-])({underscored})\[['\"]?([^\]'\"]*)['\"]?\]",
                     lambda m: f"{CLI_OPTIONS[m.group(1)]} {m.group(2)}", message)
    return re.sub(rf"(?<![\w-])({underscored})\b", option, message)


def run() -> None:
    """Console entry point: :func:`main`, then leave without the interpreter's teardown.

    Unloading pandas, scipy and igraph at exit takes about 0.1 s after every command (a
    twentieth of a 2,000-person shortlist) and serves no purpose here: every output file has
    been written, closed and renamed into place by then. So the standard streams are flushed
    and the process ends with ``os._exit``. An error under ``--debug`` still raises normally.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away (``| head``): nothing to say
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
