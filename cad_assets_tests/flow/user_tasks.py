"""A user's tasks, in an importable module as worker processes need them."""

import numpy as np
import pandas as pd

from cad_assets import flow
from cad_assets.schema import SchemaBuilder

MIN_FACES = 15


def _schema():
    builder = SchemaBuilder(domain="test_user_tasks")
    builder.create_group("faces", "face").create_array("edge_uses", ["face"], "int32", "edges in the face's loops, seams twice")
    builder.define_file_metadata("max_edge_uses", "int", "most edge uses of one face")
    return builder.build()


@flow.encoder(version="1", schema=_schema())
def edge_uses(cad_file, cad_model, storage):
    """Edge uses per face, from the B-rep index the built-in encoder also uses; skips small
    parts, and fails on parts whose file name starts with ``broken``."""
    if cad_file.relative_path.startswith("broken"):
        raise RuntimeError("this part is marked broken")
    if cad_model.n_faces < MIN_FACES:
        return flow.Skip(f"{cad_model.n_faces} faces, fewer than {MIN_FACES}")
    uses = np.bincount(cad_model.brep.coedge_face, minlength=cad_model.n_faces)
    storage.save_data("faces/edge_uses", uses)  # int64, cast to the declared int32
    storage.save_metadata("max_edge_uses", int(uses.max()))


@flow.dataset_task
def uses_by_file(cad_dataset, cad_infoset: pd.DataFrame) -> pd.DataFrame:
    """Mean edge uses per face, per file."""
    frame = pd.DataFrame({"file_id": cad_dataset["faces/file_id"][:],
                          "edge_uses": cad_dataset["faces/edge_uses"][:]})
    return frame.groupby("file_id", as_index=False)["edge_uses"].mean().merge(
        cad_infoset[["file_id", "partition_key", "max_edge_uses"]], on="file_id")


@flow.dataset_task(name="uses_summary", inputs={"per_file": "uses_by_file"})
def summarise(per_file: pd.DataFrame, output_dir) -> dict:
    """Reads another task's output; writes a file of its own."""
    (output_dir / "note.txt").write_text("written by a dataset task")
    return {"files": len(per_file), "mean_edge_uses": float(per_file["edge_uses"].mean())}


@flow.gather
def listed_in_manifest(sources):
    """The files named in each source folder's ``manifest.txt``, one relative path a line."""
    return [root / line for root in sources for line in (root / "manifest.txt").read_text().split()]
