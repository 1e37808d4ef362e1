"""Vectorised phrases for the explaining columns (``reason``, ``survey_answer``, ``enthusiasm_basis``).

Shared by :mod:`ambassadors.enthusiasm` and :mod:`ambassadors.ranking`; sits at the bottom of the
package with :mod:`ambassadors._text` (it imports nothing from ``ambassadors``). Every function
works on whole columns: no Python loop over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["format_numbers", "join_phrases", "isin_ids"]


def format_numbers(values: pd.Series) -> pd.Series:
    """Numbers as text: integers without decimals (when every value is whole), else one decimal.

    Examples
    --------
    >>> format_numbers(pd.Series([5.0, 12.0, np.nan])).tolist()
    ['5', '12', <NA>]
    >>> format_numbers(pd.Series([2.5, 3.0])).tolist()
    ['2.5', '3.0']
    """
    known = values.dropna()
    if (known == np.round(known)).all():
        return values.round().astype("Int64").astype("string")
    return values.round(1).astype("string")


def join_phrases(parts: list[pd.Series], sep: str) -> pd.Series:
    """Row-wise join of string Series, skipping missing or empty parts (all missing -> NA).

    Examples
    --------
    >>> a = pd.Series(["top 5 %", None, None])
    >>> b = pd.Series(["survey 5/5", "survey 2/5", None])
    >>> join_phrases([a, b], "; ").tolist()
    ['top 5 %; survey 5/5', 'survey 2/5', <NA>]
    """
    out = None
    for part in parts:
        part = part.astype("string").fillna("")
        if out is None:
            out = part
        else:
            glue = pd.Series(np.where((out != "") & (part != ""), sep, ""), index=out.index)
            out = out + glue + part
    if out is None:
        return pd.Series(dtype="string")
    return out.mask(out == "")


def isin_ids(values: object, universe: object) -> np.ndarray:
    """Boolean mask of ``values`` found in ``universe``, as a hash join on object arrays.

    (Arrow-backed string ``isin`` loops in Python over the universe.)

    Examples
    --------
    >>> isin_ids(["a", "b"], ["b", "c"]).tolist()
    [False, True]
    """
    left = pd.Index(np.asarray(values, dtype=object), dtype=object)
    return left.isin(np.asarray(universe, dtype=object))
