"""The command line: fast help, one-line errors, shortlists on the sample and on real data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ambassadors.cli import main

REPO = Path(__file__).resolve().parents[1]
KRACKHARDT = REPO / "data" / "real" / "krackhardt"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ambassadors.cli", *args], capture_output=True, text=True,
        cwd=cwd, env=environ, timeout=300,
    )


def test_help_and_version_do_not_import_the_heavy_stack():
    code = (
        "import sys, ambassadors.cli as c\n"
        "try:\n    c.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'scipy', 'matplotlib', 'igraph', 'networkx')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ambassadors" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


HEAVY = ('pandas', 'numpy', 'scipy', 'matplotlib', 'igraph', 'networkx', 'pyarrow')


def _heavy_after(code: str) -> list[str]:
    """The heavy libraries loaded in a fresh interpreter after ``code`` (last line printed)."""
    probe = f"{code}\nimport sys\nprint('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("HEAVY:"), out.stdout + out.stderr
    return [m for m in last.removeprefix("HEAVY:").split(",") if m]


def test_importing_the_package_and_the_cli_loads_nothing_heavy():
    assert _heavy_after("import ambassadors, ambassadors.cli, ambassadors.io, ambassadors.io.files") == []


def test_command_help_loads_nothing_heavy():
    code = ("import contextlib, io, ambassadors.cli as c\n"
            "for argv in (['--help'], ['shortlist', '--help'], ['monitor', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "        c.main(argv)\n")
    assert _heavy_after(code) == []


def test_an_output_over_an_input_is_refused_before_the_heavy_imports(tmp_path):
    """The output-path check needs no pandas: the refusal comes before anything is read."""
    people = tmp_path / "people.csv"
    people.write_text("person_id,department\na,x\n", encoding="utf-8")
    code = ("import ambassadors.cli as c\n"
            f"rc = c.main(['shortlist', '--people', {str(people)!r}, '--interactions', 'mail.csv', "
            f"'--out', {str(people)!r}])\n"
            "assert rc == 2, rc\n")
    assert _heavy_after(code) == []
    assert people.read_text(encoding="utf-8") == "person_id,department\na,x\n"


def test_shortlist_does_not_load_what_it_never_uses(tmp_path):
    """A shortlist does not load scipy's graph routines: only the spread objective needs
    ``connected_components``, and they pull scipy's linear algebra."""
    paths = _sample(tmp_path)
    out_csv = tmp_path / "shortlist.csv"
    unused = ("scipy.sparse.csgraph",)
    code = (
        "import sys, ambassadors.cli as c\n"
        f"rc = c.main(['shortlist', '--people', {str(paths['people'])!r}, '--interactions', "
        f"{str(paths['emails'])!r}, '--out', {str(out_csv)!r}, '-q'])\n"
        f"print('RC', rc, 'LOADED', [m for m in {unused!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "RC 0 LOADED []", out.stderr


def test_shortlist_does_not_load_matplotlib_but_still_uses_igraph(tmp_path):
    """igraph imports matplotlib.pyplot on import (0.6 s); the CLI hides it for that import."""
    paths = _sample(tmp_path)
    out_csv = tmp_path / "shortlist.csv"
    code = (
        "import sys, ambassadors.cli as c\n"
        f"rc = c.main(['shortlist', '--people', {str(paths['people'])!r}, '--interactions', "
        f"{str(paths['emails'])!r}, '--out', {str(out_csv)!r}, '-q'])\n"
        "print('RC', rc, 'MPL', 'matplotlib' in sys.modules, 'IGRAPH', 'igraph' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "RC 0 MPL False IGRAPH True", out.stderr
    table = pd.read_csv(out_csv)
    assert table["betweenness"].notna().all() and table["betweenness"].gt(0).any()


def test_console_entry_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """run() skips the interpreter's teardown (os._exit): printed tables and errors must still
    arrive whole, with the right exit status."""
    paths = _sample(tmp_path)
    out = run_cli("rank", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                  "--quiet")
    assert out.returncode == 0, out.stderr
    people = pd.read_csv(paths["people"], dtype=str)
    shown = [line.split()[0] for line in out.stdout.splitlines()[2:]]
    assert sorted(shown) == sorted(people["person_id"])  # every row, none cut off
    failed = run_cli("rank", "--people", str(tmp_path / "missing.csv"),
                     "--interactions", str(paths["emails"]))
    assert failed.returncode == 2 and failed.stderr.startswith("error: ") and "missing.csv" in failed.stderr


def test_help_lists_the_commands():
    out = run_cli("--help")
    assert out.returncode == 0
    for command in ("shortlist", "rank", "report", "demo", "reidentify"):
        assert command in out.stdout


def test_missing_file_is_one_line_error(tmp_path):
    out = run_cli("shortlist", "--people", str(tmp_path / "nope.csv"),
                  "--interactions", str(tmp_path / "x.csv"))
    assert out.returncode == 2
    assert out.stderr.startswith("error: ")
    assert "nope.csv" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def _sample(tmp_path: Path) -> dict[str, Path]:
    from ambassadors.datasets import sample_paths

    return sample_paths()


@pytest.mark.parametrize("size", ["0", "-3"])
def test_non_positive_size_is_refused(tmp_path, size):
    paths = _sample(tmp_path)
    out = run_cli("shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                  "--size", size)
    assert out.returncode == 2
    assert "--size" in out.stderr and "Traceback" not in out.stderr


def test_size_below_department_count_is_refused(tmp_path):
    paths = _sample(tmp_path)
    n_departments = pd.read_csv(paths["people"], dtype=str)["department"].nunique()
    out = run_cli("shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                  "--size", str(n_departments - 1))
    assert out.returncode == 2
    assert "department" in out.stderr.lower() and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 or lines[-1].startswith("error: ")


def test_shortlist_on_sample_covers_every_department(tmp_path):
    paths = _sample(tmp_path)
    out_csv = tmp_path / "shortlist.csv"
    out = run_cli(
        "shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
        "--interactions", str(paths["chat"]), "--signals", str(paths["survey"]),
        "--signals", str(paths["activity"]), "--out", str(out_csv),
    )
    assert out.returncode == 0, out.stderr
    assert "rows read" in out.stderr  # the load report
    table = pd.read_csv(out_csv, dtype={"person_id": str})
    for column in ("person_id", "department", "rank", "score", "reason", "pagerank"):
        assert column in table.columns
    ambassadors = table[table["role"] == "ambassador"]
    people = pd.read_csv(paths["people"], dtype=str)
    assert set(ambassadors["department"]) == set(people["department"])
    assert ambassadors["reason"].str.len().min() > 10
    assert ambassadors["person_id"].isin(people["person_id"]).all()


def test_output_equal_to_input_is_refused(tmp_path):
    paths = _sample(tmp_path)
    copy = tmp_path / "people.csv"
    copy.write_bytes(Path(paths["people"]).read_bytes())
    before = copy.read_bytes()
    out = run_cli("shortlist", "--people", str(copy), "--interactions", str(paths["emails"]),
                  "--out", str(copy))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert copy.read_bytes() == before


def _krackhardt_converted(tmp_path: Path) -> tuple[Path, Path]:
    """Convert Krackhardt's European CSVs to plain comma-separated files with our column names."""
    attrs = pd.read_csv(KRACKHARDT / "attributes.csv", sep=";", decimal=",", dtype={"ID": str, "DEPT": str})
    people = attrs.rename(columns={"ID": "person_id", "DEPT": "department", "LEVEL": "level",
                                   "AGE": "age", "TENURE": "tenure"})
    advice = pd.read_csv(KRACKHARDT / "advice.csv", sep=";", dtype={"ego": str, "alter": str})
    edges = advice[(advice["edge"] == 1) & (advice["ego"] != advice["alter"])]
    edges = edges.rename(columns={"ego": "source", "alter": "target"})[["source", "target"]]
    people_csv, edges_csv = tmp_path / "people.csv", tmp_path / "advice.csv"
    people.to_csv(people_csv, index=False)
    edges.to_csv(edges_csv, index=False)
    return people_csv, edges_csv


def test_shortlist_on_krackhardt_converted(tmp_path):
    people_csv, edges_csv = _krackhardt_converted(tmp_path)
    out_csv = tmp_path / "out.csv"
    out = run_cli("shortlist", "--people", str(people_csv), "--interactions", str(edges_csv),
                  "--size", "5", "--out", str(out_csv))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(out_csv, dtype={"person_id": str, "department": str})
    amb = table[table["role"] == "ambassador"]
    assert len(amb) == 5
    assert set(amb["department"]) == {"0", "1", "2", "3", "4"}
    assert "190" in out.stderr  # all 190 advice ties read


def test_shortlist_on_krackhardt_raw_european_files(tmp_path):
    """The shipped files as found: semicolons, CRLF, decimal commas, ID/DEPT headers, 0/1 edges."""
    out_csv = tmp_path / "out.csv"
    out = run_cli("shortlist", "--people", str(KRACKHARDT / "attributes.csv"),
                  "--interactions", str(KRACKHARDT / "advice.csv"), "--size", "5", "--out", str(out_csv))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(out_csv, dtype={"person_id": str, "department": str})
    assert set(table.loc[table["role"] == "ambassador", "department"]) == {"0", "1", "2", "3", "4"}


def test_rank_writes_everyone(tmp_path):
    people_csv, edges_csv = _krackhardt_converted(tmp_path)
    out_csv = tmp_path / "rank.csv"
    assert main(["rank", "--people", str(people_csv), "--interactions", str(edges_csv),
                 "--out", str(out_csv), "--quiet", "--no-progress"]) == 0
    table = pd.read_csv(out_csv, dtype={"person_id": str})
    assert len(table) == 21 and table["person_id"].is_unique


def test_shortlist_is_byte_identical_across_runs(tmp_path):
    paths = _sample(tmp_path)
    outputs = []
    for i in range(2):
        out_csv = tmp_path / f"s{i}.csv"
        assert main(["shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                     "--signals", str(paths["survey"]), "--out", str(out_csv), "--quiet",
                     "--no-progress"]) == 0
        outputs.append(out_csv.read_bytes())
    assert outputs[0] == outputs[1]


def test_pseudonymized_run_needs_a_key_and_hides_ids(tmp_path, monkeypatch):
    paths = _sample(tmp_path)
    monkeypatch.delenv("AMBASSADORS_KEY", raising=False)
    out = run_cli("shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                  "--pseudonymize", env={"AMBASSADORS_KEY": ""})
    assert out.returncode == 2 and "key" in out.stderr.lower() and "Traceback" not in out.stderr

    key = tmp_path / "key.txt"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    out_csv = tmp_path / "pseudo.csv"
    out = run_cli("shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                  "--signals", str(paths["survey"]), "--pseudonymize", "--key-file", str(key),
                  "--out", str(out_csv))
    assert out.returncode == 0, out.stderr
    pseudo = pd.read_csv(out_csv, dtype=str)
    people = pd.read_csv(paths["people"], dtype=str)
    assert not pseudo["person_id"].isin(people["person_id"]).any()
    text = out_csv.read_text()
    for real in people["email"].head(50):
        assert real not in text

    named_csv = tmp_path / "named.csv"
    out = run_cli("reidentify", "--shortlist", str(out_csv), "--people", str(paths["people"]),
                  "--key-file", str(key), "--out", str(named_csv))
    assert out.returncode == 0, out.stderr
    named = pd.read_csv(named_csv, dtype=str)
    assert named["person_id"].isin(people["person_id"]).all()
    assert len(named) == len(pseudo)


def test_demo_writes_the_three_files(tmp_path):
    out = run_cli("demo", "--out-dir", str(tmp_path / "demo"))
    assert out.returncode == 0, out.stderr
    for name in ("shortlist.csv", "influence_map.png", "report.html"):
        f = tmp_path / "demo" / name
        assert f.exists() and f.stat().st_size > 500, name
    assert (tmp_path / "demo" / "influence_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reach_tolerance_trades_reach_for_enthusiasm(tmp_path):
    """On the sample with the reach-first pool, giving up 5 % of reach brings in more planted
    enthusiastic connectors."""

    paths = _sample(tmp_path)
    from ambassadors.datasets import load_sample

    connectors = set(load_sample().truth["connectors"])
    chosen = {}
    for tol in ("0", "0.05"):
        out_csv = tmp_path / f"tol{tol}.csv"
        assert main(["shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
                     "--interactions", str(paths["chat"]), "--signals", str(paths["survey"]),
                     "--signals", str(paths["activity"]), "--reach-tolerance", tol, "--pool", "all",
                     "--out", str(out_csv), "--quiet", "--no-progress", "--no-backups"]) == 0
        table = pd.read_csv(out_csv, dtype={"person_id": str})
        chosen[tol] = set(table["person_id"]) & connectors
    assert len(chosen["0.05"]) > len(chosen["0"])


@pytest.mark.parametrize("suffix", [".xlsx", ".md"])
def test_rank_exports_xlsx_with_column_sheet_and_markdown(tmp_path, suffix):
    people_csv, edges_csv = _krackhardt_converted(tmp_path)
    out = tmp_path / f"ranking{suffix}"
    assert main(["rank", "--people", str(people_csv), "--interactions", str(edges_csv),
                 "--out", str(out), "--quiet"]) == 0
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(out)
        assert book.sheetnames[:2] == ["ranking", "columns"]
        assert book["ranking"].max_row == 22  # header + 21 managers
    else:
        text = out.read_text(encoding="utf-8")
        assert text.startswith("|") and "reason" in text


def test_every_influence_measure_is_a_column_of_the_cli_outputs(tmp_path):
    from ambassadors.pipeline import MEASURE_COLUMNS

    people_csv, edges_csv = _krackhardt_converted(tmp_path)
    for command in ("shortlist", "rank"):
        out = tmp_path / f"{command}.csv"
        args = [command, "--people", str(people_csv), "--interactions", str(edges_csv),
                "--out", str(out), "-q"]
        assert main(args + (["--size", "5"] if command == "shortlist" else [])) == 0
        table = pd.read_csv(out, dtype={"person_id": str})
        assert [c for c in MEASURE_COLUMNS if c not in table.columns] == [], command
        assert table.columns[-1] == "reason"


def test_exclude_and_include_use_real_ids_in_pseudonymised_runs(tmp_path):
    """Ids typed by the user are real ids: they must be mapped through the key like the tables."""
    paths = _sample(tmp_path)
    plain = tmp_path / "plain.csv"
    base = ["shortlist", "--people", str(paths["people"]), "--interactions", str(paths["emails"]),
            "--quiet", "--no-backups"]
    assert main(base + ["--out", str(plain)]) == 0
    chosen = pd.read_csv(plain, dtype={"person_id": str})["person_id"].tolist()
    people = pd.read_csv(paths["people"], dtype=str)
    outsider = sorted(set(people["person_id"]) - set(chosen))[0]
    (tmp_path / "exclude.txt").write_text(chosen[0] + "\n")
    key = tmp_path / "key.txt"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    pseudo, named = tmp_path / "pseudo.csv", tmp_path / "named.csv"
    assert main(base + ["--pseudonymize", "--key-file", str(key), "--exclude", str(tmp_path / "exclude.txt"),
                        "--include", outsider, "--out", str(pseudo)]) == 0
    assert main(["reidentify", "--shortlist", str(pseudo), "--people", str(paths["people"]),
                 "--key-file", str(key), "--out", str(named), "--quiet"]) == 0
    ids = set(pd.read_csv(named, dtype={"person_id": str})["person_id"])
    assert chosen[0] not in ids and outsider in ids


# -- issue 15: what a new user trips on ------------------------------------------------------
def _sample_args(paths) -> list[str]:
    return ["--people", str(paths["people"]), "--interactions", str(paths["emails"])]


def test_report_names_every_file_it_writes(tmp_path):
    paths = _sample(tmp_path)
    html, png = tmp_path / "r.html", tmp_path / "out" / "m.png"
    out = run_cli("report", *_sample_args(paths), "--out", str(html), "--map", str(png), "--no-progress")
    assert out.returncode == 0, out.stderr
    written = [line for line in out.stderr.splitlines() if line.startswith("wrote ")]
    assert written == [f"wrote {html}", f"wrote {png}"]
    quiet = run_cli("report", *_sample_args(paths), "--out", str(html), "--map", str(png), "-q")
    assert quiet.stderr.splitlines() == written  # --quiet drops the load report, not the file names
    assert html.exists() and png.read_bytes()[:4] == b"\x89PNG"


def test_demo_names_its_files_on_stderr_and_keeps_stdout_clean(tmp_path):
    out = run_cli("demo", "--out-dir", str(tmp_path / "d"), "--no-progress")
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    named = {line.removeprefix("wrote ") for line in out.stderr.splitlines() if line.startswith("wrote ")}
    files = ("shortlist.csv", "report.html", "influence_map.png", "monitor.html")
    assert named == {str(tmp_path / "d" / f) for f in files}
    assert all((tmp_path / "d" / f).exists() for f in files)


def test_partial_weights_say_what_the_others_became(tmp_path):
    paths = _sample(tmp_path)
    out = run_cli("shortlist", *_sample_args(paths), "--weights", "influence=0.6", "--no-backups",
                  "--out", str(tmp_path / "s.csv"))
    assert out.returncode == 0, out.stderr
    note = [line for line in out.stderr.splitlines() if line.startswith("note: --weights")]
    assert len(note) == 1
    assert "enthusiasm not given, so 0" in note[0] and "influence 100%, enthusiasm 0%" in note[0]
    # weights that already say everything get no note
    out = run_cli("shortlist", *_sample_args(paths), "--weights", "influence=0.6,enthusiasm=0.4",
                  "--no-backups", "--out", str(tmp_path / "t.csv"))
    assert out.returncode == 0 and "note: --weights" not in out.stderr


def test_errors_name_command_line_options_not_python_parameters(tmp_path):
    paths = _sample(tmp_path)
    n_departments = pd.read_csv(paths["people"], dtype=str)["department"].nunique()
    out = run_cli("shortlist", *_sample_args(paths), "--size", str(n_departments - 1))
    assert out.returncode == 2
    error = out.stderr.strip().splitlines()[-1]
    assert error.startswith("error: ") and "--size" in error and "--min-per-department" in error
    assert "min_per_department" not in error and "size=" not in error


def test_in_cli_words_leaves_ordinary_words_alone():
    from ambassadors.cli import in_cli_words

    assert in_cli_words("include names 3 people but size is 2: raise size or shorten include") == (
        "--include names 3 people but --size is 2: raise --size or shorten --include")
    assert in_cli_words("reach_tolerance must be below 1") == "--reach-tolerance must be below 1"
    assert in_cli_words("channel_weights['email'] must be >= 0") == "--channel-weights email must be >= 0"
    plain = "people.csv: the department size is unknown"
    assert in_cli_words(plain) == plain


def test_min_per_department_option_gives_every_department_that_many(tmp_path):
    paths = _sample(tmp_path)
    n_departments = pd.read_csv(paths["people"], dtype=str)["department"].nunique()
    out_csv = tmp_path / "s.csv"
    assert main(["shortlist", *_sample_args(paths), "--min-per-department", "2", "--size",
                 str(2 * n_departments), "--no-backups", "--out", str(out_csv), "-q"]) == 0
    table = pd.read_csv(out_csv, dtype=str)
    assert table.groupby("department").size().min() >= 2 and len(table) == 2 * n_departments


def test_closed_pipe_ends_quietly_with_status_zero(tmp_path):
    """``ambassadors rank ... | head -3``: more output than a pipe buffer holds, reader gone."""
    from ambassadors.datasets import make_organization

    make_organization(1500, 6, seed=3).write(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ambassadors.cli", "rank", "--people", str(tmp_path / "people.csv"),
         "--interactions", str(tmp_path / "emails.csv"), "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "MPLBACKEND": "Agg"},
    )
    head = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()  # what `head -3` does after three lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0, err
    assert all(head) and err == ""


def test_readme_command_lines_run_in_order(tmp_path):
    """The README's command-line block, line by line, in a copy of the sample: the whole
    pseudonymised round trip included (key made, shortlist pseudonymised, re-identified)."""
    import re
    import shutil

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line"):]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    commands = [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    work = tmp_path / "amb-sample"
    shutil.copytree(REPO / "data" / "samples", work)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "MPLBACKEND": "Agg", "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("AMBASSADORS_KEY", None)
    for command in commands:
        command = re.sub(r"^ambassadors ", f"{sys.executable} -m ambassadors.cli ", command)
        command = re.sub(r"^python3 ", f"{sys.executable} ", command)
        done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    named = pd.read_csv(work / "named.csv", dtype=str)
    pseudo = pd.read_csv(work / "pseudonymised.csv", dtype=str)
    people = pd.read_csv(work / "people.csv", dtype=str)
    assert not pseudo["person_id"].isin(people["person_id"]).any()
    assert named["person_id"].isin(people["person_id"]).all() and len(named) == len(pseudo)
    for f in ("shortlist.csv", "outreach.csv", "monitoring/effects.csv", "monitoring/monitor.html",
              "ranking.xlsx", "report.html", "map.png", "demo-output/report.html"):
        assert (work / f).exists(), f


def test_the_interaction_table_is_let_go_before_the_scores(monkeypatch, tmp_path):
    """``keep_interactions=False`` (what the CLI passes) frees the largest table of a run once
    the graph is built; everything the run produces is the same as when it is kept."""
    import gc
    import weakref

    import ambassadors.graph
    import ambassadors.metrics
    from ambassadors.pipeline import analyze

    paths = _sample(tmp_path)
    seen: dict[str, object] = {}
    build, score = ambassadors.graph.build_graph, ambassadors.metrics.influence_scores

    def watched_build(people, log, **kwargs):
        seen["log"] = weakref.ref(log)
        return build(people, log, **kwargs)

    def watched_scores(graph, **kwargs):
        gc.collect()
        seen["alive_at_scores"] = seen["log"]() is not None
        return score(graph, **kwargs)

    monkeypatch.setattr(ambassadors.graph, "build_graph", watched_build)
    monkeypatch.setattr(ambassadors.metrics, "influence_scores", watched_scores)
    inputs = (paths["people"], [paths["emails"], paths["chat"]], [paths["survey"], paths["activity"]])
    kept = analyze(*inputs, progress=False)
    assert seen["alive_at_scores"] is True and kept.interactions is not None
    lean = analyze(*inputs, progress=False, keep_interactions=False)
    assert seen["alive_at_scores"] is False and lean.interactions is None
    pd.testing.assert_frame_equal(lean.shortlist(), kept.shortlist())
    pd.testing.assert_frame_equal(lean.ranking_table(), kept.ranking_table())
    pd.testing.assert_frame_equal(lean.scores, kept.scores)
    assert lean.plan.outreach.equals(kept.plan.outreach)
