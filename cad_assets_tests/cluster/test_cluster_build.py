"""``build_dataset`` on the two-node Ray cluster with the Dagster instance and the catalogue in
PostgreSQL, as a deployment over several machines runs it: files are encoded on both nodes, a
segfaulting and a hanging file fail alone, the second node is killed mid-build and the run
still finishes, and the dataset equals a clean build's with the local pool on SQLite."""

import shutil
import subprocess

from cad_assets_tests.cluster.conftest import REPOSITORY, assert_only_test_traffic, wait_until
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.dataset_equality import assert_same_outputs
from cad_assets_tests.postgres.conftest import DEPLOY_YAML
from cad_assets_tests.servers.ray_cluster import NODE_LOSS_GRACE_S
from cad_assets_tests.test_crash_recovery import DAGSTER, _build, _environment

LOCATION = "cad_assets_tests.cluster.location"
BUILD = [DAGSTER, "job", "execute", "-m", LOCATION, "-j", "build_dataset"]
TIMEOUT_S = "10"


def test_build_on_the_cluster_survives_a_lost_node_and_equals_a_clean_build(
        network, cluster, head_postgres, shared_cad, tmp_path):
    sources = tmp_path / "sources"
    parts = copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:24], sources)
    shutil.copyfile(parts[0], sources / "segfault_part.step")
    shutil.copyfile(parts[1], sources / "hang_part.step")
    catalogue = "catalogue"
    run = subprocess.Popen(
        network.hosts[0].command(BUILD), cwd=REPOSITORY, env=_cluster_environment(
            tmp_path / "cluster", sources, cluster, head_postgres, catalogue),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_until(lambda: _count(head_postgres, catalogue, "worker_host = 'cad-node'") >= 2,
                   run=run)
        assert_only_test_traffic(network)
        cluster.nodes[1].kill()
        done_at_kill = _count(head_postgres, catalogue, "true")
        log, _ = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, log[-4000:]
    assert done_at_kill <= 20, "the node must die while files are left (it holds 2 of them)"

    encoded_by = dict(_rows(head_postgres, catalogue, "SELECT worker_host, count(*) FROM "
                            "encodings WHERE status = 'encoded' GROUP BY worker_host"))
    assert set(encoded_by) == {"cad-head", "cad-node"} and sum(map(int, encoded_by.values())) == 24
    failed = dict(_rows(head_postgres, catalogue, "SELECT partition_key, error_type FROM "
                        "encodings WHERE status = 'failed'"))
    assert failed == {"sources/segfault_part.step": "WorkerCrashed",
                      "sources/hang_part.step": "Timeout"}

    clean = _environment(tmp_path / "clean", sources,
                         variables={"CAD_ASSETS_FILE_TIMEOUT_S": TIMEOUT_S})
    _build(clean, BUILD)
    assert_same_outputs(tmp_path / "cluster" / "out", tmp_path / "clean" / "out")


def _cluster_environment(root, sources, cluster, server, catalogue: str) -> dict:
    # The instance database is on the head host, out of this process's reach: the run
    # creates the schema (it is the only run on that database).
    return _environment(root, sources, DEPLOY_YAML, {
        "CAD_ASSETS_FILE_TIMEOUT_S": TIMEOUT_S,
        "CAD_ASSETS_DAGSTER_PG_URL": server.create_database("dagster"),
        "CAD_ASSETS_CATALOGUE_URL": server.create_database(catalogue),
        "CAD_ASSETS_RAY_ADDRESS": cluster.address,
        "CAD_ASSETS_RAY_NODE_LOSS_GRACE_S": str(NODE_LOSS_GRACE_S),
    }, create_schema=False)


def _rows(server, database: str, sql: str) -> list[list[str]]:
    return [line.split("|") for line in server.psql(sql, database).splitlines()]


def _count(server, database: str, where: str) -> int:
    try:
        return int(server.psql(f"SELECT count(*) FROM encodings WHERE {where}", database))
    except subprocess.CalledProcessError:  # the run has not created the tables yet
        return 0
