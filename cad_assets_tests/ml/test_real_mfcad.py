"""The loader on a dataset the pipeline built from real MFCAD parts (``build_dataset`` job)."""

import os
import subprocess
import sys

import numpy as np
import pytest

from cad_assets.ml import load_split, make_split
from cad_assets.storage import open_dataset, read_table
from cad_assets_tests.conftest import copy_files

BUILD = [str(os.path.join(os.path.dirname(sys.executable), "dagster")), "job", "execute",
         "-m", "cad_assets.definitions", "-j", "build_dataset"]


@pytest.fixture(scope="module")
def mfcad_output(tmp_path_factory, shared_cad):
    """12 MFCAD parts and their .face_truth labels, built by the pipeline."""
    root = tmp_path_factory.mktemp("mfcad")
    parts = sorted((shared_cad / "mfcad").glob("*.step"))[:12]
    copy_files(parts + [part.with_suffix(".face_truth") for part in parts], root / "mfcad")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    environment = {**os.environ, "DAGSTER_HOME": str(home),
                   "CAD_ASSETS_SOURCES": str(root / "mfcad"),
                   "CAD_ASSETS_OUTPUT": str(root / "out"), "CAD_ASSETS_WORKERS": "2"}
    done = subprocess.run(BUILD, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "out"


@pytest.mark.shared
def test_a_pipeline_dataset_splits_and_loads(mfcad_output):
    split = make_split(mfcad_output, "mfcad", "faces/label", (0.5, 0.25, 0.25), seed=0)
    assert split.kind == "multi-label" and set(split.classes) <= set(range(16))
    infoset = read_table(mfcad_output / "tables" / "cad_infoset.parquet")
    assert sorted(split.files["sha256"]) == sorted(infoset["sha256"])
    assert load_split(mfcad_output, "mfcad").files.equals(split.files)
    uv = split.statistics["faces/uv_grid"]
    assert uv.mean.shape == (6,) and np.all(uv.std[:3] > 1) and np.all(np.abs(uv.mean[3:]) < 1)

    torch = pytest.importorskip("torch")
    from cad_assets.ml import CadGraphDataset, FaceSegmentationNet, collate_graphs, train_epoch
    train = CadGraphDataset(mfcad_output, split, "train")
    item = train[0]
    faces = infoset.set_index("file_id").loc[int(item["file_id"]), "n_faces"]
    assert item["uv_grid"].shape == (faces, 10, 10, 7) and item["face_label"].min() >= 0
    dataset = open_dataset(mfcad_output / "cad_dataset.zarr")
    pairs = dataset["graph/file_id"][...] == item["file_id"].item()
    assert item["edge_index"].shape[1] == int(pairs.sum())
    loader = torch.utils.data.DataLoader(train, batch_size=4, collate_fn=collate_graphs)
    model = FaceSegmentationNet(train.face_dim, train.edge_dim, 16, hidden=16)
    assert np.isfinite(train_epoch(model, loader, torch.optim.Adam(model.parameters())))
