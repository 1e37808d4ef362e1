"""Shared inputs of the aggregation tests: one small organisation written as a month-partitioned
Parquet lake, and one local Spark session for the whole test run."""

from __future__ import annotations

import pytest

from ambassadors.aggregate import write_lake
from ambassadors.datasets import make_organization


@pytest.fixture(scope="session")
def org():
    return make_organization(240, 6, 3, seed=7)


@pytest.fixture(scope="session")
def lake(org, tmp_path_factory):
    """``emails/month=YYYY-MM/part-k.parquet`` (events) and ``chat/...`` (edge list)."""
    root = tmp_path_factory.mktemp("lake")
    write_lake(org.emails, root / "emails", rows_per_file=1500)
    write_lake(org.chat, root / "chat")
    return root


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the test run (2 threads, 2 shuffle partitions)."""
    pytest.importorskip("pyspark")
    from ambassadors.aggregate._spark import find_java, local_session

    if find_java() is None:
        pytest.skip("no Java runtime for Spark")
    # tiny data: compiling whole stages and re-planning cost more than they save
    session = local_session("local[2]", shuffle_partitions=2,
                            conf={"spark.sql.codegen.wholeStage": "false",
                                  "spark.sql.adaptive.enabled": "false"})
    yield session
    session.stop()
