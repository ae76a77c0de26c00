"""What the encoding step tells its run log: progress while the workers encode, the files that
failed and why, and the error budget's verdict. Plain Python: the step hands the lines to
``context.log``.

The run log is an event log (SQLite by default, ~8.5 ms an event on the workers' cores), so
progress is a line every :data:`PROGRESS_INTERVAL_S` seconds, not one per file, and the failed
files are one message.
"""

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: Seconds between two progress lines.
PROGRESS_INTERVAL_S = 5.0
#: Failed files listed one by one in the run log; more are counted by error type.
LISTED_FAILURES = 30
#: Error types the error budget's failure names, each with one file.
BUDGET_ERROR_TYPES = 3
#: Characters of a message's first line shown.
MESSAGE_CHARS = 200


@dataclass(frozen=True)
class Failure:
    """One file that failed: its partition key, error type, encoder (``""`` if none ran) and
    message."""

    partition_key: str
    error_type: str
    task: str
    message: str

    @property
    def first_line(self) -> str:
        return first_line(self.message, self.task)

    def describe(self) -> str:
        """``key: ErrorType in encoder: first line of the message``."""
        where = f" in {self.task}" if self.task else ""
        return f"{self.partition_key}: {self.error_type}{where}: {self.first_line}"


def first_line(message: str | None, task: str = "") -> str:
    """The first non-blank line of ``message``, without the ``in encoder 'name': `` the worker
    puts before an encoder's own message, cut to :data:`MESSAGE_CHARS`."""
    lines = [line.strip() for line in str(message or "").splitlines() if line.strip()]
    line = lines[0] if lines else "(no message)"
    line = line.removeprefix(f"in encoder {task!r}: ") if task else line
    return line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS - 3] + "..."


def count_by_type(failures: Iterable[Failure]) -> list[tuple[str, int]]:
    """``(error type, files)``, most files first (ties by name)."""
    counts = Counter(f.error_type for f in failures)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _counts_text(failures: list[Failure]) -> str:
    return ", ".join(f"{error_type} {n}" for error_type, n in count_by_type(failures))


def failure_list(failures: list[Failure], limit: int = LISTED_FAILURES) -> str:
    """One message naming each failed file (the first ``limit``), then the count by type."""
    shown = sorted(failures, key=lambda f: f.partition_key)
    lines = [f"{_plural(len(failures), 'file')} failed to encode ({_counts_text(failures)}):"]
    lines += [f"  {failure.describe()}" for failure in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"  ... and {len(shown) - limit} more; all {len(failures)} by error type: "
                     f"{_counts_text(failures)}")
    return "\n".join(lines)


def examples_by_type(failures: list[Failure], top: int = BUDGET_ERROR_TYPES) -> str:
    """The ``top`` error types, each with its count and one file and first message line:
    ``RuntimeError 16 (e.g. parts/a.step in edge_uses: boom); Timeout 1 (e.g. ...)``."""
    first_of_type: dict[str, Failure] = {}
    for failure in sorted(failures, key=lambda f: f.partition_key):
        first_of_type.setdefault(failure.error_type, failure)
    counted = count_by_type(failures)
    parts = []
    for error_type, n in counted[:top]:
        example = first_of_type[error_type]
        where = f" in {example.task}" if example.task else ""
        parts.append(f"{error_type} {n} (e.g. {example.partition_key}{where}: {example.first_line})")
    if len(counted) > top:
        types, files = len(counted) - top, sum(n for _, n in counted[top:])
        parts.append(f"{_plural(types, 'more error type')} ({_plural(files, 'file')})")
    return "; ".join(parts)


def budget_message(failures: list[Failure], encoded: int, budget: float) -> str:
    """Why a run failed over the error budget, naming the top error types with an example."""
    return (f"{len(failures)} of {encoded} files failed to encode, more than the error budget "
            f"of {budget:.0%}: {examples_by_type(failures)}. Every outcome is recorded in "
            "cad_errors (`cad-assets errors` lists them, with --traceback)")


@dataclass
class Progress:
    """Counts outcomes as they arrive; :meth:`add` returns a progress line when one is due
    (every ``interval_s`` seconds, and never for the last file: :meth:`summary` says that)."""

    total: int
    interval_s: float = PROGRESS_INTERVAL_S
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self):
        self.started = self._last = self.clock()

    def add(self, status: str, failure: Failure | None = None) -> str | None:
        """Count one file's outcome (``encoded``, ``failed`` or ``skipped``)."""
        self.done += 1
        if status == "failed":
            self.failed += 1
            if failure is not None:
                self.failures.append(failure)
        elif status == "skipped":
            self.skipped += 1
        now = self.clock()
        if self.done >= self.total or now - self._last < self.interval_s:
            return None
        self._last = now
        return self.line(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("inf")
        return (f"encoding: {self.done} of {self.total} files ({self.done / self.total:.0%}), "
                f"{rate:.2f} files/s, about {_duration(left)} left; "
                f"{self.failed} failed, {self.skipped} skipped so far")

    def summary(self) -> str:
        elapsed = self.clock() - self.started
        encoded = self.done - self.failed - self.skipped
        return (f"encoding done: {self.done} files in {_duration(elapsed)} "
                f"({self.done / max(elapsed, 1e-9):.2f} files/s), {encoded} encoded, "
                f"{self.failed} failed, {self.skipped} skipped")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "an unknown time"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
