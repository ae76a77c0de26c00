"""Process-level guards applied inside each worker before it takes any item."""

import os
import resource


def limit_worker_memory(megabytes: int) -> None:
    """Cap the worker's address space, so a runaway file raises ``MemoryError`` (or kills the
    worker) instead of exhausting the machine. Importing OpenCascade alone maps ~550 MB."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def mute_stdout() -> None:
    """Send file descriptor 1 to /dev/null: OpenCascade's readers print progress from C++,
    which Python-level redirection cannot catch."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
