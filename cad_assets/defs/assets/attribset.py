"""``cad_attribset``: what the categorical codes in the dataset mean."""

import dagster as dg
import pandas as pd

from cad_assets.geometry.categories import CATEGORICAL_ARRAYS
from cad_assets.labels import mfcad_face_label_rows


@dg.asset(io_manager_key="table_io_manager", group_name="cad", deps=["cad_encodings"])
def cad_attribset() -> pd.DataFrame:
    """Categorical metadata: one row per (array, code) with the code's name and description,
    e.g. ``faces/surface_type`` 0 = ``plane``; ``faces/label`` codes are MFCAD's classes."""
    rows = [
        {"array": array, "code": int(member), "name": member.name.lower(), "description": describe(member)}
        for array, (enum, describe) in CATEGORICAL_ARRAYS.items()
        for member in enum
    ] + mfcad_face_label_rows()
    return pd.DataFrame(rows, columns=["array", "code", "name", "description"])
