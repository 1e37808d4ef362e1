"""The Spark engine: the user's ``SparkSession`` (a cluster, Databricks), or a local one.

The inputs are read by Spark from wherever the user's location points (``abfss://``,
``s3a://``, ``dbfs:/``, a local folder in local mode); nothing is copied to the driver but the
roster lookup tables (broadcast) and, at the end, the tie table. The SQL is the one DuckDB runs
(:mod:`ambassadors.aggregate._sql`).
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ambassadors.errors import AmbassadorsError
from ambassadors.io.load_report import LoadReport

from ._rules import Input, Rules
from ._sql import Dialect, aggregate_sql

DIALECT = Dialect(name="spark", quote="`", split="split", explode="explode", micros="unix_micros",
                  from_micros="timestamp_micros", timestamp="TIMESTAMP",
                  row_id="monotonically_increasing_id()")

_NUMBER = ("double", "float", "int", "bigint", "smallint", "tinyint", "decimal", "long")

#: Session settings the aggregation needs (restored afterwards on the user's session).
_SETTINGS = {"spark.sql.session.timeZone": "UTC",
             "spark.sql.execution.arrow.pyspark.enabled": "true"}


def available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def find_java() -> str | None:
    """The ``java`` Spark will start, found as pyspark does: ``JAVA_HOME``, else the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.exists() else None
    return shutil.which("java")


def local_session(master: str = "local[*]", *, shuffle_partitions: int = 8,
                  conf: dict[str, str] | None = None):
    """Start (or reuse) a local ``SparkSession`` for the aggregation.

    ``conf`` adds Spark settings (e.g. ``{"spark.driver.memory": "4g"}``). Raises
    AmbassadorsError with what to install when pyspark or a Java runtime is missing.
    """
    if not available():
        raise AmbassadorsError("engine='spark' needs pyspark: pip install 'ambassadors[spark]'")
    if find_java() is None:
        where = f"JAVA_HOME={os.environ['JAVA_HOME']} has no bin/java" \
            if os.environ.get("JAVA_HOME") else "no java on the PATH and JAVA_HOME is not set"
        raise AmbassadorsError(f"engine='spark' needs a Java runtime ({where}): install OpenJDK 17 "
                               "(e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("ambassadors")
    # one machine: a few shuffle partitions (Spark's 200 are meant for a cluster), no UI
    for key, value in {"spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false",
                       "spark.ui.showConsoleProgress": "false",
                       "spark.sql.shuffle.partitions": str(int(shuffle_partitions)),
                       **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _kind(type_name: str) -> str:
    low = type_name.lower()
    if low.startswith(("timestamp", "date")):
        return "timestamp"
    if low.startswith(_NUMBER):
        return "number"
    return "string"


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence pyspark's warnings about the pandas version (the frames we exchange are plain)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
        warnings.filterwarnings("ignore", message=".*copy keyword is deprecated.*")
        yield


class SparkBackend:
    """:class:`ambassadors.aggregate._sql.Backend` on a ``SparkSession``."""

    dialect = DIALECT

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.tag = uuid.uuid4().hex[:8]
        self.views: list[str] = []
        self.persisted: list[Any] = []
        self.saved = {key: spark.conf.get(key, None) for key in _SETTINGS}
        for key, value in _SETTINGS.items():
            spark.conf.set(key, value)

    def _view(self, name: str, frame: Any) -> None:
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def register_input(self, name: str, source: Input) -> list[tuple[str, str]]:
        reader = self.spark.read
        if source.format == "csv":
            reader = reader.option("header", "true")
        # a folder is handed over as it is (partition discovery, the cluster's own listing);
        # a glob or a file list as its paths
        paths = [source.root] if source.root is not None else list(source.paths)
        frame = reader.format(source.format).load(paths if len(paths) > 1 else paths[0])
        self._view(name, frame)
        return [(col, _kind(kind)) for col, kind in frame.dtypes]

    def register_frame(self, name: str, frame: pd.DataFrame) -> None:
        with _quiet():
            self._view(name, self.spark.createDataFrame(frame))

    def materialize(self, name: str, sql: str) -> None:
        from pyspark import StorageLevel

        frame = self.spark.sql(sql).persist(StorageLevel.MEMORY_AND_DISK)
        frame.count()  # materialise now, so that the next table is computed from this one
        self.persisted.append(frame)
        self._view(name, frame)

    def drop(self, name: str) -> None:
        """Spark keeps the cache: a table computed from it may be recomputed if evicted."""

    def fetch(self, sql: str) -> pd.DataFrame:
        with _quiet():
            return self.spark.sql(sql).toPandas()

    def close(self) -> None:
        for frame in self.persisted:
            frame.unpersist()
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        for key, value in self.saved.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)


def aggregate_spark(inputs: Sequence[Input], *, people: pd.DataFrame, rules: Rules,
                    columns: dict | None, channel: str | None, spark: Any = None,
                    master: str = "local[*]") -> tuple[pd.DataFrame, LoadReport]:
    """Aggregate with Spark SQL; return (raw ties, report)."""
    session = spark if spark is not None else local_session(master)
    backend = SparkBackend(session)
    try:
        ties, report = aggregate_sql(backend, inputs, people=people, rules=rules,
                                     columns=columns, channel=channel)
        report.notes.append(f"spark master {session.sparkContext.master}"
                            + (" (the session given)" if spark is not None else ""))
        return ties, report
    finally:
        backend.close()
