"""Text columns and CSV files exactly as the readers see them (shared by the generators)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["text_column", "infer_text", "write_plain_csv"]


@cache
def _text_is_object() -> bool:
    """Whether ``read_csv(dtype=str)`` gives object columns (pandas 2) rather than ``str`` (3).

    ``Series(dtype=str)`` follows the same rule as ``read_csv(dtype=str)`` (including pandas 2
    with ``future.infer_string`` switched on), without parsing anything.
    """
    return pd.Series(["x"], dtype=str).dtype == object


def text_column(values: np.ndarray | pa.Array) -> Any:
    """A text column as ``read_csv(dtype=str)`` makes it: ``str`` (pandas 3) or object
    (pandas 2), missing values NaN."""
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    if _text_is_object():
        out = values.to_numpy(zero_copy_only=False).astype(object)
        out[pc.is_null(values).to_numpy(zero_copy_only=False)] = np.nan
        return out
    return pa.table({"x": values}).to_pandas()["x"].array


def infer_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Give object columns (and index) the text dtype that ``read_csv(dtype=str)`` gives."""
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = text_column(frame[col].to_numpy(dtype=object))
    if frame.index.dtype == object:
        frame.index = pd.Index(text_column(frame.index.to_numpy(dtype=object)), name=frame.index.name)
    return frame


def write_plain_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (no index) as UTF-8 CSV with pyarrow, quoting only when a cell needs it."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    try:
        # plain cells when nothing needs quoting (generated data has no commas, quotes or newlines)
        with open(path, "wb") as sink:
            sink.write((",".join(map(str, frame.columns)) + "\n").encode("utf-8"))
            pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False,
                                                            quoting_style="none"))
    except pa.ArrowInvalid:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
