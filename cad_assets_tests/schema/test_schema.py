import numpy as np
import pytest

from cad_assets.geometry import EncodeOptions
from cad_assets.geometry.default_schema import default_schema
from cad_assets.schema import SchemaBuilder, SchemaViolation, validate_groups


def _schema():
    builder = SchemaBuilder(domain="parts", version="1")
    faces = builder.create_group("faces", "face", "per face")
    faces.create_array("area", ["face"], "float64", "face area")
    faces.create_array("kind", ["face"], "int32", "kind", {0: ("plane", "flat"), 1: ("other", "")})
    faces.create_array("grid", ["face", 2, 3], "float32")
    builder.define_file_metadata("n_faces", "int", "faces")
    builder.define_categorical_metadata("label_name", "str", "part class")
    return builder.build()


def _groups(n=4, **overrides):
    faces = {
        "area": np.ones(n),
        "kind": np.zeros(n, np.int32),
        "grid": np.zeros((n, 2, 3), np.float32),
    }
    return {"faces": {**faces, **overrides}}


def test_builder_declares_groups_arrays_and_routing():
    schema = _schema()
    assert schema.group("faces").array("grid").row_shape == (2, 3)
    assert schema.metadata_fields("file") == ["n_faces"]
    assert schema.metadata_fields("categorical") == ["label_name"]
    assert schema.categorical_arrays()["faces/kind"].categories == ((0, "plane", "flat"), (1, "other", ""))


def test_conforming_arrays_pass():
    validate_groups(_schema(), _groups())


@pytest.mark.parametrize(
    "groups, message",
    [
        (_groups(extra=np.ones(4)), "faces/extra is not declared"),
        (_groups(area=np.ones(4, np.float32)), "faces/area is float32, declared float64"),
        (_groups(grid=np.zeros((4, 3, 2), np.float32)), "declared ('face', 2, 3)"),
        (_groups(area=np.ones(5)), "differ in their number of faces"),
        ({"faces": {"area": np.ones(4)}}, "lacks declared arrays ['kind', 'grid']"),
        ({**_groups(), "edges": {}}, "group 'edges' is not declared"),
    ],
)
def test_violations_name_the_array_and_the_problem(groups, message):
    with pytest.raises(SchemaViolation, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        validate_groups(_schema(), groups)


def test_declaration_mistakes_fail_at_declaration():
    faces = SchemaBuilder("x").create_group("faces", "face")
    with pytest.raises(ValueError, match="base dimension"):
        faces.create_array("area", ["edge"], "float64")
    with pytest.raises(TypeError):
        faces.create_array("area", ["face"], "not-a-dtype")


def test_fingerprint_follows_the_declaration():
    assert _schema().fingerprint() == _schema().fingerprint()
    assert default_schema(EncodeOptions()).fingerprint() != default_schema(
        EncodeOptions(face_grid_u=5, face_grid_v=5)
    ).fingerprint()


def test_feature_families_switched_off_leave_their_arrays_out():
    full = default_schema(EncodeOptions(extended_graph=True))
    lean = default_schema(EncodeOptions(face_grid=False, edge_grid=False, coedges=False))
    assert full.group("faces").array("uv_grid").dims == ("face", 10, 10, 7)
    assert full.group("face_pairs") is not None and lean.group("coedges") is None
    assert lean.group("faces").array("uv_grid") is None and lean.group("edges").array("u_grid") is None
    assert "faces/surface_type" in lean.categorical_arrays()
