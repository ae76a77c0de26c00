"""The catalogue's tables, in a SQL database reached through SQLAlchemy.

By default a SQLite file in the output folder: concurrent runs of one machine commit to it in
turn (WAL journal, immediate transactions, a busy timeout), each commit one file's outcome, so
nothing is ever rewritten whole. A PostgreSQL URL works the same way for several machines:
there each transaction first takes a transaction-level advisory lock, so that transactions
take turns as SQLite's immediate ones do (two runs registering the same new files would
otherwise both insert them, and two first runs both create the tables).
"""

from pathlib import Path

import sqlalchemy as sa

from cad_assets.storage.locks import is_postgresql, lock_key

metadata = sa.MetaData()

#: One row per file version: the outcome of encoding one content with one encoder version.
encodings = sa.Table(
    "encodings",
    metadata,
    sa.Column("partition_key", sa.Text, primary_key=True),
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("encoding_version", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # encoded, failed or skipped
    sa.Column("store_path", sa.Text),
    sa.Column("rows", sa.JSON),  # {group: rows} of the store
    sa.Column("metadata", sa.JSON),  # every file-level field the encoders and pipeline saved
    sa.Column("error_type", sa.Text),
    sa.Column("task", sa.Text),
    sa.Column("message", sa.Text),
    sa.Column("traceback", sa.Text),
    sa.Column("worker_pid", sa.Integer),
    sa.Column("cpu_seconds", sa.Float),  # the worker's CPU time for the file
    sa.Column("worker_host", sa.Text),  # the machine that encoded it
    sa.Column("run_id", sa.Text),
    sa.Column("recorded_at", sa.Float, nullable=False),
)

#: The stable id of every current partition key; ids are never reused.
file_ids = sa.Table(
    "file_ids",
    metadata,
    sa.Column("partition_key", sa.Text, primary_key=True),
    sa.Column("file_id", sa.Integer, nullable=False, unique=True),
)

#: Named counters; ``next_file_id`` only grows, so a removed file's id is never given again.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


def connect(url_or_path: str | Path) -> sa.Engine:
    """An engine for a database URL, or for a SQLite file at a path; creates the tables."""
    url = str(url_or_path)
    if "://" not in url:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            f"sqlite:///{url}",
            # The driver's own transaction handling is off so that each transaction starts
            # with BEGIN IMMEDIATE: two writers wait for each other instead of deadlocking.
            connect_args={"timeout": 300, "isolation_level": None},
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
        if is_postgresql(url):
            sa.event.listen(engine, "begin", _take_turns)
    with engine.begin() as connection:  # one transaction: two first runs do not both create
        metadata.create_all(connection)
        _add_missing_columns(connection)
    return engine


def _add_missing_columns(connection: sa.Connection) -> None:
    """Catalogues made by an earlier release lack the columns added since (all nullable)."""
    present = {column["name"] for column in sa.inspect(connection).get_columns("encodings")}
    for column in encodings.columns:
        if column.name not in present:
            kind = column.type.compile(connection.dialect)
            connection.execute(sa.text(f"ALTER TABLE encodings ADD COLUMN {column.name} {kind}"))


def _take_turns(connection) -> None:
    # Released by the server at commit or rollback, or when the connection dies.
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                       {"key": lock_key("catalogue")})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL: readers never wait for a writer; NORMAL: a crashed process loses nothing committed.
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
