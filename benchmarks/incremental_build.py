"""Benchmark: what an incremental ``build_dataset`` costs next to a full build, on a real corpus.

Runs the cron command exactly as users run it,

    dagster job execute -m cad_assets.definitions -j build_dataset

(the ``dagster`` next to this Python), with ``DAGSTER_HOME=<work>/dagster_home`` (a
``dagster.yaml`` with telemetry off), ``CAD_ASSETS_SOURCES=<work>/sources``,
``CAD_ASSETS_OUTPUT=<work>/out`` and ``CAD_ASSETS_WORKERS=2`` (every other ``CAD_ASSETS_*``
variable of the caller's environment is dropped), through these scenarios in order:

    a. full build from empty            d. 1 file added
    b. rerun with no change             e. 1 file deleted
    c. 1 file edited                    f. 100 files added

For each it prints the wall seconds of the command, the merge seconds (``merge_seconds`` of
``<out>/summary.json`` when it is there, else ``duration_seconds["cad_dataset"]``; the table
says which) and the ratio of wall seconds to the full build's. After the full build it prints
the CPU seconds of the run process (the ``dagster`` process itself) against those of the
workers: ``cpu_seconds`` of summary.json when present, and always as measured from outside
(``/proc`` of the run process at its exit, the CPU of its reaped descendants, and a poll of
every descendant process for the split by kind). Then the targets, each PASS or MISS:

    no-change rerun <= 3 % of the full build;  1 edit, 1 add, 1 delete <= 5 % each;
    run process CPU <= 5 % of the workers' CPU (full build).

Scheme: the corpus is sorted by relative path; 101 files spread evenly over it are held back
from the initial set (so the full build covers 6,126 of the 6,227 files): the first of them is
the file added in (d), the other 100 the files added in (f). With ``--files N``, N files
spread evenly over the sorted corpus are used (every library is represented) and
min(101, max(2, N // 5)) of them held back ((f) then adds one fewer). The
edit (c) replaces a file of the initial set (one third in) with a new file holding the content
of the next file of the set plus a STEP comment in its header, so the bytes are new to the
dataset; it is checked readable with ``read_cad_file`` before it goes in. The delete (e)
removes the file two thirds in. Unchanged files are hard links to the corpus (copies across
file systems); an edit writes a new file and renames it over the link, never into it.

    .venv/bin/python benchmarks/incremental_build.py [--files N] [--scenarios a,b,c,d,e,f]
        [--work DIR]

(a) always runs: it is what the others are measured against. Encoding costs about 2.2 CPU
seconds per KiCad file, so the whole corpus takes about two hours on 2 cores, nearly all of it
the full build; ``--files 1200`` about half an hour, ``--files 30`` a few minutes.

Corpus: the KiCad 3D-model library, Debian package ``kicad-packages3d`` (6,227 STEP files,
4.4 GB unpacked, ~380 MB download), licensed CC-BY-SA-4.0 with an exception for use in
designs. Fetched by the script on first use with ``apt-get download`` and unpacked (the .step
files only) into ``~/.cache/cad_assets/kicad-packages3d/`` or ``$CAD_ASSETS_BENCH_CACHE``,
outside the repository; the work folder defaults to ``<cache>/work``. Without apt-get, or if
the fetch fails, the script says so and exits 2. A failing pipeline run prints the tail of
the command's stderr and exits 1.
"""

import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kicad_corpus import PACKAGE, cache_dir, ensure_corpus, list_corpus, say

REPO = Path(__file__).resolve().parents[1]
CORPUS_SIZE = 6227
HOLD_BACK = 101
COMMAND_ARGS = ["job", "execute", "-m", "cad_assets.definitions", "-j", "build_dataset"]
WORKERS = 2
TELEMETRY_OFF = "telemetry:\n  enabled: false\n"
EDIT_COMMENT = "/* edited by cad_assets benchmarks/incremental_build.py */\n"

SCENARIOS = {
    "a": "full build from empty",
    "b": "rerun, no change",
    "c": "1 file edited",
    "d": "1 file added",
    "e": "1 file deleted",
    "f": "100 files added",
}
#: Scenario -> the largest ratio of its wall seconds to the full build's.
WALL_TARGETS = {"b": 0.03, "c": 0.05, "d": 0.05, "e": 0.05}
CPU_TARGET = 0.05


# --------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    initial: list[str]
    add_one: str
    add_many: list[str]
    edit_target: str
    edit_donors: list[str]
    delete_target: str


def make_plan(files: list[str]) -> Plan:
    n = len(files)
    held_count = min(HOLD_BACK, max(2, n // 5))
    held_positions = sorted({min(n - 1, int((i + 0.5) * n / held_count))
                             for i in range(held_count)})
    held = [files[i] for i in held_positions]
    initial = [f for i, f in enumerate(files) if i not in set(held_positions)]
    edit_at, delete_at = len(initial) // 3, (2 * len(initial)) // 3
    donors = initial[edit_at + 1:] + initial[:edit_at]
    donors = [d for d in donors if d != initial[delete_at]]
    return Plan(initial=initial, add_one=held[0], add_many=held[1:],
                edit_target=initial[edit_at], edit_donors=donors,
                delete_target=initial[delete_at])


def place(corpus: Path, sources: Path, relative: str) -> None:
    """``sources/relative`` as a hard link to the corpus file (a copy across file systems)."""
    source, target = corpus / relative, sources / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def edited_bytes(donor: Path) -> bytes:
    """The donor's content with a STEP comment after its first line (``ISO-10303-21;``)."""
    content = donor.read_bytes()
    first_line_end = content.find(b"\n") + 1
    if not content.lstrip().startswith(b"ISO-10303-21;") or first_line_end == 0:
        raise ValueError(f"{donor} does not start with ISO-10303-21;")
    return content[:first_line_end] + EDIT_COMMENT.encode() + content[first_line_end:]


def readable(path: Path) -> tuple[bool, str]:
    """Whether ``read_cad_file`` reads ``path`` (in a child process: OpenCascade stays out)."""
    code = ("import sys\n"
            "from cad_assets.geometry import read_cad_file, muted_stdout\n"
            "with muted_stdout():\n"
            "    read_cad_file(sys.argv[1])\n")
    try:
        result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                                text=True, timeout=600, cwd=REPO)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    lines = result.stderr.strip().splitlines()
    return result.returncode == 0, (lines[-1] if lines else "")


def apply_edit(corpus: Path, sources: Path, plan: Plan, work: Path) -> str:
    """Replace the edit target with a new, readable file; returns what was done."""
    target = sources / plan.edit_target
    staged = work / "edit.partial.step"
    for donor in plan.edit_donors[:10]:
        try:
            staged.write_bytes(edited_bytes(corpus / donor))
        except ValueError as error:
            say(f"  skipping donor: {error}")
            continue
        ok, message = readable(staged)
        if ok:
            os.replace(staged, target)  # a new inode: the corpus file behind the link is untouched
            return f"{plan.edit_target} now holds {donor} + a header comment"
        say(f"  donor {donor} is not readable after the edit ({message}); trying the next one")
    staged.unlink(missing_ok=True)
    raise RuntimeError("no readable edit could be made from the first 10 donors")


# --------------------------------------------------------------------------- CPU measurement


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the ``(comm)``: [state, ppid, ...]; None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode(errors="replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode(errors="replace").split("\0")
    except OSError:
        return []


#: Kinds of descendant that are not the workers' (their CPU is left out of the workers').
NOT_WORKERS = ("Dagster log capture", "multiprocessing resource tracker")


def classify(cmdline: list[str], parent_cmdline: list[str], run_cmdline: list[str]) -> str:
    """What a descendant of the run process is, from its and its parent's command lines.

    The pool's workers are forked from a multiprocessing forkserver (cad_assets.workers.pool)
    and so carry its command line: the forkserver is the one whose parent is not one."""
    text, parent_text = " ".join(cmdline), " ".join(parent_cmdline)
    if "poll_compute_logs" in text or "watch_orphans" in text or (
            cmdline and Path(cmdline[0]).name == "tail"):
        return NOT_WORKERS[0]
    if "resource_tracker" in text:
        return NOT_WORKERS[1]
    if "forkserver" in text:
        if "forkserver" in parent_text:
            return "worker (forked by the forkserver)"
        return "worker forkserver (preloads the workers' imports)"
    if cmdline and cmdline[:len(run_cmdline)] == run_cmdline:
        return "worker (fork of the run process)"
    if "multiprocessing" in text or "pebble" in text:
        return "worker (spawned)"
    return "worker: " + (Path(cmdline[0]).name if cmdline and cmdline[0] else "?")


def _set_child_subreaper() -> bool:
    """Orphaned descendants of the command become our children (so they stay in view)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


@dataclass
class CpuReport:
    run_process: float | None  # the command's own process, children excluded
    descendants: float | None  # every process below it, reaped or still polled
    by_kind: dict[str, tuple[int, float]] = field(default_factory=dict)  # kind -> (n, seconds)
    polled_total: float = 0.0
    polls: int = 0
    leftovers: list[str] = field(default_factory=list)
    exact: bool = False

    @property
    def workers(self) -> float | None:
        """Descendants less the ones that are not workers (log capture, helpers)."""
        if self.descendants is None:
            return None
        other = sum(seconds for kind, (_, seconds) in self.by_kind.items()
                    if kind in NOT_WORKERS)
        return max(0.0, self.descendants - other)


class CpuMonitor:
    """Polls /proc for the CPU of a process and of each of its descendants."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.tick = os.sysconf("SC_CLK_TCK")
        self.run_cmdline = _cmdline(pid)
        self.main_self_ticks = 0
        self.seen: dict[tuple[int, str], list] = {}  # (pid, starttime) -> [ticks, kind]
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def poll(self) -> None:
        me = os.getpid()
        parents, stats = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            fields = _stat_fields(int(entry))
            if fields is None or len(fields) < 20:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
            stats[int(entry)] = fields
        main = stats.get(self.pid)
        if main is not None:
            self.main_self_ticks = int(main[11]) + int(main[12])
        # Everything below the run process, and orphans of it that came to us (subreaper).
        queue = list(parents.get(self.pid, [])) + [
            p for p in parents.get(me, []) if p != self.pid]
        while queue:
            pid = queue.pop()
            fields = stats.get(pid)
            if fields is None:
                continue
            queue.extend(parents.get(pid, []))
            key = (pid, fields[19])
            record = self.seen.get(key)
            if record is None:
                kind = classify(_cmdline(pid), _cmdline(int(fields[1])), self.run_cmdline)
                record = self.seen[key] = [0, kind]
            record[0] = max(record[0], int(fields[11]) + int(fields[12]))
        self.polls += 1

    def final_main(self) -> tuple[int, int] | None:
        """(self ticks, reaped children ticks) of the exited, not yet reaped, run process."""
        fields = _stat_fields(self.pid)
        if fields is None:
            return None
        return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def run_measured(command: list[str], env: dict, cwd: Path, stdout, stderr
                 ) -> tuple[int, float, CpuReport]:
    """Run ``command``; (exit code, wall seconds, its CPU split)."""
    children_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=stdout, stderr=stderr,
                               stdin=subprocess.DEVNULL)
    monitor = CpuMonitor(process.pid)
    monitor.start()
    final = None
    try:
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # exited, still a zombie
        wall = time.perf_counter() - started
        monitor.poll()
        final = monitor.final_main()
    finally:
        monitor.stop()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    leftovers = _reap_leftovers(process.pid, monitor)
    children_delta = _children_cpu() - children_before
    tick = monitor.tick
    by_kind: dict[str, tuple[int, float]] = {}
    for ticks, kind in monitor.seen.values():
        count, seconds = by_kind.get(kind, (0, 0.0))
        by_kind[kind] = (count + 1, seconds + ticks / tick)
    polled_total = sum(ticks for ticks, _ in monitor.seen.values()) / tick
    if final is not None:
        own, reaped = final[0] / tick, final[1] / tick
        orphans_reaped_by_us = max(0.0, children_delta - (usage.ru_utime + usage.ru_stime))
        descendants = reaped + orphans_reaped_by_us
        exact = True
    else:  # /proc of the exited process could not be read: fall back on the last poll
        own = monitor.main_self_ticks / tick
        descendants = max(polled_total, children_delta - own)
        exact = False
    report = CpuReport(run_process=own, descendants=max(descendants, 0.0), by_kind=by_kind,
                       polled_total=polled_total, polls=monitor.polls, leftovers=leftovers,
                       exact=exact)
    return process.returncode, wall, report


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_leftovers(run_pid: int, monitor: CpuMonitor) -> list[str]:
    """Reap descendants orphaned to us; stop (by pid) any still running 5 s after the command."""
    deadline = time.monotonic() + 5
    described = []
    while True:
        try:
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
        except ChildProcessError:
            return described
        if time.monotonic() > deadline:
            break
        monitor.poll()
        time.sleep(0.2)
    for (pid, started), (ticks, kind) in monitor.seen.items():
        fields = _stat_fields(pid)
        if fields is not None and len(fields) > 19 and fields[19] == started and pid != run_pid:
            described.append(f"pid {pid} ({kind})")
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
    time.sleep(1)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    return described


# --------------------------------------------------------------------------- the runs


@dataclass
class Result:
    scenario: str
    files: int
    wall: float
    merge: float | None
    merge_source: str
    summary: dict | None
    cpu: CpuReport
    change: str


class RunFailed(Exception):
    """The pipeline command of a scenario exited non-zero (its output is printed already)."""


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def read_summary(out: Path, not_before: float) -> dict | None:
    path = out / "summary.json"
    try:
        if path.stat().st_mtime < not_before:
            return None  # left by an earlier run
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def merge_seconds(summary: dict | None) -> tuple[float | None, str]:
    if summary is None:
        return None, "no fresh summary.json"
    value = summary.get("merge_seconds")
    if isinstance(value, (int, float)):
        return float(value), "merge_seconds"
    stage = (summary.get("duration_seconds") or {}).get("cad_dataset")
    if isinstance(stage, (int, float)):
        return float(stage), "duration_seconds.cad_dataset"
    return None, "absent"


def run_scenario(scenario: str, work: Path, env: dict, file_count: int, change: str) -> Result:
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster), *COMMAND_ARGS]
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    out_log, err_log = logs / f"{scenario}.stdout", logs / f"{scenario}.stderr"
    say(f"[{scenario}] {SCENARIOS[scenario] if scenario != 'f' else 'files added'}: "
        f"{file_count} files in sources/"
        + (f" ({change})" if change else ""))
    not_before = time.time() - 1
    with open(out_log, "w") as stdout, open(err_log, "w") as stderr:
        code, wall, cpu = run_measured(command, env, REPO, stdout, stderr)
    if code != 0:
        say(f"[{scenario}] FAILED: `{' '.join(command)}` exited {code} after {wall:.1f} s")
        say(f"--- last lines of its stderr ({err_log}) ---")
        say(tail(err_log))
        say(f"--- last lines of its stdout ({out_log}) ---")
        say(tail(out_log, 10))
        raise RunFailed(scenario)
    summary = read_summary(Path(env["CAD_ASSETS_OUTPUT"]), not_before)
    merge, source = merge_seconds(summary)
    counts = (summary or {}).get("file_count") or {}
    say(f"[{scenario}] {wall:.1f} s wall, merge {fmt(merge)} s ({source}); "
        f"encoded this run {counts.get('encoded_this_run', '?')}, "
        f"failed this run {counts.get('failed_this_run', '?')}, "
        f"in dataset {counts.get('in_dataset', '?')}"
        + ("" if summary else "; WARNING: the run wrote no new summary.json"))
    if cpu.leftovers:
        say(f"[{scenario}] WARNING: still running 5 s after the command, stopped: "
            + ", ".join(cpu.leftovers))
    return Result(scenario, file_count, wall, merge, source, summary, cpu, change)


def label(scenario: str, added_many: int) -> str:
    name = SCENARIOS[scenario]
    if scenario == "f" and added_many != 100:
        name = f"{added_many} files added"
    return f"{scenario}. {name}"


def fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def pipeline_env(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CAD_ASSETS_") or k == "CAD_ASSETS_BENCH_CACHE"}
    env.update({
        "DAGSTER_HOME": str(work / "dagster_home"),
        "CAD_ASSETS_SOURCES": str(work / "sources"),
        "CAD_ASSETS_OUTPUT": str(work / "out"),
        "CAD_ASSETS_WORKERS": str(WORKERS),
    })
    return env


def prepare_work(work: Path, corpus: Path) -> None:
    names = ("sources", "out", "dagster_home", "logs")  # only what this script makes
    real_corpus = corpus.resolve()
    if real_corpus.is_relative_to(work) and any(
            real_corpus.is_relative_to(work / name) for name in names) or (
            work.is_relative_to(real_corpus)):
        sys.exit(f"--work {work} overlaps the corpus {corpus}")
    work.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.rmtree(work / name, ignore_errors=True)
    (work / "dagster_home").mkdir()
    (work / "dagster_home" / "dagster.yaml").write_text(TELEMETRY_OFF)
    (work / "sources").mkdir()


# --------------------------------------------------------------------------- report


def print_cpu(result: Result) -> tuple[float | None, float | None, str]:
    """Prints the full build's CPU split; returns (run process, workers, source) for the check."""
    cpu = result.cpu
    say("")
    say("CPU seconds of the full build (a):")
    reported = (result.summary or {}).get("cpu_seconds")
    chosen: tuple[float | None, float | None, str] = (None, None, "none")
    if isinstance(reported, dict) and isinstance(reported.get("run_process"), (int, float)) \
            and isinstance(reported.get("workers"), (int, float)):
        run, workers = float(reported["run_process"]), float(reported["workers"])
        say(f"  summary.json cpu_seconds: run process {run:.1f} s, workers {workers:.1f} s"
            f" -> {percent(run, workers)} of the workers'")
        chosen = (run, workers, "summary.json cpu_seconds")
    else:
        say("  summary.json has no cpu_seconds {run_process, workers}: using the measurement")
    how = ("exact: /proc of the exited run process" if cpu.exact
           else "approximate: last /proc poll")
    say(f"  measured from outside ({how}, {cpu.polls} polls of its descendants):")
    say(f"    run process (the `dagster` process, children excluded) {fmt(cpu.run_process)} s")
    say(f"    all descendant processes                                {fmt(cpu.descendants)} s"
        f"   (polled sum {cpu.polled_total:.1f} s)")
    for kind, (count, seconds) in sorted(cpu.by_kind.items()):
        say(f"      {kind:<50} {count:>4} processes {seconds:>9.1f} s (polled)")
    say(f"    workers (descendants less log capture, resource tracker) {fmt(cpu.workers)} s"
        f" -> run process {percent(cpu.run_process, cpu.workers)} of the workers'")
    if chosen[0] is None:
        chosen = (cpu.run_process, cpu.workers, "measured")
    return chosen


def percent(part: float | None, whole: float | None) -> str:
    if part is None or not whole:
        return "n/a"
    return f"{100 * part / whole:.1f} %"


def print_table(results: list[Result], full_wall: float, added_many: int) -> None:
    header = (f"{'scenario':<26} {'files':>6} {'wall s':>9} {'/ full':>8} {'merge s':>8}  "
              f"{'encoded':>7} {'failed':>6}  merge seconds from")
    say("")
    say(header)
    say("-" * len(header))
    for r in results:
        counts = (r.summary or {}).get("file_count") or {}
        say(f"{label(r.scenario, added_many):<26} {r.files:>6} {r.wall:>9.1f} "
            f"{percent(r.wall, full_wall):>8} {fmt(r.merge, 2):>8}  "
            f"{str(counts.get('encoded_this_run', '?')):>7} "
            f"{str(counts.get('failed_this_run', '?')):>6}  {r.merge_source}")


def print_checks(results: list[Result], full_wall: float, cpu: tuple) -> None:
    say("")
    say("Targets:")
    by_scenario = {r.scenario: r for r in results}
    for scenario, target in WALL_TARGETS.items():
        label = f"{scenario}. {SCENARIOS[scenario]} <= {target:.0%} of the full build"
        r = by_scenario.get(scenario)
        if r is None:
            say(f"  {'NOT RUN':<8} {label}")
            continue
        ratio = r.wall / full_wall
        say(f"  {'PASS' if ratio <= target else 'MISS':<8} {label}: "
            f"{r.wall:.1f} s = {100 * ratio:.1f} %")
    run, workers, source = cpu
    label = f"run process CPU <= {CPU_TARGET:.0%} of the workers' CPU (full build, {source})"
    if run is None or not workers:
        say(f"  {'N/A':<8} {label}: no figure")
    else:
        ratio = run / workers
        say(f"  {'PASS' if ratio <= CPU_TARGET else 'MISS':<8} {label}: "
            f"{run:.1f} s / {workers:.1f} s = {100 * ratio:.1f} %")


# --------------------------------------------------------------------------- main


def parse_scenarios(text: str) -> list[str]:
    chosen = {c for c in text.replace(",", "").replace(" ", "").lower()}
    unknown = chosen - set(SCENARIOS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenarios {sorted(unknown)}; use a-f")
    return [s for s in SCENARIOS if s in chosen | {"a"}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None,
                        help="use only N files, spread evenly over the sorted corpus")
    parser.add_argument("--scenarios", type=parse_scenarios, default=list(SCENARIOS),
                        help="subset of a,b,c,d,e,f (a always runs); default all")
    parser.add_argument("--work", type=Path, default=None,
                        help="work folder (default <cache>/work); its sources/, out/, "
                             "dagster_home/ and logs/ are wiped first")
    args = parser.parse_args()

    cache = cache_dir()
    corpus = ensure_corpus(cache)
    subreaper = _set_child_subreaper()
    every = list_corpus(corpus)
    if args.files is not None:
        if args.files < 3:
            sys.exit("--files must be at least 3")
        files = [every[index * len(every) // args.files] for index in range(args.files)]
    else:
        files = every
    plan = make_plan(files)
    work = (args.work or cache / "work").expanduser().resolve()
    prepare_work(work, corpus)
    sources = work / "sources"
    env = pipeline_env(work)

    say(f"Corpus: {PACKAGE} (KiCad 3D models, CC-BY-SA-4.0 with a design exception), "
        f"{len(every)} .step files in {corpus}")
    say(f"Using {len(files)} of them"
        + (f" ({len(files)} spread evenly over the sorted corpus, --files)" if args.files is not None else "")
        + f"; {len(files) - len(plan.initial)} held back, spread evenly: the full build is of "
        f"{len(plan.initial)} files, (d) adds 1 and (f) adds {len(plan.add_many)}.")
    say(f"Work folder: {work}; command: dagster {' '.join(COMMAND_ARGS)} "
        f"(CAD_ASSETS_WORKERS={WORKERS}); {os.cpu_count()} cores"
        + ("" if subreaper else "; WARNING: not a child subreaper, orphans escape the count"))
    say("")

    for relative in plan.initial:
        place(corpus, sources, relative)
    count = len(plan.initial)
    results: list[Result] = []
    failed = None
    for scenario in args.scenarios:
        change = ""
        if scenario == "c":
            change = apply_edit(corpus, sources, plan, work)
        elif scenario == "d":
            place(corpus, sources, plan.add_one)
            count += 1
            change = f"added {plan.add_one}"
        elif scenario == "e":
            (sources / plan.delete_target).unlink()
            count -= 1
            change = f"deleted {plan.delete_target}"
        elif scenario == "f":
            for relative in plan.add_many:
                place(corpus, sources, relative)
            count += len(plan.add_many)
            change = f"added {len(plan.add_many)} files"
        try:
            results.append(run_scenario(scenario, work, env, count, change))
        except RunFailed:
            failed = scenario
            break

    if results:
        full = results[0]
        cpu = print_cpu(full)
        print_table(results, full.wall, len(plan.add_many))
        print_checks(results, full.wall, cpu)
    if failed:
        say("")
        say(f"FAILED: scenario {failed}. {SCENARIOS[failed]} (see its stderr above); "
            "the scenarios after it did not run.")
        sys.exit(1)


if __name__ == "__main__":
    main()
