"""Run a function over many items in worker processes that are allowed to die.

OpenCascade segfaults on some files, loops forever on others and leaks memory on every read.
So each item runs in a long-lived worker process with a time limit and a memory limit: a crash,
a timeout or an exhausted memory limit fails that one item, the worker is replaced, and the
other items carry on. Workers are recycled after a number of items to return leaked memory.

Workers are forked from a forkserver that has already imported the task's module, so the
1-2 s OpenCascade import is paid once per pool, not once per worker or per recycling.
With ``ray_address`` set the items go to a Ray cluster instead (:mod:`.ray_pool`), with the
same per-item outcomes.
"""

import importlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from cad_assets.workers.limits import limit_worker_memory, mute_stdout


@dataclass(frozen=True)
class PoolSettings:
    """How items are run. ``workers=0`` runs them one by one in this process (debug mode:
    breakpoints work, but a crash takes the caller down). ``ray_address`` sends them to that
    Ray cluster, one worker per CPU of every node (``workers`` is then unused);
    ``node_loss_grace_s`` is how long a crashed Ray worker's item waits to learn whether its
    node was lost (then it runs again) or the item crashed it: at least the time the cluster
    takes to mark a lost node dead (Ray's health checks: ~15 s by default)."""

    workers: int = 2
    task_timeout_s: float = 120.0
    memory_limit_mb: int | None = 4096
    tasks_per_worker: int = 100
    ray_address: str = ""
    node_loss_grace_s: float = 30.0


@dataclass(frozen=True)
class TaskFailure:
    """Why one item failed: an exception in the task, a worker crash, a timeout or the memory
    limit. ``task`` names the part of the item's work that failed, when the task says."""

    error_type: str
    message: str
    traceback: str = ""
    worker_pid: int | None = None
    task: str = ""


def run_isolated(
    task: str, items: Sequence[Any], settings: PoolSettings, preload: Sequence[str] = ()
) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, result)`` for every item as it completes, ``result`` being what the task
    returned for it or a :class:`TaskFailure`.

    ``task`` names a module-level function as ``"package.module:function"``. Only the workers
    import that module, so the caller never loads the CAD kernel nor parses an untrusted file.
    ``preload`` names more modules the workers' forkserver imports once (heavy libraries).
    """
    if settings.workers == 0:
        for index, item in enumerate(items):
            yield index, run_guarded(task, item)
        return
    sys_path = _worker_sys_path([task.partition(":")[0], *preload])
    if settings.ray_address:
        from cad_assets.workers.ray_pool import run_on_ray

        yield from run_on_ray(task, items, settings, sys_path)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([task.partition(":")[0], *preload])
    with ProcessPool(
        max_workers=settings.workers,
        max_tasks=settings.tasks_per_worker,
        initializer=_init_worker,
        initargs=(settings.memory_limit_mb, sys_path),
        context=context,
    ) as pool:
        futures = {
            pool.schedule(run_guarded, args=(task, item), timeout=settings.task_timeout_s): index
            for index, item in enumerate(items)
        }
        for future in as_completed(futures):
            yield futures[future], _outcome(future, settings)


def _worker_sys_path(modules: Sequence[str]) -> list[str]:
    """This process's import path, plus the folder each of ``modules`` was imported from if
    that folder is no longer on it: Dagster puts a code location's working directory (``-d``,
    workspace.yaml's ``working_directory``) on the path only while it imports the location, so
    the workers would not find the user's encoders."""
    path = list(sys.path)
    for name in modules:
        file = getattr(sys.modules.get(name), "__file__", None)
        if not file:
            continue
        root = Path(file).resolve().parent
        for _ in range(name.count(".") + (Path(file).name == "__init__.py")):
            root = root.parent
        if str(root) not in path:
            path.append(str(root))
    return path


def _init_worker(memory_limit_mb: int | None, sys_path: list[str]) -> None:
    # The forkserver keeps the import path it started with; a caller that has since added a
    # project folder (a workspace's working_directory) must still find its modules.
    sys.path[:] = sys_path
    mute_stdout()
    if memory_limit_mb:
        limit_worker_memory(memory_limit_mb)


def run_guarded(task: str, item: Any) -> Any:
    # Exceptions are turned into plain data here: OpenCascade's exceptions do not pickle.
    try:
        module, _, function = task.partition(":")
        return getattr(importlib.import_module(module), function)(item)
    except MemoryError:
        return TaskFailure(
            "MemoryLimitExceeded",
            "the file needed more memory than the worker memory limit allows",
            traceback.format_exc(),
            os.getpid(),
        )
    except Exception as error:  # noqa: BLE001 - every failure is reported per item
        return TaskFailure(
            type(error).__name__, str(error) or repr(error), traceback.format_exc(), os.getpid()
        )


def _outcome(future, settings: PoolSettings) -> Any:
    try:
        return future.result()
    except FutureTimeout:
        return timed_out(settings)
    except ProcessExpired as expired:
        return TaskFailure(
            "WorkerCrashed",
            f"the worker process died ({_describe_exit(expired.exitcode)}) while reading this file",
            worker_pid=expired.pid,
        )


def timed_out(settings: PoolSettings) -> TaskFailure:
    return TaskFailure(
        "Timeout",
        f"no result after {settings.task_timeout_s:g} s; the worker was killed "
        "(OpenCascade can loop forever on truncated files)",
    )


def _describe_exit(exitcode: int) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"exit code {exitcode}"
