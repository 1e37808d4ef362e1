"""The DuckDB engine: embedded, out of core.

The files are scanned by DuckDB itself (``read_parquet``/``read_csv``, hive partitions
recognised); the pairs are materialised in a database file in the spill directory, so that an
input larger than ``memory_limit`` spills to disk instead of failing. Only the tie table comes
back to Python.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from ambassadors.errors import AmbassadorsError, InputError
from ambassadors.io.load_report import LoadReport

from ._rules import Input, Rules
from ._sql import Dialect, aggregate_sql

DIALECT = Dialect(name="duckdb", quote='"', split="string_split_regex", explode="unnest",
                  micros="epoch_us", from_micros="make_timestamp", timestamp="TIMESTAMPTZ",
                  row_id="row_number() OVER ()")

_TIMESTAMP = ("TIMESTAMP", "DATE")
_NUMBER = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT",
           "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT")


def available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _kind(type_name: str) -> str:
    upper = type_name.upper()
    if upper.startswith(_TIMESTAMP):
        return "timestamp"
    if upper.startswith(_NUMBER):
        return "number"
    return "string"


def _paths(source: Input) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in source.paths) + "]"


class DuckDBBackend:
    """:class:`ambassadors.aggregate._sql.Backend` on one DuckDB connection."""

    dialect = DIALECT

    def __init__(self, *, memory_limit: str | None, spill_dir: str | PathLike | None,
                 threads: int | None = None) -> None:
        import duckdb

        self._own_dir = spill_dir is None
        self.dir = Path(tempfile.mkdtemp(prefix="ambassadors-duckdb-")) if spill_dir is None \
            else Path(spill_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        config: dict[str, str | bool | int | float | list[str]] = {
            "preserve_insertion_order": False, "temp_directory": str(self.dir / "spill")}
        if memory_limit is not None:
            config["memory_limit"] = str(memory_limit)
        if threads is not None:
            config["threads"] = int(threads)
        try:
            self.con = duckdb.connect(str(self.dir / "aggregate.duckdb"), config=config)
        except duckdb.Error as exc:
            raise InputError(f"duckdb: {str(exc).splitlines()[0]}") from None
        self.con.execute("SET TimeZone = 'UTC'")

    def register_input(self, name: str, source: Input) -> list[tuple[str, str]]:
        if source.format == "parquet":
            scan = f"read_parquet({_paths(source)}, hive_partitioning = true, union_by_name = true)"
        else:
            scan = (f"read_csv({_paths(source)}, header = true, all_varchar = true, "
                    "hive_partitioning = true, union_by_name = true)")
        self._run(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {scan}", source.label)
        described = self.con.execute(f"DESCRIBE {name}").fetchall()
        return [(str(row[0]), _kind(str(row[1]))) for row in described]

    def register_frame(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(f"{name}_frame", frame)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
        self.con.unregister(f"{name}_frame")

    def materialize(self, name: str, sql: str) -> None:
        self._run(f"CREATE OR REPLACE TABLE {name} AS {sql}", "aggregation")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def fetch(self, sql: str) -> pd.DataFrame:
        return self._run(sql, "aggregation").df()

    def _run(self, sql: str, label: str):
        import duckdb

        try:
            return self.con.execute(sql)
        except duckdb.OutOfMemoryException as exc:
            raise AmbassadorsError(f"duckdb ran out of memory ({str(exc).splitlines()[0]}); raise "
                                   "memory_limit or give a spill directory with more room") from None
        except (duckdb.IOException, duckdb.InvalidInputException,
                duckdb.ConversionException) as exc:
            raise InputError(f"{label}: {str(exc).splitlines()[0]}") from None

    def close(self) -> None:
        self.con.close()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            for leftover in ("aggregate.duckdb", "aggregate.duckdb.wal", "spill"):
                path = self.dir / leftover
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else \
                    path.unlink(missing_ok=True)


def aggregate_duckdb(inputs: Sequence[Input], *, people: pd.DataFrame, rules: Rules,
                     columns: dict | None, channel: str | None, memory_limit: str | None,
                     spill_dir: str | PathLike | None, threads: int | None = None
                     ) -> tuple[pd.DataFrame, LoadReport]:
    """Aggregate local files with DuckDB; return (raw ties, report)."""
    if not available():
        raise AmbassadorsError("engine='duckdb' needs DuckDB: pip install 'ambassadors[duckdb]'")
    remote = [s.label for s in inputs if not s.local]
    if remote:
        raise InputError(f"{remote[0]}: engine='duckdb' reads local files; use engine='spark' "
                         "for a remote location")
    backend = DuckDBBackend(memory_limit=memory_limit, spill_dir=spill_dir, threads=threads)
    try:
        ties, report = aggregate_sql(backend, inputs, people=people, rules=rules,
                                     columns=columns, channel=channel)
        row = backend.con.execute("SELECT current_setting('memory_limit')").fetchone()
        limit = row[0] if row else memory_limit
        report.notes.append(f"duckdb memory limit {limit}, spill directory {backend.dir}")
        return ties, report
    finally:
        backend.close()
