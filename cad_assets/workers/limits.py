"""Process-level guards applied inside each worker: before it takes any item, or around one."""

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager


def limit_worker_memory(megabytes: int) -> None:
    """Cap the worker's address space, so a runaway file raises ``MemoryError`` (or kills the
    worker) instead of exhausting the machine. Importing OpenCascade alone maps ~550 MB."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@contextmanager
def address_space_allowance(megabytes: int) -> Iterator[None]:
    """For the ``with`` block, cap the address space at what the process holds now plus
    ``megabytes`` (a soft limit, lifted again afterwards): for a worker that maps gigabytes of
    its own before any item (Ray's) and whose other threads must not be capped between items."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS,
                       (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def mute_stdout() -> None:
    """Send file descriptor 1 to /dev/null: OpenCascade's readers print progress from C++,
    which Python-level redirection cannot catch."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
