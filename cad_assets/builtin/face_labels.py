"""``face_labels``: per-face classes from a label file beside the CAD file (MFCAD
``.face_truth``, BRepNet ``.seg``), registered with ``@encoder`` like any user's."""

from cad_assets.flow import encoder
from cad_assets.labels import face_labels_for, mfcad_face_label_rows
from cad_assets.labels.attach import FACE_LABEL_MODES
from cad_assets.schema import Schema, SchemaBuilder


def label_schema(options: dict) -> Schema:
    builder = SchemaBuilder(domain="cad_assets.face_labels")
    builder.create_group("faces", "face").create_array(
        "label", ["face"], "int32", "per-face class from the label file beside the CAD file",
        {row["code"]: (row["name"], row["description"]) for row in mfcad_face_label_rows()},
    )
    builder.define_file_metadata("face_label_file", "str", "label file used, '' if none")
    return builder.build()


@encoder(name="face_labels", version="1", schema=label_schema, options={"mode": "auto"})
def face_labels(cad_file, cad_model, storage, options):
    """``faces/label (n_faces,) int32``: ``mode`` ``auto`` labels files that have a label file
    and gives the faces of the others -1; ``required`` fails files without one. The STEP face
    names a ``.face_truth`` needs come from ``cad_model``: the file is read once."""
    labels, label_file = face_labels_for(
        cad_file.path, cad_model.n_faces, options["mode"], lambda: cad_model.face_names
    )
    storage.save_data("faces/label", labels)
    storage.save_metadata("face_label_file", label_file)


__all__ = ["FACE_LABEL_MODES", "face_labels", "label_schema"]
