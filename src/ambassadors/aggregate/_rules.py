"""The aggregation rules every engine applies, and the inputs they read.

One place for what an option *means* (a window, a half-life, a period, the order of the drop
reasons, where the files are), so that the in-memory engine and the SQL engines only differ in
how they compute it.
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ambassadors._validation import check_duration
from ambassadors.errors import InputError

#: Reading reasons, in the priority order of :func:`ambassadors.io.interactions.finalize_pairs`.
READ_REASONS = ("unknown_sender", "bad_timestamp", "unknown_recipient", "bad_value",
                "zero_weight", "self_pair")
#: Reasons a usable pair is left out of the tie table, in the order :func:`build_graph` applies them.
RULE_REASONS = ("channel_not_selected", "no_timestamp", "outside_window")
#: ``period=`` values and the unit each truncates timestamps to (UTC).
PERIODS = ("day", "week", "month", "quarter", "year")
#: Columns of the tie table, in order (``period`` only when asked for).
TIE_COLUMNS = ("source", "target", "period", "weight", "count", "first", "last")

_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz")
_US = 1_000_000


def _utc(value: Any, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(f"{what}: expected a timestamp, got {value!r}") from None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _micros(ts: pd.Timestamp) -> int:
    return int(ts.value // 1000)


@dataclass(frozen=True)
class Rules:
    """The options of :func:`ambassadors.aggregate.aggregate_interactions`, checked once.

    Times are handled as integer microseconds since the epoch (UTC), the resolution every engine
    shares. ``latest`` callbacks give the latest timestamp (microseconds, or None) among the
    pairs still kept at that step, exactly as :func:`ambassadors.graph.build_graph` takes it.
    """

    window: Any = None
    half_life: Any = None
    channels: tuple[str, ...] | None = None
    channel_weights: dict[str, float] = field(default_factory=dict)
    reference_time: Any = None
    period: str | None = None

    @classmethod
    def make(cls, *, window: Any, half_life: Any, channels: Iterable[str] | None,
             channel_weights: Mapping[str, float] | None, reference_time: Any,
             period: str | None) -> Rules:
        if period is not None and period not in PERIODS:
            raise InputError(f"period: expected one of {', '.join(PERIODS)}, got {period!r}")
        weights = {str(k): float(v) for k, v in (channel_weights or {}).items()}
        bad = [k for k, v in weights.items() if not (v >= 0 and v < float("inf"))]
        if bad:
            raise InputError(f"channel_weights: must be finite numbers >= 0 (channel {bad[0]!r})")
        if half_life is not None:
            check_duration(half_life, "half_life", example="90D")
        if window is not None and not (isinstance(window, (tuple, list)) and len(window) == 2):
            check_duration(window, "window", example="90D")
        if reference_time is not None:
            _utc(reference_time, "reference_time")
        return cls(window=window, half_life=half_life,
                   channels=None if channels is None else tuple(str(c) for c in channels),
                   channel_weights=weights, reference_time=reference_time, period=period)

    @property
    def needs_time(self) -> bool:
        """Whether pairs without a timestamp are left out (``no_timestamp``)."""
        return self.window is not None or self.period is not None

    def _reference(self, latest: Callable[[], int | None]) -> int:
        if self.reference_time is not None:
            return _micros(_utc(self.reference_time, "reference_time"))
        value = latest()
        if value is None:
            raise InputError("interactions: no timestamps, so a window or half-life needs "
                             "reference_time")
        return int(value)

    def window_bounds(self, latest: Callable[[], int | None]) -> tuple[int, int] | None:
        """``(start, end)`` in microseconds (inclusive), or None without a window."""
        if self.window is None:
            return None
        if isinstance(self.window, (tuple, list)):
            lo, hi = self.window
            start = _micros(_utc(lo, "window")) if lo is not None else -(2 ** 62)
            end = _micros(_utc(hi, "window")) if hi is not None else 2 ** 62
            return start, end
        end = self._reference(latest)
        return end - _micros_of(check_duration(self.window, "window", example="90D")), end

    def decay(self, latest: Callable[[], int | None]) -> tuple[int, float] | None:
        """``(reference time in microseconds, half-life in microseconds)``, or None."""
        if self.half_life is None:
            return None
        half_life = check_duration(self.half_life, "half_life", example="90D")
        return self._reference(latest), float(_micros_of(half_life))

    def params(self) -> dict[str, Any]:
        return {"window": self.window, "half_life": self.half_life, "channels": self.channels,
                "channel_weights": dict(self.channel_weights) or None,
                "reference_time": self.reference_time, "period": self.period}


def _micros_of(delta: pd.Timedelta) -> int:
    return int(delta.value // 1000)


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Input:
    """One input of the aggregation: the files (or the user's URI) and their format.

    ``paths`` are local files when ``local`` (listed here, so that their size is known), else
    the one location the user gave (``abfss://...``, ``s3://...``, ``dbfs:/...``), handed to the
    engine as it is.
    """

    label: str
    paths: tuple[str, ...]
    format: str
    local: bool
    nbytes: int | None
    root: str | None = None  # the folder given, for hive-style partition discovery


def _suffix_format(name: str) -> str | None:
    low = name.lower()
    if low.endswith(_PARQUET):
        return "parquet"
    if low.endswith(_CSV):
        return "csv"
    return None


def find_input(source: str | PathLike, *, format: str | None = None,
               remote: bool = False) -> Input:
    """List the files of a directory, glob or file (recursively: hive ``key=value`` folders).

    With ``remote`` (Spark), a location that is not on this machine (``abfss://...``, or a
    path only the cluster sees, such as ``/mnt/lake`` on Databricks) is handed to the engine as
    it is. Raises InputError naming the location when nothing readable is there, or when
    Parquet and CSV files are mixed.
    """
    text = str(source)
    if "://" in text or text.startswith("dbfs:") or \
            (remote and not any(ch in text for ch in "*?[") and not Path(text).expanduser().exists()):
        fmt = format or _suffix_format(text.rstrip("/*")) or "parquet"
        return Input(text, (text,), fmt, local=False, nbytes=None, root=text)
    path = Path(text).expanduser()
    root = None
    if any(ch in text for ch in "*?["):
        files = sorted(Path(p) for p in _glob.glob(str(path), recursive=True) if Path(p).is_file())
    elif path.is_dir():
        root = str(path)
        files = sorted(p for p in path.rglob("*") if p.is_file() and _suffix_format(p.name)
                       and not p.name.startswith((".", "_")))
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{text}: no such file or folder")
    formats = {_suffix_format(p.name) for p in files} - {None}
    if format is None:
        if len(formats) > 1:
            raise InputError(f"{text}: mixes Parquet and CSV files; give one format per input")
        if not formats:
            raise InputError(f"{text}: no Parquet or CSV files found")
        format = formats.pop()
        files = [p for p in files if _suffix_format(p.name) == format]
    if format not in ("parquet", "csv"):
        raise InputError(f"format: expected 'parquet' or 'csv', got {format!r}")
    if not files:
        raise InputError(f"{text}: no {format} files found")
    return Input(text, tuple(str(p) for p in files), format, local=True,
                 nbytes=sum(p.stat().st_size for p in files), root=root)
