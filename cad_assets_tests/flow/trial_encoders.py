"""Encoders for ``cad-assets encode`` / ``flow.try_encode`` tests, importable by module path."""

import numpy as np

from cad_assets import flow
from cad_assets.schema import SchemaBuilder


def _schema():
    builder = SchemaBuilder(domain="test_trial")
    builder.create_group("faces", "face").create_array(
        "loop_edges", ["face"], "int32", "coedges in each face's loops")
    builder.define_file_metadata("most_loop_edges", "int", "most coedges of one face")
    return builder.build()


@flow.encoder(version="1", schema=_schema(), options={"scale": 1})
def loop_edges(cad_model, storage, options):
    """Coedges per face, in dataset row order, from ``cad_model.brep``."""
    counts = np.bincount(cad_model.brep.coedge_face, minlength=cad_model.n_faces)
    storage.save_data("faces/loop_edges", counts * options["scale"])
    storage.save_metadata("most_loop_edges", int(counts.max()))


@flow.encoder(name="loop_edges_float", version="1", schema=_schema())
def float_loop_edges(cad_model, storage):
    """Breaks its schema: float values for an int32 array."""
    storage.save_data("faces/loop_edges", np.ones(cad_model.n_faces) / 3)


@flow.encoder(name="loop_edges_short", version="1", schema=_schema())
def short_loop_edges(cad_model, storage):
    """Breaks the pipeline's schema with the built-in faces: one row fewer than the faces."""
    storage.save_data("faces/loop_edges", np.zeros(cad_model.n_faces - 1, dtype=np.int32))
    storage.save_metadata("most_loop_edges", 0)


@flow.encoder(name="always_fails", version="1", schema=_schema())
def always_fails(cad_model, storage):
    raise RuntimeError("this encoder always fails")


@flow.encoder(name="big_only", version="1", schema=_schema())
def big_only(cad_model, storage):
    return flow.Skip(f"only {cad_model.n_faces} faces")


NOT_AN_ENCODER = 42
