"""Module-level tasks for the pool tests: workers import them by name."""

import ctypes
import os
import time


def square(x):
    return x * x


def misbehave(kind):
    """Fail in the ways OpenCascade does."""
    if kind == "segfault":
        ctypes.string_at(0)
    if kind == "hang":
        while True:
            time.sleep(0.05)
    if kind == "raise":
        raise ValueError("bad geometry")
    if kind == "memory":
        return bytearray(2 * 1024**3)
    if kind == "print":
        os.write(1, b"noise from C++\n")
    return os.getpid()
