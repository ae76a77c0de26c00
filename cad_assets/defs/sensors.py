"""``cad_drop_folder_sensor``: watch the source folders and encode what changes, in batches.

What was built is read from the ``cad_files`` table the last run wrote (size, mtime and
hash) and the catalogue (which of those versions have an outcome), not kept in the cursor: the cursor holds only the files in motion (``pending``:
seen changing last tick; ``requested``: taken, waiting for a run to record them), so it is a
few bytes at steady state whatever the number of files.
"""

import base64
import hashlib
import json
import time
import zlib

import dagster as dg
import pyarrow.parquet as pq

from cad_assets.defs.assets.files import gather_files
from cad_assets.defs.jobs import build_dataset
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.flow import Pipeline

BATCH_SIZE = 500

#: A file not modified for this long is taken at first sight: it is not being copied.
SETTLE_SECONDS = 60


@dg.sensor(job=build_dataset, minimum_interval_seconds=30)
def cad_drop_folder_sensor(
    context: dg.SensorEvaluationContext,
    settings: CadPipelineSettings,
    cad_pipeline: dg.ResourceParam[Pipeline],
) -> dg.SensorResult:
    """New or changed files -> partitions added and ``build_dataset`` runs requested, one per
    batch of up to 500 files; deleted files -> partitions removed and the dataset rebuilt.

    A file is new or changed when its size or mtime differs from what the last run recorded in
    the ``cad_files`` table, or that version of it has no outcome in the catalogue yet. It is picked up at the first tick if it was last modified more than
    a minute ago, otherwise at the first tick that finds its size and mtime unchanged since the
    tick before (a file still being copied waits). The run then compares content hashes, so a
    file touched but not changed is not encoded again.
    """
    cursor = _load(context.cursor)
    pending, in_flight = cursor["pending"], cursor["requested"]
    built = _built_stats(settings, cad_pipeline)
    current = {f.partition_key: [f.size_bytes, f.mtime_ns] for f in gather_files(cad_pipeline, settings)}
    settled_before = time.time_ns() - SETTLE_SECONDS * 1_000_000_000

    # In flight until a run records that same version of the file (or the file goes or changes).
    requested = {
        key: stat for key, stat in in_flight.items()
        if current.get(key) == stat and built.get(key) != stat
    }
    taken, waiting = [], {}
    for key, stat in current.items():
        if key in requested or built.get(key) == stat:
            continue
        if pending.get(key) == stat or stat[1] < settled_before:
            taken.append(key)
        else:
            waiting[key] = stat
    requested.update({key: current[key] for key in taken})

    existing = set(context.instance.get_dynamic_partitions(cad_file_partitions.name))
    deleted = sorted(existing - set(current))
    run_requests = [
        dg.RunRequest(run_key=_fingerprint(batch, current), run_config=_encode_only(batch))
        for batch in _batches(taken)
    ]
    if deleted and not run_requests:  # nothing to encode, but the merge must drop those files
        run_requests.append(dg.RunRequest(run_key=_fingerprint(deleted, {})))
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=_partition_requests(sorted(set(taken) - existing), deleted),
        cursor=_dump({"pending": waiting, "requested": requested}),
    )


def _built_stats(settings: CadPipelineSettings, pipeline: Pipeline) -> dict[str, list[int]]:
    """``{partition key: [size, mtime]}`` of the files the last run recorded in ``cad_files``
    whose version has an outcome in the catalogue: a run of another batch records every file
    it finds in ``cad_files`` but encodes only its own. Empty before the first run."""
    path = settings.layout.files  # where the cad_files asset's IO manager writes it
    if not path.exists():
        return {}
    files = pq.read_table(path, columns=["partition_key", "size_bytes", "mtime_ns", "sha256"]).to_pandas()
    recorded = settings.catalogue(pipeline.version).recorded(files)
    return {key: [size, mtime] for key, size, mtime in
            zip(files["partition_key"], files["size_bytes"], files["mtime_ns"]) if key in recorded}


def _fingerprint(keys: list[str], stats: dict) -> str:
    """Run key: the same batch of the same file versions is never requested twice."""
    payload = json.dumps([(key, stats.get(key)) for key in keys]).encode()
    return hashlib.sha256(payload).hexdigest()[:20]


def _encode_only(keys: list[str]) -> dict:
    return {"ops": {"encode_cad_files": {"config": {"partition_keys": keys}}}}


def _batches(keys: list[str]) -> list[list[str]]:
    return [keys[start : start + BATCH_SIZE] for start in range(0, len(keys), BATCH_SIZE)]


def _partition_requests(added: list[str], deleted: list[str]) -> list:
    requests = []
    if added:
        requests.append(cad_file_partitions.build_add_request(added))
    if deleted:
        requests.append(cad_file_partitions.build_delete_request(deleted))
    return requests


def _load(cursor: str | None) -> dict:
    # Only files in motion: empty maps (about 40 characters) when nothing is changing. A cursor
    # of the earlier format ({"seen", "requested"}) loads too: its "requested" map empties as
    # soon as cad_files records those files.
    state = json.loads(zlib.decompress(base64.b64decode(cursor))) if cursor else {}
    return {"pending": state.get("pending", {}), "requested": state.get("requested", {})}


def _dump(state: dict) -> str:
    return base64.b64encode(zlib.compress(json.dumps(state, separators=(",", ":")).encode())).decode()
