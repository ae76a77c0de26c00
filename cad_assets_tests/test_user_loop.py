"""The user's loop, end to end, as a user runs it: ``dagster job execute`` on a project folder
with the project's ``dagster.yaml``, the cron line's environment, real CAD files.

An encoder with a bug fails on every file; ``cad-assets errors`` names the failure; the user
fixes the code (no ``version`` to bump), tries it on one file with ``cad-assets encode``, and
reruns: every file is encoded and in the dataset. The same part sits in two folders labelled
differently; a seeded split keeps both copies in one subset.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cad_assets
from cad_assets.ml import make_split
from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.flow.test_code_versions import _encode_lines, project  # noqa: F401

CHECKOUT = Path(cad_assets.__file__).resolve().parents[1]
#: The narrow silencing of Dagster's own warning, as the README's cron line has it.
QUIET = "ignore:Function `job_execute_command` is superseded"

# The encoder module's body (after test_code_versions' SCHEMA_SOURCE; `{version}` is the
# fixture's pin, none here). `loop_defs` imports it as `part_size`.
ENCODER = """
import numpy as np

def _uses_schema():
    builder = SchemaBuilder(domain="user_loop")
    builder.create_group("faces", "face").create_array(
        "edge_uses", ["face"], "int32", "edges around each face")
    builder.define_file_metadata("max_edge_uses", "int", "most edges of one face")
    return builder.build()

@flow.encoder({version}schema=_uses_schema())
def edge_uses(cad_model, storage):
    uses = np.bincount(cad_model.brep.coedge_face, minlength=cad_model.n_face{fixed})
    storage.save_data("faces/edge_uses", uses)
    storage.save_metadata("max_edge_uses", int(uses.max()))

part_size = edge_uses
"""
BUGGY, FIXED = ENCODER.replace("{fixed}", ""), ENCODER.replace("{fixed}", "s")


@pytest.fixture
def loop(request, tmp_path, shared_cad, monkeypatch):
    """test_code_versions' project (its environment is taken from ours when it is made), with
    the project's dagster.yaml, classes from folder names, the cron line's warning filter,
    and real parts: three MFCAD parts and a fourth in two folders, ``a/`` and ``b/``."""
    monkeypatch.setenv("CAD_ASSETS_FILE_LABELS", "folder")
    monkeypatch.setenv("PYTHONWARNINGS", QUIET)
    made = request.getfixturevalue("project")
    # As the README's project: the built-in features (whose faces the user's rows follow), then
    # the user's encoder.
    (tmp_path / "project" / "loop_defs.py").write_text(
        "from cad_assets import flow\nfrom cad_assets.builtin import default_encoders\n"
        "from loop_encoder import part_size\n"
        "defs = flow.build_definitions(encoders=[\n"
        "    *default_encoders({'preview': False, 'face_labels': 'none'}), part_size])\n")
    (tmp_path / "dagster_home" / "dagster.yaml").symlink_to(CHECKOUT / "dagster.yaml")
    parts = tmp_path / "parts"
    for fake in parts.glob("*.step"):  # the fixture's files are not CAD files
        fake.unlink()
    mfcad = sorted((shared_cad / "mfcad").glob("*.step"))[:4]
    copy_files(mfcad[:3], parts / "mfcad")
    for folder in ("a", "b"):
        copy_files([mfcad[3]], parts / folder)
    made.parts, made.code, made.copy = parts, tmp_path / "project", mfcad[3].name
    return made


def _command(loop, *argv) -> subprocess.CompletedProcess:
    """A ``cad-assets`` command in the project folder, with the project importable."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(loop.code), str(CHECKOUT)])}
    return subprocess.run([str(Path(sys.executable).parent / "cad-assets"), *map(str, argv)],
                          cwd=loop.code, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_users_loop(loop):
    loop.write(BUGGY)
    code, log = loop.run()
    assert code != 0  # every file failed: over the error budget
    assert "Warning" not in log, log  # the cron line prints no warnings
    lines = _encode_lines(log)
    assert lines[0].startswith("5 files to encode,"), lines
    assert "5 files failed to encode (AttributeError 5):" in lines, lines

    # `cad-assets errors` names the failure: file, error type, encoder, message.
    errors = _command(loop, "errors", "--output", loop.output)
    assert errors.returncode == 0, errors.stderr
    assert errors.stdout.splitlines()[0] == f"5 failed files in {loop.output}"
    message = "in encoder 'edge_uses': 'CadModel' object has no attribute 'n_face'"
    for key in [f"a/{loop.copy}", f"b/{loop.copy}"]:  # one source folder: paths inside it
        assert re.search(rf"^{re.escape(key)}\s+AttributeError\s+edge_uses\s+{re.escape(message)}$",
                         errors.stdout, re.MULTILINE), errors.stdout
    assert re.search(r"^  AttributeError\s+5$", errors.stdout, re.MULTILINE), errors.stdout

    # Fixed, without touching `version`; tried on one file first.
    loop.write(FIXED)
    one = min((loop.parts / "mfcad").iterdir())
    trial = _command(loop, "encode", one, "-m", "loop_defs", "--head", "200")
    assert trial.returncode == 0, trial.stderr
    found = re.search(r"^  faces/edge_uses\s+\((\d+),\)\s+int32\s+\[([\d, ]+)\]", trial.stdout,
                      re.MULTILINE)
    assert found, trial.stdout
    assert "encoders  brep_features, edge_uses  [module loop_defs]" in trial.stdout
    assert "OK:" in trial.stdout

    code, log = loop.run()
    assert code == 0, log
    assert "Warning" not in log, log
    assert _encode_lines(log)[0].startswith(
        "5 files to encode (5 failed or skipped under an earlier version of the encoders: "
        "retried)"), log
    infoset = read_table(loop.output / "tables" / "cad_infoset.parquet").set_index("partition_key")
    assert len(infoset) == 5 and read_table(loop.output / "tables" / "cad_errors.parquet").empty
    dataset = open_dataset(loop.output / "cad_dataset.zarr")
    uses, owner = dataset["faces/edge_uses"][:], dataset["faces/file_id"][:]
    assert len(uses) == infoset["n_faces"].sum() == len(dataset["faces/area"])
    # The dataset holds what `cad-assets encode` printed for that file.
    tried = uses[owner == infoset.loc[f"parts/mfcad/{one.name}", "file_id"]]
    assert len(tried) == int(found[1])
    assert tried.tolist()[:200] == [int(v) for v in found[2].split(",")]
    assert infoset["max_edge_uses"].tolist() == [
        int(uses[owner == file_id].max()) for file_id in infoset["file_id"]]

    # The copies in a/ and b/ are classes "a" and "b"; a seeded split keeps them together.
    assert infoset.loc[[f"parts/{f}/{loop.copy}" for f in "ab"], "label_name"].tolist() == ["a", "b"]
    file_id = infoset["file_id"]
    copies = [f"parts/a/{loop.copy}", f"parts/b/{loop.copy}"]
    for seed in range(3):
        with pytest.warns(UserWarning, match="labelled differently"):
            split = make_split(loop.output, f"loop-{seed}", "label", (0.5, 0.0, 0.5), seed=seed)
        subset = split.files.set_index("file_id")["subset"]
        assert subset[file_id[copies[0]]] == subset[file_id[copies[1]]]
    assert np.array_equal(np.unique(owner), np.sort(file_id.to_numpy()))
