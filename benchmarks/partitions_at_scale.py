"""Benchmark: the Dagster side of the pipeline at 100,000 ``cad_encodings`` partitions on
PostgreSQL, next to 10,000 on SQLite (Dagster recommends at most 100,000 partitions per asset).

    .venv/bin/python benchmarks/partitions_at_scale.py [--partitions 100000]
        [--sqlite-partitions 10000] [--quick]

``--quick`` is a smoke check (2,000 on PostgreSQL, 1,000 on SQLite). No CAD is read: every file
is a tiny ``.step`` file of its own content (``ISO-10303-21;`` and a comment) in folders of
1,000, dated an hour ago, and every outcome is a synthetic record. PostgreSQL is a cluster of
its own (``cad_assets_tests/servers/postgres.py``, Debian's ``postgresql`` binaries, on
127.0.0.1, stopped by pid); the instance is ``deploy/dagster.yaml`` when it exists (else the
same ``storage: postgres:`` inline), the catalogue a second database of that server. SQLite is
Dagster's default instance and the catalogue's default SQLite file. Each backend gets a fresh
``DAGSTER_HOME``, sources and output folder in a temporary folder, and goes through, in order:

1. *sensor tick, N new files*: one evaluation of ``cad_drop_folder_sensor`` on the empty
   instance (it stats every file, requests N partitions and N / 500 runs; the runs are not
   launched);
2. *add N partitions*: the sensor's ``AddDynamicPartitionsRequest`` applied as the daemon
   applies it (``instance.add_dynamic_partitions``);
3. *cad_files*: the real ``cad_files`` asset (discovery, SHA-256 of every file, duplicate
   groups, partition sync, the Parquet table), materialized with ``dg.materialize``;
4. *plan, first build*: ``Catalogue.sync`` (N new file ids) and ``Catalogue.plan`` (N
   requests), then the plan of one sensor batch (500 keys);
5. *record N materializations*: a one-op job (in-process executor and INFO console logs, as
   ``build_dataset``) whose op calls the project's ``record_success``
   (``cad_assets/defs/assets/encoding_records.py``) for each synthetic file, exactly as the
   encoding step does after a worker hands a store back: a catalogue commit and an
   ``AssetMaterialization`` of the file's partition with its metadata and a real-size preview
   (thumbnail and picture, ~1.5 kB PNG). ``DAGSTER_EVENT_BATCH_SIZE`` does not apply: Dagster
   batches only the events of one output over a partition range, never ``log_event``;
6. *sensor tick, nothing new*: after the build (the ``cad_files`` table and an outcome per file
   in the catalogue), the tick that clears the cursor's N requested files, then a steady-state
   tick (what the daemon runs every 30 s);
7. *plan, no-change build*: ``Catalogue.sync`` + ``Catalogue.plan`` (all up to date), then the
   real ``cad_files`` and encoding step (``encode_cad_files`` producing ``cad_errors``: sync,
   plan, Dagster's materialized partitions of ``cad_encodings``, the error table) run with
   ``dg.materialize``, nothing to encode;
8. *UI partitions page*: ``dagster-webserver -h 127.0.0.1`` on a free port with the project's
   code location (``-m cad_assets.definitions``), and the page's ``PartitionHealthQuery``
   (every partition key and the materialized / materializing / failed ones, as the webapp
   sends it) posted to ``/graphql``: the first call (it fills Dagster's asset status cache),
   then the median of 3.

Prints one table (seconds at N on PostgreSQL, at M on SQLite, per-item milliseconds) and checks
each count (partitions added, materialized partitions the UI sees, files planned).
"""

import argparse
import contextlib
import dataclasses
import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pandas as pd

from cad_assets.builtin.preview import PREVIEW_FILE, THUMBNAIL_FILE, thumbnail
from cad_assets.defs.assets.encoding_records import ENCODINGS, record_success
from cad_assets.defs.assets.encodings import ERRORS, build_encode_assets
from cad_assets.defs.assets.files import cad_files
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.partitions import cad_file_partitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.defs.sensors import BATCH_SIZE, cad_drop_folder_sensor
from cad_assets.encoding import CadFile, EncodedFile, EncodeRequest
from cad_assets.storage import read_table

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_YAML = ROOT / "deploy" / "dagster.yaml"
PG_URL_ENV = "CAD_ASSETS_DAGSTER_PG_URL"
INLINE_PG_YAML = f"""telemetry:
  enabled: false
storage:
  postgres:
    postgres_url:
      env: {PG_URL_ENV}
"""
SQLITE_YAML = "telemetry:\n  enabled: false\n"
WEBSERVER = Path(sys.executable).with_name("dagster-webserver")
UI_CALLS = 3
#: The asset partitions page's query, as dagster-webserver 1.13's webapp sends it (Apollo adds
#: ``__typename``).
PARTITION_HEALTH_QUERY = """
query PartitionHealthQuery($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) {
    __typename
    ... on AssetNode {
      id
      partitionKeysByDimension { name type partitionKeys __typename }
      assetPartitionStatuses {
        __typename
        ... on TimePartitionStatuses {
          ranges { status startTime endTime startKey endKey __typename }
        }
        ... on DefaultPartitionStatuses {
          materializedPartitions materializingPartitions failedPartitions
        }
        ... on MultiPartitionStatuses {
          primaryDimensionName
          ranges {
            primaryDimStartKey primaryDimEndKey primaryDimStartTime primaryDimEndTime
            secondaryDim {
              __typename
              ... on TimePartitionStatuses {
                ranges { status startTime endTime startKey endKey __typename }
              }
              ... on DefaultPartitionStatuses {
                materializedPartitions materializingPartitions failedPartitions
              }
            }
          }
        }
      }
    }
  }
}
"""
#: The build_dataset job's console log level (per-event DEBUG lines are not printed).
INFO_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclasses.dataclass
class Step:
    name: str
    seconds: float
    items: int = 0  # per-item ms is printed when set
    note: str = ""


# --- the synthetic corpus ---------------------------------------------------------------------

def make_files(root: Path, n: int) -> None:
    """``n`` tiny STEP files of distinct content in folders of 1,000, last modified an hour
    ago (the sensor takes them at first sight)."""
    old = time.time_ns() - 3600 * 1_000_000_000
    for index in range(n):
        folder = root / f"lot{index // 1000:03d}" / f"batch{index // 100 % 10}"
        if index % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"part {index:06d}.step"
        path.write_bytes(b"ISO-10303-21;\n/* synthetic %d */\nEND-ISO-10303-21;\n" % index)
        os.utime(path, ns=(old, old))


def synthetic_preview_files() -> dict[str, bytes]:
    """What the preview encoder saves, made once: a PNG like its picture (160 px, flat shaded,
    dark borders, ~1.5 kB) and that picture's inline thumbnail (the worker makes both)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (160, 160), "white")
    draw = ImageDraw.Draw(picture)
    draw.polygon([(80, 20), (140, 50), (80, 80), (20, 50)], fill=(170, 190, 220), outline="black")
    draw.polygon([(20, 50), (80, 80), (80, 140), (20, 110)], fill=(120, 140, 170), outline="black")
    draw.polygon([(80, 80), (140, 50), (140, 110), (80, 140)], fill=(90, 105, 130), outline="black")
    draw.ellipse((60, 38, 100, 62), fill=(200, 210, 230), outline="black")
    buffer = io.BytesIO()
    picture.quantize(colors=16).save(buffer, format="PNG", optimize=True)
    return {PREVIEW_FILE: buffer.getvalue(), THUMBNAIL_FILE: thumbnail(buffer.getvalue())}


def synthetic_encoded(index: int, files: dict[str, bytes]) -> EncodedFile:
    """What a worker hands back for one file: file-level metadata like the built-in encoders'."""
    faces, edges = 20 + index % 50, 48 + index % 120
    metadata = {
        "n_faces": faces, "n_edges": edges, "n_solids": 1, "n_shells": 1, "n_coedges": 2 * edges,
        "total_area": 1234.5 + index, "bbox_xmin": 0.0, "bbox_ymin": 0.0, "bbox_zmin": 0.0,
        "bbox_xmax": 10.0, "bbox_ymax": 20.0, "bbox_zmax": 30.0, "n_faces_without_surface": 0,
        "n_edges_without_curve": 0, "encode_seconds": 0.42, "read_seconds": 0.12,
        "worker_pid": 4242, "encoding_version": "bench", "cad_format": "step",
        "face_label_file": "", "preview_seconds": 0.008,
    }
    rows = {"faces": faces, "edges": edges, "graph": 2 * edges, "coedges": 2 * edges, "file": 1}
    return EncodedFile(metadata, files, rows, cpu_seconds=0.5)


class TimedCatalogue:
    """The catalogue, with the seconds spent in its commits counted."""

    def __init__(self, catalogue):
        self._catalogue, self.seconds = catalogue, 0.0

    def record_encoded(self, *args, **kwargs):
        started = time.perf_counter()
        self._catalogue.record_encoded(*args, **kwargs)
        self.seconds += time.perf_counter() - started


def recording_job(settings: CadPipelineSettings, version: str, table: pd.DataFrame, box: dict):
    """A one-op job recording every file of ``table`` as encoded, through ``record_success``."""

    @dg.op(name="encode_cad_files")
    def record_synthetic(context: dg.OpExecutionContext):
        catalogue = TimedCatalogue(settings.catalogue(version))
        preview_files = synthetic_preview_files()
        started = time.perf_counter()
        tenth, marks = max(1, len(table) // 10), []
        for index, row in enumerate(table.itertuples()):
            if index % tenth == 0:
                marks.append(time.perf_counter())
            file = CadFile(row.partition_key, row.path, row.sha256, row.format, row.source_root,
                           row.relative_path)
            store = catalogue._catalogue.store_path(row.partition_key, row.sha256)
            request = EncodeRequest(file, str(store), version, ())
            record_success(context, catalogue, request, synthetic_encoded(index, preview_files))
        box["step"] = time.perf_counter() - started
        marks.append(time.perf_counter())
        # ms a file in the first and the last tenth: equal when the cost does not grow with N.
        box["tenths"] = (1000 * (marks[1] - marks[0]) / tenth,
                         1000 * (marks[-1] - marks[-2]) / (len(table) - tenth * (len(marks) - 2)))
        box["catalogue"] = catalogue.seconds

    @dg.job(name="record_partitions", config=INFO_LOGS, executor_def=dg.in_process_executor)
    def record_partitions():
        record_synthetic()

    return record_partitions


# --- timing helpers ---------------------------------------------------------------------------

def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def tick(instance, settings, pipeline, cursor):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings, "cad_pipeline": pipeline}
    )
    return timed(cad_drop_folder_sensor, context)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the webserver ----------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def webserver(env: dict, log: Path):
    """``dagster-webserver`` on 127.0.0.1 with the project's code location; stopped by pid."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(WEBSERVER), "-h", "127.0.0.1", "-p", str(port), "-m", "cad_assets.definitions"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"dagster-webserver exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"dagster-webserver not up after 300 s: {log}") from None
                time.sleep(0.5)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with contextlib.suppress(ProcessLookupError):  # its code server, if left behind
            os.killpg(process.pid, signal.SIGTERM)


def graphql(base: str, query: str, variables: dict) -> dict:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=1800) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def wait_for_code_location(base: str) -> None:
    query = "{ workspaceOrError { ... on Workspace { locationEntries { name " \
            "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        entries = graphql(base, query, {})["workspaceOrError"]["locationEntries"]
        states = [entry["locationOrLoadError"] for entry in entries]
        loaded = [state and state["__typename"] == "RepositoryLocation" for state in states]
        if states and all(loaded):
            return
        if any(state and state["__typename"] == "PythonError" for state in states):
            raise RuntimeError(f"the code location did not load: {states}")
        time.sleep(0.5)
    raise TimeoutError("the code location did not load in 300 s")


def partitions_page(base: str, n: int) -> list[Step]:
    variables = {"assetKey": {"path": list(ENCODINGS.path)}}
    answers, seconds = [], []
    for _ in range(1 + UI_CALLS):
        answer, took = timed(graphql, base, PARTITION_HEALTH_QUERY, variables)
        answers.append(answer)
        seconds.append(took)
    node = answers[-1]["assetNodeOrError"]
    keys = node["partitionKeysByDimension"][0]["partitionKeys"]
    materialized = node["assetPartitionStatuses"]["materializedPartitions"]
    _check(len(keys) == n and len(materialized) == n,
           f"the UI shows {len(keys)} partitions, {len(materialized)} materialized; expected {n}")
    size = len(json.dumps(answers[-1])) / 1e6
    return [
        Step("UI partitions page: first query", seconds[0], n,
             "PartitionHealthQuery via /graphql; fills the asset status cache"),
        Step(f"UI partitions page: median of {UI_CALLS}", statistics.median(seconds[1:]), n,
             f"{size:.1f} MB answer; {len(materialized)} materialized"),
    ]


# --- one backend ------------------------------------------------------------------------------

def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def run_backend(label: str, n: int, scratch: Path, yaml_text: str, env: dict,
                catalogue_url: str) -> list[Step]:
    """Every step at ``n`` files on one instance (see the module docstring)."""
    home, sources, output = scratch / "dagster_home", scratch / "sources", scratch / "out"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(yaml_text)
    progress(f"{label}: writing {n} files")
    make_files(sources, n)
    os.environ.update(env)
    settings = CadPipelineSettings(sources=str(sources), output_dir=str(output),
                                   catalogue_url=catalogue_url)
    defs = build_definitions(settings=settings)
    resources = defs.resources
    pipeline = resources["cad_pipeline"]
    steps = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        progress(f"{label}: sensor tick over {n} new files")
        first, seconds = tick(instance, settings, pipeline, None)
        requests = first.dynamic_partitions_requests
        _check(len(requests) == 1 and len(requests[0].partition_keys) == n,
               f"the sensor asked for {[len(r.partition_keys) for r in requests]} partitions")
        _check(len(first.run_requests) == -(-n // BATCH_SIZE), "unexpected number of runs")
        steps.append(Step("sensor tick, N new files", seconds, n,
                          f"{len(first.run_requests)} runs requested (not launched), "
                          f"cursor {len(first.cursor) / 1e3:.0f} kB"))

        progress(f"{label}: adding {n} partitions")
        keys = list(requests[0].partition_keys)
        _, seconds = timed(instance.add_dynamic_partitions, requests[0].partitions_def_name, keys)
        stored, read_s = timed(instance.get_dynamic_partitions, cad_file_partitions.name)
        _check(len(stored) == n, f"{len(stored)} partitions stored, expected {n}")
        steps.append(Step("add N dynamic partitions", seconds, n,
                          "as the daemon applies the sensor's request; reading them: "
                          f"{read_s:.2f} s"))

        progress(f"{label}: cad_files")
        result, seconds = timed(dg.materialize, [cad_files], instance=instance, resources=resources)
        _check(result.success, "cad_files failed")
        table = read_table(settings.layout.files)
        _check(len(table) == n, f"cad_files has {len(table)} rows")
        steps.append(Step("cad_files asset (discover, hash)", seconds, n,
                          "dg.materialize: stats, SHA-256 of every file, partition sync, table"))

        progress(f"{label}: planning the first build")
        catalogue = settings.catalogue(pipeline.version)
        _, sync_s = timed(catalogue.sync, table)
        plan, plan_s = timed(catalogue.plan, table, pipeline.encoder_references)
        _check(len(plan.requests) == n, f"{len(plan.requests)} files planned, expected {n}")
        steps.append(Step("plan, first build: sync + plan", sync_s + plan_s, n,
                          f"sync {sync_s:.2f} s (N new ids), plan {plan_s:.2f} s: N requests"))
        batch = keys[:BATCH_SIZE]
        batch_plan, seconds = timed(catalogue.plan, table, pipeline.encoder_references,
                                    only_keys=batch)
        _check(len(batch_plan.requests) == len(batch), "the batch plan is wrong")
        steps.append(Step(f"plan, one sensor batch ({len(batch)} keys)", seconds, 0,
                          "Catalogue.plan(only_keys=...): each sensor run"))

        progress(f"{label}: recording {n} materializations")
        box = {}
        job = recording_job(settings, pipeline.version, table, box)
        result, seconds = timed(job.execute_in_process, instance=instance)
        _check(result.success, "the recording job failed")
        materialized = instance.get_materialized_partitions(ENCODINGS)
        _check(len(materialized) == n, f"{len(materialized)} partitions materialized, expected {n}")
        steps.append(Step("record N materializations (run)", seconds, n,
                          "job calling record_success per file (real path); ms/file first "
                          f"tenth {box['tenths'][0]:.1f}, last tenth {box['tenths'][1]:.1f}"))
        steps.append(Step("  of which catalogue commits", box["catalogue"], n,
                          "Catalogue.record_encoded, a transaction a file"))
        steps.append(Step("  of which Dagster events + metadata", box["step"] - box["catalogue"], n,
                          "log_event(AssetMaterialization), preview and worker-made thumbnail"))
        del result

        progress(f"{label}: quiet sensor ticks")
        quiet, seconds = tick(instance, settings, pipeline, first.cursor)
        _check(not quiet.run_requests and not quiet.dynamic_partitions_requests,
               "the quiet tick asked for something")
        steps.append(Step("sensor tick, nothing new (after build)", seconds, n,
                          f"clears the N requested files; cursor now {len(quiet.cursor)} B"))
        steady, seconds = tick(instance, settings, pipeline, quiet.cursor)
        _check(not steady.run_requests, "the steady tick asked for something")
        steps.append(Step("sensor tick, nothing new (steady)", seconds, n,
                          "what the daemon runs every 30 s"))

        progress(f"{label}: planning a no-change build")
        _, sync_s = timed(catalogue.sync, table)
        plan, plan_s = timed(catalogue.plan, table, pipeline.encoder_references)
        _check(len(plan.up_to_date) == n, f"{len(plan.up_to_date)} up to date, expected {n}")
        steps.append(Step("plan, no-change build: sync + plan", sync_s + plan_s, n,
                          f"sync {sync_s:.2f} s, plan {plan_s:.2f} s: all up to date"))
        result, files_s = timed(dg.materialize, [cad_files], instance=instance, resources=resources)
        _check(result.success, "cad_files failed")
        encode = build_encode_assets(pipeline)
        result, seconds = timed(dg.materialize, [cad_files, encode], instance=instance,
                                resources=resources, selection=[ERRORS])
        _check(result.success, "the encoding step failed")
        steps.append(Step("no-change build: cad_files + encoding step", files_s + seconds, n,
                          f"cad_files {files_s:.2f} s (hashes reused), encode_cad_files "
                          f"{seconds:.2f} s (real step, nothing to encode)"))

    progress(f"{label}: UI partitions page")
    web_env = {**os.environ, **env, "DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(sources),
               "CAD_ASSETS_OUTPUT": str(output), "CAD_ASSETS_CATALOGUE_URL": catalogue_url}
    with webserver(web_env, scratch / "webserver.log") as base:
        wait_for_code_location(base)
        steps.extend(partitions_page(base, n))
    return steps


# --- output -----------------------------------------------------------------------------------

def print_table(pg: list[Step], lite: list[Step], n: int, m: int, recording_note: str) -> None:
    lite_by_name = {step.name: step for step in lite}
    head = (f"{'step':44s} {f's @ {n:,} PG':>14s} {'ms/item':>8s} {f's @ {m:,} SQLite':>16s} "
            f"{'ms/item':>8s}  note")
    print(head)
    print("-" * len(head))
    for step in pg:
        other = lite_by_name.get(step.name)
        cells = [f"{step.name:44s}", f"{step.seconds:14.2f}", _per_item(step)]
        cells += [f"{other.seconds:16.2f}" if other else f"{'-':>16s}",
                  _per_item(other) if other else f"{'':>8s}"]
        print(" ".join(cells) + f"  {step.note}")
        if other and other.note != step.note:
            print(f"{'':44s} {'':14s} {'':8s} {'':16s} {'':8s}  SQLite: {other.note}")
    print()
    print(recording_note)
    print("Timings on this machine drift up to 2x within an hour: compare within one run, and "
          "read ms/item (not the totals) across sizes.")


def print_partial(title: str, steps: list[Step]) -> None:
    print(f"{title} (as soon as measured):")
    for step in steps:
        print(f"  {step.name:44s} {step.seconds:10.2f} s {_per_item(step)} ms/item  {step.note}")
    print(flush=True)


def _per_item(step: Step) -> str:
    return f"{1000 * step.seconds / step.items:8.2f}" if step.items else f"{'':>8s}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partitions", type=int, default=100_000, help="on PostgreSQL")
    parser.add_argument("--sqlite-partitions", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="2,000 / 1,000: a smoke check")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    n, m = (2000, 1000) if args.quick else (args.partitions, args.sqlite_partitions)
    sys.path.insert(0, str(ROOT))
    from cad_assets_tests.servers.postgres import PostgresServer

    pg_yaml = DEPLOY_YAML.read_text() if DEPLOY_YAML.exists() else INLINE_PG_YAML
    yaml_from = "deploy/dagster.yaml" if DEPLOY_YAML.exists() else "inline storage: postgres:"
    scratch = Path(tempfile.mkdtemp(prefix="cad-assets-partitions-"))
    saved_env = dict(os.environ)
    try:
        started = time.perf_counter()
        # SQLite first (the smaller one): its figures are printed before the long PostgreSQL run.
        lite = run_backend(f"SQLite {m}", m, scratch / "sqlite", SQLITE_YAML, {}, "")
        print_partial(f"SQLite, {m:,} partitions", lite)
        os.environ.clear()
        os.environ.update(saved_env)
        with PostgresServer() as server:
            dagster_url = server.create_database("bench")
            catalogue_url = server.create_database("bench_catalogue")
            pg = run_backend(f"PostgreSQL {n}", n, scratch / "pg", pg_yaml,
                             {PG_URL_ENV: dagster_url}, catalogue_url)
        total = time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"\npartitions of cad_encodings: {n:,} on PostgreSQL 15 (instance: {yaml_from}; "
          f"catalogue in PostgreSQL), {m:,} on SQLite (Dagster's default instance; catalogue "
          f"SQLite); dagster {dg.__version__}; {os.cpu_count()} CPUs; whole benchmark "
          f"{total / 60:.1f} min\n")
    recording_note = (
        "Recording: the real path (a job whose op calls encoding_records.record_success per "
        "file: Catalogue.record_encoded, then context.log_event(AssetMaterialization) with the "
        "file's metadata and preview), not report_runless_asset_event; "
        f"DAGSTER_EVENT_BATCH_SIZE={os.environ.get('DAGSTER_EVENT_BATCH_SIZE', 'unset')} "
        "(Dagster batches only an output's partition-range events, so it has no effect here).")
    print_table(pg, lite, n, m, recording_note)


if __name__ == "__main__":
    main()
