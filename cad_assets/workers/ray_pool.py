"""Run the pool's items on a Ray cluster: same outcomes per item as the local pool.

Each item is one Ray task (``max_retries=0``: a file that crashes its worker is reported, not
run again) in a worker that Ray replaces after ``tasks_per_worker`` items (``max_calls``) to
return leaked memory. At most one item per CPU of the cluster is in flight, so an item starts
when it is submitted and its time limit counts from then; an item past its limit has its
worker killed (``ray.cancel(force=True)``). A segfault fails that item alone
(``WorkerCrashed``). An item lost with its node (the node died or left the cluster) is sent
again, once, to the nodes that remain; lost twice, it fails as ``NodeLost``.

Items travel as they are (for encoding: paths), so every node must see the files at the same
paths; results come back through Ray's object store.
"""

import functools
import logging
import os
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from cad_assets.workers.limits import mute_stdout
from cad_assets.workers.pool import PoolSettings, TaskFailure, run_guarded, timed_out

#: How often an item lost with its node is sent again before it fails as ``NodeLost``.
NODE_LOSS_RETRIES = 1


def run_on_ray(
    task: str, items: Sequence[Any], settings: PoolSettings, sys_path: list[str]
) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, result or TaskFailure)`` for every item as it completes, computed on the
    Ray cluster at ``settings.ray_address`` (see :func:`cad_assets.workers.run_isolated`)."""
    ray = _import_ray()
    connected_here = not ray.is_initialized()
    if connected_here:
        ray.init(address=settings.ray_address, log_to_driver=False, logging_level=logging.WARNING)
    try:
        yield from _Scheduler(ray, task, items, settings, sys_path).run()
    finally:
        if connected_here:
            ray.shutdown()


class _Scheduler:
    """Keeps one item per cluster CPU in flight and turns each task's end into an outcome."""

    def __init__(self, ray, task: str, items: Sequence[Any], settings: PoolSettings,
                 sys_path: list[str]):
        self.ray, self.items, self.settings = ray, items, settings
        self.remote = ray.remote(
            max_calls=settings.tasks_per_worker, max_retries=0, num_cpus=1
        )(_run_in_ray_worker)
        self.arguments = (task, settings.memory_limit_mb, sys_path)
        self.waiting = list(range(len(items)))[::-1]  # popped from the end: in order
        self.in_flight: dict[Any, tuple[int, float]] = {}  # ref -> (index, deadline)
        self.losses = dict.fromkeys(range(len(items)), 0)

    def run(self) -> Iterator[tuple[int, Any]]:
        exceptions = self.ray.exceptions
        while self.waiting or self.in_flight:
            self._submit()
            now = time.monotonic()
            earliest = min(deadline for _, deadline in self.in_flight.values())
            done, _ = self.ray.wait(list(self.in_flight), num_returns=1,
                                    timeout=max(0.0, earliest - now))
            if not done:
                yield from self._cancel_overdue()
                continue
            ref = done[0]
            index, _ = self.in_flight.pop(ref)
            try:
                yield index, self.ray.get(ref)
            except (exceptions.NodeDiedError, exceptions.LocalRayletDiedError,
                    exceptions.ObjectLostError, exceptions.OwnerDiedError) as error:
                outcome = self._lost_with_node(index, error)
                if outcome is not None:
                    yield index, outcome
            except exceptions.WorkerCrashedError as error:
                yield index, TaskFailure(
                    "WorkerCrashed",
                    f"the Ray worker process died while reading this file ({_first_line(error)})",
                )

    def _submit(self) -> None:
        capacity = max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        while self.waiting and len(self.in_flight) < capacity:
            index = self.waiting.pop()
            ref = self.remote.remote(*self.arguments, self.items[index])
            self.in_flight[ref] = (index, time.monotonic() + self.settings.task_timeout_s)

    def _cancel_overdue(self) -> Iterator[tuple[int, Any]]:
        now = time.monotonic()
        for ref, (index, deadline) in list(self.in_flight.items()):
            if deadline <= now:
                self.ray.cancel(ref, force=True)  # kills the worker, as the local pool does
                del self.in_flight[ref]
                yield index, timed_out(self.settings)

    def _lost_with_node(self, index: int, error: Exception) -> TaskFailure | None:
        self.losses[index] += 1
        if self.losses[index] <= NODE_LOSS_RETRIES:
            self.waiting.append(index)
            return None
        return TaskFailure(
            "NodeLost",
            f"the Ray node running this file was lost {self.losses[index]} times "
            f"({_first_line(error)}); not a fault of the file: retry it",
        )


def _run_in_ray_worker(task: str, memory_limit_mb: int | None, sys_path: list[str],
                       item: Any) -> Any:
    """One item in a Ray worker: the local pool's guards, then :func:`run_guarded`."""
    _prepare_worker(tuple(sys_path))
    if not memory_limit_mb:
        return run_guarded(task, item)
    # A Ray worker maps gigabytes for itself before any item, so its limit is this item's
    # allowance above what it holds now; lifted again afterwards for Ray's own threads.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_limit_mb * 2**20, hard))
    try:
        return run_guarded(task, item)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@functools.cache
def _prepare_worker(sys_path: tuple[str, ...]) -> None:
    """Once per Ray worker: the caller's import path first (it may hold a project folder the
    node's path lacks), and OpenCascade's C++ printing muted."""
    sys.path[:] = [*sys_path, *(p for p in sys.path if p not in sys_path)]
    mute_stdout()


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _import_ray():
    try:
        import ray
    except ImportError as error:
        raise ImportError(
            "CAD_ASSETS_RAY_ADDRESS (ray_address) is set but Ray is not installed: "
            'pip install -e ".[ray]" on this machine and on every node of the cluster'
        ) from error
    return ray
