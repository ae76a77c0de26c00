"""The worker pool on a real two-node Ray cluster: the local pool's per-item outcomes (crash,
timeout, memory limit, recycling), items spread over both nodes, and a node killed while it
runs items: they run again on the node that is left."""

from collections import Counter

from cad_assets_tests.cluster.conftest import (
    assert_only_test_traffic,
    outcomes,
    run_on_cluster,
    wait_until,
)

MISBEHAVE = "cad_assets_tests.workers.tasks:misbehave"
HOST_AND_PID = "cad_assets_tests.workers.tasks:host_and_pid"
ANNOUNCE = "cad_assets_tests.workers.tasks:announce_and_wait"


def test_each_failure_is_isolated_and_workers_are_recycled(cluster):
    items = ["ok"] * 6 + ["segfault", "hang", "raise", "memory"]
    results = outcomes(run_on_cluster(cluster, MISBEHAVE, items, task_timeout_s=8,
                                      memory_limit_mb=1024, tasks_per_worker=2))

    assert sorted(results) == list(range(len(items)))
    pids = Counter(results[i]["result"] for i, kind in enumerate(items) if kind == "ok")
    assert max(pids.values()) <= 2, f"a worker ran more than its 2 items: {pids}"
    crash, hang, raised, memory = (results[i]["failure"] for i in range(6, 10))
    assert crash["error_type"] == "WorkerCrashed" and "worker process died" in crash["message"]
    assert hang["error_type"] == "Timeout" and "8 s" in hang["message"]
    assert raised["error_type"] == "ValueError" and raised["message"] == "bad geometry"
    assert memory["error_type"] == "MemoryLimitExceeded"


def test_items_run_on_both_nodes_over_the_test_network_only(network, cluster):
    driver = run_on_cluster(cluster, HOST_AND_PID, ["1"] * 8)
    assert_only_test_traffic(network)  # while the driver and both nodes are at work
    hosts = Counter(outcome["result"][0] for outcome in outcomes(driver).values())
    assert set(hosts) == {"cad-head", "cad-node"}, hosts


def test_items_of_a_killed_node_run_again_on_the_other(cluster, tmp_path):
    driver = run_on_cluster(cluster, ANNOUNCE, [f"{tmp_path}|3"] * 8)
    wait_until(lambda: any(tmp_path.glob("cad-node-*")), timeout_s=120)
    cluster.nodes[1].kill()
    results = outcomes(driver)

    assert all("result" in outcome for outcome in results.values()), results
    started_on_node = sum(len(p.read_text().splitlines()) for p in tmp_path.glob("cad-node-*"))
    finished_on_node = sum(o["result"][0] == "cad-node" for o in results.values())
    assert started_on_node > finished_on_node, "an item the node had started must run again"
