"""The HTML report: self-contained, escaped, small groups masked, every section present."""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ambassadors.errors import InputError  # noqa: E402
from ambassadors.graph import build_graph  # noqa: E402
from ambassadors.io.load_report import Loaded, LoadReport  # noqa: E402
from ambassadors.report import render_plan_html, render_report, write_report  # noqa: E402

EVIL_DEPT = "<script>alert('x')</script>"
EVIL_NAME = 'Ann & "Bob" <b>'


def _org(small_dept: str = "Board", evil: bool = True):
    depts = {"Sales": 12, "IT": 9, small_dept: 3}
    if evil:
        depts[EVIL_DEPT] = 6
    ids, dep = [], []
    for d, k in depts.items():
        tag = "X" if d == EVIL_DEPT else d[:2]
        ids += [f"{tag}{i}" for i in range(k)]
        dep += [d] * k
    people = pd.DataFrame({"department": dep}, index=pd.Index(ids, name="person_id"))
    people["name"] = [EVIL_NAME if i == "Sa0" else f"N {i}" for i in ids]
    rng = np.random.default_rng(0)
    s, t = rng.integers(0, len(ids), 200), rng.integers(0, len(ids), 200)
    keep = s != t
    log = pd.DataFrame({"source": np.array(ids)[s[keep]], "target": np.array(ids)[t[keep]]})
    graph = build_graph(people, log)
    amb = ["Sa0", "IT1", f"{small_dept[:2]}0"] + (["X0"] if evil else [])
    members = pd.DataFrame(
        {"department": people.loc[amb, "department"].to_numpy(), "rank": range(1, len(amb) + 1),
         "marginal_reach": [5, 4, 2, 3][: len(amb)],
         "reason": ["covers <Sales> & more", "covers IT", "covers the board", "covers X"][: len(amb)]},
        index=pd.Index(amb, name="person_id"),
    )
    sizes = graph.department_sizes
    coverage = pd.DataFrame({"size": sizes, "eligible": sizes, "ambassadors": 1,
                             "reached": sizes - 1, "share_reached": (sizes - 1) / sizes})
    coverage.index.name = "department"
    plan = SimpleNamespace(
        members=members, coverage=coverage, objective="reach", objective_value=42.0,
        method="exact", bound=42.0, gap=0.0, status="optimal",
        uncovered=pd.DataFrame(columns=["size"]), backups=pd.DataFrame(),
        reach_1=SimpleNamespace(count=20, share=0.6), reach_2=None,
        summary=lambda: "Plan: 4 ambassadors <covering> all",
        notes=["size raised to 4 to cover <every> department"],
    )
    ranking = pd.DataFrame(
        {"department": people["department"], "rank": np.arange(1, len(ids) + 1),
         "score": np.linspace(1, 0, len(ids)), "contrib_influence": np.linspace(0.5, 0, len(ids)),
         "contrib_enthusiasm": np.linspace(0.5, 0, len(ids)), "reason": "talks to <many>"},
        index=people.index,
    )
    ranking.attrs["weights"] = {"influence": 0.5, "enthusiasm": 0.5}
    return graph, plan, ranking


def _text_of_row(doc: str, first_cell: str) -> str:
    m = re.search(r"<tr><td>" + re.escape(first_cell) + r"</td>(.*?)</tr>", doc)
    assert m, f"row {first_cell!r} not found"
    return m.group(1)


def _doc_args():
    graph, plan, ranking = _org()
    report = LoadReport(source="people <hr>.csv", kind="people", rows_read=31, rows_used=30,
                        dropped={"duplicate_row": 1}, notes=["alias 'dept' used"])
    return dict(graph=graph, plan=plan, ranking=ranking, load_reports=[report], title="Q3 <ambassadors>")


@pytest.fixture(scope="module")
def doc() -> str:
    return render_report(**_doc_args())


def test_report_is_self_contained(doc):
    lowered = doc.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "http:" not in lowered and "https:" not in lowered
    assert "url(" not in lowered and "@import" not in lowered
    assert "<iframe" not in lowered
    # every image is inline, and is a real PNG
    sources = re.findall(r'src="([^"]*)"', doc)
    assert len(sources) == 4  # map, coverage, department matrix, score breakdown
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")


def test_report_escapes_every_data_value(doc):
    assert EVIL_DEPT not in doc
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in doc
    assert EVIL_NAME not in doc and "Ann &amp; &quot;Bob&quot; &lt;b&gt;" in doc
    assert "covers &lt;Sales&gt; &amp; more" in doc
    assert "<title>Q3 &lt;ambassadors&gt;</title>" in doc
    assert "people &lt;hr&gt;.csv" in doc


def test_report_masks_small_departments(doc):
    row = _text_of_row(doc, "Board")
    assert row.count("&lt; 5") == 5  # size, eligible, ambassadors, reached, share
    assert ">3<" not in row and ">2<" not in row
    assert ">12<" in _text_of_row(doc, "Sales")


def test_report_has_every_section(doc):
    for heading in ("Influence map", "Coverage by department", "Collaboration between departments",
                    "Shortlist (4 ambassadors)", "Ranking", "Data read", "Method"):
        assert f"<h2>{heading}</h2>" in doc
    for pid in ("Sa0", "IT1", "Bo0", "X0"):
        assert f"<td>{pid}</td>" in doc
    assert "duplicate_row" in doc and "alias &#x27;dept&#x27; used" in doc
    assert "<th>method</th><td>exact</td>" in doc
    assert "<th>optimality gap</th><td>0.00%</td>" in doc
    assert "share reached" in doc and "91.7%" in doc  # 11 of 12 in Sales
    assert "size raised to 4 to cover &lt;every&gt; department" in doc  # the plan's notes


def test_report_shows_all_with_min_group_size_one_accepts_loaded_and_says_when_no_bound():
    graph, plan, _ = _org(evil=False)
    plan.gap, plan.bound, plan.method, plan.status = None, None, "greedy+swap", "local_optimum"
    loaded = Loaded(graph.people, LoadReport(source="roster.xlsx", kind="people", rows_read=3, rows_used=3))
    doc = render_report(graph=graph, plan=plan, load_reports=[loaded], min_group_size=1)
    row = _text_of_row(doc, "Board")
    assert "&lt;" not in row and ">3<" in row
    assert "roster.xlsx" in doc
    assert "No optimality bound" in doc
    assert "<h2>Ranking</h2>" not in doc  # no ranking given


def test_write_report_is_deterministic_and_creates_folders(tmp_path, doc):
    out = write_report(tmp_path / "new" / "folder" / "r.html", **_doc_args())
    assert out.read_text(encoding="utf-8") == doc
    assert [p.name for p in out.parent.iterdir()] == ["r.html"]  # no temporary file left


def test_report_refuses_things_that_are_not_a_plan():
    graph, _, _ = _org()
    with pytest.raises(InputError, match="plan"):
        render_report(graph=graph, plan=["Sa0"])
    with pytest.raises(InputError, match="CollaborationGraph"):
        render_report(graph=None, plan=None)


def test_plan_html_escapes_masks_and_lists_uncovered():
    graph, plan, _ = _org()
    plan.uncovered = pd.DataFrame({"size": [2], "bridge": ["<Sa3>"]},
                                  index=pd.Index(["Tiny"], name="department"))
    out = render_plan_html(plan)
    assert out.startswith('<div class="ambassadors-plan">') and "<html" not in out
    assert "Plan: 4 ambassadors &lt;covering&gt; all" in out
    assert "without an eligible ambassador: Tiny" in out
    assert "&lt;Sa3&gt;" in out and "<Sa3>" not in out
    assert _text_of_row(out, "Board").count("&lt; 5") == 5
    assert _text_of_row(out, "Tiny").count("&lt; 5") == 1  # its size; the bridge is shown


@settings(deadline=None, max_examples=25)
@given(st.text(min_size=1, max_size=30))
def test_plan_html_never_lets_markup_through(text):
    members = pd.DataFrame({"department": [text], "reason": [text]}, index=pd.Index([text], name="person_id"))
    coverage = pd.DataFrame({"size": [10], "reached": [10]}, index=pd.Index([text], name="department"))
    out = render_plan_html(SimpleNamespace(members=members, coverage=coverage))
    # strip the markup we wrote ourselves: what is left must contain no tag opener
    stripped = re.sub(r"</?(div|h3|table|thead|tbody|tr|th|td)( class=\"[a-z-]+\")?>", "", out)
    assert "<" not in stripped and ">" not in stripped


def test_report_with_the_real_plan():
    select = pytest.importorskip("ambassadors.select")
    graph, _, _ = _org(evil=False)
    plan = select.propose_ambassadors(graph, size=4)
    doc = render_report(graph=graph, plan=plan)
    for pid in plan.members.index:
        assert f"<td>{pid}</td>" in doc
    assert "http" not in doc
    assert plan.to_html().startswith('<div class="ambassadors-plan">')


# -- issue 15: one tie count, sentences not reprs, reasons that wrap ----------------------------
def test_report_states_one_tie_count_with_its_definition(doc):
    graph, _, _ = _org()
    pairs = graph.neighbors_csr().nnz // 2  # pairs of people in contact, either direction
    assert pairs != graph.n_ties  # the sample has one-way ties: the two counts differ
    header = doc[doc.index('<p class="subtitle">'):].split("</p>")[0]
    assert f"{pairs:,} ties (a tie is a pair of people in contact, in either direction)" in header
    assert f"{graph.n_ties:,} when each direction counts separately" in doc


def test_method_section_is_sentences_and_small_tables_not_python_reprs():
    args = _doc_args()
    graph, plan, ranking = _org()
    graph = build_graph(graph.people, graph.edges()[["source", "target", "weight"]].assign(channel="email"),
                        channel_weights={"email": 1.0, "chat": 0.5}, window="3650D",
                        reference_time="2026-01-01")
    scores = pd.DataFrame({"department": graph.people["department"], "pagerank": 0.1}, index=graph.ids)
    scores.attrs["sampling"] = {
        "betweenness": {"exact": False, "sources": 64, "seed": 0, "relative_error": 0.05},
        "closeness": {"exact": True, "sources": 30, "seed": 0, "relative_error": 0.0},
    }
    ranking.attrs["influence_mix"] = {"pagerank_pct": 0.4, "betweenness_pct": 0.6}
    args.update(graph=graph, scores=scores, ranking=ranking)
    method = render_report(**args).split("<h2>Method</h2>")[1]
    assert "{" not in method and "&#x27;" not in method  # no dict or string reprs
    assert "influence (50 %), enthusiasm (50 %)" in method
    assert "pagerank (40 %), betweenness (60 %)" in method
    assert "betweenness is estimated from 64 sampled sources (seed 0, expected relative error 5.0%)" in method
    assert "email × 1, chat × 0.5" in method


def test_reasons_are_running_text_cells_and_tables_with_them_span_the_page(doc):
    shortlist = doc.split("<h2>Shortlist")[1].split("<h2>")[0]
    assert shortlist.count('<td class="text">') == 4  # one reason per ambassador
    assert '<table class="wide">' in shortlist
    assert "share reached" in doc and "share_reached" not in doc  # headers can wrap
