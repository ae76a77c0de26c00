"""The project's own tasks. Worker processes import this module to find ``shape_signature``,
so it lives in a package (not a notebook), and imports the CAD kernel only inside the encoder:
the Dagster process that loads the definitions never needs it."""

import math

import numpy as np
import pandas as pd

from cad_assets import flow
from cad_assets.schema import SchemaBuilder

SIGNATURE = ("volume", "area", "compactness", "aspect_mid", "aspect_min")


def _signature_schema():
    builder = SchemaBuilder(domain="part_classification", version="1")
    builder.create_group("file", "file").create_array(
        "signature", ["file", len(SIGNATURE)], "float32",
        "volume, area, compactness (36 pi V^2 / A^3, 1 for a sphere), and the middle and "
        "smallest bounding-box extents divided by the largest",
    )
    builder.define_file_metadata("volume", "float", "volume of the solids")
    return builder.build()


@flow.encoder(version="1", schema=_signature_schema())
def shape_signature(cad_model, storage):
    """A rotation-free descriptor of the whole part; skips parts without a closed volume."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    volume_props, area_props = GProp_GProps(), GProp_GProps()
    BRepGProp.VolumeProperties_s(cad_model.shape, volume_props)
    BRepGProp.SurfaceProperties_s(cad_model.shape, area_props)
    volume, area = abs(volume_props.Mass()), area_props.Mass()
    if volume <= 1e-9 or area <= 0:
        return flow.Skip("no closed volume (sheets or a tessellated model)")
    box = Bnd_Box()
    BRepBndLib.Add_s(cad_model.shape, box)
    low, high = box.CornerMin(), box.CornerMax()
    extents = sorted((high.X() - low.X(), high.Y() - low.Y(), high.Z() - low.Z()), reverse=True)
    compactness = 36 * math.pi * volume**2 / area**3
    storage.save_data("file/signature", np.array(
        [[volume, area, compactness, extents[1] / extents[0], extents[2] / extents[0]]]))
    storage.save_metadata("volume", volume)


@flow.dataset_task
def class_balance(cad_infoset: pd.DataFrame) -> pd.DataFrame:
    """Files per class (from the folder names), with each class's share of the dataset."""
    counts = cad_infoset.groupby(["label", "label_name"]).size().rename("files").reset_index()
    return counts.assign(share=counts["files"] / counts["files"].sum())


@flow.dataset_task
def signature_table(cad_dataset, cad_infoset: pd.DataFrame) -> pd.DataFrame:
    """Train-ready: one row per file, its signature and its class, for any tabular model."""
    table = pd.DataFrame(cad_dataset["file/signature"][:], columns=list(SIGNATURE))
    table["file_id"] = cad_dataset["file/file_id"][:]
    labels = cad_infoset[["file_id", "partition_key", "label", "label_name"]]
    return table.merge(labels, on="file_id", validate="one_to_one")
