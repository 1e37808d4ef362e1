"""Plots: axes-level, deterministic, honest about what they leave out, readable at scale."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402

from ambassadors.errors import InputError  # noqa: E402
from ambassadors.graph import build_graph  # noqa: E402
from ambassadors.plot import (  # noqa: E402
    department_styles,
    influence_map_layout,
    plot_coverage,
    plot_department_matrix,
    plot_influence_map,
    plot_score_breakdown,
    save_figure,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _people(depts: dict[str, int], *, names: bool = False) -> pd.DataFrame:
    ids, dep = [], []
    for d, k in depts.items():
        ids += [f"{d}{i}" for i in range(k)]
        dep += [d] * k
    people = pd.DataFrame({"department": dep}, index=pd.Index(ids, name="person_id"))
    if names:
        people["name"] = [f"Name of {i}" for i in ids]
    return people


def _random_graph(depts: dict[str, int], m: int, seed: int, *, names: bool = False):
    people = _people(depts, names=names)
    rng = np.random.default_rng(seed)
    ids = people.index.to_numpy()
    s, t = rng.integers(0, len(ids), m), rng.integers(0, len(ids), m)
    keep = s != t
    log = pd.DataFrame({"source": ids[s[keep]], "target": ids[t[keep]],
                        "weight": rng.random(int(keep.sum())) + 0.01})
    return build_graph(people, log)


def _scatter_points(ax) -> np.ndarray:
    pts = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    return np.vstack([np.asarray(p) for p in pts]) if pts else np.zeros((0, 2))


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# -- influence map ------------------------------------------------------------------------
def test_map_draws_on_given_axes_without_global_side_effects():
    g = _random_graph({"A": 10, "B": 8, "C": 6}, 80, 1)
    before = dict(matplotlib.rcParams)
    fig, ax = plt.subplots()
    n_figs = len(plt.get_fignums())
    out = plot_influence_map(g, ["A0", "B0"], ax=ax)
    assert out is ax
    assert len(plt.get_fignums()) == n_figs  # no new figure
    assert dict(matplotlib.rcParams) == before
    assert out.get_title(loc="left") == "Influence map: 24 people in 3 departments, 2 ambassadors"


def test_map_is_deterministic_for_a_seed():
    g = _random_graph({"A": 12, "B": 9, "C": 7, "D": 5}, 120, 2)
    a = _scatter_points(plot_influence_map(g, ["A1"], seed=3))
    b = _scatter_points(plot_influence_map(g, ["A1"], seed=3))
    np.testing.assert_array_equal(a, b)


def test_map_labels_ambassadors_by_name_when_roster_has_names():
    g = _random_graph({"A": 6, "B": 6}, 40, 3, names=True)
    ax = plot_influence_map(g, ["A2", "B5"])
    texts = _texts(ax)
    assert "Name of A2" in texts and "Name of B5" in texts
    assert "Name of A3" not in texts
    # ids when there is no name column
    g2 = _random_graph({"A": 6, "B": 6}, 40, 3)
    assert "A2" in _texts(plot_influence_map(g2, ["A2"]))


def test_map_accepts_a_plan_like_object():
    g = _random_graph({"A": 6, "B": 6}, 40, 4)

    class PlanLike:
        members = pd.DataFrame({"department": ["A"]}, index=pd.Index(["A1"], name="person_id"))

    ax = plot_influence_map(g, PlanLike())
    assert "A1" in _texts(ax)
    assert ax.get_title(loc="left").endswith("1 ambassador")


def test_map_unknown_ambassador_is_named_in_error():
    g = _random_graph({"A": 6, "B": 6}, 40, 4)
    with pytest.raises(InputError, match="'nobody'"):
        plot_influence_map(g, ["A1", "nobody"])


def test_map_draws_only_the_strongest_ties_and_says_so():
    people = _people({"A": 5, "B": 5})
    log = pd.DataFrame({"source": ["A0", "A1", "A2", "B0", "B1"],
                        "target": ["A1", "A2", "B0", "B1", "B2"],
                        "weight": [5.0, 1.0, 9.0, 2.0, 3.0]})
    g = build_graph(people, log)
    ax = plot_influence_map(g, max_edges=2)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 1
    segs = lines[0].get_segments()
    assert len(segs) == 2
    pos = influence_map_layout(g, order_by=np.diff(g.neighbors_csr().indptr).astype(float))
    code = {pid: i for i, pid in enumerate(g.ids)}
    drawn = {frozenset(map(tuple, np.round(s, 9))) for s in segs}
    for a, b in [("A2", "B0"), ("A0", "A1")]:  # weights 9 and 5: the two strongest
        assert frozenset([tuple(np.round(pos[code[a]], 9)), tuple(np.round(pos[code[b]], 9))]) in drawn
    assert any("strongest 2 of 5 ties drawn" in t for t in _texts(ax))


def test_map_samples_large_graphs_keeps_ambassadors_and_says_so():
    g = _random_graph({"A": 300, "B": 200, "C": 100}, 3000, 5)
    amb = ["A299", "B7", "C42"]
    ax = plot_influence_map(g, amb, max_people=150, labels="none")
    assert any("showing 150 of 600 people" in t for t in _texts(ax))
    pos = influence_map_layout(g, shown=np.isin(g.ids, amb) | True)  # full layout, for shape only
    assert pos.shape == (600, 2)
    # the ambassador ring collection has exactly the ambassadors
    rings = [c for c in ax.collections if isinstance(c, PathCollection)
             and np.asarray(c.get_linewidths()).max() >= 1.5]
    assert len(rings) == 1 and len(rings[0].get_offsets()) == 3
    # people dots (not rings) drawn: the sample only
    dots = sum(len(c.get_offsets()) for c in ax.collections
               if isinstance(c, PathCollection) and c is not rings[0])
    assert dots == 150


def test_map_size_by_score_column_and_continuous_colour():
    g = _random_graph({"A": 8, "B": 8}, 60, 6)
    scores = pd.DataFrame({"pagerank": np.linspace(0.01, 1, 16), "betweenness": np.arange(16.0)},
                          index=g.ids)
    ax = plot_influence_map(g, scores=scores, color_by="betweenness")
    assert any("dot size: pagerank" in t for t in _texts(ax))
    with pytest.raises(InputError, match="color_by"):
        plot_influence_map(g, scores=scores, color_by="nope")
    # without scores, degree
    assert any("dot size: number of ties" in t for t in _texts(plot_influence_map(g)))


@settings(deadline=None, max_examples=15)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=7),
    seed=st.integers(0, 3),
)
def test_layout_groups_people_around_their_own_department(sizes, seed):
    depts = {f"D{k}": s for k, s in enumerate(sizes)}
    g = _random_graph(depts, 3 * sum(sizes), seed)
    pos = influence_map_layout(g, seed=seed)
    assert np.isfinite(pos).all()
    codes = g.department_codes
    dist = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=2)
    same = codes[:, None] == codes[None, :]
    np.fill_diagonal(dist, np.inf)
    # nobody sits on anybody else
    assert dist.min() >= 0.99
    # clusters are visibly apart: people of different departments are farther from each other
    # than anyone is from their nearest colleague in the same department
    if len(sizes) > 1:
        nearest_same = np.where(same, dist, np.inf).min(axis=1)
        nearest_same = nearest_same[np.isfinite(nearest_same)]
        if nearest_same.size:
            assert np.where(same, np.inf, dist).min() > nearest_same.max()


# -- department matrix ---------------------------------------------------------------------
def _blocks_graph():
    # A-B work together, C-D work together, E is tiny (3 people)
    people = _people({"A": 6, "B": 6, "C": 6, "D": 6, "E": 3})
    pairs = [("A", "B")] * 20 + [("C", "D")] * 20 + [("A", "C")] * 1 + [("E", "A")] * 4
    pairs += [(d, d) for d in "ABCD" for _ in range(10)]
    rng = np.random.default_rng(0)
    src = [f"{a}{rng.integers(0, 3 if a == 'E' else 6)}" for a, _ in pairs]
    dst = [f"{b}{rng.integers(0, 3 if b == 'E' else 6)}" for _, b in pairs]
    log = pd.DataFrame({"source": src, "target": dst})
    return build_graph(people, log[log.source != log.target])


def test_department_matrix_orders_similar_departments_together_and_masks_small():
    ax = plot_department_matrix(_blocks_graph(), min_group_size=5)
    order = [t.get_text() for t in ax.get_xticklabels()]
    assert sorted(order) == list("ABCDE")
    assert abs(order.index("A") - order.index("B")) == 1
    assert abs(order.index("C") - order.index("D")) == 1
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert ylabels[-1] == "E (< 5)"  # masked departments go last
    assert "< 5" in _texts(ax)
    image = ax.images[0].get_array()
    e = order.index("E")
    assert image.mask[e].all() and image.mask[:, e].all()
    # row shares of the unmasked rows add up to at most 1 (the rest goes to the masked one)
    rows = np.ma.filled(image, 0.0).sum(axis=1)
    assert np.all(rows[[i for i in range(5) if i != e]] <= 1 + 1e-9)


def test_department_matrix_min_group_size_zero_shows_everything():
    ax = plot_department_matrix(_blocks_graph(), min_group_size=0, normalize="row")
    image = ax.images[0].get_array()
    assert not np.ma.getmaskarray(image).any()
    np.testing.assert_allclose(np.asarray(image).sum(axis=1), 1.0)
    with pytest.raises(InputError, match="normalize"):
        plot_department_matrix(_blocks_graph(), normalize="col")


# -- coverage ------------------------------------------------------------------------------
def test_coverage_bars_match_the_plan_and_mask_small_departments():
    cov = pd.DataFrame(
        {"size": [40, 10, 3], "eligible": [30, 8, 3], "ambassadors": [2, 1, 1],
         "reached": [30, 10, 3], "share_reached": [0.75, 1.0, 1.0]},
        index=pd.Index(["Sales", "IT", "Board"], name="department"),
    )

    class PlanLike:
        coverage = cov

    ax = plot_coverage(PlanLike(), min_group_size=5, sort="name")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Board", "IT", "Sales"]
    widths = [p.get_width() for p in ax.patches]
    # three size bars, then three reached bars; Board (3 people) shows nothing
    assert widths == [0.0, 10.0, 40.0, 0.0, 10.0, 30.0]
    texts = _texts(ax)
    assert "< 5 people" in texts
    assert "30 / 40 (75%) · 2 ambassadors" in texts
    assert not any("3 / 3" in t for t in texts)


def test_coverage_default_sort_puts_lowest_share_first():
    cov = pd.DataFrame({"size": [10, 10], "reached": [9, 2]}, index=["X", "Y"])
    ax = plot_coverage(cov)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Y", "X"]
    with pytest.raises(InputError, match="'reached'"):
        plot_coverage(cov.drop(columns="reached"))


# -- score breakdown -----------------------------------------------------------------------
def test_score_breakdown_stacks_contributions_in_rank_order():
    r = pd.DataFrame(
        {"rank": [2, 1, 3], "score": [0.7, 0.9, 0.2],
         "contrib_influence": [0.4, 0.6, 0.1], "contrib_enthusiasm": [0.3, 0.3, 0.1]},
        index=pd.Index(["b", "a", "c"], name="person_id"),
    )
    ax = plot_score_breakdown(r, top=2)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    bars = ax.patches
    # first component for a, b; then second component stacked on top of the first
    assert [round(p.get_width(), 9) for p in bars] == [0.6, 0.4, 0.3, 0.3]
    assert [round(p.get_x(), 9) for p in bars] == [0.0, 0.0, 0.6, 0.4]
    with pytest.raises(InputError, match="contrib_"):
        plot_score_breakdown(r.drop(columns=["contrib_influence", "contrib_enthusiasm"]))


def test_score_breakdown_uses_names():
    r = pd.DataFrame({"rank": [1], "contrib_x": [1.0]}, index=["p1"])
    people = pd.DataFrame({"department": ["A"], "name": ["Ada"]}, index=["p1"])
    ax = plot_score_breakdown(r, people=people)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ada (p1)"]


# -- palette and saving --------------------------------------------------------------------
@settings(deadline=None, max_examples=20)
@given(st.integers(1, 72))
def test_department_styles_are_distinct_up_to_72(n):
    styles = department_styles([f"dept {i}" for i in range(n)])
    assert len(styles) == n
    assert not styles[["color", "marker"]].duplicated().any()


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_save_figure_formats(tmp_path, suffix, magic):
    g = _random_graph({"A": 5, "B": 5}, 30, 7)
    ax = plot_influence_map(g)
    out = save_figure(ax.figure, tmp_path / f"map{suffix}")
    assert out.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"map{suffix}"]  # no temp files left


def test_save_figure_rejects_unknown_format(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(InputError, match="png"):
        save_figure(fig, tmp_path / "map.gif")


def test_map_png_is_slide_sized(tmp_path):
    g = _random_graph({"A": 30, "B": 20, "C": 10}, 300, 8)
    out = save_figure(plot_influence_map(g, ["A0"]).figure, tmp_path / "m.png")
    image = plt.imread(out)
    h, w = image.shape[:2]
    assert (w, h) == (2000, 1125)


def test_map_pools_small_departments_so_they_cannot_be_identified():
    g = _random_graph({"Big": 12, "Mid": 6, "Tiny": 3}, 80, 9)
    ax = plot_influence_map(g, min_group_size=5)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Big (12)" in labels and any(t.startswith("other small groups") for t in labels)
    # the small department is named nowhere, and its people share the pooled colour
    assert not any("Tiny" in t for t in labels + _texts(ax))
    people = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    colours = {tuple(np.round(c, 6)) for c in people.get_facecolors()}
    assert len(colours) == 3  # Big, Mid, pooled -- not one per department
    # its dots sit in one pooled cluster, labelled as such
    assert "other small groups" in _texts(ax)
    # 0 shows every department on its own
    shown = plot_influence_map(g, min_group_size=0)
    assert "Tiny (3)" in [t.get_text() for t in shown.get_legend().get_texts()]
    assert "Tiny" in _texts(shown)


def test_map_names_numeric_departments_as_departments():
    g = _random_graph({"1": 5, "2": 5}, 30, 10)
    texts = _texts(plot_influence_map(g, labels="all"))
    assert "department 1" in texts and "department 2" in texts


def _text_boxes(ax):
    ax.figure.canvas.draw()
    frame = ax.get_window_extent()
    boxes = [t.get_window_extent() for t in ax.texts if t.get_transform() is ax.transData]
    return frame, boxes


@pytest.mark.parametrize("n_departments", [6, 42])
def test_map_labels_stay_inside_the_axes_and_never_overlap(n_departments):
    """Long GUID department names (Viva exports) and many departments: every label on the map
    is inside the axes and no two labels overlap."""
    import uuid

    rng = np.random.default_rng(n_departments)
    names = [str(uuid.UUID(int=int(rng.integers(0, 2**62)))) for _ in range(n_departments)]
    depts = {name: int(rng.integers(5, 40)) for name in names}
    people = _people(depts)
    people.index = [f"p{i}" for i in range(len(people))]
    ids = people.index.to_numpy()
    s, t = rng.integers(0, len(ids), 6 * len(ids)), rng.integers(0, len(ids), 6 * len(ids))
    g = build_graph(people, pd.DataFrame({"source": ids[s[s != t]], "target": ids[t[s != t]]}))
    amb = [people.index[people["department"] == d][0] for d in names[:15]]
    fig, ax = plt.subplots(figsize=(40 / 3, 7.5), layout="constrained")
    plot_influence_map(g, amb, ax=ax)
    frame, boxes = _text_boxes(ax)
    assert len(boxes) >= min(n_departments, 10)
    for b in boxes:
        assert frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 and frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 and a.y0 < b.y1 - 1 and b.y0 < a.y1 - 1)


def test_map_with_more_departments_than_colours_labels_clusters_and_groups_colours():
    depts = {f"Unit {k:02d}": 6 + k % 5 for k in range(42)}
    g = _random_graph(depts, 2000, 11)
    ax = plot_influence_map(g)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("other departments") for t in labels)
    assert len(labels) <= 12  # readable: the palette's colours and the shared grey
    people = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert len({tuple(np.round(c, 6)) for c in people.get_facecolors()}) <= 9
    named = {t for t in _texts(ax) if t.startswith("Unit ")}
    assert len(named) >= 30  # the clusters are named on the map itself


def test_map_text_is_readable_on_a_slide():
    g = _random_graph({"A": 30, "B": 20}, 300, 12)
    ax = plot_influence_map(g, ["A1"])
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 12
    footnote = [t for t in ax.texts if "dot size" in t.get_text()][0]
    assert footnote.get_fontsize() >= 11


def test_department_matrix_colour_bar_label_fits_beside_its_bar():
    """42 departments, collaboration mostly inside them (the diagonal saturates), the report's
    9 x 7.5 in canvas: the colour bar's label stays within the bar's height and the figure."""
    people = _people({f"Department with a long name {k}": 8 for k in range(42)})
    ids = people.index.to_numpy()
    rng = np.random.default_rng(13)
    codes = np.repeat(np.arange(42), 8)
    s = rng.integers(0, len(ids), 2000)
    inside = codes[s] * 8 + rng.integers(0, 8, 2000)
    t = np.where(rng.random(2000) < 0.9, inside, rng.integers(0, len(ids), 2000))
    g = build_graph(people, pd.DataFrame({"source": ids[s[s != t]], "target": ids[t[s != t]]}))
    fig, ax = plt.subplots(figsize=(9, 7.5), layout="constrained")
    plot_department_matrix(g, ax=ax)
    fig.canvas.draw()
    colorbar = [a for a in fig.axes if a is not ax][0]
    label, bar = colorbar.yaxis.label.get_window_extent(), colorbar.get_window_extent()
    assert bar.y0 - 1 <= label.y0 and label.y1 <= bar.y1 + 1
    assert fig.bbox.x0 <= label.x0 and label.x1 <= fig.bbox.x1
