"""Explore a merged dataset: table of contents, one file's rows, queries and histograms.

Works on the output layout of the pipeline (``<output>/cad_dataset.zarr`` and
``<output>/tables/*.parquet``) with Zarr, numpy and pandas only: nothing of OpenCascade or
Dagster. Opening reads metadata only; scans read at most ``max_rows`` rows of an array at a
time, and one file's rows are read as one slice of each array.

>>> from cad_assets.explore import Explorer  # doctest: +SKIP
>>> explorer = Explorer.open("data/output")
>>> explorer.toc().to_frame()
>>> explorer.query("faces/surface_type == torus", "n_faces > 20")
>>> explorer.histogram("faces/area", bins=20).to_frame()
"""

from cad_assets.explore.categories import Categories
from cad_assets.explore.conditions import OPERATORS, Condition
from cad_assets.explore.explorer import Explorer
from cad_assets.explore.fields import FieldRef
from cad_assets.explore.files import FileTable
from cad_assets.explore.histogram import Histogram
from cad_assets.explore.row_index import RowIndex
from cad_assets.explore.toc import ArrayInfo, TableOfContents, table_of_contents
from cad_assets.storage import OutputLayout

__all__ = [
    "OPERATORS",
    "ArrayInfo",
    "Categories",
    "Condition",
    "Explorer",
    "FieldRef",
    "FileTable",
    "Histogram",
    "OutputLayout",
    "RowIndex",
    "TableOfContents",
    "table_of_contents",
]
