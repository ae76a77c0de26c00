"""Benchmark: ``build_dataset`` on a two-node Ray cluster against the local worker pool, both
with the Dagster instance and the catalogue in PostgreSQL, on the same files.

    .venv/bin/python benchmarks/cluster_build.py [--files 445] [--rounds 2] [--cpus-per-node 1]

Two test hosts in network namespaces (``cad_assets_tests/servers``: root and Debian's
``iproute2`` and ``postgresql``), a Ray head on the first and a node on the second, each with
``--cpus-per-node`` CPUs, and PostgreSQL on the first. Every build is a clean one (new output
folder, new databases) of the first ``--files`` files of ``../shared/cad``, run with
``dagster job execute`` on the first host: on the cluster (``CAD_ASSETS_RAY_ADDRESS``), then
with the local pool of as many workers as the cluster has CPUs, alternately (timings drift on
these machines: the ratio of each pair counts). Both test hosts share this machine's cores,
so the cluster cannot be faster here; the figure is what Ray's scheduling and transfers cost.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from cad_assets.sources import discover_cad_files  # noqa: E402
from cad_assets_tests.servers.netns import TestNetwork  # noqa: E402
from cad_assets_tests.servers.postgres import PostgresServer  # noqa: E402
from cad_assets_tests.servers.ray_cluster import RayCluster  # noqa: E402

DAGSTER = str(Path(sys.executable).parent / "dagster")
BUILD = [DAGSTER, "job", "execute", "-m", "cad_assets.definitions", "-j", "build_dataset"]
SHARED_CAD = REPOSITORY.parent / "shared" / "cad"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=445)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cpus-per-node", type=int, default=1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cad-cluster-bench-"))
    sources = _copy_corpus(work / "sources", args.files)
    files = sum(path.is_file() for path in sources.rglob("*"))
    with TestNetwork() as network, RayCluster(network.hosts, cpus=args.cpus_per_node) as cluster:
        head = network.hosts[0]
        on_head = ["ip", "netns", "exec", head.namespace]
        with PostgresServer(host=head.address, prefix=on_head) as pg:
            rows = []
            for round_number in range(args.rounds):
                for backend in ("ray", "local"):
                    rows.append(_build(backend, round_number, work, sources, head, cluster, pg,
                                       workers=args.cpus_per_node * len(network.hosts)))
                    print(_format(rows[-1]), flush=True)
    shutil.rmtree(work, ignore_errors=True)

    ratios = [ray["seconds"] / local["seconds"] for ray, local in zip(rows[::2], rows[1::2])]
    print(f"\n{files} files; {args.cpus_per_node} CPU per node, "
          f"{args.cpus_per_node * 2} local workers")
    print(f"cluster / local pool wall seconds, median of {len(ratios)} pairs: "
          f"{statistics.median(ratios):.2f}")


def _copy_corpus(folder: Path, limit: int) -> Path:
    files = sorted(Path(found.path) for found in discover_cad_files([SHARED_CAD]))[:limit]
    for path in files:
        target = folder / path.relative_to(SHARED_CAD)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return folder


def _build(backend, round_number, work, sources, head, cluster, pg, workers) -> dict:
    root = work / f"{backend}-{round_number}"
    home = root / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(REPOSITORY / "deploy" / "dagster.yaml", home / "dagster.yaml")
    catalogue = f"catalogue_{backend}_{round_number}"
    environment = {
        **os.environ, "DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(sources),
        "CAD_ASSETS_OUTPUT": str(root / "out"), "CAD_ASSETS_WORKERS": str(workers),
        "CAD_ASSETS_DAGSTER_PG_URL": pg.create_database(f"dagster_{backend}_{round_number}"),
        "CAD_ASSETS_CATALOGUE_URL": pg.create_database(catalogue),
        "CAD_ASSETS_RAY_ADDRESS": cluster.address if backend == "ray" else "",
    }
    started = time.perf_counter()
    done = subprocess.run(head.command(BUILD), env=environment, cwd=REPOSITORY,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{backend} build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    by_host = pg.psql("SELECT status, coalesce(worker_host, '-'), count(*) FROM encodings "
                      "GROUP BY 1, 2 ORDER BY 1, 2", catalogue)
    shutil.rmtree(root, ignore_errors=True)
    return {"backend": backend, "round": round_number, "seconds": seconds,
            "files": by_host.replace("\n", ", ").replace("|", " ")}


def _format(row: dict) -> str:
    return (f"round {row['round']}  {row['backend']:<5}  {row['seconds']:6.1f} s  "
            f"(status host files: {row['files']})")


if __name__ == "__main__":
    main()
