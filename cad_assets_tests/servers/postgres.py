"""A real PostgreSQL server for tests and benchmarks: a new cluster in a temporary folder,
started and stopped by pid.

Debian's ``postgresql`` package provides the binaries (``initdb``, ``postgres``, ``pg_isready``,
``psql`` under ``/usr/lib/postgresql/<major>/bin``). Where it is missing, :func:`binaries` says
how to install it. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` user the package creates (``setpriv`` execs it, so the pid we hold is the server's).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "apt-get install -y postgresql (make test does this as root)"


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``postgres`` of the newest installed major, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """One cluster in a new folder under the system's temporary folder (the ``postgres`` user
    must reach it; pytest's ``tmp_path`` is private to root): ``start()`` creates and starts
    it, ``stop()`` stops it by pid and removes the folder.

    ``host`` is the one address it listens on. ``prefix`` runs every command through another,
    e.g. ``["ip", "netns", "exec", "cad-a"]`` to start it on a test host of its own.
    """

    host: str = "127.0.0.1"
    port: int = 0
    prefix: Sequence[str] = ()
    user: str = "postgres"
    process: subprocess.Popen | None = field(default=None, repr=False)
    folder: Path | None = None

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL. ``+psycopg2``: with SQLAlchemy 2.1 a plain ``postgresql://`` picks
        psycopg 3, which Dagster's ``NOTIFY run_events, $1`` trips over."""
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{database}"

    def start(self) -> "PostgresServer":
        bin_dir = binaries()
        if bin_dir is None:
            raise FileNotFoundError(f"PostgreSQL is not installed: {INSTALL_HINT}")
        self.port = self.port or free_port(self.host if not self.prefix else "127.0.0.1")
        self.folder = Path(tempfile.mkdtemp(prefix="cad-assets-pg-"))
        data, sockets = self.folder / "data", self.folder / "sockets"
        data.mkdir(parents=True)
        sockets.mkdir()
        log = (self.folder / "server.log").open("w")
        as_user = self._as_user()
        if as_user:
            shutil.chown(self.folder, "postgres", "postgres")
            for path in (data, sockets, self.folder / "server.log"):
                shutil.chown(path, "postgres", "postgres")
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", self.user,
                        "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
                       check=True, stdout=log, stderr=subprocess.STDOUT)
        # initdb trusts loopback only; a server on a test host also trusts that host's network.
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write("host all all samenet trust\n")
        # fsync off: a test cluster never needs to survive a power cut, and it is 10x faster.
        self.process = subprocess.Popen(
            [*self.prefix, *as_user, str(bin_dir / "postgres"), "-D", str(data),
             "-h", self.host, "-p", str(self.port), "-k", str(sockets),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_ready(bin_dir, log)
        return self

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its URL."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` with psql (inside ``prefix``) and return what it printed."""
        done = subprocess.run(
            [*self.prefix, str(binaries() / "psql"), "-h", self.host, "-p", str(self.port),
             "-U", self.user, "-d", database, "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True, text=True,
        )
        return done.stdout.strip()

    def stop(self) -> None:
        """Fast shutdown by pid (SIGINT), SIGKILL after 30 s; then remove the folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _as_user(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"]

    def _wait_ready(self, bin_dir: Path, log) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log.flush()
                raise RuntimeError("PostgreSQL did not start:\n"
                                   + (self.folder / "server.log").read_text()[-2000:])
            ready = subprocess.run(
                [*self.prefix, str(bin_dir / "pg_isready"), "-q", "-h", self.host,
                 "-p", str(self.port)],
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        self.stop()
        raise TimeoutError("PostgreSQL was not ready after 60 s")
