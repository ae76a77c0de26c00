"""One real PostgreSQL server for the whole test session (127.0.0.1, a cluster in a temporary
folder, stopped at the end); each test gets databases of its own."""

import itertools
import os
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import pytest
from dagster import DagsterInstance

from cad_assets_tests.servers.postgres import INSTALL_HINT, PostgresServer, binaries
from cad_assets_tests.test_crash_recovery import _environment

#: The documented instance file: the tests run on this very file.
DEPLOY_YAML = Path(__file__).resolve().parents[2] / "deploy" / "dagster.yaml"
PG_URL = "CAD_ASSETS_DAGSTER_PG_URL"

_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    if binaries() is None:
        pytest.skip(f"PostgreSQL is not installed: {INSTALL_HINT}")
    with PostgresServer(host="127.0.0.1") as server:
        yield server


@pytest.fixture
def new_database(postgres):
    """``new_database(role)``: create a database of this test and return its URL."""
    return lambda role: postgres.create_database(f"{role}_{next(_numbers)}")


@pytest.fixture
def pg_environment(new_database):
    """``pg_environment(root, sources, **variables)``: the environment of runs on a Dagster
    home under ``root`` holding deploy/dagster.yaml, with the instance and the catalogue in
    two new databases of the test server."""

    def environment(root: Path, sources: Path, **variables) -> dict:
        return _environment(root, sources, DEPLOY_YAML, {
            PG_URL: new_database("dagster"),
            "CAD_ASSETS_CATALOGUE_URL": new_database("catalogue"),
            **variables,
        })

    return environment


@contextmanager
def instance_of(environment: dict):
    """The Dagster instance the runs of ``environment`` record into."""
    with patch.dict(os.environ, {PG_URL: environment[PG_URL]}):
        with DagsterInstance.from_config(environment["DAGSTER_HOME"]) as instance:
            yield instance


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]
