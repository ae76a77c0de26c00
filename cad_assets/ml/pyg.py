"""PyTorch Geometric ``Data`` objects of the dataset's graphs (needs torch_geometric)."""

from cad_assets.ml.optional import require_pyg

require_pyg()
from torch_geometric.data import Data  # noqa: E402 - after the check that names the extra


def to_pyg(item: dict) -> Data:
    """A :class:`CadGraphDataset` item as a PyG ``Data``.

    ``x`` face features, ``uv_grid``, ``edge_index``, ``edge_attr`` (the edge features),
    ``edge_grid``, ``y`` per-face labels (when present), ``file_id`` and ``file_label`` as
    ``(1,)`` tensors so that PyG's ``DataLoader`` batches them to ``(n_graphs,)``. Use it as
    the dataset's ``transform``.
    """
    extra = {}
    if "face_label" in item:
        extra["y"] = item["face_label"]
    if "file_label" in item:
        extra["file_label"] = item["file_label"].reshape(1)
    return Data(
        x=item["face_features"], uv_grid=item["uv_grid"], edge_index=item["edge_index"],
        edge_attr=item["edge_features"], edge_grid=item["edge_grid"],
        file_id=item["file_id"].reshape(1), num_nodes=len(item["uv_grid"]), **extra,
    )
