"""Charts of the merged dataset as PNG bytes: faces per file, surface-type mix, label balance
and error counts.

Counting (:mod:`cad_assets.charts.counts`) is plain numpy and pandas and reads arrays in
slices; drawing (:mod:`cad_assets.charts.plots`) uses matplotlib's Agg renderer through
``matplotlib.figure.Figure`` (no pyplot), imported on the first chart. Nothing here imports
the CAD kernel or Dagster.
"""

from cad_assets.charts.counts import (
    category_names,
    count_codes,
    error_counts,
    face_label_code_counts,
    face_label_counts,
    faces_per_file,
    file_label_counts,
    named_counts,
    surface_type_counts,
)
from cad_assets.charts.dataset import (
    dataset_charts,
    error_chart,
    face_label_chart,
    faces_per_file_chart,
    file_label_chart,
    surface_type_chart,
)
from cad_assets.charts.plots import CHART_SIZE, bar_png, histogram_png

__all__ = [
    "CHART_SIZE",
    "bar_png",
    "category_names",
    "count_codes",
    "dataset_charts",
    "error_chart",
    "error_counts",
    "face_label_chart",
    "face_label_code_counts",
    "face_label_counts",
    "faces_per_file",
    "faces_per_file_chart",
    "file_label_chart",
    "file_label_counts",
    "histogram_png",
    "named_counts",
    "surface_type_chart",
    "surface_type_counts",
]
