"""Module-level tasks for the pool tests: workers import them by name."""

import ctypes
import os
import socket
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


def host_and_pid(seconds):
    """Which host and worker ran the item, after ``seconds`` of work."""
    time.sleep(float(seconds))
    return socket.gethostname(), os.getpid()


def announce_and_wait(argument):
    """Leave a file named after this host in a folder (``"folder|seconds"``), then wait: a test
    sees which host started the item before it ends."""
    folder, seconds = argument.split("|")
    with open(os.path.join(folder, f"{socket.gethostname()}-{os.getpid()}"), "a") as marker:
        marker.write(argument + "\n")
    time.sleep(float(seconds))
    return socket.gethostname(), os.getpid()
