"""Per-channel mean and standard deviation of the model's inputs, over training files only."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cad_assets.ml.features import FeatureSet
from cad_assets.ml.rows import iter_selected, row_mask
from cad_assets.storage import Dataset
from cad_assets.storage.dataset_view import Array


@dataclass(frozen=True)
class ChannelStats:
    """Statistics of one array, per channel (the last axis; a 1-D array has one channel).

    Attributes
    ----------
    mean, std : (n_channels,) float64
        Population standard deviation; NaN values are left out. Both 0 for a channel
        without values.
    count : (n_channels,) int64
        Values counted per channel.
    """

    mean: np.ndarray
    std: np.ndarray
    count: np.ndarray

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "std": self.std.tolist(), "count": self.count.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> "ChannelStats":
        return cls(np.asarray(data["mean"], np.float64), np.asarray(data["std"], np.float64),
                   np.asarray(data["count"], np.int64))


def channel_samples(values: np.ndarray, mask_channel: int | None = None) -> np.ndarray:
    """Rows of ``values`` as ``(n_samples, n_channels)`` float64, the channels on the last axis.

    With ``mask_channel``, only samples whose mask is above 0.5 are kept, without the mask.
    """
    flat = values.reshape(-1, values.shape[-1]) if values.ndim > 1 else values[:, None]
    flat = flat.astype(np.float64)
    if mask_channel is None:
        return flat
    return np.delete(flat[flat[:, mask_channel] > 0.5], mask_channel, axis=1)


def compute_statistics(
    dataset: Dataset, file_ids: Sequence[int], features: FeatureSet = FeatureSet()
) -> dict[str, ChannelStats]:
    """Statistics of every standardised input of ``features`` over the rows of ``file_ids``.

    Each array is read once, chunk by chunk, keeping the rows of ``file_ids``. Face grids
    count the samples inside the trim only (see :class:`FeatureSet`).

    Returns
    -------
    dict[str, ChannelStats]
        By ``"<group>/<array>"``, e.g. ``"faces/uv_grid"`` with 6 channels.
    """
    masks = {}
    statistics = {}
    for key in features.standardised():
        group_name, name = key.split("/")
        group = dataset[group_name]
        if group_name not in masks:
            masks[group_name] = row_mask(group, file_ids)
        is_face_grid = key == f"faces/{features.face_grid}"
        grid_mask = features.face_grid_mask_channel if is_face_grid else None
        moments = _Moments()
        for block in iter_selected(group[name], masks[group_name]):
            moments.add(channel_samples(block, grid_mask))
        statistics[key] = moments.result(_channels(group[name], grid_mask))
    return statistics


def _channels(array: Array, mask_channel: int | None) -> int:
    channels = array.shape[-1] if array.ndim > 1 else 1
    return channels - (mask_channel is not None)


class _Moments:
    """Count, mean and sum of squared deviations, merged block by block (Chan et al.)."""

    def __init__(self):
        self.count = self.mean = self.m2 = 0.0

    def add(self, samples: np.ndarray) -> None:
        finite = np.isfinite(samples)
        count = finite.sum(axis=0)
        if not count.any():
            return
        values = np.where(finite, samples, 0.0)
        mean = values.sum(axis=0) / np.maximum(count, 1)
        m2 = (np.where(finite, samples - mean, 0.0) ** 2).sum(axis=0)
        total = self.count + count
        delta = mean - self.mean
        self.mean = self.mean + delta * count / np.maximum(total, 1)
        self.m2 = self.m2 + m2 + delta**2 * self.count * count / np.maximum(total, 1)
        self.count = total

    def result(self, channels: int) -> ChannelStats:
        count = np.broadcast_to(np.asarray(self.count, np.int64), (channels,)).copy()
        mean = np.broadcast_to(np.asarray(self.mean, np.float64), (channels,)).copy()
        m2 = np.broadcast_to(np.asarray(self.m2, np.float64), (channels,))
        std = np.sqrt(m2 / np.maximum(count, 1))
        return ChannelStats(np.where(count > 0, mean, 0.0), std, count)
