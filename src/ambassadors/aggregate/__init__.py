"""Aggregate communication logs into a tie table, in memory, in DuckDB or in Apache Spark.

This stage sits between reading and the graph: it turns a log of any size (a folder or glob of
Parquet/CSV files, hive-partitioned ``month=2026-03/part-0.parquet`` folders, a data lake) into
the *tie table* -- one row per ``(source, target[, period])`` with ``weight, count, first,
last`` -- which :func:`ambassadors.graph.build_graph` and :mod:`ambassadors.monitor` take in
place of the interactions. The rules are today's (:func:`ambassadors.io.read_interactions` and
:func:`ambassadors.graph.build_graph`), and so is the load report; three engines compute them:

* ``"arrow"`` -- the in-memory path: today's readers, then numpy (:mod:`._arrow`);
* ``"duckdb"`` -- embedded and out of core, spills to disk past ``memory_limit`` (:mod:`._duckdb`);
* ``"spark"`` -- a ``SparkSession`` (yours, e.g. on Databricks, or a local one) (:mod:`._spark`).

DuckDB and Spark run the same SQL (:mod:`._sql`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ambassadors._validation import check_choice
from ambassadors.errors import InputError
from ambassadors.io.load_report import Loaded
from ambassadors.io.people import as_roster

from . import _arrow, _duckdb, _spark
from ._rules import PERIODS, TIE_COLUMNS, Input, Rules, find_input
from ._table import tie_frame

__all__ = ["aggregate_interactions", "choose_engine", "is_tie_table", "write_lake", "ENGINES",
           "PERIODS", "TIE_COLUMNS", "AUTO_IN_MEMORY_BYTES"]

ENGINES = ("auto", "arrow", "duckdb", "spark")
#: ``engine="auto"`` reads inputs up to this size on disk in memory ("arrow"), larger ones with
#: DuckDB (or Spark when DuckDB is not installed).
AUTO_IN_MEMORY_BYTES = 256 * 2 ** 20


def is_tie_table(frame: object) -> bool:
    """Whether ``frame`` is a tie table (``source, target, weight, count, first, last``)."""
    return isinstance(frame, pd.DataFrame) and \
        {"source", "target", "weight", "count", "first", "last"} <= set(frame.columns)


def _size(nbytes: int | None) -> str:
    if nbytes is None:
        return "size unknown"
    size = float(nbytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


def choose_engine(inputs: Iterable[Input | object], *, spark: Any = None) -> tuple[str, str]:
    """The engine ``"auto"`` picks, and why (one line, for the report's notes).

    A session given picks Spark; tables in memory and small files are read in memory; larger
    local inputs go to DuckDB when installed, else Spark; remote locations go to Spark.
    """
    items = list(inputs)
    if spark is not None:
        return "spark", "a SparkSession was given"
    files = [x for x in items if isinstance(x, Input)]
    if len(files) < len(items):
        return "arrow", "tables in memory"
    if any(not x.local for x in files):
        if _spark.available():
            return "spark", "a remote location"
        raise InputError(f"{files[0].label}: a remote location needs engine='spark': "
                         "pip install 'ambassadors[spark]'")
    nbytes = sum(x.nbytes or 0 for x in files)
    size = f"{_size(nbytes)} in {sum(len(x.paths) for x in files)} files"
    if nbytes <= AUTO_IN_MEMORY_BYTES:
        return "arrow", f"{size}, up to {_size(AUTO_IN_MEMORY_BYTES)} is read in memory"
    if _duckdb.available():
        return "duckdb", f"{size}, more than {_size(AUTO_IN_MEMORY_BYTES)}; duckdb is installed"
    if _spark.available() and _spark.find_java() is not None:
        return "spark", f"{size}, more than {_size(AUTO_IN_MEMORY_BYTES)}; duckdb is not installed"
    return "arrow", f"{size}; neither duckdb nor pyspark is installed"


def _inputs(source: object, format: str | None, *, remote: bool) -> list[Input | object]:
    items = source if isinstance(source, (list, tuple)) else [source]
    if not items:
        raise InputError("aggregate_interactions: no input given")
    return [find_input(x, format=format, remote=remote) if isinstance(x, (str, PathLike)) else x
            for x in items]


def aggregate_interactions(
    source: str | PathLike | pd.DataFrame | Loaded | list,
    *,
    people: pd.DataFrame | Loaded | str | PathLike,
    engine: str = "auto",
    period: str | None = None,
    window: Any = None,
    half_life: Any = None,
    channels: Iterable[str] | None = None,
    channel_weights: Mapping[str, float] | None = None,
    reference_time: Any = None,
    columns: dict[str, str] | None = None,
    channel: str | None = None,
    format: str | None = None,
    memory_limit: str | None = None,
    spill_dir: str | PathLike | None = None,
    spark: Any = None,
    spark_master: str = "local[*]",
) -> Loaded:
    """Aggregate an interaction log into the tie table, with the engine of your choice.

    The tie weight from ``i`` to ``j`` (in a period) is that of
    :func:`ambassadors.graph.build_graph`:

    .. math:: w_{ij} = \\sum_{e: i \\to j} c_{ch(e)} \\, w_e \\, 2^{-(t_{ref} - t_e)/h}

    with ``w_e = 1 / r`` for an event with ``r`` distinct recipients (or the log's ``weight``),
    ``c`` the channel multiplier and ``h`` the half-life.

    Parameters
    ----------
    source : path, glob, DataFrame, Loaded, or a list of them
        A Parquet or CSV file, a folder of them (searched recursively, so hive-partitioned
        ``month=2026-03/part-0.parquet`` folders work), a glob (``"lake/**/*.parquet"``), or for
        Spark a location such as ``"abfss://..."``. Events shape (``sender, recipients[, cc]
        [, bcc], timestamp``) or edge-list shape (``source, target[, weight]``), with the column
        aliases of :data:`ambassadors.io.interactions.INTERACTION_ALIASES`. DataFrames and
        ``Loaded`` interactions are aggregated in memory.
    people : DataFrame, Loaded or path
        The roster. Senders and recipients are matched by ``person_id``, else by ``email``
        (case-insensitively); anyone else is dropped and counted.
    engine : {"auto", "arrow", "duckdb", "spark"}
        ``"auto"`` picks by input size and what is installed, and says so in the report notes.
    period : {"day", "week", "month", "quarter", "year"}, optional
        One row per period as well (the UTC start of the period, weeks start on Monday);
        pairs without a timestamp are then left out (``no_timestamp``).
    window, half_life, channels, channel_weights, reference_time :
        As in :func:`ambassadors.graph.build_graph`: a ``(start, end)`` or a duration before
        ``reference_time``; exponential decay; channels kept; channel multipliers; "now"
        (default: the latest timestamp kept).
    columns, channel, format :
        Column overrides, the channel of every row, and ``"parquet"``/``"csv"`` when the
        file names do not say.
    memory_limit : str, optional
        DuckDB's memory limit (``"2GB"``); past it DuckDB spills to ``spill_dir``.
    spill_dir : path, optional
        Where DuckDB spills (default: a temporary folder, removed afterwards).
    spark : SparkSession, optional
        Run in this session (a cluster, Databricks); only the tie table is collected.
    spark_master : str, default ``"local[*]"``
        Master of the local session started when ``spark`` is not given.

    Returns
    -------
    Loaded
        ``table``: the tie table -- ``source, target`` (Categorical over the roster ids),
        ``period`` (datetime64[ns, UTC], with ``period=``), ``weight`` (float64), ``count``
        (int64: pairs behind the tie), ``first, last`` (datetime64[ns, UTC], NaT without
        timestamps), sorted by source, target, period. ``report``: rows and pairs read, used and
        dropped by reason, as :func:`ambassadors.io.read_interactions` counts them, plus the
        pairs the rules left out (``channel_not_selected``, ``no_timestamp``,
        ``outside_window``); ``pairs_used`` is the sum of ``count``.

    Raises
    ------
    InputError
        No such input, no sender/recipient columns, nothing left, or a bad option.
    AmbassadorsError
        The engine is not installed (the message says what to install) or ran out of memory.

    Notes
    -----
    The SQL engines read typed timestamps and ISO 8601 strings (with or without an offset);
    other layouts (``01.03.2024``) count as ``bad_timestamp`` there, while the in-memory
    engine reads every layout :func:`ambassadors.io.tables.parse_datetimes` knows. Times are
    kept to the microsecond.

    Cost: arrow holds the whole log in memory (about 100 bytes per pair); DuckDB streams the
    files and holds the pairs in a spillable table; Spark distributes both. See
    ``docs/large-organisations.md`` for figures.

    Examples
    --------
    >>> people = pd.DataFrame({"department": ["A", "B", "B"],
    ...                        "email": ["ann@x.org", "bo@x.org", "cy@x.org"]},
    ...                       index=pd.Index(["1", "2", "3"], name="person_id"))
    >>> log = pd.DataFrame({"sender": ["ann@x.org", "ann@x.org", "bo@x.org"],
    ...                     "recipients": ["bo@x.org; cy@x.org", "bo@x.org", "ann@x.org"],
    ...                     "timestamp": ["2026-03-02T09:00Z", "2026-03-09T09:00Z",
    ...                                   "2026-04-01T09:00Z"]})
    >>> ties, report = aggregate_interactions(log, people=people, period="month")
    >>> ties[["source", "target", "period", "weight", "count"]].astype({"period": str})
      source target                     period  weight  count
    0      1      2  2026-03-01 00:00:00+00:00     1.5      2
    1      1      3  2026-03-01 00:00:00+00:00     0.5      1
    2      2      1  2026-04-01 00:00:00+00:00     1.0      1
    >>> report.pairs_used == int(ties["count"].sum())
    True
    """
    check_choice(engine, "engine", ENGINES)
    roster = as_roster(people)
    if "person_id" in roster.columns and roster.index.name != "person_id":
        roster = roster.set_index("person_id")
    rules = Rules.make(window=window, half_life=half_life, channels=channels,
                       channel_weights=channel_weights, reference_time=reference_time,
                       period=period)
    inputs = _inputs(source, format, remote=engine == "spark" or spark is not None)
    why = "asked for"
    if engine == "auto":
        engine, why = choose_engine(inputs, spark=spark)
    elif engine != "arrow" and not all(isinstance(x, Input) for x in inputs):
        raise InputError(f"engine={engine!r} reads files; tables in memory use engine='arrow'")
    files = [x for x in inputs if isinstance(x, Input)]
    if engine == "arrow":
        loaded = _arrow.read_inputs(inputs, people=roster, columns=columns, channel=channel)
        report = loaded.report
        raw = _arrow.aggregate_table(loaded.table, people=roster, rules=rules, report=report)
    elif engine == "duckdb":
        raw, report = _duckdb.aggregate_duckdb(files, people=roster, rules=rules, columns=columns,
                                               channel=channel, memory_limit=memory_limit,
                                               spill_dir=spill_dir)
    else:
        raw, report = _spark.aggregate_spark(files, people=roster, rules=rules, columns=columns,
                                             channel=channel, spark=spark, master=spark_master)
    report.notes.insert(0, f"engine: {engine} ({why})")
    table = tie_frame(raw, pd.Index(roster.index.astype(str)), period=period)
    if table.empty:
        raise InputError(f"{report.source}: no ties left after dropping pairs ("
                         + (", ".join(f"{r}: {n}" for r, n in report.pairs_dropped.items())
                            or "empty") + ")")
    table.attrs["aggregate"] = {"engine": engine, **rules.params()}
    return Loaded(table, report)


def write_lake(frame: pd.DataFrame, directory: str | PathLike, *, period: str = "month",
               timestamp: str = "timestamp", rows_per_file: int | None = None) -> Path:
    """Write a log as a hive-partitioned Parquet folder (``month=2026-03/part-0.parquet``).

    Parameters
    ----------
    frame : DataFrame
        Any log (events or edge list) with a ``timestamp`` column (strings or datetimes).
        Rows without a readable timestamp go to ``<period>=unknown``.
    directory : path
        The folder to write (created; existing part files of the same partitions are replaced).
    period : {"day", "month", "year"}
        Partition key and granularity (UTC).
    rows_per_file : int, optional
        Split partitions into files of at most this many rows.

    Returns
    -------
    Path
        ``directory``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_choice(period, "period", ("day", "month", "year"))
    if timestamp not in frame.columns:
        raise InputError(f"write_lake: column {timestamp!r} not found; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    stamps = pd.to_datetime(frame[timestamp], errors="coerce", utc=True, format="ISO8601")
    layout = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[period]
    keys = stamps.dt.strftime(layout).fillna("unknown").to_numpy()
    out = Path(directory)
    for key in pd.unique(keys):
        part = frame[keys == key]
        folder = out / f"{period}={key}"
        folder.mkdir(parents=True, exist_ok=True)
        step = rows_per_file or max(len(part), 1)
        for k, start in enumerate(range(0, len(part), step)):
            table = pa.Table.from_pandas(part.iloc[start:start + step], preserve_index=False)
            pq.write_table(table, folder / f"part-{k}.parquet")
    return out
