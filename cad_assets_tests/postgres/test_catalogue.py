"""The catalogue on PostgreSQL: processes that register the same new files at the same time
(on a new database, or one whose tables exist) all succeed and agree on the ids."""

import multiprocessing

import pandas as pd
import pytest

from cad_assets.catalogue import Catalogue
from cad_assets_tests.postgres.conftest import database_name

VERSION = "1-test"


def _assign_ids(args):
    encodings, url, keys, start = args
    files = pd.DataFrame({"partition_key": keys, "sha256": [f"sha-{key}" for key in keys]})
    start.wait()  # every process is up: they connect, create the tables and sync together
    return Catalogue(encodings, url, VERSION).sync(files)


@pytest.mark.parametrize("tables", ["created first", "created by the processes"])
def test_processes_registering_files_at_once_agree_on_ids(tmp_path, postgres, new_database,
                                                          tables):
    url = new_database("catalogue")
    if tables == "created first":
        Catalogue(tmp_path / "encodings", url, VERSION)
    keys = [f"cad/{n:03}.step" for n in range(200)]
    orders = [keys, keys[::-1], keys[100:] + keys[:100], keys[::2] + keys[1::2]]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(len(orders)) as pool:
        start = manager.Barrier(len(orders))
        assigned = pool.map(_assign_ids,
                            [(tmp_path / "encodings", url, order, start) for order in orders])
    assert all(ids == assigned[0] for ids in assigned)
    assert sorted(assigned[0].values()) == list(range(200))
    assert postgres.psql("SELECT value FROM counters", database_name(url)) == "200"
