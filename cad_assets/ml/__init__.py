"""Using the dataset for machine learning: splits, statistics, PyTorch datasets and models.

Splits, statistics and the numpy graph builder need only numpy, pandas, scikit-learn and
iterative-stratification. The torch parts (:class:`CadGraphDataset`, :func:`collate_graphs`,
:func:`to_pyg`, :class:`FaceSegmentationNet`, :func:`train_epoch`, :func:`face_accuracy`) are
imported on first use and raise ``ImportError`` naming ``pip install -e ".[torch]"`` when torch
(or, for :func:`to_pyg`, PyTorch Geometric) is missing.
"""

import importlib

from cad_assets.ml.features import Categorical, FeatureSet
from cad_assets.ml.graphs import build_graph
from cad_assets.ml.metrics import majority_baseline
from cad_assets.ml.normalise import Normaliser
from cad_assets.ml.optional import INSTALL_HINT
from cad_assets.ml.splits import Split, SplitMismatchError, load_split, make_split, save_split
from cad_assets.ml.statistics import ChannelStats, compute_statistics
from cad_assets.ml.stratify import SUBSETS, assign_subsets
from cad_assets.ml.targets import SplitTargets, split_targets
from cad_assets.storage import OutputLayout

#: Names that need torch, by the module defining them.
_TORCH_NAMES = {
    "CadGraphDataset": "torch_dataset",
    "collate_graphs": "collate",
    "to_pyg": "pyg",
    "FaceSegmentationNet": "model",
    "train_epoch": "training",
    "face_accuracy": "training",
}

__all__ = [
    "INSTALL_HINT", "SUBSETS", "Categorical", "ChannelStats", "FeatureSet",
    "Normaliser", "OutputLayout", "Split", "SplitMismatchError", "SplitTargets", "assign_subsets",
    "build_graph", "compute_statistics", "load_split", "majority_baseline", "make_split",
    "save_split", "split_targets", *_TORCH_NAMES,
]


def __getattr__(name: str):
    if name in _TORCH_NAMES:
        module = importlib.import_module(f"cad_assets.ml.{_TORCH_NAMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'cad_assets.ml' has no attribute {name!r}")
