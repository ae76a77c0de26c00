"""Which files need encoding, and which currently fail: decided from the files table and the
artifacts on disk, so any run (cron, sensor batch, UI backfill) resumes where others stopped."""

from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from cad_assets.encoding.request import CadFile, EncodeRequest
from cad_assets.storage import EncodingsLayout, read_failure

#: Columns of the error table (``cad_errors``).
ERROR_COLUMNS = [
    "partition_key", "path", "sha256", "error_type", "task", "message", "traceback", "worker_pid",
    "failed_at",
]


@dataclass
class EncodingPlan:
    """``requests`` to run; ``up_to_date`` and ``known_failures`` are partition keys left alone."""

    requests: list[EncodeRequest] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    known_failures: list[str] = field(default_factory=list)


def plan_encoding(
    files: pd.DataFrame,
    layout: EncodingsLayout,
    version: str,
    encoders: tuple[tuple[str, str, str], ...],
    only_keys: Collection[str] | None = None,
    force: bool = False,
    retry_failed: bool = False,
) -> EncodingPlan:
    """Plan the encoding of ``files`` (the ``cad_files`` table), or of its ``only_keys``.

    A file is encoded when it has no store for its current content and the pipeline's
    ``version``, and has not already failed or been skipped with that same content and version
    (unless ``retry_failed``). ``encoders`` go into each request, as
    :attr:`cad_assets.flow.Pipeline.encoder_references`.
    ``force`` encodes every planned file regardless (partitions asked for by name in the UI).
    """
    plan = EncodingPlan()
    wanted = None if only_keys is None else set(only_keys)
    for row in files.itertuples():
        if wanted is not None and row.partition_key not in wanted:
            continue
        sha = row.sha256 or "unreadable"
        store = layout.store_path(row.partition_key, sha, version)
        if not force and store.exists():
            plan.up_to_date.append(row.partition_key)
        elif (
            not (force or retry_failed)
            and layout.failure_path(row.partition_key, sha, version).exists()
        ):
            plan.known_failures.append(row.partition_key)
        else:
            file = CadFile(row.partition_key, row.path, sha, row.format, row.source_root,
                           row.relative_path)
            plan.requests.append(EncodeRequest(file, str(store), version, encoders))
    return plan


def current_errors(files: pd.DataFrame, layout: EncodingsLayout, version: str) -> pd.DataFrame:
    """The error table: one row per current file whose encoding failed for its current content
    and the pipeline's version, and which has no good store for them. Files an encoder skipped
    are not errors: see :func:`current_skips`."""
    records = _current_records(files, layout, version)
    rows = [r for r in records if r.get("status") != "skipped"]
    return pd.DataFrame([{c: r.get(c) for c in ERROR_COLUMNS} for r in rows], columns=ERROR_COLUMNS)


def current_skips(files: pd.DataFrame, layout: EncodingsLayout, version: str) -> dict[str, str]:
    """``{partition key: "encoder: reason"}`` for the current files an encoder skipped."""
    return {
        r["partition_key"]: f"{r['task']}: {r['message']}"
        for r in _current_records(files, layout, version)
        if r.get("status") == "skipped"
    }


def _current_records(files: pd.DataFrame, layout: EncodingsLayout, version: str) -> list[dict]:
    records = []
    for row in files.itertuples():
        sha = row.sha256 or "unreadable"
        failure = layout.failure_path(row.partition_key, sha, version)
        if failure.exists() and not layout.store_path(row.partition_key, sha, version).exists():
            records.append(read_failure(failure))
    return records
