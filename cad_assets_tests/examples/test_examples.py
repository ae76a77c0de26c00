"""The two example projects in examples/, run as their READMEs say (``dagster job execute``
from the project folder), on real files from ../shared/cad."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.geometry.conftest import write_shape

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DAGSTER = str(Path(sys.executable).parent / "dagster")


def _run(project: str, module: str, sources: Path, output: Path) -> None:
    home = output.parent / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    environment = {**os.environ, "DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(sources),
                   "CAD_ASSETS_OUTPUT": str(output)}
    done = subprocess.run(
        [DAGSTER, "job", "execute", "-m", f"{module}.definitions", "-j", "build_dataset"],
        cwd=EXAMPLES / project, env=environment, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_part_classification(shared_cad, tmp_path):
    sources = tmp_path / "parts"  # one folder per class
    copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:4], sources / "mfcad")
    copy_files([shared_cad / "nist" / f"nist_{n}_asme1_rd.stp" for n in ("ctc_01", "ftc_06")],
               sources / "nist")
    copy_files([shared_cad / "caxif" / f"{n}.stp" for n in ("sg1-c5-214", "io1-cm-214")],
               sources / "caxif")
    write_shape(_open_sheet(), sources / "nist" / "sheet.brep")  # a face, no volume
    _run("part_classification", "part_classification", sources, tmp_path / "out")

    tables = tmp_path / "out" / "tables"
    balance = read_table(tables / "class_balance.parquet")
    assert dict(zip(balance["label_name"], balance["files"])) == {"caxif": 2, "mfcad": 4, "nist": 2}
    assert balance["share"].sum() == pytest.approx(1.0)
    table = read_table(tables / "signature_table.parquet")
    infoset = read_table(tables / "cad_infoset.parquet")
    assert len(table) == len(infoset) == 8
    assert (table["label_name"] == table["partition_key"].str.split("/").str[1]).all()
    assert table["compactness"].between(0, 1).all() and table["aspect_min"].le(table["aspect_mid"]).all()
    assert np.allclose(table["volume"], infoset.set_index("file_id").loc[table["file_id"], "volume"],
                       rtol=1e-6)
    assert len(open_dataset(tmp_path / "out" / "cad_dataset.zarr")["file/signature"][:]) == 8
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["skipped"] == {"parts/nist/sheet.brep": "shape_signature: no closed volume "
                                                           "(sheets or a tessellated model)"}


def test_mfcad_segmentation(shared_cad, tmp_path):
    sources = tmp_path / "mfcad"
    parts = sorted((shared_cad / "mfcad").glob("*.step"))[:8]
    copy_files(parts + [p.with_suffix(".face_truth") for p in parts[:7]], sources)
    _run("mfcad_segmentation", "mfcad_segmentation", sources, tmp_path / "out")

    statistics = read_table(tmp_path / "out" / "tables" / "face_label_statistics.parquet")
    dataset = open_dataset(tmp_path / "out" / "cad_dataset.zarr")
    labels = dataset["faces/label"][:]
    assert len(statistics) == 16 and statistics["faces"].sum() == len(labels)
    assert statistics["faces"].tolist() == np.bincount(labels, minlength=16).tolist()
    stock = statistics.set_index("name").loc["stock"]
    assert stock["files"] == 7 and stock["main_surface_type"] == "plane"
    coverage = json.loads((tmp_path / "out" / "tasks" / "label_coverage.json").read_text())
    # The part without its .face_truth is an error under face_labels="required".
    assert coverage == {"files_in_dataset": 7, "files_without_label_file": 0, "files_failed": 1,
                        "failed_by_type": {"LabelError": 1}}


def _open_sheet():
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.gp import gp_Pln

    return BRepBuilderAPI_MakeFace(gp_Pln(), 0.0, 10.0, 0.0, 10.0).Face()
