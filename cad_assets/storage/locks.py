"""The dataset writer's lock: one process at a time plans, writes and publishes a dataset.

A ``flock`` on a file beside the dataset excludes the processes of one machine, and the kernel
releases it when its holder dies, so a killed writer blocks no one. Machines that share the
output folder over a network file system cannot count on it (some forward ``flock`` to the
server, others keep it on the client). When they share a PostgreSQL database (the
catalogue's), the writer also holds a session-level advisory lock there: the server grants it
to one connection at a time and drops it when that connection ends, which happens when the
holder's process dies (its socket closes) or, through TCP keepalives, soon after its machine
goes away. Advisory locks belong to one database: machines exclude each other when they use
the same one. The lock file is still taken first: it is cheap, local writers wait on it
without holding a database connection, and it keeps two writers of one machine apart even if
only one of them was given the database.
"""

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

#: Session settings of the lock's connection: never time the wait out (it lasts as long as
#: the other writer's merge), never drop the holder's idle connection (PostgreSQL 14+), and
#: let the server notice a dead holder's machine within about a minute.
_SESSION = ("statement_timeout = 0", "lock_timeout = 0", "idle_session_timeout = 0",
            "tcp_keepalives_idle = 30", "tcp_keepalives_interval = 10",
            "tcp_keepalives_count = 3")


@contextmanager
def writer_lock(lock_file: Path, name: str, database_url: str = "") -> Iterator[None]:
    """Hold the lock of dataset ``name`` for the ``with`` block, waiting for the holder.

    ``lock_file`` is flocked; with a PostgreSQL ``database_url`` the advisory lock of ``name``
    is held too. ``name`` must be the same on every machine: the dataset's absolute path (the
    output folder is mounted at the same path everywhere). Other URLs (SQLite) are ignored.
    """
    with file_lock(lock_file):
        if is_postgresql(database_url):
            with advisory_lock(database_url, name):
                yield
        else:
            yield


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def advisory_lock(database_url: str, name: str) -> Iterator[None]:
    """PostgreSQL's session-level advisory lock of ``name``, on a connection of its own that
    lives exactly as long as the ``with`` block (no pool keeps it open)."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for setting in _SESSION:
                connection.exec_driver_sql(f"SET {setting}")
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(name)})
            yield
            # Closing the connection would release it as well; unlocking says so explicitly.
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(name)})
    finally:
        engine.dispose()


def lock_key(name: str) -> int:
    """The 64-bit key of advisory lock ``name``: a hash, the same in every process."""
    digest = hashlib.sha256(f"cad_assets lock {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def is_postgresql(database_url: str) -> bool:
    return "://" in database_url and sa.make_url(database_url).get_backend_name() == "postgresql"
