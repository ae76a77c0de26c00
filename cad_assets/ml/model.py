"""A small UV-Net-like network for per-face segmentation (needs torch).

Face encoder: a CNN over each face's UV grid plus an MLP over its attributes. Edge encoder:
a 1-D CNN over each edge's samples plus its attributes. Then a few message-passing layers over
the face adjacency (mean of messages built from the neighbour and the edge between), and a
linear classifier per face. Plain torch: no PyTorch Geometric needed.
"""

from cad_assets.ml.optional import require_torch

torch = require_torch()
nn = torch.nn


class FaceSegmentationNet(nn.Module):
    """Per-face class logits of batched face graphs.

    Parameters
    ----------
    face_dim, edge_dim : int
        Widths of ``face_features`` and ``edge_features`` (``CadGraphDataset.face_dim``...).
    n_classes : int
    hidden : int
    layers : int
        Message-passing layers.
    """

    def __init__(self, face_dim: int, edge_dim: int, n_classes: int, hidden: int = 64,
                 layers: int = 3, grid_channels: int = 7, edge_grid_channels: int = 12):
        super().__init__()
        self.face_grid = nn.Sequential(
            nn.Conv2d(grid_channels, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, hidden, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.face_in = _mlp(hidden + face_dim, hidden)
        self.edge_grid = nn.Sequential(
            nn.Conv1d(edge_grid_channels, 32, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten())
        self.edge_in = _mlp(32 + edge_dim, hidden)
        self.layers = nn.ModuleList(_MessagePassing(hidden) for _ in range(layers))
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, batch: dict) -> "torch.Tensor":
        """``(n_faces, n_classes)`` logits of a :func:`collate_graphs` batch."""
        grids = batch["uv_grid"].permute(0, 3, 1, 2)  # (n_faces, 7, u, v)
        faces = self.face_in(torch.cat([self.face_grid(grids), batch["face_features"]], 1))
        samples = batch["edge_grid"].permute(0, 2, 1)  # (n_pairs, 12, samples)
        edges = self.edge_in(torch.cat([self.edge_grid(samples), batch["edge_features"]], 1))
        for layer in self.layers:
            faces = layer(faces, edges, batch["edge_index"])
        return self.head(faces)


class _MessagePassing(nn.Module):
    """h_i += MLP([h_i, mean over neighbours j of MLP([h_j, e_ij])])."""

    def __init__(self, hidden: int):
        super().__init__()
        self.message = _mlp(2 * hidden, hidden)
        self.update = _mlp(2 * hidden, hidden)
        self.norm = nn.LayerNorm(hidden)

    def forward(self, faces, edges, edge_index):
        source, target = edge_index
        messages = self.message(torch.cat([faces[source], edges], 1))
        total = torch.zeros_like(faces).index_add_(0, target, messages)
        degree = torch.zeros(len(faces), 1, dtype=faces.dtype).index_add_(
            0, target, torch.ones(len(target), 1, dtype=faces.dtype))
        mean = total / degree.clamp(min=1)
        return self.norm(faces + self.update(torch.cat([faces, mean], 1)))


def _mlp(inputs: int, outputs: int) -> nn.Module:
    return nn.Sequential(nn.Linear(inputs, outputs), nn.ReLU(),
                         nn.Linear(outputs, outputs), nn.ReLU())
