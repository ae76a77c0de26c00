"""Run the pool's items on a Ray cluster: same outcomes per item as the local pool.

Each item is one Ray task (``max_retries=0``: a file that crashes its worker is reported, not
run again) in a worker that Ray replaces after ``tasks_per_worker`` items (``max_calls``) to
return leaked memory. At most one item per CPU of the live nodes is in flight, so an item
starts when it is submitted and its time limit counts from then; an item past its limit has its
worker killed (``ray.cancel(force=True)``). A segfault fails that item alone
(``WorkerCrashed``). An item lost with its node (the node died or left the cluster) is sent
again, once, to the nodes that remain; lost twice, it fails as ``NodeLost``. A worker that
dies looks the same to Ray whether the file crashed it or its machine went down, so a crash
is judged once Ray has had time to notice a lost node (``PoolSettings.node_loss_grace_s``): a
crash during which a node died is a loss, others are the file's.

Items travel as they are (for encoding: paths), so every node must see the files at the same
paths; results come back through Ray's object store.
"""

import functools
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cad_assets.workers.limits import address_space_allowance, mute_stdout
from cad_assets.workers.pool import PoolSettings, TaskFailure, run_guarded, timed_out

#: How often an item lost with its node is sent again before it fails as ``NodeLost``.
NODE_LOSS_RETRIES = 1
#: How often the cluster's nodes are looked up (CPUs of the live ones, the dead ones).
NODE_CHECK_INTERVAL_S = 1.0


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


@dataclass
class _Crash:
    """A worker that died running an item: a segfault, or the machine going down with it.
    Ray tells only that the worker died, and marks a lost node dead many seconds later; so
    the verdict waits until ``verdict_at`` unless a node death shows up earlier."""

    index: int
    error: Exception
    dead_at_submission: frozenset
    verdict_at: float


class _Scheduler:
    """Keeps one item per CPU of the live nodes in flight and turns each task's end into an
    outcome."""

    def __init__(self, ray, task: str, items: Sequence[Any], settings: PoolSettings,
                 sys_path: list[str]):
        self.ray, self.items, self.settings = ray, items, settings
        # SPREAD: Ray's default packs tasks on the caller's node while it has a free CPU.
        self.remote = ray.remote(
            max_calls=settings.tasks_per_worker, max_retries=0, num_cpus=1,
            scheduling_strategy="SPREAD",
        )(_run_in_ray_worker)
        self.arguments = (task, settings.memory_limit_mb, sys_path)
        self.waiting = list(range(len(items)))[::-1]  # popped from the end: in order
        # ref -> (index, deadline, nodes dead when it was sent)
        self.in_flight: dict[Any, tuple[int, float, frozenset]] = {}
        self.crashes: list[_Crash] = []
        self.losses = dict.fromkeys(range(len(items)), 0)
        self._view, self._view_at = (1, frozenset()), -1.0

    def run(self) -> Iterator[tuple[int, Any]]:
        exceptions = self.ray.exceptions
        while self.waiting or self.in_flight or self.crashes:
            self._submit()
            yield from self._judge_crashes()
            if not self.in_flight:
                time.sleep(NODE_CHECK_INTERVAL_S)
                continue
            done, _ = self.ray.wait(list(self.in_flight), num_returns=1,
                                    timeout=self._seconds_to_wake_up())
            if not done:
                yield from self._cancel_overdue()
                continue
            index, _, dead_at_submission = self.in_flight.pop(done[0])
            try:
                yield index, self.ray.get(done[0])
            except (exceptions.NodeDiedError, exceptions.LocalRayletDiedError,
                    exceptions.ObjectLostError, exceptions.OwnerDiedError) as error:
                outcome = self._lost_with_node(index, error)
                if outcome is not None:
                    yield index, outcome
            except exceptions.WorkerCrashedError as error:
                self.crashes.append(_Crash(index, error, dead_at_submission,
                                           time.monotonic() + self.settings.node_loss_grace_s))

    def _submit(self) -> None:
        capacity, dead = self._cluster()
        while self.waiting and len(self.in_flight) < capacity:
            index = self.waiting.pop()
            ref = self.remote.remote(*self.arguments, self.items[index])
            deadline = time.monotonic() + self.settings.task_timeout_s
            self.in_flight[ref] = (index, deadline, dead)

    def _seconds_to_wake_up(self) -> float:
        now = time.monotonic()
        deadlines = [deadline for _, deadline, _ in self.in_flight.values()]
        if self.crashes:  # look at the nodes again soon
            deadlines.append(now + NODE_CHECK_INTERVAL_S)
        return max(0.0, min(deadlines) - now)

    def _cancel_overdue(self) -> Iterator[tuple[int, Any]]:
        now = time.monotonic()
        for ref, (index, deadline, _) in list(self.in_flight.items()):
            if deadline <= now:
                self.ray.cancel(ref, force=True)  # kills the worker, as the local pool does
                del self.in_flight[ref]
                yield index, timed_out(self.settings)

    def _judge_crashes(self) -> Iterator[tuple[int, Any]]:
        """A crash during which a node died is a loss (sent again); one past its grace period
        with every node alive is the file's fault."""
        if not self.crashes:
            return
        _, dead = self._cluster()
        now, pending = time.monotonic(), []
        for crash in self.crashes:
            if dead - crash.dead_at_submission:
                outcome = self._lost_with_node(crash.index, crash.error)
                if outcome is not None:
                    yield crash.index, outcome
            elif now >= crash.verdict_at:
                yield crash.index, TaskFailure(
                    "WorkerCrashed",
                    f"the Ray worker process died while reading this file "
                    f"({_first_line(crash.error)})",
                )
            else:
                pending.append(crash)
        self.crashes = pending

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

    def _cluster(self) -> tuple[int, frozenset]:
        """CPUs of the live nodes and the ids of the dead ones, asked at most once a second."""
        if time.monotonic() - self._view_at >= NODE_CHECK_INTERVAL_S:
            nodes = self.ray.nodes()
            cpus = sum(int(n["Resources"].get("CPU", 0)) for n in nodes if n["Alive"])
            dead = frozenset(n["NodeID"] for n in nodes if not n["Alive"])
            self._view, self._view_at = (max(1, cpus), dead), time.monotonic()
        return self._view


def _run_in_ray_worker(task: str, memory_limit_mb: int | None, sys_path: list[str],
                       item: Any) -> Any:
    """One item in a Ray worker: the local pool's guards, then :func:`run_guarded`."""
    _prepare_worker(tuple(sys_path))
    if not memory_limit_mb:
        return run_guarded(task, item)
    with address_space_allowance(memory_limit_mb):
        return run_guarded(task, item)


@functools.cache
def _prepare_worker(sys_path: tuple[str, ...]) -> None:
    """Once per Ray worker: the caller's import path first (it may hold a project folder the
    node's path lacks), and OpenCascade's C++ printing muted."""
    sys.path[:] = [*sys_path, *(p for p in sys.path if p not in sys_path)]
    mute_stdout()


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
