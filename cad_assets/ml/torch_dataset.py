"""A PyTorch ``Dataset`` of one face graph per file of a split's subset (needs torch)."""

from collections.abc import Callable

import numpy as np

from cad_assets.ml.features import FeatureSet
from cad_assets.ml.graphs import build_graph
from cad_assets.ml.normalise import Normaliser
from cad_assets.ml.optional import require_torch
from cad_assets.ml.source import FileRows
from cad_assets.ml.splits import Split, load_split
from cad_assets.storage import OutputLayout

torch = require_torch()


class CadGraphDataset(torch.utils.data.Dataset):
    """One graph per file of a subset, standardised with the split's training statistics.

    Parameters
    ----------
    folder : OutputLayout or path
        The pipeline output folder.
    split : Split or str
        A split, or the name of one saved in ``<output>/splits/``.
    subset : str
        ``"train"``, ``"validation"`` or ``"test"``.
    features : FeatureSet
        Must match the statistics of the split (the default does).
    preload : bool
        Read the subset's rows once, chunk by chunk, into memory (see :class:`FileRows`).
    face_label : str or None
        The ``faces`` array of per-face classes; ``"auto"``: ``label`` where the dataset has it.
    file_label : str or None
        A ``cad_infoset`` column of per-file classes (``"label"``), or None.
    transform : callable, optional
        Applied to each item, e.g. :func:`cad_assets.ml.to_pyg`.

    Notes
    -----
    An item is a dict of tensors: the arrays of :func:`~cad_assets.ml.graphs.build_graph`
    (``face_features``, ``uv_grid``, ``edge_index``, ``edge_features``, ``edge_grid``,
    ``face_label``), plus ``file_id`` ``() int64`` and, with ``file_label``, ``file_label``
    ``() int64``. Batch items with :func:`cad_assets.ml.collate_graphs`.
    """

    def __init__(self, folder, split: Split | str, subset: str = "train",
                 features: FeatureSet = FeatureSet(), preload: bool = True,
                 face_label: str | None = "auto", file_label: str | None = None,
                 transform: Callable | None = None):
        folder = OutputLayout.of(folder)
        self.split = load_split(folder, split) if isinstance(split, str) else split
        self.file_ids = self.split.file_ids(subset)
        self.normaliser = Normaliser(self.split.statistics, features)
        dataset = folder.open_dataset()
        if face_label == "auto":
            face_label = "label" if "label" in dataset["faces"] else None
        self.face_label, self.transform = face_label, transform
        face_arrays = [*features.arrays("faces"), *([face_label] if face_label else [])]
        self.faces = FileRows(dataset["faces"], face_arrays, self.file_ids, preload)
        self.edges = FileRows(dataset["edges"], features.arrays("edges"), self.file_ids, preload)
        self.pairs = FileRows(dataset["graph"], ["src", "dst", "edge"], self.file_ids, preload)
        self.file_labels = None
        if file_label is not None:
            infoset = folder.read_infoset().set_index("file_id")
            self.file_labels = infoset.loc[self.file_ids, file_label].to_numpy(np.int64)

    @property
    def face_dim(self) -> int:
        """Width of ``face_features``."""
        return self.normaliser.face_dim()

    @property
    def edge_dim(self) -> int:
        """Width of ``edge_features``."""
        return self.normaliser.edge_dim()

    def __len__(self) -> int:
        return len(self.file_ids)

    def __getitem__(self, index: int) -> dict:
        graph = build_graph(self.faces[index], self.edges[index], self.pairs[index],
                            self.normaliser, self.face_label)
        item = {key: torch.from_numpy(value) for key, value in graph.items()}
        item["file_id"] = torch.tensor(int(self.file_ids[index]))
        if self.file_labels is not None:
            item["file_label"] = torch.tensor(int(self.file_labels[index]))
        return self.transform(item) if self.transform else item
