"""``cad_attribset``: what the categorical values in the dataset mean."""

import dagster as dg
import pandas as pd

from cad_assets.flow import Pipeline
from cad_assets.schema import Schema

COLUMNS = ["field", "code", "name", "description"]


@dg.asset(io_manager_key="table_io_manager", group_name="cad")
def cad_attribset(cad_pipeline: dg.ResourceParam[Pipeline], cad_infoset: pd.DataFrame) -> pd.DataFrame:
    """Categorical metadata, one row per (field, code), as the schema routes it (see
    :func:`attribset_table`)."""
    return attribset_table(cad_pipeline.schema, cad_infoset)


def attribset_table(schema: Schema, infoset: pd.DataFrame) -> pd.DataFrame:
    """One row per (field, code):

    - categorical arrays, e.g. ``faces/surface_type`` 0 = ``plane``, ``faces/label`` 15 =
      ``stock`` (MFCAD classes; -1 = unlabelled);
    - categorical file metadata, e.g. ``cad_format``: its values in the dataset, numbered in
      sorted order, with the field's description;
    - per-file class labels (``label``), when the pipeline is configured with them.
    """
    rows = [
        {"field": field, "code": code, "name": name, "description": description}
        for field, spec in schema.categorical_arrays().items()
        for code, name, description in spec.categories
    ]
    for spec in schema.metadata:
        if spec.routing == "categorical" and spec.name in infoset:
            values = sorted(infoset[spec.name].dropna().unique())
            rows += [
                {"field": spec.name, "code": code, "name": str(value), "description": spec.description}
                for code, value in enumerate(values)
            ]
    if "label" in infoset:
        classes = infoset.loc[infoset["label"] >= 0, ["label", "label_name"]]
        rows += [
            {"field": "label", "code": int(code), "name": name, "description": "per-file class"}
            for code, name in sorted(set(classes.itertuples(index=False, name=None)))
        ]
    return pd.DataFrame(rows, columns=COLUMNS)
