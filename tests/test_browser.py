"""The HTML report in a real browser: headless Chromium driven by Playwright.

At 1280 and 1600 px nothing overflows the page horizontally, reasons wrap at a readable width,
every image decodes, no request
leaves the page and the console shows no error. One screenshot per run is kept as an artefact
outside the repository: in ``$AMBASSADORS_ARTIFACTS`` when set, else in pytest's temporary
folder (the path is printed).

Skipped only when neither CI is set nor Chromium is installed; in CI (``CI=true``) a missing
browser is a failure (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not IN_CI and CHROMIUM is None:
    pytest.skip("headless Chromium is not installed (apt-get install chromium); CI runs this test",
                allow_module_level=True)

WIDTHS = (1280, 1600)

# the widest element's right edge, images that did not decode, and the page's scroll width
_MEASURE = """async () => {
  const imgs = [...document.images];
  const broken = [];
  for (const img of imgs) {
    try { await img.decode(); } catch (e) { broken.push(img.alt); continue; }
    if (!img.complete || img.naturalWidth === 0) broken.push(img.alt);
  }
  let widest = 0, culprit = "";
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > widest) { widest = r.right; culprit = el.tagName + "." + el.className; }
  }
  const reasons = [...document.querySelectorAll("td.text")].map(td => td.getBoundingClientRect().width);
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          widest, culprit, images: imgs.length, broken,
          narrowest_reason: reasons.length ? Math.min(...reasons) : null};
}"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The demo's report, and a report of 42 departments with long GUID names (a Viva export)."""
    from ambassadors.cli import main
    from ambassadors.datasets import make_organization
    from ambassadors.pipeline import analyze
    from ambassadors.report import write_report

    base = tmp_path_factory.mktemp("browser")
    assert main(["demo", "--out-dir", str(base / "demo"), "-q", "--no-progress"]) == 0
    org_dir = base / "org42"
    make_organization(2000, 42, seed=1).write(org_dir)
    people = pd.read_csv(org_dir / "people.csv", dtype=str)
    guid = {d: str(uuid.uuid5(uuid.NAMESPACE_DNS, d)) for d in people["department"].unique()}
    people["department"] = people["department"].map(guid)
    people.to_csv(org_dir / "people.csv", index=False)
    a = analyze(org_dir / "people.csv", [org_dir / "emails.csv"], [org_dir / "survey.csv"], progress=False)
    out = write_report(base / "report42.html", graph=a.graph, plan=a.plan, ranking=a.ranking,
                       scores=a.scores, load_reports=a.load_reports)
    return {"demo": base / "demo" / "report.html", "guid42": out}


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail("CI=true but chromium is not installed: .ci/run installs it with apt-get")
    if IN_CI:  # in CI a missing driver is a failure, not a skip
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": WIDTHS[0], "height": 1000},
        )
        yield context
        context.close()


def _artefact_dir(tmp_path_factory) -> Path:
    where = os.environ.get("AMBASSADORS_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.getbasetemp() / "artefacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("which", ["demo", "guid42"])
def test_report_in_headless_chromium(which, reports, browser_context, tmp_path_factory):
    page = browser_context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # nothing may leave the page: anything but the file itself and inline data is refused
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    url = reports[which].resolve().as_uri()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(url, wait_until="load")
        m = page.evaluate(_MEASURE)
        assert m["images"] >= 3 and m["broken"] == [], m
        assert m["scroll"] <= m["inner"], f"{which} at {width}px: page scrolls sideways ({m})"
        assert m["widest"] <= m["inner"] + 0.5, f"{which} at {width}px: {m['culprit']} overflows ({m})"
        # reasons wrap at a readable width: never squeezed to a word per line
        assert m["narrowest_reason"] is not None and m["narrowest_reason"] >= 170, m
    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert outside == [] and problems == []
    if which == "demo":  # one screenshot per run, outside the repository
        shot = _artefact_dir(tmp_path_factory) / "report-1600.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        assert shot.stat().st_size > 10_000
    page.close()
