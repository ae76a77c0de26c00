"""``cad-assets toc|file|query|hist`` on the sample output folder; ``describe`` still works."""

import json

import pytest

from cad_assets.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_toc(capsys, output):
    code, out, _ = run(capsys, "toc", "--output", str(output))
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"Dataset {output}"
    assert lines[1].startswith("4 files, 16 arrays, ") and "on disk" in lines[1]
    assert "faces/  16 rows" in lines
    uv_grid = next(line for line in lines if line.strip().startswith("uv_grid"))
    assert uv_grid.split()[1:6] == ["(16,", "10,", "10,", "7)", "float32"]


def test_file_by_partition_key(capsys, output):
    code, out, _ = run(capsys, "file", "src/d.brep", "--group", "faces", "--head", "3",
                       "--output", str(output))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["file_id", "4"]
    assert "partition_key  src/d.brep" in lines and "faces/  6 rows" in lines
    assert lines[lines.index("faces/  6 rows") + 1:] and "edges/" not in out
    surface = next(line for line in lines if line.strip().startswith("surface_type"))
    assert surface.split(maxsplit=3)[1:] == ["(6,)", "int32", "[4, 4, 0] ..."]


def test_query_prints_the_matching_files(capsys, output):
    code, out, _ = run(capsys, "query", "faces/surface_type == torus", "--output", str(output))
    assert code == 0
    assert [line.split() for line in out.splitlines()] == [
        ["file_id", "partition_key", "matching_rows", "rows"],
        ["0", "src/a.step", "1", "3"],
        ["4", "src/d.brep", "2", "6"],
        ["2", "files"],
    ]
    code, out, _ = run(capsys, "query", "faces/label == 3", "n_faces > 4", "--paths",
                       "--output", str(output))
    assert out.splitlines() == [str(output / "sources" / "src" / "d.brep")]
    code, out, _ = run(capsys, "query", "faces/surface_type in plane,sphere", "--every",
                       "--columns", "file_id,format", "--output", str(output))
    assert [line.split() for line in out.splitlines()] == [["file_id", "format"], ["2", "igs"],
                                                           ["1", "file"]]


def test_hist_of_categories_and_numbers(capsys, output):
    code, out, _ = run(capsys, "hist", "faces/surface_type", "--files", "5",
                       "--output", str(output))
    lines = out.splitlines()
    assert code == 0 and lines[0] == "faces/surface_type: 16 values in 6 bins, 4 files"
    assert lines[1].split() == ["plane", "6", "3", "files", "#" * 40, "[0,", "2,", "4]"]
    assert lines[5].split()[:4] == ["torus", "3", "2", "files"]
    assert lines[6].split() == ["bezier", "0", "0", "files"]
    code, out, _ = run(capsys, "hist", "faces/area", "--bins", "2", "--range", "0", "20",
                       "--output", str(output))
    assert [line.split()[:4] for line in out.splitlines()[1:3]] == [
        ["[0,", "10)", "3", "1"], ["[10,", "20]", "5", "1"]]
    assert out.splitlines()[-1].strip() == "missing (NaN): 1, outside the bins: 7"


@pytest.mark.parametrize(("argv", "message"), [
    (["file", "src/none.step"], "no file 'src/none.step'"),
    (["query", "faces/surface_type == donut"], "no category 'donut'"),
    (["query", "faces/area"], "not a condition"),
    (["hist", "faces/nope"], "no array faces/nope"),
])
def test_errors_are_one_line_and_exit_1(capsys, output, argv, message):
    code, out, err = run(capsys, *argv, "--output", str(output))
    assert code == 1 and out == ""
    assert err.startswith(f"cad-assets {argv[0]}: ") and message in err
    assert len(err.splitlines()) == 1


def test_the_output_folder_defaults_to_the_settings(capsys, output, monkeypatch, tmp_path):
    monkeypatch.setenv("CAD_ASSETS_OUTPUT", str(output))
    code, out, _ = run(capsys, "toc")
    assert code == 0 and out.startswith(f"Dataset {output}\n4 files")
    monkeypatch.setenv("CAD_ASSETS_OUTPUT", str(tmp_path))
    code, _, err = run(capsys, "toc")
    assert code == 1 and "no dataset at" in err


def test_describe_still_reads_the_summary(capsys, output, tmp_path):
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({
        "dataset": str(output / "cad_dataset.zarr"), "infoset": "i", "attribset": "a",
        "errors": "e", "file_count": {"in_dataset": 4, "failed": 1, "discovered": 5},
        "error_distribution": {},
    }))
    code, out, _ = run(capsys, "describe", "--summary", str(summary))
    assert code == 0 and "Files: 4 in the dataset, 1 failed, 5 discovered" in out
    assert "    surface_type     (16,)                int32" in out.splitlines()
