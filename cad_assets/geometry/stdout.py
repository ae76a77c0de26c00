"""Silence the CAD kernel, which prints progress and warnings straight to file descriptor 1."""

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_LIBC = ctypes.CDLL(None)


@contextmanager
def muted_stdout() -> Iterator[None]:
    """Send everything written to file descriptor 1 to ``/dev/null`` while the block runs.

    Redirecting ``sys.stdout`` is not enough: OpenCascade writes from C++. Python's and C's
    buffers are flushed on the way in and out, so output from before the block still appears
    and output from inside it does not leak out later. The redirection is process-wide: do not
    use it while other threads need stdout.

    Examples
    --------
    >>> with muted_stdout():  # doctest: +SKIP
    ...     shape = read_cad_file("part.step")
    """
    sys.stdout.flush()
    _LIBC.fflush(None)
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        _LIBC.fflush(None)
        os.dup2(saved, 1)
        os.close(saved)
