"""Versions that follow the code: an encoder (or dataset task) without ``version=`` is versioned
by a hash of its own source and options, so editing it re-encodes the files and retries their
failures; ``version=`` pins it. The user's loop runs as a user runs it, ``dagster job execute``
on a project folder, and its run log says what failed, why, and how to retry."""

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import cad_assets
from cad_assets import flow
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.jobs import retry_failed_files
from cad_assets.flow import Pipeline
from cad_assets.flow.tasks import code_version
from cad_assets.storage import read_table

SCHEMA_SOURCE = """
import os
from cad_assets import flow
from cad_assets.schema import SchemaBuilder

def _schema():
    builder = SchemaBuilder(domain="loop")
    builder.define_file_metadata("part_bytes", "int", "size of the file")
    return builder.build()
"""
FAILING = """
@flow.encoder({version}schema=_schema())
def part_size(cad_file, storage):
    raise ValueError(f"cannot measure {{cad_file.relative_path}}\\nsecond line of the message")
"""
FIXED = """
@flow.encoder({version}schema=_schema())
def part_size(cad_file, storage):
    storage.save_metadata("part_bytes", os.path.getsize(cad_file.path))
"""


def _module(folder, name, source):
    """Import ``source`` as module ``name`` from a file in ``folder`` (inspect reads it there)."""
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _encoder(tmp_path, body, version=None, name="loop_encoder"):
    pin = "" if version is None else f"version={version!r}, "
    folder = tmp_path / f"m{len(list(tmp_path.glob('m*')))}"
    folder.mkdir()
    return _module(folder, name, SCHEMA_SOURCE + body.format(version=pin)).part_size


def _pipeline_version(encoder):
    """The encodings' version (the catalogue's and the stores'); debug: not imported by name."""
    return Pipeline.create(flow.gather(lambda sources: []), [encoder], debug=True).version


def test_an_encoders_version_follows_its_code_unless_pinned(tmp_path):
    failing, fixed = _encoder(tmp_path, FAILING), _encoder(tmp_path, FIXED)
    assert failing.name == fixed.name == "part_size" and not failing.pinned
    assert failing.version.startswith("source-") and failing.version != fixed.version
    assert _encoder(tmp_path, FIXED).version == fixed.version  # the same code, the same version
    reworded = FIXED.replace('storage):', 'storage):  # a comment\n    """A docstring."""\n')
    assert _encoder(tmp_path, reworded.replace("def ", "\n\ndef ")).version == fixed.version
    assert fixed.with_options(scale=2).version != fixed.version  # options count
    assert _pipeline_version(failing) != _pipeline_version(fixed)

    pinned_failing, pinned_fixed = _encoder(tmp_path, FAILING, "7"), _encoder(tmp_path, FIXED, "7")
    assert pinned_failing.version == pinned_fixed.version == "7" and pinned_fixed.pinned
    assert pinned_fixed.with_options(scale=2).version == "7"
    assert _pipeline_version(pinned_failing) == _pipeline_version(pinned_fixed)


def test_a_dataset_tasks_version_follows_its_code_and_is_its_assets_code_version(tmp_path):
    source = """
    from cad_assets import flow

    @flow.dataset_task
    def face_total(cad_infoset):
        return {{"faces": int(cad_infoset["n_faces"].sum()){extra}}}

    @flow.dataset_task(version="3")
    def pinned(cad_infoset):
        return {{"files": len(cad_infoset){extra}}}
    """
    before = _module(tmp_path, "tasks_before", source.format(extra=""))
    after = _module(tmp_path, "tasks_after", source.format(extra=' + 0'))
    assert before.face_total.version.startswith("source-")
    assert before.face_total.version != after.face_total.version
    assert before.pinned.version == after.pinned.version == "3"
    assets = build_definitions(dataset_tasks=[before.face_total]).resolve_assets_def("face_total")
    assert assets.code_versions_by_key[assets.key] == before.face_total.version


def test_without_source_the_version_is_the_bytecodes_with_a_warning():
    namespace = {}
    exec("def made_up(cad_file):\n    return 1\n", namespace)  # no file to read the source from
    with pytest.warns(UserWarning, match="cannot be read.*pass version= to pin it"):
        version = code_version(namespace["made_up"])
    assert version.startswith("bytecode-")
    exec("def made_up(cad_file):\n    return 2\n", namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert code_version(namespace["made_up"]) != version


# --- the user's loop, through `dagster job execute` ------------------------------------------


@pytest.fixture
def project(tmp_path):
    """A project folder with three parts (the encoder never opens them as CAD) and a Dagster
    home; ``write(body, version)`` writes the encoder module, ``run(job)`` runs a job."""
    parts = tmp_path / "parts"
    parts.mkdir()
    for n in range(3):
        (parts / f"part{n}.step").write_text(f"part {n}\n" * (n + 1))
    code = tmp_path / "project"
    code.mkdir()
    (code / "loop_defs.py").write_text(
        "from cad_assets import flow\nfrom loop_encoder import part_size\n"
        "defs = flow.build_definitions(encoders=[part_size])\n")
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(parts),
           "CAD_ASSETS_OUTPUT": str(tmp_path / "out"), "CAD_ASSETS_WORKERS": "1",
           "PYTHONDONTWRITEBYTECODE": "1",  # an edit in the same second must not run a stale .pyc
           # the cad_assets these tests import, wherever it is checked out
           "PYTHONPATH": os.pathsep.join([str(Path(cad_assets.__file__).parents[1]),
                                          os.environ.get("PYTHONPATH", "")])}

    class Project:
        output = tmp_path / "out"

        def write(self, body, version=None):
            pin = "" if version is None else f"version={version!r}, "
            (code / "loop_encoder.py").write_text(SCHEMA_SOURCE + body.format(version=pin))

        def run(self, job="build_dataset"):
            dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
            done = subprocess.run(
                [dagster, "job", "execute", "-m", "loop_defs", "-d", str(code), "-j", job],
                env=env, capture_output=True, text=True, timeout=300, check=False)
            return done.returncode, done.stdout + done.stderr

    return Project()


def _encode_lines(log: str) -> list[str]:
    """The encoding step's own lines (after Dagster's prefix), and their continuation lines."""
    lines, inside = [], False
    for line in log.splitlines():
        if " - encode_cad_files - " in line:
            message = line.split(" - encode_cad_files - ", 1)[1]
            inside = not message.startswith(("STEP_", "ASSET_", "LOADED_", "HANDLED_"))
            if inside:
                lines.append(message)
        elif inside and line.startswith("  "):
            lines.append(line)
        else:
            inside = False
    return lines


def test_fixing_a_failing_encoder_re_encodes_its_files_without_a_version_bump(project):
    project.write(FAILING)
    code, log = project.run()
    assert code != 0, log  # every file failed: over the error budget
    lines = _encode_lines(log)
    assert lines[0] == "3 files to encode, 0 up to date, 0 failed or skipped before, left alone"
    # Each failed file, with its error type, encoder and the first line of its message.
    assert "3 files failed to encode (ValueError 3):" in lines
    assert "  parts/part1.step: ValueError in part_size: cannot measure part1.step" in lines
    assert re.search(r"3 of 3 files failed to encode, more than the error budget of 50%: "
                     r"ValueError 3 \(e\.g\. parts/part0\.step in part_size: cannot measure "
                     r"part0\.step\)", log), log

    code, log = project.run()  # nothing changed: nothing to do, and the log says what to do
    assert code == 0, log
    lines = _encode_lines(log)
    assert lines[0] == "0 files to encode, 0 up to date, 3 failed or skipped before, left alone"
    (nothing,) = [line for line in lines if line.startswith("Nothing to encode")]
    assert "every file (3) failed or was skipped before" in nothing
    assert "ValueError 3 (e.g. parts/part0.step in part_size: cannot measure part0.step)" in nothing
    assert f"`dagster job execute -m loop_defs -j {retry_failed_files.name}`" in nothing

    project.write(FIXED)  # the same encoder, fixed, with no version to bump
    code, log = project.run()
    assert code == 0, log
    lines = _encode_lines(log)
    assert lines[0] == ("3 files to encode (3 failed or skipped under an earlier version of the "
                        "encoders: retried), 0 up to date, 0 failed or skipped before, left alone")
    assert any(line.startswith("encoding done: 3 files in ") and line.endswith(
        "3 encoded, 0 failed, 0 skipped") for line in lines), lines
    infoset = read_table(project.output / "tables" / "cad_infoset.parquet")
    assert sorted(infoset["part_bytes"]) == [7, 14, 21]
    assert read_table(project.output / "tables" / "cad_errors.parquet").empty


def test_a_pinned_version_keeps_the_encodings_through_code_edits(project):
    project.write(FIXED, version="7")
    code, log = project.run()
    assert code == 0 and _encode_lines(log)[0].startswith("3 files to encode,"), log

    project.write(FAILING, version="7")  # an edit the user declares as not changing the output
    code, log = project.run()
    assert code == 0, log
    assert _encode_lines(log)[0] == ("0 files to encode, 3 up to date, 0 failed or skipped "
                                     "before, left alone")
    infoset = read_table(project.output / "tables" / "cad_infoset.parquet")
    assert sorted(infoset["part_bytes"]) == [7, 14, 21]
