"""The catalogue of per-file encodings: the one owner of ``<output>/encodings/``.

It plans which files need encoding, records each file's outcome from what the worker handed
back (never by reopening the store), gives every file a stable id, and removes the stores of
vanished files and of superseded contents or encoder versions. ``cad_infoset``, ``cad_errors``,
the merge and ``summary.json`` all read it.

On disk, a partition (one CAD file) owns a folder named after its key, and a store is named
after what it was computed from::

    <encodings>/<partition key>/<sha256>.v<encoding version>.zarr.zip
"""

import json
import shutil
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from cad_assets.catalogue import database
from cad_assets.catalogue.database import counters, encodings, file_ids
from cad_assets.encoding.request import CadFile, EncodedFile, EncodeRequest
from cad_assets.sources import split_partition_key
from cad_assets.storage import open_file_store

STORE_SUFFIX = ".zarr.zip"
#: Failure records beside the stores, as releases before the catalogue wrote them.
LEGACY_FAILURE_SUFFIX = ".error.json"
#: Stands for the hash of a file that could not be read (it still gets a row: its failure).
UNREADABLE = "unreadable"
#: Columns of the error table (``cad_errors``).
ERROR_COLUMNS = [
    "partition_key", "path", "sha256", "error_type", "task", "message", "traceback", "worker_pid",
    "failed_at",
]
_OUTCOME_FIELDS = ("error_type", "task", "message", "traceback", "worker_pid")


@dataclass
class EncodingPlan:
    """``requests`` to run; ``up_to_date`` and ``known_failures`` are partition keys left alone.
    ``retried``: keys of requests whose content failed or was skipped under another encoding
    version (an encoder changed since), so they are tried again."""

    requests: list[EncodeRequest] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    known_failures: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)


class Catalogue:
    """The encodings of one output folder, for one pipeline ``version``.

    Parameters
    ----------
    encodings
        The folder of per-file stores (``<output>/encodings``).
    database
        A database URL, or the path of a SQLite file (``<output>/catalogue.sqlite``).
    version
        The pipeline's encoding version: rows of other versions are not current.
    """

    def __init__(self, encodings: Path, database_url: str | Path, version: str):
        self.encodings = Path(encodings)
        self.version = version
        self._engine = database.connect(database_url)

    @classmethod
    def latest(cls, encodings: Path, database_url: str | Path) -> "Catalogue | None":
        """The catalogue at the version of the outcome recorded last (the latest run's), for
        readers without the pipeline at hand; ``None`` if no outcome was ever recorded."""
        query = (sa.select(database.encodings.c.encoding_version)
                 .order_by(database.encodings.c.recorded_at.desc()).limit(1))
        with database.connect(database_url).connect() as db:
            version = db.execute(query).scalar()
        return None if version is None else cls(encodings, database_url, version)

    def store_path(self, partition_key: str, sha256: str) -> Path:
        return self._partition_dir(partition_key) / f"{sha256}.v{self.version}{STORE_SUFFIX}"

    # --- before encoding -------------------------------------------------------------------

    def sync(self, files: pd.DataFrame) -> dict[str, int]:
        """Make the catalogue follow ``files`` (the ``cad_files`` table): new partition keys get
        new ids (in key order, after every id ever given), keys no longer there lose their id,
        their rows and their stores. Returns ``{partition key: file id}``."""
        keys = set(files["partition_key"])
        with self._engine.begin() as db:
            known = dict(db.execute(sa.select(file_ids.c.partition_key, file_ids.c.file_id)).all())
            vanished = (set(known) | self._keys_with_rows(db)) - keys
            for chunk in _chunks(sorted(vanished)):
                db.execute(encodings.delete().where(encodings.c.partition_key.in_(chunk)))
                db.execute(file_ids.delete().where(file_ids.c.partition_key.in_(chunk)))
            new = sorted(keys - set(known))
            if new:
                first = self._take_ids(db, len(new))
                db.execute(file_ids.insert(), [
                    {"partition_key": key, "file_id": first + n} for n, key in enumerate(new)
                ])
                known.update({key: first + n for n, key in enumerate(new)})
        for key in vanished:
            shutil.rmtree(self._partition_dir(key), ignore_errors=True)
        return {key: known[key] for key in keys}

    def plan(
        self,
        files: pd.DataFrame,
        encoders: tuple[tuple[str, str, str], ...],
        only_keys: Collection[str] | None = None,
        force: bool = False,
        retry_failed: bool = False,
    ) -> EncodingPlan:
        """Which of ``files`` (or of their ``only_keys``) to encode.

        A file is encoded when it has no row for its current content and this version, or a
        failed or skipped one and ``retry_failed``; ``force`` encodes every planned file. A
        store that exists without a row (its run was killed between the write and the
        commit) is adopted rather than encoded again, and so is the ``.error.json`` failure
        record of releases before the catalogue. ``encoders`` go into each request, as
        :attr:`cad_assets.flow.Pipeline.encoder_references`.
        """
        status = self._current_frame(files, ["status"]).set_index("partition_key")["status"]
        earlier = self._unencoded_at_other_versions(files)
        plan = EncodingPlan()
        wanted = None if only_keys is None else set(only_keys)
        for row in files.itertuples():
            if wanted is not None and row.partition_key not in wanted:
                continue
            sha = row.sha256 or UNREADABLE
            store = self.store_path(row.partition_key, sha)
            known = status.get(row.partition_key)
            if not force and known is None:
                known = self._adopt(row.partition_key, row.path, sha, store)
            if not force and known == "encoded":
                plan.up_to_date.append(row.partition_key)
            elif not (force or retry_failed) and known in ("failed", "skipped"):
                plan.known_failures.append(row.partition_key)
            else:
                file = CadFile(row.partition_key, row.path, sha, row.format, row.source_root,
                               row.relative_path)
                plan.requests.append(EncodeRequest(file, str(store), self.version, encoders))
                if known is None and row.partition_key in earlier:
                    plan.retried.append(row.partition_key)
        return plan

    # --- outcomes --------------------------------------------------------------------------

    def record_encoded(self, request: EncodeRequest, encoded: EncodedFile, run_id: str = "") -> None:
        """Commit a store the worker wrote; the file's superseded rows and stores go."""
        self._commit(request, {
            "status": "encoded", "store_path": request.store_path, "rows": encoded.rows,
            "metadata": encoded.metadata, "worker_pid": encoded.metadata.get("worker_pid"),
            "cpu_seconds": encoded.cpu_seconds, "worker_host": encoded.worker_host,
            "run_id": run_id,
        })

    def record_unencoded(self, request: EncodeRequest, status: str, outcome: Mapping,
                         run_id: str = "") -> None:
        """Commit why a file has no store: ``status`` ``failed`` (``outcome`` holds
        ``error_type``, ``message``, ...) or ``skipped`` (an encoder left it out)."""
        self._commit(request, {
            "status": status, **{name: outcome.get(name) for name in _OUTCOME_FIELDS},
            "run_id": run_id,
        })

    # --- reading ---------------------------------------------------------------------------

    def current(self, files: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
        """One row per file of ``files`` with a row of its current content and this version:
        ``file_id``, ``partition_key`` and ``columns`` (default all: ``status``,
        ``store_path``, ``rows``, ``metadata``, the error fields, ``worker_pid``,
        ``cpu_seconds``, ``worker_host``, ``run_id``, ``recorded_at``); by key. Name only the
        columns you need: ``metadata`` and ``rows`` are JSON to parse for every file."""
        if columns is None:
            columns = [c.name for c in encodings.columns
                       if c.name not in ("partition_key", "sha256", "encoding_version")]
        current = self._current_frame(files, columns)
        ids = self.file_ids()
        current.insert(0, "file_id", current["partition_key"].map(ids).astype("int64"))
        return current.sort_values("partition_key", ignore_index=True)

    def errors(self, files: pd.DataFrame) -> pd.DataFrame:
        """The error table: every file of ``files`` whose current encoding failed."""
        columns = ["status", "error_type", "task", "message", "traceback", "worker_pid",
                   "recorded_at"]
        failed = self.current(files, columns).query("status == 'failed'")
        paths = files.set_index("partition_key")
        table = failed.assign(
            path=failed["partition_key"].map(paths["path"]),
            sha256=failed["partition_key"].map(paths["sha256"]),
            failed_at=failed["recorded_at"],
        )
        return table.reindex(columns=ERROR_COLUMNS).reset_index(drop=True)

    def skips(self, files: pd.DataFrame) -> dict[str, str]:
        """``{partition key: "encoder: reason"}`` for the files an encoder skipped."""
        skipped = self.current(files, ["status", "task", "message"]).query("status == 'skipped'")
        return {row.partition_key: f"{row.task}: {row.message}" for row in skipped.itertuples()}

    def recorded(self, files: pd.DataFrame) -> set[str]:
        """Partition keys of ``files`` with an outcome (any status) for their current content."""
        return set(self._current_frame(files, [])["partition_key"])

    def file_ids(self) -> dict[str, int]:
        with self._engine.connect() as db:
            return dict(db.execute(sa.select(file_ids.c.partition_key, file_ids.c.file_id)).all())

    def outcomes_of_run(self, run_id: str) -> dict:
        """Files encoded, failed and skipped by run ``run_id`` (still current), and the CPU
        seconds its workers spent on the encoded ones."""
        query = (sa.select(encodings.c.status, sa.func.count(), sa.func.sum(encodings.c.cpu_seconds))
                 .where(encodings.c.run_id == run_id).group_by(encodings.c.status))
        with self._engine.connect() as db:
            found = {status: (count, cpu or 0.0) for status, count, cpu in db.execute(query)}
        return {
            **{status: found.get(status, (0, 0.0))[0] for status in ("encoded", "failed", "skipped")},
            "worker_cpu_seconds": sum(cpu for _, cpu in found.values()),
        }

    # --- inside ----------------------------------------------------------------------------

    def _partition_dir(self, partition_key: str) -> Path:
        split_partition_key(partition_key)  # rejects keys that would leave the folder
        return self.encodings / partition_key

    def _current_frame(self, files: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """Rows of this version whose hash is the file's current one, as a DataFrame."""
        query = sa.select(encodings.c.partition_key, encodings.c.sha256,
                          *(encodings.c[name] for name in columns)
                          ).where(encodings.c.encoding_version == self.version)
        with self._engine.connect() as db:
            rows = pd.DataFrame(db.execute(query).all(), columns=["partition_key", "sha256", *columns])
        wanted = pd.DataFrame({"partition_key": files["partition_key"].astype(object),
                               "sha256": files["sha256"].astype(object).fillna(UNREADABLE)})
        rows = rows.astype({"partition_key": object, "sha256": object})
        return wanted.merge(rows, on=["partition_key", "sha256"]).drop(columns="sha256")

    def _unencoded_at_other_versions(self, files: pd.DataFrame) -> set[str]:
        """Keys of ``files`` whose current content failed or was skipped at another version."""
        query = sa.select(encodings.c.partition_key, encodings.c.sha256).where(
            encodings.c.encoding_version != self.version,
            encodings.c.status.in_(("failed", "skipped")))
        with self._engine.connect() as db:
            rows = set(db.execute(query).all())
        if not rows:
            return set()
        shas = files["sha256"].astype(object).fillna(UNREADABLE)
        return {key for key, sha in zip(files["partition_key"], shas) if (key, sha) in rows}

    def _commit(self, request: EncodeRequest, values: dict) -> None:
        key = {"partition_key": request.partition_key, "sha256": request.sha256,
               "encoding_version": request.version}
        superseded = sa.and_(
            encodings.c.partition_key == request.partition_key,
            sa.or_(encodings.c.sha256 != request.sha256,
                   encodings.c.encoding_version != request.version),
        )
        with self._engine.begin() as db:
            stale = [Path(path) for (path,) in db.execute(
                sa.select(encodings.c.store_path).where(superseded, encodings.c.store_path.is_not(None)))]
            db.execute(encodings.delete().where(superseded))
            db.execute(encodings.delete().where(*(encodings.c[k] == v for k, v in key.items())))
            db.execute(encodings.insert().values(**key, **values, recorded_at=time.time()))
        for path in stale:
            if str(path) != request.store_path:
                path.unlink(missing_ok=True)
        if values["status"] != "encoded":  # a store from an earlier try of this same version
            Path(request.store_path).unlink(missing_ok=True)

    def _adopt(self, partition_key: str, path: str, sha256: str, store: Path) -> str | None:
        """Record what is on disk for a file the catalogue has no row of; returns its status."""
        request = EncodeRequest(CadFile(partition_key, path, sha256, ""), str(store), self.version, ())
        legacy = store.with_name(store.name.removesuffix(STORE_SUFFIX) + LEGACY_FAILURE_SUFFIX)
        if store.exists():
            with open_file_store(store) as opened:
                encoded = EncodedFile(opened.metadata, {}, dict(opened.row_counts))
            self.record_encoded(request, encoded)
            return "encoded"
        if legacy.exists():
            record = json.loads(legacy.read_text())
            self.record_unencoded(request, record.get("status", "failed"), record)
            legacy.unlink()
            return record.get("status", "failed")
        return None

    def _keys_with_rows(self, db) -> set[str]:
        return set(db.execute(sa.select(encodings.c.partition_key).distinct()).scalars())

    def _take_ids(self, db, count: int) -> int:
        """Reserve ``count`` consecutive new ids; returns the first."""
        current = db.execute(
            sa.select(counters.c.value).where(counters.c.name == "next_file_id").with_for_update()
        ).scalar()
        if current is None:
            db.execute(counters.insert().values(name="next_file_id", value=count))
            return 0
        db.execute(counters.update().where(counters.c.name == "next_file_id")
                   .values(value=current + count))
        return current


def _chunks(items: list, size: int = 500):
    # SQLite limits the parameters of one statement.
    for start in range(0, len(items), size):
        yield items[start:start + size]
