"""Two test hosts in network namespaces (``cad-head`` 10.203.0.1, ``cad-node`` 10.203.0.2), a
real Ray cluster on them and a real PostgreSQL server on the head, for this folder's tests;
every process is stopped by pid and the namespaces are removed at the end."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cad_assets_tests.servers import netns, postgres, ray_cluster
from cad_assets_tests.servers.netns import TestNetwork
from cad_assets_tests.servers.postgres import PostgresServer
from cad_assets_tests.servers.ray_cluster import RayCluster

REPOSITORY = Path(__file__).resolve().parents[2]
LOOPBACK = {"127.0.0.1", "::1"}


@pytest.fixture(scope="package")
def network():
    reason = netns.missing_reason() or ray_cluster.missing_reason()
    if reason:
        pytest.skip(reason)
    with TestNetwork() as network:
        yield network


@pytest.fixture(scope="package")
def whole_cluster(network):
    with RayCluster(network.hosts) as cluster:
        yield cluster


@pytest.fixture
def cluster(whole_cluster):
    """The package's cluster with all its nodes: one a test killed is started again."""
    whole_cluster.heal()
    return whole_cluster


@pytest.fixture(scope="package")
def head_postgres(network):
    if postgres.binaries() is None:
        pytest.skip(f"PostgreSQL is not installed: {postgres.INSTALL_HINT}")
    head = network.hosts[0]
    on_head = ["ip", "netns", "exec", head.namespace]
    with PostgresServer(host=head.address, prefix=on_head) as server:
        yield server


def run_on_cluster(cluster, task: str, items: list[str], **settings):
    """Start :mod:`cad_assets_tests.workers.ray_driver` on the head host; a Popen whose
    stdout gives one JSON line per item."""
    arguments = json.dumps({"ray_address": cluster.address,
                            "node_loss_grace_s": ray_cluster.NODE_LOSS_GRACE_S, **settings})
    return subprocess.Popen(
        cluster.hosts[0].command([sys.executable, "-m", "cad_assets_tests.workers.ray_driver",
                                  arguments, task, *items]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPOSITORY,
    )


def outcomes(driver: subprocess.Popen, timeout_s: float = 300) -> dict[int, dict]:
    """``{index: {"result": ...} or {"failure": {...}}}`` once the driver has finished."""
    out, err = driver.communicate(timeout=timeout_s)
    assert driver.returncode == 0, err[-3000:]
    # Ray prints its own messages (a worker died, a node was lost) on the driver's stdout.
    lines = [json.loads(line) for line in out.splitlines() if line.startswith('{"index"')]
    return {line.pop("index"): line for line in lines}


def wait_until(condition, timeout_s: float = 300, run: subprocess.Popen | None = None) -> None:
    """Poll ``condition``; fail after ``timeout_s``, or as soon as ``run`` has ended (with its
    output: whatever was waited for can no longer happen)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if run is not None and run.poll() is not None:
            pytest.fail(f"the run ended first:\n{run.stdout.read()[-4000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def assert_only_test_traffic(network) -> None:
    """Every established TCP connection of every test host is on loopback or between them."""
    allowed = LOOPBACK | {host.address for host in network.hosts}
    for host in network.hosts:
        peers = {peer.removeprefix("::ffff:") for peer in network.peers(host)}
        assert peers and peers <= allowed, f"{host.hostname} talks to {peers - allowed}"
