"""The tie table an engine hands back: codes and microseconds -> the documented columns."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _utc_from_micros(values: object) -> pd.Series:
    us = pd.to_numeric(pd.Series(values, copy=False), errors="coerce").astype("float64")
    out = pd.Series(pd.NaT, index=us.index, dtype="datetime64[ns, UTC]")
    ok = us.notna().to_numpy()
    if ok.any():
        ns = us.to_numpy()[ok].astype(np.int64) * 1000
        out.iloc[np.flatnonzero(ok)] = pd.to_datetime(ns, unit="ns", utc=True)
    return out.reset_index(drop=True)


def tie_frame(raw: pd.DataFrame, ids: pd.Index, *, period: str | None) -> pd.DataFrame:
    """Build the tie table from an engine's raw result.

    ``raw`` has ``s, t`` (roster codes), ``period`` (microseconds, when asked for), ``weight``,
    ``n`` (count), ``first_us, last_us`` (microseconds or missing). The result is sorted by
    source, target (roster order) and period, with ``source``/``target`` Categorical over the
    roster ids, times ``datetime64[ns, UTC]``.
    """
    s = raw["s"].to_numpy(dtype=np.int64)
    t = raw["t"].to_numpy(dtype=np.int64)
    keys = [t, s]
    per = None
    if period is not None:
        per = _utc_from_micros(raw["period"].to_numpy())
        keys.insert(0, per.to_numpy(dtype="datetime64[ns]").astype(np.int64))
    order = np.lexsort(keys) if len(s) else np.zeros(0, dtype=np.int64)
    dtype = pd.CategoricalDtype(pd.Index(ids, name=None), ordered=False)
    table = pd.DataFrame({
        "source": pd.Categorical.from_codes(s[order], dtype=dtype),
        "target": pd.Categorical.from_codes(t[order], dtype=dtype),
    })
    if per is not None:
        table["period"] = per.iloc[order].reset_index(drop=True)
    table["weight"] = raw["weight"].to_numpy(dtype=np.float64)[order]
    table["count"] = raw["n"].to_numpy(dtype=np.int64)[order]
    table["first"] = _utc_from_micros(raw["first_us"].to_numpy()).iloc[order].reset_index(drop=True)
    table["last"] = _utc_from_micros(raw["last_us"].to_numpy()).iloc[order].reset_index(drop=True)
    return table
