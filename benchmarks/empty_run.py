"""Benchmark: the fixed cost of a ``build_dataset`` run with nothing to encode.

A folder of CAD files is built once, then rebuilt unchanged by the cron command
(``dagster job execute -m cad_assets.definitions -j build_dataset``, the project's
``dagster.yaml`` in ``DAGSTER_HOME``, as ``make demo`` sets it up). Each rerun encodes nothing;
what it costs is the run's fixed cost. Printed per rerun and as medians:

- ``wall``: seconds from starting the command to its exit;
- ``cpu``: CPU seconds of the run process (user + system, of it and anything it waited for);
- ``in_run``: seconds from the run's start to its summary (``summary.json``), and per step;
- ``events``: events the run wrote to Dagster's event log (~8.5 ms of CPU each on SQLite).

It also times, each in a fresh process, what comes before the run: Python and ``import
dagster``, loading the code location (``cad_assets.definitions``) and opening the instance.

``--compare DIR`` times another checkout too (e.g. ``git worktree add /tmp/before HEAD~1``),
interleaved run by run with this one (A B A B ..., each with its own instance and output, the
same files), and prints the median of the ratios this/other: timings on a shared machine drift
too much for two separate series to be compared.

    python benchmarks/empty_run.py [--files 8] [--runs 7] [--compare /tmp/before]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE = REPO / "data" / "sample" / "mfcad"


@dataclass
class Variant:
    """One checkout of cad_assets, with its own Dagster home and output folder."""

    name: str
    checkout: Path
    scratch: Path
    sources: Path
    runs: list[dict] = field(default_factory=list)

    @property
    def home(self) -> Path:
        return self.scratch / f"{self.name}_dagster_home"

    @property
    def output(self) -> Path:
        return self.scratch / f"{self.name}_output"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DAGSTER_HOME": str(self.home),
            "CAD_ASSETS_SOURCES": str(self.sources),
            "CAD_ASSETS_OUTPUT": str(self.output),
            "CAD_ASSETS_WORKERS": "1",
            # This checkout's cad_assets, ahead of the editable install.
            "PYTHONPATH": os.pathsep.join([str(self.checkout), os.environ.get("PYTHONPATH", "")]),
        }

    def set_up(self) -> None:
        self.home.mkdir(parents=True)
        # The project's instance settings (run queue, run monitoring, no telemetry), linked as
        # `make demo` links them; the same file for every variant.
        (self.home / "dagster.yaml").symlink_to(REPO / "dagster.yaml")

    def run(self) -> dict:
        """One ``build_dataset`` run through the cron command: its figures."""
        command = [str(BIN / "dagster"), "job", "execute", "-m", "cad_assets.definitions",
                   "-j", "build_dataset"]
        before = os.times()
        started = time.perf_counter()
        done = subprocess.run(command, env=self.env(), cwd=self.scratch, capture_output=True,
                              text=True, check=False)
        wall = time.perf_counter() - started
        after = os.times()
        if done.returncode != 0:
            sys.exit(f"{self.name}: build_dataset failed:\n{done.stderr[-3000:]}")
        summary = json.loads((self.output / "summary.json").read_text())
        return {
            "wall": wall,
            "cpu": (after.children_user - before.children_user)
            + (after.children_system - before.children_system),
            "in_run": summary["duration_seconds"]["total"],
            "steps": {k: v for k, v in summary["duration_seconds"].items() if k != "total"},
            "encoded": summary["file_count"]["encoded_this_run"],
            "events": _events_of_latest_run(self.home),
            "stderr_warnings": [line for line in done.stderr.splitlines() if "Warning" in line],
        }


def _events_of_latest_run(home: Path) -> int:
    code = ("import dagster as dg; i = dg.DagsterInstance.get(); "
            "print(len(i.all_logs(i.get_runs(limit=1)[0].run_id)))")
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DAGSTER_HOME": str(home)},
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def _seconds(variant: Variant, code: str, repeat: int = 3) -> float:
    """Median wall seconds of ``python -c code`` in a fresh process, in this variant's env."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=variant.env(), cwd=variant.scratch,
                       capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def start_up(variant: Variant) -> dict[str, float]:
    """What a run pays before its first step, each part in a fresh process."""
    python = _seconds(variant, "pass")
    dagster = _seconds(variant, "import dagster")
    definitions = _seconds(variant, "import dagster, cad_assets.definitions")
    instance = _seconds(variant, "import dagster; dagster.DagsterInstance.get()")
    return {"python": python, "import dagster": dagster - python,
            "load definitions": definitions - dagster, "open instance": instance - dagster}


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def report(variant: Variant) -> None:
    runs = variant.runs
    print(f"\n{variant.name} ({variant.checkout}): {len(runs)} reruns with nothing to encode")
    print(f"  median wall {_median(runs, 'wall'):.2f} s, cpu {_median(runs, 'cpu'):.2f} s, "
          f"in_run {_median(runs, 'in_run'):.2f} s, events {_median(runs, 'events'):.0f}")
    steps = runs[0]["steps"]
    print("  steps (median s): " + ", ".join(
        f"{step} {statistics.median(run['steps'].get(step, 0.0) for run in runs):.3f}"
        for step in steps))
    warnings = sorted({w for run in runs for w in run["stderr_warnings"]})
    print(f"  warnings on stderr: {len(warnings)}" + "".join(f"\n    {w}" for w in warnings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=8, help="CAD files in the folder")
    parser.add_argument("--sources", type=Path, default=SAMPLE, help="where to take them from")
    parser.add_argument("--runs", type=int, default=7, help="timed reruns per variant")
    parser.add_argument("--compare", type=Path, help="another checkout, timed interleaved")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="empty_run_"))
    try:
        sources = scratch / "parts"
        sources.mkdir()
        parts = sorted(args.sources.glob("*.step"))[:args.files]
        for part in parts:
            shutil.copyfile(part, sources / part.name)
        variants = [Variant("this", REPO, scratch, sources)]
        if args.compare:
            variants.insert(0, Variant("other", args.compare.resolve(), scratch, sources))
        print(f"{len(parts)} files from {args.sources}; scratch {scratch}")
        for variant in variants:
            variant.set_up()
            first = variant.run()  # the build: encodes every file
            variant.run()  # a warm-up rerun (first reads of the catalogue, caches)
            print(f"{variant.name}: built {first['encoded']} files in {first['wall']:.1f} s")
        for _ in range(args.runs):
            for variant in variants:
                result = variant.run()
                if result["encoded"]:
                    sys.exit(f"{variant.name}: a rerun encoded {result['encoded']} files")
                variant.runs.append(result)
                print(f"  {variant.name}: wall {result['wall']:.2f} s, cpu {result['cpu']:.2f} s, "
                      f"in_run {result['in_run']:.2f} s", flush=True)
        for variant in variants:
            report(variant)
            parts_before = start_up(variant)
            print("  before the run (s, fresh processes): " + ", ".join(
                f"{name} {seconds:.2f}" for name, seconds in parts_before.items()))
        if args.compare:
            this, other = variants[1], variants[0]
            for key in ("wall", "cpu", "in_run"):
                ratios = [b[key] / a[key] for a, b in zip(other.runs, this.runs, strict=True)]
                print(f"{key}: this/other median ratio {statistics.median(ratios):.3f} "
                      f"(other {_median(other.runs, key):.2f} s, this {_median(this.runs, key):.2f} s)")
        else:
            this = variants[0]
        print(f"empty_run: wall={_median(this.runs, 'wall'):.2f}s cpu={_median(this.runs, 'cpu'):.2f}s "
              f"in_run={_median(this.runs, 'in_run'):.2f}s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
