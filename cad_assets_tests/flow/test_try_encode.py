"""``cad-assets encode`` and ``flow.try_encode``: encoders on one real CAD file, in-process.

The built-in pipeline on an MFCAD part, a user's encoder given as ``module:function``, encoders
breaking their schema (one array, and the pipeline's joined schema), an encoder raising, files
that cannot be read, options, a project found through ``workspace.yaml``.
"""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cad_assets
from cad_assets import flow
from cad_assets.cli import main
from cad_assets.schema import SchemaBuilder, SchemaViolation
from cad_assets_tests.flow.trial_encoders import loop_edges

PART = "mfcad/0-0-0-11-13-23.step"  # 18 faces, a .face_truth beside it
MODULE = "cad_assets_tests.flow.trial_encoders"


@pytest.fixture
def part(shared_cad) -> Path:
    return shared_cad / PART


@pytest.fixture(autouse=True)
def _no_project(tmp_path, monkeypatch):
    # No workspace.yaml in the current folder: the built-in pipeline, unless a test says else;
    # and sys.path as it was (the command adds the current folder, as `dagster -m` does).
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("CAD_ASSETS_ENCODER_OPTIONS", raising=False)
    monkeypatch.delenv("CAD_ASSETS_SOURCES", raising=False)


def _encode(capsys, *argv) -> tuple[int, str, str]:
    code = main(["encode", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def _array_line(out: str, name: str) -> tuple[tuple[int, ...], str, str]:
    """(shape, dtype, first values) of the line of array ``name``."""
    found = re.search(rf"^  {re.escape(name)}\s+\(([\d, ]+)\)\s+(\w+)\s+(\[.*?\])", out, re.MULTILINE)
    assert found, f"no line for {name} in:\n{out}"
    shape = tuple(int(n) for n in found[1].replace(" ", "").strip(",").split(","))
    return shape, found[2], found[3]


def _metadata(out: str, name: str) -> str:
    found = re.search(rf"^  {name}\s+(.+)$", out, re.MULTILINE)
    assert found, f"no metadata {name} in:\n{out}"
    return found[1]


def test_the_builtin_pipeline_prints_every_array_with_its_shape(part, capsys):
    code, out, err = _encode(capsys, part)
    assert code == 0, err
    n_faces = int(_metadata(out, "n_faces"))
    assert n_faces == 18
    n_edges, n_coedges = int(_metadata(out, "n_edges")), int(_metadata(out, "n_coedges"))
    expected = {
        "faces/area": ((n_faces,), "float64"),
        "faces/surface_type": ((n_faces,), "int32"),
        "faces/uv_grid": ((n_faces, 10, 10, 7), "float32"),
        "faces/label": ((n_faces,), "int32"),
        "edges/length": ((n_edges,), "float64"),
        "edges/u_grid": ((n_edges, 10, 12), "float32"),
        "coedges/face": ((n_coedges,), "int32"),
        "file/bbox": ((1, 6), "float64"),
    }
    for name, (shape, dtype) in expected.items():
        assert _array_line(out, name)[:2] == (shape, dtype), name
    # Categorical codes show their names; MFCAD labels come from the .face_truth beside it.
    assert re.search(r"faces/surface_type .*\[0, 0, .*\] \(plane, plane", out)
    assert _metadata(out, "face_label_file") == "'0-0-0-11-13-23.face_truth'"
    assert _metadata(out, "cad_format") == "'STEP'"
    assert "encoders  brep_features, face_labels, preview  [built-in" in out
    assert re.search(r"^  preview\.png  [\d,]+ bytes$", out, re.MULTILINE)
    assert "partition key mfcad/0-0-0-11-13-23.step" in out
    assert out.rstrip().endswith("checked against the pipeline's schema")
    assert err == ""


def test_the_command_runs_in_a_fresh_process_without_loading_dagster(part, tmp_path):
    code = ("import sys; from cad_assets.cli import main; code = main(sys.argv[1:]); "
            "print('dagster loaded:', 'dagster' in sys.modules); sys.exit(code)")
    result = subprocess.run(
        [sys.executable, "-c", code, "encode", str(part), "--head", "3", "--option",
         "preview=false", "--option", "face_grid_u=4"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert _array_line(result.stdout, "faces/uv_grid")[:2] == ((18, 4, 10, 7), "float32")
    assert "encoders  brep_features, face_labels  [built-in" in result.stdout
    assert "preview.png" not in result.stdout
    assert result.stdout.rstrip().endswith("dagster loaded: False")


def test_a_user_encoder_given_as_module_function_runs_and_its_arrays_show(part, capsys):
    code, out, err = _encode(capsys, part, "--encoder", f"{MODULE}:loop_edges",
                             "--option", "scale=2", "--head", "30")
    assert code == 0, err
    # The expected counts, from the built-in encoder's coedges of the same file.
    builtin = flow.try_encode(part, ["cad_assets.builtin:brep_features"])
    counts = np.bincount(builtin["coedges/face"], minlength=18)
    shape, dtype, values = _array_line(out, "faces/loop_edges")
    assert (shape, dtype) == ((18,), "int32")
    assert values == "[" + ", ".join(str(2 * c) for c in counts) + "]"
    assert _metadata(out, "most_loop_edges") == str(counts.max())
    assert "encoders  loop_edges  [given encoders]" in out
    assert "faces/area" not in out  # only the given encoder ran


def test_an_encoder_saving_against_its_schema_fails_with_the_array_and_exit_1(part, capsys):
    code, out, err = _encode(capsys, part, "--encoder", f"{MODULE}:float_loop_edges")
    assert code == 1
    assert err.startswith("FAILED in encoder 'loop_edges_float': SchemaViolation: "
                          "faces/loop_edges is float64, declared int32\nTraceback")
    assert 'trial_encoders.py", line' in err and "in float_loop_edges" in err
    assert "OK:" not in out


def test_arrays_that_disagree_with_the_builtin_faces_fail_the_pipeline_schema(part, capsys):
    code, out, err = _encode(capsys, part, "--encoder", "cad_assets.builtin:brep_features",
                             "--encoder", f"{MODULE}:short_loop_edges")
    assert code == 1
    assert _array_line(out, "faces/loop_edges")[0] == (17,)  # what was saved is still shown
    assert _array_line(out, "faces/area")[0] == (18,)
    assert ("FAILED checking the arrays against the pipeline's schema: SchemaViolation: "
            "arrays do not match schema 'cad_assets': arrays of faces differ") in err


def test_an_encoder_that_raises_prints_its_type_message_and_traceback(part, capsys):
    code, _, err = _encode(capsys, part, "--encoder", f"{MODULE}:always_fails")
    assert code == 1
    assert err.startswith("FAILED in encoder 'always_fails': RuntimeError: this encoder always fails")
    assert err.rstrip().endswith("RuntimeError: this encoder always fails")
    assert 'raise RuntimeError("this encoder always fails")' in err


def test_a_skipping_encoder_says_so(part, capsys):
    code, out, _ = _encode(capsys, part, "--encoder", f"{MODULE}:big_only")
    assert code == 0
    assert "SKIPPED by encoder 'big_only': only 18 faces" in out


def test_unreadable_files_fail_clearly(tmp_path, capsys):
    broken = tmp_path / "broken.step"
    broken.write_text("this is not a STEP file\n")
    code, _, err = _encode(capsys, broken)
    assert code == 1
    assert err.startswith("FAILED reading the file: CadParseError: ")
    assert "broken.step" in err.split("\n")[0]
    code, _, err = _encode(capsys, tmp_path / "missing.step")
    assert code == 1 and err.startswith("FAILED reading the file: FileNotFoundError")
    code, _, err = _encode(capsys, tmp_path)
    assert code == 2 and "is a folder" in err


def test_bad_encoder_references_and_options_are_usage_errors(part, capsys):
    for argv, expected in [
        (["--encoder", f"{MODULE}:NOT_AN_ENCODER"], "is not an @encoder-decorated function"),
        (["--encoder", "no_such_module_xyz:f"], "No module named 'no_such_module_xyz'"),
        (["--encoder", f"{MODULE}:loop_edges", "--option", "colour=red"],
         ("option 'colour': no encoder takes it; give it as ENCODER.colour "
          "(options the encoders hold: loop_edges.scale)")),
        (["--option", "nobody.size=3"], "no encoder named 'nobody'"),
        (["--option", "face_grid_u"], "is not KEY=VALUE"),
    ]:
        code, out, err = _encode(capsys, part, *argv)
        assert code == 2, argv
        assert expected in err, err
        assert out == ""


def test_try_encode_returns_the_arrays_and_metadata(part):
    result = cad_assets.try_encode(part, options={"preview": False})
    assert result.ok and result.skipped is None
    assert [t.name for t in result.pipeline.encoders] == ["brep_features", "face_labels"]
    assert result["faces/uv_grid"].shape == (18, 10, 10, 7)
    assert result.arrays["faces/uv_grid"].dtype == np.float32
    assert result.metadata["n_faces"] == 18 == result.cad_model.n_faces
    assert len(result["faces/label"]) == len(result.cad_model.brep.faces)
    assert result.files == {}
    assert set(result.seconds) == {"read", "brep_features", "face_labels"}
    assert "faces/uv_grid" in result.report() and result.report().endswith("schema")


def test_try_encode_takes_a_notebook_encoder_and_returns_failures(part):
    builder = SchemaBuilder(domain="notebook")
    builder.create_group("faces", "face").create_array("reversed", ["face"], "bool")

    @flow.encoder(version="1", schema=builder.build())
    def reversed_faces(cad_model, storage):
        storage.save_data("faces/reversed", cad_model.brep.face_reversed)

    result = flow.try_encode(part, [reversed_faces, loop_edges.with_options(scale=3)])
    assert result.ok, result.report()
    assert result["faces/reversed"].tolist() == result.cad_model.brep.face_reversed.tolist()
    assert result["faces/loop_edges"].sum() == 3 * len(result.cad_model.brep.coedge_face)
    assert len(result.notes) == 1 and "defined inside another function" in result.notes[0]

    @flow.encoder(version="1", schema=builder.build())
    def wrong_dtype(cad_model, storage):
        storage.save_data("faces/reversed", np.zeros(cad_model.n_faces))

    failed = flow.try_encode(part, [wrong_dtype])
    assert not failed.ok
    assert (failed.error.stage, failed.error.type, failed.error.encoder) == (
        "encoder", "SchemaViolation", "wrong_dtype")
    assert failed.error.message == ("in encoder 'wrong_dtype': faces/reversed is float64, "
                                    "declared bool")
    with pytest.raises(SchemaViolation, match="declared bool"):
        failed.raise_error()


def test_the_project_pipeline_comes_from_workspace_yaml(part, tmp_path, capsys):
    builtin = flow.try_encode(part, ["cad_assets.builtin:brep_features"])
    builtin_first = np.bincount(builtin["coedges/face"])[0]
    (tmp_path / "trial_project_defs.py").write_text(
        "from cad_assets import flow\n"
        f"from {MODULE} import loop_edges\n"
        "defs = flow.build_definitions(encoders=[loop_edges.with_options(scale=5)])\n")
    (tmp_path / "workspace.yaml").write_text(
        "load_from:\n  - python_module:\n      module_name: trial_project_defs\n"
        "      working_directory: .\n")
    code, out, err = _encode(capsys, part, "--head", "1")
    assert code == 0, err
    assert "encoders  loop_edges  [module trial_project_defs (workspace.yaml)]" in out
    assert _array_line(out, "faces/loop_edges")[2] == f"[{5 * builtin_first}, ...]"
    # --option overrides the project's options; -m names a module directly.
    code, out, err = _encode(capsys, part, "-m", "trial_project_defs", "--option",
                             "loop_edges.scale=1", "--head", "1")
    assert code == 0, err
    assert _array_line(out, "faces/loop_edges")[2] == f"[{builtin_first}, ...]"
    assert "[module trial_project_defs]" in out
