"""Batching face graphs into one disconnected graph (needs torch)."""

from cad_assets.ml.optional import require_torch

torch = require_torch()


def collate_graphs(graphs: list[dict]) -> dict:
    """Concatenate the graphs of :class:`CadGraphDataset` items into one batch.

    Face rows and pair rows are concatenated; ``edge_index`` is offset by the faces of the
    graphs before, so it indexes the batch's faces; per-file scalars (``file_id``,
    ``file_label``) are stacked.

    Parameters
    ----------
    graphs
        Items of :class:`~cad_assets.ml.torch_dataset.CadGraphDataset`.

    Returns
    -------
    dict
        The items' keys, plus ``batch`` ``(n_faces,) int64`` (the graph of each face) and
        ``n_faces`` ``(n_graphs,) int64``.
    """
    if not graphs:
        raise ValueError("cannot collate an empty list of graphs")
    counts = torch.tensor([len(g["uv_grid"]) for g in graphs], dtype=torch.int64)
    offsets = torch.cumsum(counts, 0) - counts
    batch = {}
    for key, first in graphs[0].items():
        values = [g[key] for g in graphs]
        if key == "edge_index":
            batch[key] = torch.cat([v + o for v, o in zip(values, offsets.tolist())], dim=1)
        elif first.dim() == 0:
            batch[key] = torch.stack(values)
        else:
            batch[key] = torch.cat(values, dim=0)
    batch["batch"] = torch.repeat_interleave(torch.arange(len(graphs)), counts)
    batch["n_faces"] = counts
    return batch
