"""The reader registry: each format round-trips, and unusable files raise a CadReadError."""

import re

import pytest
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeEdge
from OCP.gp import gp_Pnt

from cad_assets.geometry import (
    CadParseError,
    CadReadError,
    EmptyFileError,
    ExternalReferenceError,
    NoGeometryError,
    UnsupportedFormatError,
    encode_file,
    read_cad_file,
)
from cad_assets.geometry.readers.step import undefined_entities
from cad_assets_tests.geometry.conftest import write_shape

# (solid fixture, faces, edges) of the synthetic solids.
SOLIDS = [("box", 6, 12), ("pocket", 11, 24), ("drilled", 7, 15)]


@pytest.mark.parametrize("suffix", [".step", ".stp", ".brep", ".igs", ".IGES", ".STEP"])
@pytest.mark.parametrize(("solid", "n_faces", "n_edges"), SOLIDS)
def test_every_format_round_trips_the_topology(request, tmp_path, suffix, solid, n_faces, n_edges):
    path = write_shape(request.getfixturevalue(solid), tmp_path / f"{solid}{suffix}")

    encoding = encode_file(path)

    assert encoding.metadata["n_faces"] == n_faces
    assert encoding.metadata["n_edges"] == n_edges
    assert encoding.metadata["cad_format"] in {"STEP", "IGES", "BREP"}
    assert encoding.groups["faces"]["area"].sum() == pytest.approx(encoding.metadata["total_area"])


def test_empty_file_is_reported_before_parsing(tmp_path):
    (tmp_path / "empty.step").touch()

    with pytest.raises(EmptyFileError, match="empty.step is empty"):
        read_cad_file(tmp_path / "empty.step")


@pytest.mark.parametrize("content", [b"\x00\x9f garbage \xff" * 200, b"hello world\n"])
def test_garbage_named_step_is_a_parse_error(tmp_path, content):
    path = tmp_path / "garbage.step"
    path.write_bytes(content)

    with pytest.raises(CadReadError) as raised:
        read_cad_file(path)

    assert isinstance(raised.value, CadParseError)
    assert "STEP reader could not parse garbage.step" in str(raised.value)


def test_step_with_dangling_references_is_refused_before_opencascade_sees_it(tmp_path, box):
    # OpenCascade's STEP translator dies with SIGSEGV on references to missing entities.
    path = write_shape(box, tmp_path / "box.step")
    path.write_text(re.sub(r"(?m)^#\d+ = DIRECTION\(.*\n", "", path.read_text(), count=1))

    with pytest.raises(CadParseError, match=r"box.step is a broken STEP file: .* \(#\d+\)"):
        read_cad_file(path)


def test_undefined_entities_ignore_strings_and_comments():
    data = b"HEADER; /* #9 */ DATA; #1 = A('#7', #2); #2 = B(#1, #3);\n#4=C((#2,#5));"

    assert undefined_entities(data) == [3, 5]


def test_garbage_named_brep_is_a_parse_error(tmp_path):
    path = tmp_path / "garbage.brep"
    path.write_text("not a shape")

    with pytest.raises(CadParseError, match="BREP reader could not parse garbage.brep"):
        read_cad_file(path)


def test_unknown_extension_is_unsupported(tmp_path):
    path = tmp_path / "points.xyz"
    path.write_text("0 0 0\n")

    with pytest.raises(UnsupportedFormatError, match=r"'\.xyz'.*supported: \.brep"):
        read_cad_file(path)


def test_file_with_only_a_wire_has_no_geometry(tmp_path):
    edge = BRepBuilderAPI_MakeEdge(gp_Pnt(0, 0, 0), gp_Pnt(1, 0, 0)).Edge()
    path = write_shape(edge, tmp_path / "line.step")

    with pytest.raises(NoGeometryError, match="holds no faces") as raised:
        read_cad_file(path)

    assert not isinstance(raised.value, ExternalReferenceError)


@pytest.mark.shared
def test_assembly_of_external_parts_names_them(shared_cad):
    with pytest.raises(ExternalReferenceError) as raised:
        read_cad_file(shared_cad / "caxif" / "s1-c5-214" / "s1-c5-214.stp")

    message = str(raised.value)
    assert "references 4 external file(s)" in message
    assert all(part in message for part in ("TAIL.stp", "HEAD.stp", "MAINBODY.stp", "FOOT.stp"))
