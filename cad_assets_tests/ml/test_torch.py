import numpy as np
import pytest

from cad_assets.ml import make_split
from cad_assets.storage import open_dataset, read_table

torch = pytest.importorskip("torch")

from cad_assets.ml import (CadGraphDataset, FaceSegmentationNet, collate_graphs,  # noqa: E402
                           face_accuracy, train_epoch)


@pytest.fixture(scope="module")
def split(output):
    return make_split(output, "torch", "faces/label", (0.6, 0.2, 0.2), seed=0)


@pytest.fixture(scope="module")
def train(output, split):
    return CadGraphDataset(output, split, "train", file_label="label")


def test_one_item_is_the_standardised_graph_of_one_file(output, split, train):
    assert len(train) == len(split.file_ids("train"))
    assert (train.face_dim, train.edge_dim) == (28, 20)
    infoset = read_table(output / "tables" / "cad_infoset.parquet").set_index("file_id")
    dataset = open_dataset(output / "cad_dataset.zarr")
    for index in (0, 5, len(train) - 1):
        item = train[index]
        file_id = int(item["file_id"])
        assert file_id == split.file_ids("train")[index]
        faces, edges = infoset.loc[file_id, ["n_faces", "n_edges"]]
        pairs = 2 * edges  # every edge joins two faces, in both directions
        shapes = {key: tuple(value.shape) for key, value in item.items()}
        assert shapes == {"face_features": (faces, 28), "uv_grid": (faces, 10, 10, 7),
                          "edge_index": (2, pairs), "edge_features": (pairs, 20),
                          "edge_grid": (pairs, 10, 12), "face_label": (faces,),
                          "file_id": (), "file_label": ()}
        assert item["face_features"].dtype == torch.float32
        assert item["edge_index"].dtype == torch.int64
        rows = dataset["faces/file_id"][...] == file_id
        area = split.statistics["faces/area"]
        expected = (dataset["faces/area"][...][rows] - area.mean) / area.std
        np.testing.assert_allclose(item["face_features"][:, 0].numpy(), expected, rtol=1e-5)
        np.testing.assert_array_equal(item["uv_grid"][..., 6].numpy(),
                                      dataset["faces/uv_grid"][...][rows][..., 6])
        np.testing.assert_array_equal(item["face_label"].numpy(), dataset["faces/label"][...][rows])
        graph_rows = dataset["graph/file_id"][...] == file_id
        np.testing.assert_array_equal(item["edge_index"][0].numpy(),
                                      dataset["graph/src"][...][graph_rows])
        assert int(item["file_label"]) == infoset.loc[file_id, "label"]


def test_reading_file_by_file_gives_the_same_items(output, split, train):
    lazy = CadGraphDataset(output, "torch", "train", preload=False, file_label="label")
    for index in (0, 3):
        for key, value in train[index].items():
            torch.testing.assert_close(lazy[index][key], value)


def test_collate_offsets_face_indices_and_keeps_a_batch_vector(train):
    items = [train[i] for i in range(4)]
    batch = collate_graphs(items)
    counts = [len(item["uv_grid"]) for item in items]
    assert batch["n_faces"].tolist() == counts
    assert batch["uv_grid"].shape == (sum(counts), 10, 10, 7)
    assert batch["batch"].tolist() == [g for g, n in enumerate(counts) for _ in range(n)]
    assert batch["file_id"].tolist() == [int(item["file_id"]) for item in items]
    assert batch["file_label"].shape == (4,)
    start, offset = 0, 0
    for item, count in zip(items, counts):
        pairs = item["edge_index"].shape[1]
        rows = slice(start, start + pairs)
        torch.testing.assert_close(batch["edge_index"][:, rows], item["edge_index"] + offset)
        torch.testing.assert_close(batch["edge_features"][rows], item["edge_features"])
        start, offset = start + pairs, offset + count
    assert start == batch["edge_index"].shape[1] and int(batch["edge_index"].max()) < sum(counts)


def test_pyg_batches_match_our_collate(output, split, train):
    pytest.importorskip("torch_geometric")
    from torch_geometric.loader import DataLoader

    from cad_assets.ml import to_pyg
    pyg = CadGraphDataset(output, split, "train", file_label="label", transform=to_pyg)
    data = next(iter(DataLoader(pyg, batch_size=4)))
    ours = collate_graphs([train[i] for i in range(4)])
    torch.testing.assert_close(data.edge_index, ours["edge_index"])
    torch.testing.assert_close(data.x, ours["face_features"])
    torch.testing.assert_close(data.y, ours["face_label"])
    torch.testing.assert_close(data.batch, ours["batch"])
    torch.testing.assert_close(data.file_label, ours["file_label"])
    assert data.uv_grid.shape == ours["uv_grid"].shape
    assert data.edge_attr.shape == ours["edge_features"].shape


def test_one_training_epoch_on_a_few_files_runs_and_changes_the_weights(train):
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(torch.utils.data.Subset(train, range(6)), batch_size=3,
                                         collate_fn=collate_graphs)
    model = FaceSegmentationNet(train.face_dim, train.edge_dim, n_classes=6, hidden=16)
    before = [p.detach().clone() for p in model.parameters()]
    loss = train_epoch(model, loader, torch.optim.Adam(model.parameters(), lr=1e-2))
    assert np.isfinite(loss) and loss > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    accuracy, faces = face_accuracy(model, loader)
    assert 0.0 <= accuracy <= 1.0
    assert faces == sum(int((train[i]["face_label"] >= 0).sum()) for i in range(6))
    logits = model(next(iter(loader)))
    assert logits.shape[1] == 6
