"""``cad-assets errors`` and ``cad-assets file`` on files that failed or were skipped.

The sample output of the explore tests (four files in the dataset) gets a ``cad_files`` table
and a catalogue recording four failures, one skip and a failure of an older encoder version, as
the encoding step records them; one test reads a real ``build_dataset`` run over the budget.
"""

import re
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from cad_assets.catalogue import Catalogue
from cad_assets.cli import main
from cad_assets.encoding import CadFile, EncodedFile, EncodeRequest
from cad_assets.storage import write_table
from cad_assets_tests.explore.sample_dataset import KEYS, build_output

VERSION = "v-test"
ENCODERS = (("brep_features", "cad_assets.builtin.brep:brep_features", "{}"),)
PARSE_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "cad_assets/geometry/readers/step.py", line 56, in read_step\n'
    "cad_assets.geometry.errors.CadParseError: bad.step is a broken STEP file"
)
#: Partition key: (error type, encoder, message, traceback) of the files that failed.
FAILED = {
    "src/bad.step": ("CadParseError", "brep_features",
                     "bad.step is a broken STEP file: it was cut short\nsecond line of detail",
                     PARSE_TRACEBACK),
    "drop/empty.step": ("EmptyFileError", "", "empty.step is empty (0 bytes)",
                        "Traceback (most recent call last):\nEmptyFileError: empty.step is empty"),
    "drop/slow.igs": ("Timeout", "", "slow.igs took longer than the 8 s file limit", ""),
    "drop/odd.step": ("ValueError", "face_labels", "in encoder 'face_labels': 3 labels for 4 faces",
                      "Traceback (most recent call last):\nValueError: 3 labels for 4 faces"),
}
SKIPPED = {"drop/small.step": ("big_only", "only 2 faces")}
#: Failed under an older encoder version only: not an error of the current output.
OLD_FAILURE = "drop/old.step"


def _file_row(out: Path, key: str) -> dict:
    root, relative = key.split("/", 1)
    return {"partition_key": key, "path": str(out / "sources" / key), "sha256": f"sha-{key}",
            "format": PurePosixPath(key).suffix[1:], "source_root": str(out / "sources" / root),
            "relative_path": relative}


def _request(catalogue: Catalogue, row: dict) -> EncodeRequest:
    file = CadFile(row["partition_key"], row["path"], row["sha256"], row["format"])
    return EncodeRequest(file, str(catalogue.store_path(file.partition_key, file.sha256)),
                         catalogue.version, ENCODERS)


def record_outcomes(out: Path, dataset_keys: dict[int, str]) -> None:
    """Write ``out/tables/cad_files.parquet`` and ``out/catalogue.sqlite`` as a build would:
    the dataset's files encoded (under their ids), then the failures and the skip."""
    keys = [*dataset_keys.values(), *FAILED, *SKIPPED, OLD_FAILURE]
    files = pd.DataFrame([_file_row(out, key) for key in keys])
    write_table(files, out / "tables" / "cad_files.parquet")
    old = Catalogue(out / "encodings", out / "catalogue.sqlite", "v-old")
    catalogue = Catalogue(out / "encodings", out / "catalogue.sqlite", VERSION)
    by_key = files.set_index("partition_key", drop=False)
    # Ids in the order of the sample's infoset (file 3 is src/bad.step, which failed).
    for file_id in range(5):
        known = [dataset_keys.get(i, "src/bad.step") for i in range(file_id + 1)]
        assert catalogue.sync(files[files["partition_key"].isin(known)])[known[-1]] == file_id
    catalogue.sync(files)
    old.record_unencoded(_request(old, by_key.loc[OLD_FAILURE]), "failed",
                         {"error_type": "OldError", "message": "from an older encoder version"})
    for key in dataset_keys.values():
        catalogue.record_encoded(_request(catalogue, by_key.loc[key]), EncodedFile({}, {}, {}))
    for key, (error_type, task, message, traceback) in FAILED.items():
        catalogue.record_unencoded(_request(catalogue, by_key.loc[key]), "failed", {
            "error_type": error_type, "task": task, "message": message, "traceback": traceback,
            "worker_pid": 7})
    for key, (task, reason) in SKIPPED.items():
        catalogue.record_unencoded(_request(catalogue, by_key.loc[key]), "skipped",
                                   {"error_type": "Skipped", "task": task, "message": reason})


@pytest.fixture(scope="module")
def failed_output(tmp_path_factory):
    out = build_output(tmp_path_factory.mktemp("errors") / "out")
    record_outcomes(out, KEYS)
    return out


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(out: str) -> dict[str, list[str]]:
    """Table lines by their first cell (the path), split on runs of 2+ spaces."""
    return {cells[0]: cells for line in out.splitlines() if not line.startswith(" ")
            and len(cells := re.split(r"\s{2,}", line.strip())) == 4}


def test_errors_lists_each_failed_file_and_counts_by_type(capsys, failed_output):
    code, out, err = run(capsys, "errors", "--output", str(failed_output))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"4 failed files in {failed_output}"
    assert lines[1].split() == ["path", "error_type", "encoder", "message"]
    rows = _rows(out)
    assert set(rows) == {"path", *FAILED}  # two source roots: paths keep the root's label
    for key, (error_type, task, message, _) in FAILED.items():
        assert rows[key] == [key, error_type, task or "-", message.splitlines()[0]]
    assert "second line of detail" not in out and "Traceback" not in out
    assert OLD_FAILURE not in out and "OldError" not in out  # not the current version
    counts = lines[lines.index("by error type:") + 1:]
    assert sorted(line.split() for line in counts[:4]) == sorted(
        [error_type, "1"] for error_type, *_ in FAILED.values())
    assert counts[4] == "1 file skipped by an encoder (not errors); `cad-assets file <key>` says why"
    assert "drop/small.step" not in rows


@pytest.mark.parametrize(("filters", "shown"), [
    (["--type", "CadParseError"], ["src/bad.step"]),
    (["--type", "parse"], ["src/bad.step"]),  # a case-insensitive substring
    (["--type", "error"], ["drop/empty.step", "drop/odd.step", "src/bad.step"]),
    (["--encoder", "face_labels"], ["drop/odd.step"]),
    (["--encoder", "BREP"], ["src/bad.step"]),
    (["--path", "drop/"], ["drop/empty.step", "drop/odd.step", "drop/slow.igs"]),
    (["--path", ".igs"], ["drop/slow.igs"]),
    (["--type", "Error", "--path", "drop"], ["drop/empty.step", "drop/odd.step"]),
])
def test_filters(capsys, failed_output, filters, shown):
    code, out, _ = run(capsys, "errors", *filters, "--output", str(failed_output))
    assert code == 0
    assert out.splitlines()[0] == (f"{len(shown)} of 4 failed files in {failed_output}, "
                                   f"for {' '.join(filters)}")
    assert sorted(set(_rows(out)) - {"path"}) == shown
    counted = out.splitlines()[out.splitlines().index("by error type:") + 1:]
    assert sum(int(line.split()[-1]) for line in counted if line.startswith("  ")) == len(shown)


def test_a_filter_matching_nothing_says_so(capsys, failed_output):
    code, out, _ = run(capsys, "errors", "--type", "MemoryLimit", "--output", str(failed_output))
    assert code == 0
    assert out.strip() == (f"no failed files in {failed_output} for --type MemoryLimit "
                           "(4 files failed in all)")


def test_traceback_follows_each_file(capsys, failed_output):
    code, out, _ = run(capsys, "errors", "--traceback", "--output", str(failed_output))
    lines = out.splitlines()
    assert code == 0
    start = next(i for i, line in enumerate(lines) if line.startswith("src/bad.step "))
    assert lines[start + 1:start + 4] == ["    " + line for line in PARSE_TRACEBACK.splitlines()]
    slow = next(i for i, line in enumerate(lines) if line.startswith("drop/slow.igs "))
    assert lines[slow + 1] == "    (no traceback recorded)"


@pytest.mark.parametrize("key", ["src/bad.step", "3", "{out}/sources/src/bad.step"])
def test_file_on_a_failed_file_prints_its_error(capsys, failed_output, key):
    code, out, err = run(capsys, "file", key.format(out=failed_output),
                         "--output", str(failed_output))
    assert code == 0 and err == ""
    fields = dict(line.split(maxsplit=1) for line in out.splitlines() if "  " in line[:15])
    assert fields["file_id"] == "3" and fields["partition_key"] == "src/bad.step"
    assert fields["status"] == "FAILED: not in the dataset"
    assert fields["error_type"] == "CadParseError" and fields["encoder"] == "brep_features"
    assert fields["message"] == "bad.step is a broken STEP file: it was cut short"
    assert "second line of detail" in out  # the whole message
    assert "Traceback" not in out and "(--traceback prints the traceback)" in out


def test_file_traceback_and_a_skipped_file(capsys, failed_output):
    code, out, _ = run(capsys, "file", "drop/empty.step", "--traceback",
                       "--output", str(failed_output))
    assert code == 0 and "error_type     EmptyFileError" in out
    assert out.splitlines()[-2:] == ["  Traceback (most recent call last):",
                                     "  EmptyFileError: empty.step is empty"]
    code, out, _ = run(capsys, "file", "drop/small.step", "--output", str(failed_output))
    assert code == 0
    assert "status         skipped by an encoder: not in the dataset" in out.splitlines()
    assert out.splitlines()[-1] == "reason         big_only: only 2 faces"


def test_file_still_shows_encoded_files_and_refuses_unknown_ones(capsys, failed_output):
    code, out, _ = run(capsys, "file", "src/d.brep", "--head", "0", "--output", str(failed_output))
    assert code == 0 and out.splitlines()[0].split() == ["file_id", "4"] and "faces/" in out
    for key in ["src/none.step", OLD_FAILURE]:  # unknown; failed only under an older version
        code, out, err = run(capsys, "file", key, "--output", str(failed_output))
        assert code == 1 and out == "" and f"no file {key!r} in the dataset" in err


def test_no_failures_and_no_catalogue(capsys, tmp_path, output):
    out = tmp_path / "out"
    files = [_file_row(out, "src/a.step")]
    write_table(pd.DataFrame(files), out / "tables" / "cad_files.parquet")
    catalogue = Catalogue(out / "encodings", out / "catalogue.sqlite", VERSION)
    catalogue.sync(pd.DataFrame(files))
    code, stdout, _ = run(capsys, "errors", "--output", str(out))
    assert code == 0 and stdout.strip() == f"no failed files in {out}"  # nothing recorded yet
    catalogue.record_encoded(_request(catalogue, files[0]), EncodedFile({}, {}, {}))
    code, stdout, _ = run(capsys, "errors", "--output", str(out), "--type", "x")
    assert code == 0 and stdout.strip() == f"no failed files in {out}"

    # The explore tests' output has a dataset but no catalogue; an empty folder has nothing.
    for folder in [output, tmp_path / "empty"]:
        code, stdout, err = run(capsys, "errors", "--output", str(folder))
        assert code == 1 and stdout == ""
        assert err.strip() == (f"cad-assets errors: no catalogue at {folder / 'catalogue.sqlite'}: "
                               f"no build has run in {folder} yet (run build_dataset, e.g. make "
                               "demo) or pass --output")
    assert not (tmp_path / "empty").exists() and not (output / "catalogue.sqlite").exists()


def test_a_run_over_the_error_budget(capsys, tmp_path, instance, monkeypatch):
    """A real build whose every file fails: no dataset, no summary, yet the errors are there."""
    from cad_assets.defs.definitions import build_definitions
    from cad_assets.defs.resources import CadPipelineSettings

    drop = tmp_path / "junk"
    drop.mkdir()
    (drop / "empty.step").write_bytes(b"")
    (drop / "junk.step").write_bytes(b"not a step file at all")
    settings = CadPipelineSettings(sources=str(drop), output_dir=str(tmp_path / "out"), workers=1)
    result = build_definitions(settings=settings).resolve_job_def("build_dataset") \
        .execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success and not settings.layout.dataset.exists()

    monkeypatch.setenv("CAD_ASSETS_OUTPUT", settings.output_dir)  # the default output
    monkeypatch.delenv("CAD_ASSETS_CATALOGUE_URL", raising=False)
    code, out, _ = run(capsys, "errors", "--traceback")
    rows = _rows(out)
    assert code == 0 and out.splitlines()[0] == f"2 failed files in {settings.output_dir}"
    assert rows["empty.step"][1] == "EmptyFileError" and rows["junk.step"][1] == "CadParseError"
    assert "junk.step" in rows["junk.step"][3]
    assert "Traceback (most recent call last):" in out
    code, out, _ = run(capsys, "file", str(drop / "junk.step"))
    assert code == 0 and "error_type     CadParseError" in out and "FAILED" in out
