import os
import sys

import pytest

from cad_assets.workers import PoolSettings, TaskFailure, run_isolated

SQUARE = "cad_assets_tests.workers.tasks:square"
MISBEHAVE = "cad_assets_tests.workers.tasks:misbehave"


def _results(task, items, **settings):
    return dict(run_isolated(task, items, PoolSettings(**settings)))


def test_results_come_back_for_every_item():
    results = _results(SQUARE, list(range(20)), workers=2)
    assert results == {i: i * i for i in range(20)}


def test_each_failure_is_isolated_and_explained():
    items = ["ok", "segfault", "ok", "hang", "raise", "memory", "ok"]
    results = _results(MISBEHAVE, items, workers=2, task_timeout_s=3, memory_limit_mb=1024)

    ok = [results[i] for i, kind in enumerate(items) if kind == "ok"]
    assert all(isinstance(pid, int) and pid != os.getpid() for pid in ok)
    crash, hang, raised, memory = results[1], results[3], results[4], results[5]
    assert isinstance(crash, TaskFailure) and crash.error_type == "WorkerCrashed"
    assert "SIGSEGV" in crash.message
    assert hang.error_type == "Timeout" and "3 s" in hang.message
    assert raised.error_type == "ValueError" and raised.message == "bad geometry"
    assert "Traceback" in raised.traceback and raised.worker_pid not in (None, os.getpid())
    assert memory.error_type == "MemoryLimitExceeded"


def test_workers_are_recycled_after_their_quota():
    results = _results(MISBEHAVE, ["ok"] * 6, workers=1, tasks_per_worker=2)
    assert len(set(results.values())) == 3


def test_stdout_of_workers_is_muted(capfd):
    _results(MISBEHAVE, ["print"], workers=1)
    assert "noise from C++" not in capfd.readouterr().out


def test_debug_mode_runs_in_this_process():
    results = _results(MISBEHAVE, ["ok", "raise"], workers=0)
    assert results[0] == os.getpid()
    assert results[1].error_type == "ValueError"


def test_a_ray_address_without_ray_installed_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(ImportError, match=r'pip install -e "\.\[ray\]"'):
        _results(SQUARE, [1], ray_address="10.0.0.1:6379")
