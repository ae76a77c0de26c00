"""Turn one file's raw rows into standardised model inputs (numpy, no torch)."""

import numpy as np

from cad_assets.ml.features import Categorical, FeatureSet
from cad_assets.ml.statistics import ChannelStats


class Normaliser:
    """Standardises rows with training statistics and one-hot encodes categorical arrays.

    NaN values (a face without a surface) become 0, the training mean. A channel with zero
    standard deviation is only centred.

    Parameters
    ----------
    statistics
        From :func:`~cad_assets.ml.statistics.compute_statistics` (a split's ``statistics``).
    features
        The arrays to use; the same as the statistics were computed for.
    """

    def __init__(self, statistics: dict[str, ChannelStats], features: FeatureSet = FeatureSet()):
        missing = [key for key in features.standardised() if key not in statistics]
        if missing:
            raise KeyError(f"no training statistics for {', '.join(missing)}")
        self.statistics, self.features = statistics, features

    def face_dim(self) -> int:
        """Width of :meth:`faces` rows."""
        f = self.features
        return self._width("faces", f.face_numeric, f.face_categorical, f.face_flags)

    def edge_dim(self) -> int:
        """Width of :meth:`edges` rows."""
        f = self.features
        return self._width("edges", f.edge_numeric, f.edge_categorical, f.edge_flags)

    def faces(self, rows: dict[str, np.ndarray]) -> np.ndarray:
        """Face attributes: ``(n_faces, face_dim) float32`` from the ``faces`` arrays' rows."""
        f = self.features
        return self._table("faces", rows, f.face_numeric, f.face_categorical, f.face_flags)

    def edges(self, rows: dict[str, np.ndarray]) -> np.ndarray:
        """Edge attributes: ``(n_edges, edge_dim) float32`` from the ``edges`` arrays' rows."""
        f = self.features
        return self._table("edges", rows, f.edge_numeric, f.edge_categorical, f.edge_flags)

    def face_grid(self, grid: np.ndarray) -> np.ndarray:
        """``(n_faces, u, v, 7) float32``: xyz and normal standardised, the mask as it was."""
        keep = self.features.face_grid_mask_channel
        out = np.array(grid, dtype=np.float32)
        channels = [c for c in range(grid.shape[-1]) if c != keep]
        key = f"faces/{self.features.face_grid}"
        out[..., channels] = self._standardise(key, grid[..., channels])
        return out

    def edge_grid(self, grid: np.ndarray) -> np.ndarray:
        """``(n_edges, samples, 12) float32``, every channel standardised."""
        return self._standardise(f"edges/{self.features.edge_grid}", grid)

    def _standardise(self, key: str, values: np.ndarray) -> np.ndarray:
        stats = self.statistics[key]
        std = np.where(stats.std > 0, stats.std, 1.0)
        out = ((values - stats.mean) / std).astype(np.float32)
        return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)

    def _table(self, group: str, rows, numeric, categorical, flags) -> np.ndarray:
        n = len(next(iter(rows.values())))
        columns = [self._standardise(f"{group}/{name}", _as_channels(rows[name]))
                   for name in numeric]
        columns += [_one_hot(rows[c.name], c) for c in categorical]
        columns += [np.asarray(rows[name], np.float32)[:, None] for name in flags]
        return np.concatenate(columns, axis=1) if columns else np.zeros((n, 0), np.float32)

    def _width(self, group: str, numeric, categorical, flags) -> int:
        return (sum(len(self.statistics[f"{group}/{name}"].mean) for name in numeric)
                + sum(c.n_codes for c in categorical) + len(flags))


def _as_channels(values: np.ndarray) -> np.ndarray:
    return values.reshape(len(values), -1).astype(np.float64)


def _one_hot(codes: np.ndarray, categorical: Categorical) -> np.ndarray:
    index = np.asarray(codes, np.int64) - categorical.lowest
    out = np.zeros((len(index), categorical.n_codes), np.float32)
    known = (index >= 0) & (index < categorical.n_codes)
    out[np.flatnonzero(known), index[known]] = 1.0
    return out
