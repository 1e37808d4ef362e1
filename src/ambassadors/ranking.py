"""Ranking: one explainable list of ambassador candidates.

This stage combines the influence percentiles of :func:`ambassadors.metrics.influence_scores`
with the enthusiasm of :func:`ambassadors.enthusiasm.enthusiasm_scores` into one composite score,
applies the eligibility rules (opt-out, exclude list, levels, tenure, active, minimum enthusiasm)
and says in plain words why each person is where they are.

It hands a DataFrame indexed by ``person_id`` and sorted by rank to
:func:`ambassadors.select.propose_ambassadors` (which uses ``rank``, ``score``, ``eligible``) and
to the presentation layer (``reason``, ``contrib_*``). Nobody is silently lost: ineligible people
stay in the table, after the eligible ones, with ``rank`` missing and an ``ineligible_reason``.
Exports: :func:`ranking_to_csv`, :func:`ranking_to_xlsx`, :func:`ranking_to_markdown`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ambassadors._phrases import format_numbers, isin_ids, join_phrases
from ambassadors._validation import check_number, person_frame
from ambassadors.errors import InputError, describe_ids
from ambassadors.io.load_report import Loaded, as_frame
from ambassadors.io.signal_columns import parse_flag

__all__ = [
    "rank_candidates",
    "parse_weights",
    "resolve_weights",
    "read_id_list",
    "ranking_to_csv",
    "ranking_to_xlsx",
    "ranking_to_markdown",
    "describe_columns",
    "column_descriptions",
    "WEIGHT_PRESETS",
    "INFLUENCE_MIX",
    "RANKING_COLUMNS",
]

#: The components of the composite score.
COMPONENTS = ("influence", "enthusiasm")

#: Named weight sets; ``weights="enthusiasm first"`` picks one. Default: ``"balanced"``.
WEIGHT_PRESETS: dict[str, dict[str, float]] = {
    "balanced": {"influence": 0.5, "enthusiasm": 0.5},
    "influence only": {"influence": 1.0, "enthusiasm": 0.0},
    "enthusiasm first": {"influence": 0.3, "enthusiasm": 0.7},
}

#: Default mix of influence percentile columns (renormalised over the columns present).
INFLUENCE_MIX: dict[str, float] = {
    "pagerank_pct": 0.4,
    "reach_2_pct": 0.2,
    "participation_pct": 0.2,
    "betweenness_pct": 0.2,
}

#: Meaning of each ranking column (the "columns" sheet of the Excel export).
RANKING_COLUMNS: dict[str, str] = {
    "person_id": "Person id from the roster.",
    "department": "Department of the person.",
    "score": "Composite score in [0, 1]: the sum of the contrib_* columns. Higher is better.",
    "rank": "Overall rank among eligible people (1 = best); empty for ineligible people.",
    "department_rank": "Rank within the department among eligible people; empty if ineligible.",
    "influence": "Influence component in [0, 1]: weighted mean of network percentiles "
                 "(default 40 % PageRank, 20 % two-step reach, 20 % participation across "
                 "departments, 20 % betweenness).",
    "enthusiasm": "Enthusiasm component in [0, 1] from survey answers, activity counts and "
                  "opt-in; empty when unknown.",
    "contrib_influence": "Contribution of influence to the score (weight x influence).",
    "contrib_enthusiasm": "Contribution of enthusiasm to the score (weight x enthusiasm).",
    "eligible": "True when the person may be proposed as an ambassador.",
    "ineligible_reason": "Why the person may not be proposed (empty when eligible).",
    "reason": "The facts behind the score, in plain words.",
    "enthusiast": "Known to be enthusiastic: a survey answer in the top two points of its scale, an "
                  "opt-in, or (activity only) the top 20 % of activity; never when opted out.",
    "reluctant": "Answered the survey in the bottom half of its scale.",
    "enthusiasm_known": "True when at least one enthusiasm signal is known for the person.",
    "opted_out": "The person opted out: never proposed.",
    "enthusiasm_basis": "What decided 'enthusiast', e.g. survey 5 of 5, opted in, activity top 20 %, "
                        "unknown.",
}

_PCT_BUCKETS = np.array([1, 2, 5, 10, 20, 25, 50])
_ID_COLUMNS = ("person_id", "id", "employee_id")


# --------------------------------------------------------------------------- weights

def _preset_key(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", text.strip().lower()).split())


def parse_weights(text: str) -> dict[str, float]:
    """Parse weights written on a command line: ``"influence=0.6,enthusiasm=0.4"``.

    A preset name (``"balanced"``, ``"influence only"``, ``"enthusiasm first"``, also with ``-``
    or ``_``) is accepted too. Pairs are separated by ``,`` or ``;``; components not named get 0.
    The weights are returned as given (:func:`rank_candidates` scales them to sum to 1).

    Parameters
    ----------
    text : str
        The option text.

    Returns
    -------
    dict
        ``{"influence": float, "enthusiasm": float}``.

    Raises
    ------
    InputError
        Empty text, a pair without ``=``, an unknown component, a repeated component, a value
        that is not a number, a negative value, or all weights 0.

    Examples
    --------
    >>> parse_weights("influence=0.6, enthusiasm=0.4")
    {'influence': 0.6, 'enthusiasm': 0.4}
    >>> parse_weights("enthusiasm-first")
    {'influence': 0.3, 'enthusiasm': 0.7}
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"weights: expected text like 'influence=0.6,enthusiasm=0.4' or a preset "
                         f"({', '.join(map(repr, WEIGHT_PRESETS))}), got {text!r}")
    key = _preset_key(text)
    if key in WEIGHT_PRESETS:
        return dict(WEIGHT_PRESETS[key])
    out: dict[str, float] = {}
    for item in re.split(r"[,;]", text):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep:
            raise InputError(f"weights: {item.strip()!r} is not 'component=number' (in {text!r}); "
                             f"presets are {', '.join(map(repr, WEIGHT_PRESETS))}")
        if name not in COMPONENTS:
            raise InputError(f"weights: unknown component {name!r} in {text!r}; components are "
                             f"{', '.join(COMPONENTS)}")
        if name in out:
            raise InputError(f"weights: component {name!r} given twice in {text!r}")
        try:
            number = float(value.strip())
        except ValueError:
            raise InputError(f"weights: {value.strip()!r} for {name!r} is not a number") from None
        if not np.isfinite(number) or number < 0:
            raise InputError(f"weights: {name}={value.strip()} must be a number >= 0")
        out[name] = number
    if not out or sum(out.values()) <= 0:
        raise InputError(f"weights: at least one weight must be > 0 in {text!r}")
    return {c: out.get(c, 0.0) for c in COMPONENTS}


def resolve_weights(weights: Mapping[str, float] | str | None = None) -> dict[str, float]:
    """Return the composite weights, scaled to sum to 1, from a preset, text or a dict.

    Examples
    --------
    >>> resolve_weights(None)
    {'influence': 0.5, 'enthusiasm': 0.5}
    >>> resolve_weights({"influence": 3, "enthusiasm": 1})
    {'influence': 0.75, 'enthusiasm': 0.25}
    """
    if weights is None:
        raw = dict(WEIGHT_PRESETS["balanced"])
    elif isinstance(weights, str):
        raw = parse_weights(weights)
    elif isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in COMPONENTS]
        if unknown:
            raise InputError(f"weights: unknown component(s) {describe_ids(unknown)}; components "
                             f"are {', '.join(COMPONENTS)}")
        try:
            raw = {c: float(weights.get(c, 0.0)) for c in COMPONENTS}
        except (TypeError, ValueError):
            raise InputError(f"weights: values must be numbers, got {dict(weights)!r}") from None
        if any(not np.isfinite(v) or v < 0 for v in raw.values()) or sum(raw.values()) <= 0:
            raise InputError(f"weights: values must be >= 0 and not all 0, got {dict(weights)!r}")
    else:
        raise InputError(f"weights: expected a preset name, 'influence=..,enthusiasm=..' text or "
                         f"a dict, got {type(weights).__name__}")
    total = sum(raw.values())
    return {c: raw[c] / total for c in COMPONENTS}


# --------------------------------------------------------------------------- id lists

def read_id_list(path: str | os.PathLike[str]) -> list[str]:
    """Read person ids from a file: one id per line, or a CSV/TSV with a ``person_id`` column.

    Plain text: blank lines and lines starting with ``#`` are skipped, a first line
    ``person_id`` is taken as a header. ``.csv`` / ``.tsv`` files need a ``person_id`` column
    (``id`` or ``employee_id`` also accepted, any case). Ids stay strings (``007`` stays ``007``),
    are stripped, and are returned once each, in file order.

    Parameters
    ----------
    path : str or PathLike
        The file.

    Returns
    -------
    list of str

    Raises
    ------
    InputError
        The file does not exist or a CSV has no id column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "exclude.txt"
    >>> _ = f.write_text("# board\\n007\\n 042 \\n\\n007\\n")
    >>> read_id_list(f)
    ['007', '042']
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: id list not found")
    if p.suffix.lower() in {".csv", ".tsv"}:
        try:
            frame = pd.read_csv(p, sep="\t" if p.suffix.lower() == ".tsv" else ",", dtype=str,
                                keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(f"{p}: cannot read id list ({exc})") from None
        lookup = {str(c).strip().lower(): c for c in frame.columns}
        col = next((lookup[c] for c in _ID_COLUMNS if c in lookup), None)
        if col is None:
            raise InputError(f"{p}: column 'person_id' not found; columns are: "
                             f"{', '.join(map(str, frame.columns))}")
        ids = frame[col].astype(str).str.strip()
    else:
        try:
            lines = p.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"{p}: id list is not UTF-8 text") from None
        ids = pd.Series([line.strip() for line in lines], dtype=object)
        ids = ids[~ids.str.startswith("#")]
        nonblank = ids[ids != ""]
        if len(nonblank) and nonblank.iloc[0].lower() == "person_id":
            ids = nonblank.iloc[1:]
    ids = ids[ids != ""]
    return list(pd.unique(ids.to_numpy(dtype=object)))


def _exclude_ids(exclude: object) -> list[str]:
    if exclude is None:
        return []
    if isinstance(exclude, (str, os.PathLike)):
        if not Path(exclude).is_file():
            raise InputError(f"exclude: {str(exclude)!r} is not a file; give a path to an id list "
                             "or a list of ids (e.g. exclude=['007'])")
        return read_id_list(exclude)
    if isinstance(exclude, Iterable):
        return [str(i).strip() for i in exclude]
    raise InputError(f"exclude: expected ids or a path to an id list, got {type(exclude).__name__}")


# --------------------------------------------------------------------------- ranking

def _indexed(obj: pd.DataFrame | pd.Series | Loaded, what: str) -> pd.DataFrame:
    frame = as_frame(obj)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(what)
    frame = person_frame(frame, what)
    frame.attrs = {}                 # a copy: pandas would deep-copy attrs on every operation
    return frame


#: Boolean columns of the enthusiasm table carried into the ranking (False when absent).
POOL_FLAGS = ("enthusiast", "reluctant", "enthusiasm_known", "opted_out")


def _pool_columns(ent: pd.DataFrame) -> pd.DataFrame:
    """The enthusiast-pool columns of the ranking from the (reindexed) enthusiasm table.

    Explicit booleans: people absent from the enthusiasm table, or a table without the column
    (a bare enthusiasm Series carries no evidence), are False; the basis is then "unknown".
    """
    out = pd.DataFrame({c: _is_true(ent[c]) if c in ent.columns else np.zeros(len(ent), dtype=bool)
                        for c in POOL_FLAGS}, index=ent.index)
    basis = (ent["enthusiasm_basis"] if "enthusiasm_basis" in ent.columns
             else pd.Series(pd.NA, index=ent.index))
    out["enthusiasm_basis"] = basis.astype("string").fillna("unknown")
    return out


def _influence_component(infl: pd.DataFrame,
                         mix: Mapping[str, float] | None) -> tuple[pd.Series, dict[str, float]]:
    """Weighted mean of the percentile columns in [0, 1], and the weights used (summing to 1).

    The default mix falls back to every ``*_pct`` column present when none of its own columns
    is (e.g. ``influence_scores(measures=["degree"])``); a mix the user gave never falls back.
    """
    default = mix is None
    mix = dict(INFLUENCE_MIX if default else mix)
    if any(not np.isfinite(float(v)) or float(v) < 0 for v in mix.values()):
        raise InputError(f"influence_mix: weights must be >= 0, got {mix}")
    used = {c: float(v) for c, v in mix.items() if c in infl.columns and float(v) > 0}
    if not used and not default:
        missing = [c for c in mix if c not in infl.columns]
        if missing:
            raise InputError(f"influence: column(s) {describe_ids(missing)} not found; columns "
                             f"are: {', '.join(map(str, infl.columns))}")
        raise InputError(f"influence_mix: at least one weight must be > 0, got {mix}")
    if not used:
        pct = [c for c in infl.columns if str(c).endswith("_pct")]
        if not pct:
            raise InputError("influence: no percentile columns (<measure>_pct) found; columns are: "
                             f"{', '.join(map(str, infl.columns))}")
        used = {c: 1.0 for c in pct}
    values = infl[list(used)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    values = np.clip(values / 100.0, 0.0, 1.0)
    w = np.array(list(used.values()))
    known = ~np.isnan(values)
    wsum = (known * w).sum(axis=1)
    num = (np.nan_to_num(values) * w).sum(axis=1)
    comp = np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), np.nan)
    total = sum(used.values())
    return pd.Series(comp, index=infl.index), {c: v / total for c, v in used.items()}


def _is_true(values: pd.Series) -> np.ndarray:
    """True where a flag column is true; missing (after a reindex: NaN in object) is False."""
    return values.eq(True).to_numpy(dtype=bool, na_value=False)


def _top_phrase(pct: pd.Series, label: str, *, only_top: float | None = None) -> pd.Series:
    """'top 5 % PageRank' from a 0-100 percentile (rounded up to 1/2/5/10/20/25/50 %)."""
    pct = pd.to_numeric(pct, errors="coerce").astype("float64")
    top = 100.0 - pct
    idx = np.searchsorted(_PCT_BUCKETS, np.nan_to_num(top.to_numpy(), nan=101.0), side="left")
    in_top = (idx < len(_PCT_BUCKETS)) & pct.notna().to_numpy()
    bucket = pd.Series(_PCT_BUCKETS[np.minimum(idx, len(_PCT_BUCKETS) - 1)], index=pct.index)
    text = ("top " + bucket.astype("string") + f" % {label}").where(in_top)
    if only_top is not None:
        return text.where(top <= only_top)
    lower = (f"{label} percentile " + format_numbers(pct.round())).where(pct.notna() & ~in_top)
    return text.fillna(lower)


def _reasons(infl: pd.DataFrame, ent: pd.DataFrame, influence: pd.Series) -> pd.Series:
    parts: list[pd.Series] = []
    if "pagerank_pct" in infl.columns:
        parts.append(_top_phrase(infl["pagerank_pct"], "PageRank"))
    else:
        parts.append(("influence " + influence.round(2).astype("string")).where(influence.notna()))
    if "betweenness_pct" in infl.columns:
        parts.append(_top_phrase(infl["betweenness_pct"], "betweenness (bridges groups)",
                                 only_top=10))
    if "departments_reached_1" in infl.columns:
        d = pd.to_numeric(infl["departments_reached_1"], errors="coerce").astype("float64")
        noun = pd.Series(np.where(d == 1, " other department", " other departments"), index=d.index)
        parts.append(("reaches " + format_numbers(d) + noun).where(d > 0))
    if "survey_answer" in ent.columns:
        parts.append(("survey " + ent["survey_answer"].astype("string")))
    if "activity_detail" in ent.columns:
        parts.append(ent["activity_detail"].astype("string"))
    elif "activity_total" in ent.columns:
        t = pd.to_numeric(ent["activity_total"], errors="coerce").astype("float64")
        parts.append((format_numbers(t) + " activity items").where(t.notna()))
    if "opted_in" in ent.columns:
        parts.append(pd.Series(np.where(_is_true(ent["opted_in"]), "volunteered",
                                        ""), index=ent.index))
    if "enthusiasm_known" in ent.columns:
        unknown = ~_is_true(ent["enthusiasm_known"])
        parts.append(pd.Series(np.where(unknown, "no enthusiasm signals", ""), index=ent.index))
    return join_phrases(parts, "; ").fillna("")


def rank_candidates(
    influence: pd.DataFrame | Loaded,
    enthusiasm: pd.DataFrame | pd.Series | Loaded,
    *,
    people: pd.DataFrame | Loaded | None = None,
    weights: Mapping[str, float] | str | None = None,
    min_enthusiasm: float | None = None,
    exclude: Iterable[str] | str | os.PathLike[str] = (),
    exclude_levels: Iterable[object] = (),
    min_tenure: float | None = None,
    active_only: bool = True,
    reference_date: object = None,
    influence_mix: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    r"""Rank ambassador candidates by a composite of influence and enthusiasm, with reasons.

    .. math::

        s_i = w_I \, I_i + w_E \, E_i, \qquad
        I_i = \frac{\sum_m v_m \, p_{im} / 100}{\sum_m v_m}, \qquad w_I + w_E = 1

    where :math:`p_{im}` are the influence percentiles (``<measure>_pct``, 0-100) present in
    ``influence`` with mix weights :math:`v_m` (default :data:`INFLUENCE_MIX`: 0.4
    ``pagerank_pct``, 0.2 each ``reach_2_pct``, ``participation_pct``, ``betweenness_pct``;
    renormalised over the columns present and, per person, over the known values) and
    :math:`E_i` is the enthusiasm in [0, 1]. ``contrib_influence`` :math:`= w_I I_i` and
    ``contrib_enthusiasm`` :math:`= w_E E_i` sum to ``score``.

    Parameters
    ----------
    influence : DataFrame or Loaded
        Output of :func:`ambassadors.metrics.influence_scores`, indexed by ``person_id``; needs
        ``department`` (or ``people``) and at least one ``<measure>_pct`` column. Its rows are
        the candidates.
    enthusiasm : DataFrame, Series or Loaded
        Output of :func:`ambassadors.enthusiasm.enthusiasm_scores` (``enthusiasm``,
        ``opted_out``, ``opted_in``, ``survey_answer``, ... are used when present), or a Series
        of enthusiasm in [0, 1]. People missing from it have unknown enthusiasm.
    people : DataFrame or Loaded, optional
        Roster; needed for ``exclude_levels`` (column ``level``), ``min_tenure``
        (``hire_date``) and used for ``active_only`` (``active``) when present.
    weights : dict or str, optional
        ``{"influence": w_I, "enthusiasm": w_E}`` (scaled to sum 1; a missing key is 0), a
        preset name from :data:`WEIGHT_PRESETS` (``"balanced"`` = 0.5/0.5, the default;
        ``"influence only"`` = 1/0; ``"enthusiasm first"`` = 0.3/0.7) or text for
        :func:`parse_weights`.
    min_enthusiasm : float, optional
        People with enthusiasm below it are ineligible ("enthusiasm below 0.4"). The enthusiast
        *pool* (``enthusiast``) is decided by :func:`~ambassadors.enthusiasm.enthusiasm_scores`
        with its own ``min_enthusiasm=`` (the same number on the scaled survey answer; the
        pipeline passes one value to both).
    exclude : iterable of str, or path
        Ids never to propose, or a path to a file read by :func:`read_id_list`. Ids not among
        the candidates are not an error: they are listed in ``result.attrs["exclude_not_found"]``
        and counted in ``result.attrs["notes"]``.
    exclude_levels : iterable
        Values of ``people.level`` to exclude (e.g. ``["executive"]``; compared as text, any
        case; numbers compared as numbers).
    min_tenure : float, optional
        Minimum years since ``people.hire_date`` (365.25-day years) on ``reference_date``.
        Unknown hire dates do not exclude anyone; they are counted in
        ``attrs["tenure_unknown"]``.
    active_only : bool, default True
        Exclude people whose ``people.active`` is false. Ignored when there is no ``active``
        column (unknown counts as active).
    reference_date : date-like, optional
        The day tenure is measured on; default today.
    influence_mix : dict, optional
        ``{"<measure>_pct": weight}`` replacing :data:`INFLUENCE_MIX`.

    Returns
    -------
    DataFrame
        Indexed by ``person_id``, eligible people first by rank, then ineligible people by
        score (highest first; unknown scores last); ties broken by ``person_id`` (string order).
        Columns: ``department, score, rank, department_rank, influence, enthusiasm,
        contrib_influence, contrib_enthusiasm, eligible, ineligible_reason, reason`` and the
        enthusiast pool carried from the enthusiasm table: ``enthusiast``, ``reluctant``,
        ``enthusiasm_known``, ``opted_out`` (explicit booleans, False when the enthusiasm table
        lacks them, e.g. without signals) and ``enthusiasm_basis`` (``"unknown"`` then). ``rank``
        and ``department_rank`` are nullable integers, missing for ineligible people. ``score``
        is NaN when a weighted component is unknown. ``attrs`` holds ``weights``,
        ``influence_mix``, ``n_eligible``, ``exclude_not_found``, ``tenure_unknown``,
        ``reference_date`` and ``notes``.

    Raises
    ------
    InputError
        Bad weights, no percentile column, no department, a filter whose ``people`` column is
        missing, an unreadable exclude file, ``min_enthusiasm`` outside [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.Index(["ann", "bob", "cy"], name="person_id")
    >>> influence = pd.DataFrame({"department": ["A", "A", "B"],
    ...                           "pagerank_pct": [96.0, 50.0, 80.0],
    ...                           "departments_reached_1": [6, 1, 0]}, index=idx)
    >>> enthusiasm = pd.DataFrame({"enthusiasm": [1.0, 0.2, 0.9],
    ...                            "opted_out": [False, False, True],
    ...                            "survey_answer": ["5/5", "2/5", "5/5"]}, index=idx)
    >>> r = rank_candidates(influence, enthusiasm, min_enthusiasm=0.4)
    >>> r[["rank", "score", "eligible", "ineligible_reason"]]
    ... # doctest: +NORMALIZE_WHITESPACE
               rank  score  eligible  ineligible_reason
    person_id
    ann           1   0.98      True               <NA>
    cy         <NA>   0.85     False         opted out
    bob        <NA>   0.35     False  enthusiasm below 0.4
    >>> r.loc["ann", "reason"]
    'top 5 % PageRank; reaches 6 other departments; survey 5/5'

    Notes
    -----
    Cost: O(n log n) for the sort; everything else is vectorised O(n). Ineligible people are
    ranked after eligible ones with ``rank`` missing (not dropped) so that a table of 500
    candidates still accounts for all 500 people.

    References
    ----------
    Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual web search engine.
    Valente, T. W. & Pumpuang, P. (2007). Identifying opinion leaders to promote behavior change.
    Health Education & Behavior 34(6), 881-896.
    """
    w = resolve_weights(weights)
    if min_enthusiasm is not None:
        min_enthusiasm = float(check_number(min_enthusiasm, "min_enthusiasm", min_val=0, max_val=1))
    if min_tenure is not None:
        min_tenure = float(check_number(min_tenure, "min_tenure", min_val=0))
    infl, ent, pe, not_in_influence = _inputs(influence, enthusiasm, people)
    infl_comp, mix_used = _influence_component(infl, influence_mix)
    ent_val = _enthusiasm_values(ent)
    # a component with weight 0 contributes exactly 0, even when it is unknown
    zero = pd.Series(0.0, index=infl.index)
    contrib_i = w["influence"] * infl_comp if w["influence"] > 0 else zero
    contrib_e = w["enthusiasm"] * ent_val if w["enthusiasm"] > 0 else zero
    score = (contrib_i + contrib_e).clip(0.0, 1.0)

    rules = _Eligibility(infl.index)
    if "opted_out" in ent.columns:
        rules.add(_is_true(ent["opted_out"]), "opted out")
    excluded, not_found = rules.exclude(_exclude_ids(exclude))
    rules.levels(pe, list(exclude_levels or ()))
    tenure_unknown, ref = rules.tenure(pe, min_tenure, reference_date)
    if active_only and pe is not None and "active" in pe.columns:
        rules.add(parse_flag(pe["active"], "active", source="people") == 0.0, "inactive")
    rules.add(infl_comp.isna() & (w["influence"] > 0), "influence unknown")
    rules.add(ent_val.isna() & (w["enthusiasm"] > 0 or min_enthusiasm is not None), "enthusiasm unknown")
    if min_enthusiasm is not None:
        rules.add(ent_val < min_enthusiasm, f"enthusiasm below {min_enthusiasm:g}")

    ineligible_reason = rules.reasons()
    result = pd.DataFrame({
        "department": _department(infl, pe),
        "score": score,
        "rank": pd.Series(pd.NA, index=infl.index, dtype="Int64"),
        "department_rank": pd.Series(pd.NA, index=infl.index, dtype="Int64"),
        "influence": infl_comp,
        "enthusiasm": ent_val,
        "contrib_influence": contrib_i.astype("float64"),
        "contrib_enthusiasm": contrib_e.astype("float64"),
        "eligible": (ineligible_reason.isna() & score.notna()).astype(bool),
        "ineligible_reason": ineligible_reason.astype("string"),
        "reason": _reasons(infl, ent, infl_comp).astype("string"),
    }, index=infl.index).join(_pool_columns(ent))
    result = _ranked(result)
    result.attrs.update({
        "weights": w,
        "influence_mix": mix_used,
        "n_eligible": int(result["eligible"].sum()),
        "exclude_not_found": not_found,
        "excluded": excluded,
        "tenure_unknown": tenure_unknown,
        "reference_date": None if ref is None else ref.date().isoformat(),
        "notes": _notes(not_found, tenure_unknown, not_in_influence),
    })
    return result


def _inputs(influence: pd.DataFrame | Loaded, enthusiasm: pd.DataFrame | pd.Series | Loaded,
            people: pd.DataFrame | Loaded | None
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, int]:
    """The three tables indexed by the candidates' ids (the influence table's rows), and the
    number of enthusiasm rows of people who are not candidates."""
    infl = _indexed(influence, "influence")
    ent_in = _indexed(enthusiasm, "enthusiasm")
    if "enthusiasm" not in ent_in.columns:
        raise InputError("enthusiasm: column 'enthusiasm' not found; columns are: "
                         f"{', '.join(map(str, ent_in.columns))}")
    not_in_influence = int((~isin_ids(ent_in.index, infl.index)).sum())
    pe = _indexed(people, "people").reindex(infl.index) if people is not None else None
    return infl, ent_in.reindex(infl.index), pe, not_in_influence


def _department(infl: pd.DataFrame, pe: pd.DataFrame | None) -> pd.Series:
    if "department" in infl.columns:
        return infl["department"].astype("string")
    if pe is not None and "department" in pe.columns:
        return pe["department"].astype("string")
    raise InputError("influence: column 'department' not found (and no people table with one)")


def _enthusiasm_values(ent: pd.DataFrame) -> pd.Series:
    values = pd.to_numeric(ent["enthusiasm"], errors="coerce").astype("float64")
    outside = (values < 0) | (values > 1)
    if outside.any():
        raise InputError(f"enthusiasm: values outside [0, 1] for {describe_ids(values.index[outside])}")
    return values


class _Eligibility:
    """Collects (who, why) pairs; :meth:`reasons` joins each person's reasons with ``"; "``."""

    def __init__(self, ids: pd.Index) -> None:
        self.ids = ids
        self.labels: list[pd.Series] = []

    def add(self, mask: pd.Series | np.ndarray, label: pd.Series | str) -> None:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.ids)
        text = label if isinstance(label, pd.Series) else pd.Series(label, index=self.ids, dtype="string")
        self.labels.append(text.astype("string").where(mask))

    def reasons(self) -> pd.Series:
        return join_phrases(self.labels, "; ") if self.labels else pd.Series(
            pd.NA, index=self.ids, dtype="string")

    def exclude(self, excl: list[str]) -> tuple[int, list[str]]:
        """Exclude ``excl``; return how many of them are candidates and the ids that are not."""
        self.add(isin_ids(self.ids, excl), "excluded")
        not_found = [i for i, ok in zip(excl, isin_ids(excl, self.ids), strict=True) if not ok]
        return len(set(excl)) - len(set(not_found)), not_found

    def levels(self, pe: pd.DataFrame | None, levels: list[object]) -> None:
        if not levels:
            return
        if pe is None or "level" not in pe.columns:
            raise InputError("exclude_levels: needs a people table with a 'level' column")
        lev = pe["level"]
        if pd.api.types.is_numeric_dtype(lev.dtype):
            nums = pd.to_numeric(pd.Series([str(v) for v in levels]), errors="coerce").dropna()
            mask = lev.isin(nums.to_numpy())
            shown = format_numbers(lev.astype("float64"))
        else:
            wanted = {str(v).strip().casefold() for v in levels}
            shown = lev.astype("string").str.strip()
            mask = shown.str.casefold().isin(wanted).to_numpy(dtype=bool, na_value=False)
        self.add(mask, "level " + shown + " excluded")

    def tenure(self, pe: pd.DataFrame | None, min_tenure: float | None,
               reference_date: object) -> tuple[int, pd.Timestamp | None]:
        """Exclude tenure below ``min_tenure``; return the unknown hire dates and the day used."""
        if min_tenure is None:
            return 0, None
        if pe is None or "hire_date" not in pe.columns:
            raise InputError("min_tenure: needs a people table with a 'hire_date' column")
        hired = pd.to_datetime(pe["hire_date"], errors="coerce")
        if getattr(hired.dt, "tz", None) is not None:
            hired = hired.dt.tz_convert(None)
        ref = pd.Timestamp.today().normalize() if reference_date is None else pd.Timestamp(reference_date)
        if ref.tzinfo is not None:
            ref = ref.tz_convert(None)
        years = (ref - hired).dt.days / 365.25
        self.add((years < min_tenure).to_numpy(dtype=bool), f"tenure < {min_tenure:g} y")
        return int(years.isna().sum()), ref


def _ranked(result: pd.DataFrame) -> pd.DataFrame:
    """Eligible first, score high -> low (unknown last), ties by person_id; then number the
    eligible people overall and within their department."""
    s = result["score"].to_numpy()
    order = np.lexsort((result.index.to_numpy(dtype=str), np.where(np.isnan(s), np.inf, -s),
                        ~result["eligible"].to_numpy()))
    result = result.iloc[order]
    n = int(result["eligible"].sum())
    result.iloc[:n, result.columns.get_loc("rank")] = np.arange(1, n + 1)
    departments = result["department"].iloc[:n]
    within = departments.groupby(departments, sort=False, dropna=False).cumcount() + 1
    result.iloc[:n, result.columns.get_loc("department_rank")] = within.to_numpy()
    return result


def _notes(not_found: list[str], tenure_unknown: int, not_in_influence: int) -> list[str]:
    notes = []
    if not_found:
        notes.append(f"{len(not_found)} excluded id(s) not among the candidates: "
                     f"{describe_ids(not_found)}")
    if tenure_unknown:
        notes.append(f"{tenure_unknown} people without a hire date were not filtered on tenure")
    if not_in_influence:
        notes.append(f"{not_in_influence} people with enthusiasm scores are not in the influence "
                     "table and were left out")
    return notes


# --------------------------------------------------------------------------- exports

#: Meaning of columns that come from other stages (shortlists join them to the ranking).
OTHER_COLUMNS: dict[str, str] = {
    "name": "Name from the roster.",
    "email": "E-mail address from the roster.",
    "role": "ambassador (proposed) or backup (stand-in for the department).",
    "marginal_reach": "People newly reached when this person was added to the group.",
    "reach_1": "People directly in touch with this person.",
    "reach_2": "People within two steps of this person.",
    "pagerank": "PageRank: share of attention the person receives in the collaboration network.",
    "betweenness": "Betweenness: how often the person lies on shortest paths between others.",
    "participation": "Participation coefficient: how evenly ties spread over departments (0-1).",
    "departments_reached_1": "Departments reached through direct ties.",
    "constraint": "Burt's constraint: low values mean brokerage between otherwise separate groups.",
    "in_degree": "Colleagues who wrote to this person.",
    "out_degree": "Colleagues this person wrote to.",
    "degree": "Distinct colleagues in touch with this person, either direction.",
    "strength": "Total tie weight, either direction (1/recipients per message by default).",
    "eigenvector": "Eigenvector centrality: ties to well-connected colleagues (max 1).",
    "closeness": "Harmonic closeness: how few steps reach everyone else (0-1).",
    "coreness": "k-core number: depth in the densely connected core.",
    "effective_size": "Burt's effective size: non-redundant contacts.",
    "departments_reached_2": "Other departments with someone within two steps.",
    "survey_answer": "Survey answer(s) on their scale, e.g. 5/5.",
    "survey": "Survey component of enthusiasm in [0, 1] (empty when not answered).",
    "activity": "Activity component of enthusiasm in [0, 1] (log-scaled counts).",
    "activity_total": "Total activity count (posts, comments, reactions, ...).",
    "activity_detail": "Activity counts per kind, e.g. 40 posts, 3 comments.",
    "opted_in": "The person volunteered / opted in.",
}


def column_descriptions(columns: Iterable[object]) -> pd.DataFrame:
    """One row per column name: ``column``, ``meaning`` (empty when the column is not known).

    Used for the "columns" sheet of Excel exports (the ranking and the shortlist).

    Examples
    --------
    >>> column_descriptions(["rank", "contrib_influence"])["meaning"].str[:26].tolist()
    ['Overall rank among eligibl', 'Contribution of influence ']
    """
    rows = []
    for name in map(str, columns):
        meaning = RANKING_COLUMNS.get(name) or OTHER_COLUMNS.get(name)
        if meaning is None and name.endswith("_pct"):
            meaning = f"Percentile (0-100) of {name[:-4]} among everybody; higher = more influential."
        if meaning is None and name.startswith("contrib_"):
            meaning = f"Contribution of {name[8:]} to the score."
        rows.append({"column": name, "meaning": meaning or ""})
    return pd.DataFrame(rows, columns=["column", "meaning"])


def describe_columns(ranking: pd.DataFrame) -> pd.DataFrame:
    """The "columns" sheet of a ranking: its index and columns explained, then its weights.

    The weights and influence mix of the ranking (from ``ranking.attrs``) are appended as rows.
    """
    frame = column_descriptions([ranking.index.name or "person_id", *ranking.columns])
    rows = []
    weights = ranking.attrs.get("weights")
    if weights:
        rows.append({"column": "(weights)", "meaning": ", ".join(
            f"{k} {v:.2f}" for k, v in weights.items())})
    mix = ranking.attrs.get("influence_mix")
    if mix:
        rows.append({"column": "(influence mix)", "meaning": ", ".join(
            f"{k} {v:.2f}" for k, v in mix.items())})
    if rows:
        frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
    return frame


def ranking_to_csv(ranking: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the ranking to CSV (atomic, formula-safe; ``person_id`` as first column).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> r = pd.DataFrame({"department": ["A"], "score": [0.9]},
    ...                  index=pd.Index(["007"], name="person_id"))
    >>> out = ranking_to_csv(r, pathlib.Path(tempfile.mkdtemp()) / "ranking.csv")
    >>> out.read_text().splitlines()[1]
    '007,A,0.9'
    """
    from ambassadors.io.writers import write_csv

    return write_csv(ranking, path, index=True)


def ranking_to_xlsx(ranking: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the ranking to Excel: sheet "ranking" and sheet "columns" explaining each column."""
    from ambassadors.io.writers import write_xlsx

    return write_xlsx(path, {"ranking": ranking.reset_index(), "columns": describe_columns(ranking)})


def ranking_to_markdown(ranking: pd.DataFrame, top: int | None = None) -> str:
    """Return the ranking as a Markdown table (the first ``top`` rows; scores to 2 decimals).

    Columns: person_id, rank, department, score, influence, enthusiasm, reason, and
    ineligible_reason when a shown row is ineligible.
    """
    from ambassadors.io.writers import write_markdown

    if top is not None and (int(top) != top or top < 0):
        raise InputError(f"top: expected a whole number >= 0, got {top!r}")
    shown = ranking if top is None else ranking.head(int(top))
    cols = [c for c in ("rank", "department", "score", "influence", "enthusiasm", "reason")
            if c in shown.columns]
    if "ineligible_reason" in shown.columns and shown["ineligible_reason"].notna().any():
        cols.append("ineligible_reason")
    return write_markdown(shown[cols], float_format="{:.2f}")
