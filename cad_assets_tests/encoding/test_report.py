"""The encoding step's run-log lines: the failed files, the error budget's message, progress."""

from cad_assets.encoding.report import (
    Failure,
    Progress,
    budget_message,
    examples_by_type,
    failure_list,
    first_line,
)


def _failures(n, error_type="ValueError", task="mine", start=0):
    prefix = f"in encoder {task!r}: " if task else ""
    return [Failure(f"parts/{i:03d}.step", error_type, task,
                    f"{prefix}cannot read part {i}\n  second line") for i in range(start, start + n)]


def test_each_failed_file_is_named_with_its_type_encoder_and_first_line():
    failures = [Failure("parts/t.step", "Timeout", "", "no result after 120 s"), *_failures(2)]
    lines = failure_list(failures).splitlines()
    assert lines[0] == "3 files failed to encode (ValueError 2, Timeout 1):"
    assert lines[1:] == ["  parts/000.step: ValueError in mine: cannot read part 0",
                         "  parts/001.step: ValueError in mine: cannot read part 1",
                         "  parts/t.step: Timeout: no result after 120 s"]
    assert failure_list(_failures(1)).splitlines()[0] == "1 file failed to encode (ValueError 1):"


def test_past_the_limit_the_rest_are_counted_by_type():
    failures = [*_failures(25), *_failures(10, "Timeout", "", start=25)]
    lines = failure_list(failures, limit=30).splitlines()
    assert len(lines) == 1 + 30 + 1
    assert lines[-1] == "  ... and 5 more; all 35 by error type: ValueError 25, Timeout 10"


def test_the_budget_message_names_the_top_error_types_with_an_example():
    failures = [*_failures(3, "Timeout", "", start=10), *_failures(5),
                Failure("parts/x.step", "KeyError", "other", "'faces'"),
                Failure("parts/y.step", "OSError", "", "gone")]
    message = budget_message(failures, 12, 0.5)
    assert message.startswith("10 of 12 files failed to encode, more than the error budget of 50%: "
                              "ValueError 5 (e.g. parts/000.step in mine: cannot read part 0); "
                              "Timeout 3 (e.g. parts/010.step: cannot read part 10); "
                              "KeyError 1 (e.g. parts/x.step in other: 'faces'); "
                              "1 more error type (1 file).")
    assert "cad_errors" in message
    assert examples_by_type([]) == ""


def test_first_line_keeps_the_first_non_blank_line_only_and_cuts_long_ones():
    assert first_line("\n  boom  \nmore") == "boom"
    assert first_line(None) == "(no message)"
    assert first_line("in encoder 'a': x", task="a") == "x"
    assert first_line("in encoder 'a': x", task="b") == "in encoder 'a': x"
    assert len(first_line("y" * 1000)) == 200


def test_progress_lines_come_every_interval_not_every_file():
    now = [0.0]
    progress = Progress(10, interval_s=5.0, clock=lambda: now[0])
    lines = []
    for i in range(10):
        now[0] += 1.0
        status = "failed" if i == 2 else "skipped" if i == 3 else "encoded"
        lines.append(progress.add(status, _failures(1)[0] if status == "failed" else None))
    shown = [line for line in lines if line]
    assert shown == [
        "encoding: 5 of 10 files (50%), 1.00 files/s, about 5 s left; 1 failed, 1 skipped so far"]
    assert lines[-1] is None  # the summary says how the last one ended
    assert progress.summary() == ("encoding done: 10 files in 10 s (1.00 files/s), 8 encoded, "
                                  "1 failed, 1 skipped")
    assert [f.partition_key for f in progress.failures] == ["parts/000.step"]
