"""The dataset writer's lock on PostgreSQL excludes writers that share no lock file (as on two
machines), and a holder that dies releases it."""

import os
import signal
import subprocess
import sys
import threading

import pytest

from cad_assets.storage.locks import writer_lock

#: Holds the lock of dataset argv[2] (lock file argv[1], database argv[3]) until stdin closes.
HOLDER = """
import sys
from pathlib import Path
from cad_assets.storage.locks import writer_lock
with writer_lock(Path(sys.argv[1]), sys.argv[2], sys.argv[3]):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def holder(tmp_path, new_database):
    """``holder(name)``: a process of its own holding the lock of ``name`` on a database of
    this test; returns ``(process, database URL)``."""
    url, started = new_database("locks"), []

    def hold(name: str):
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(tmp_path / "machine-a.lock"), name, url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process, url

    yield hold
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def _contend(lock_file, name, url) -> threading.Event:
    """Take the lock in a thread, as a writer of another machine (another lock file) would;
    the event is set once it has it."""
    acquired = threading.Event()

    def take():
        with writer_lock(lock_file, name, url):
            acquired.set()

    threading.Thread(target=take, daemon=True).start()
    return acquired


def test_second_writer_waits_until_the_first_releases(tmp_path, holder, postgres):
    process, url = holder("/data/out/.cad_dataset")
    assert postgres.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == "1"

    acquired = _contend(tmp_path / "machine-b.lock", "/data/out/.cad_dataset", url)
    assert not acquired.wait(1.5)
    process.stdin.close()  # the holder leaves its with block
    assert acquired.wait(10)
    assert process.wait(10) == 0


def test_killed_holder_releases_the_lock(tmp_path, holder):
    process, url = holder("/data/out/.cad_dataset")
    acquired = _contend(tmp_path / "machine-b.lock", "/data/out/.cad_dataset", url)
    assert not acquired.wait(1.5)
    os.kill(process.pid, signal.SIGKILL)
    assert acquired.wait(10)


def test_other_datasets_are_not_held(tmp_path, holder):
    _, url = holder("/data/out/.cad_dataset")
    assert _contend(tmp_path / "machine-b.lock", "/data/other/.cad_dataset", url).wait(10)
