"""Every layout a writer may give a whole file is read; every cut-short copy fails fast.

The BREP files are written here in every layout OCP 8 writes (format versions 1, 2, 3, with
and without triangulations and normals), from solids with curved, filleted and located faces;
STEP and IGES files get the variations other writers produce (CRLF line ends, trailing blank
and comment lines, DOS end-of-file marks, lower-case keywords).
"""

import pytest
from OCP.BRep import BRep_Builder
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.BRepTools import BRepTools
from OCP.gp import gp_Trsf, gp_Vec
from OCP.TopLoc import TopLoc_Location
from OCP.TopoDS import TopoDS_Compound
from OCP.TopTools import TopTools_FormatVersion

from cad_assets.geometry import CadParseError, encode_file, read_cad_file
from cad_assets.geometry.readers.brep import brep_damage
from cad_assets_tests.geometry.conftest import write_shape

VERSIONS = list({version.value: version for version in TopTools_FormatVersion.__members__.values()}.values())
#: (solid fixture or "assembly", faces).
SOLIDS = [("box", 6), ("drilled", 7), ("filleted", 26), ("assembly", 19)]
#: Where copies are cut: fractions of the file, and a few bytes before its end.
CUTS = (0.05, 0.5, 0.9, 0.995)
CUT_BYTES_BEFORE_END = (3, 6)


def _solid(request, name):
    if name != "assembly":
        return request.getfixturevalue(name)
    # The box twice (one moved) and the drilled box: shared parts under locations.
    compound, builder = TopoDS_Compound(), BRep_Builder()
    builder.MakeCompound(compound)
    box, moved = request.getfixturevalue("box"), gp_Trsf()
    moved.SetTranslation(gp_Vec(20, 0, 0))
    builder.Add(compound, box)
    builder.Add(compound, box.Moved(TopLoc_Location(moved)))
    builder.Add(compound, request.getfixturevalue("drilled"))
    return compound


def _cuts(data: bytes) -> list[bytes]:
    return [data[: int(len(data) * cut)] for cut in CUTS] + [data[:-n] for n in CUT_BYTES_BEFORE_END]


def _assert_cut_copies_fail(tmp_path, data: bytes, suffix: str):
    for number, cut in enumerate(_cuts(data)):
        path = tmp_path / f"cut-{number}{suffix}"
        path.write_bytes(cut)
        with pytest.raises(CadParseError, match="cut short"):
            read_cad_file(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("normals", [False, True])
@pytest.mark.parametrize("triangles", [False, True])
@pytest.mark.parametrize("version", VERSIONS, ids=lambda version: version.name[-9:])
@pytest.mark.parametrize(("solid", "n_faces"), SOLIDS)
def test_brep_in_every_layout_is_read_and_its_cut_copies_fail(
    request, tmp_path, solid, n_faces, version, triangles, normals
):
    shape = _solid(request, solid)
    if triangles:
        BRepMesh_IncrementalMesh(shape, 0.5)
    path = tmp_path / "whole.brep"
    assert BRepTools.Write_s(shape, str(path), triangles, normals, version)

    assert encode_file(path).metadata["n_faces"] == n_faces
    _assert_cut_copies_fail(tmp_path, path.read_bytes(), ".brep")


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: data + b"\n0\n\n",  # what another writer leaves after the root shape
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: b"DBRep_DrawableShape\n\n" + data,  # as Draw saves shapes
        lambda data: data + b"\n\n\n",
    ],
    ids=["lines after the root", "CRLF", "Draw header", "blank lines"],
)
def test_brep_layouts_of_other_writers_are_read(tmp_path, drilled, edit):
    path = write_shape(drilled, tmp_path / "part.brep")
    path.write_bytes(edit(path.read_bytes()))

    assert read_cad_file(path) is not None
    assert brep_damage(path.read_bytes()) == ""


def test_brep_check_names_the_missing_shapes(tmp_path, box):
    data = write_shape(box, tmp_path / "box.brep").read_bytes()

    assert "declares" in brep_damage(data[: len(data) - 40])
    assert "TShapes" in brep_damage(data[: data.index(b"TShapes")])
    assert "header" in brep_damage(b"not a shape")


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: data + b"\n\n/* written by another program */\n\n",
        lambda data: data + b"\x1a",
        lambda data: data.replace(b"END-ISO-10303-21;", b"end-iso-10303-21;"),
        lambda data: data + b"\n" * 5000,
    ],
    ids=["CRLF", "trailing comment", "DOS end of file", "lower-case trailer", "long blank tail"],
)
def test_step_layouts_of_other_writers_are_read(tmp_path, drilled, edit):
    path = write_shape(drilled, tmp_path / "part.step")
    path.write_bytes(edit(path.read_bytes()))

    assert read_cad_file(path) is not None


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: data + b"\n\n",
        lambda data: data + b"\x1a",
    ],
    ids=["CRLF", "blank lines", "DOS end of file"],
)
def test_iges_layouts_of_other_writers_are_read(tmp_path, drilled, edit):
    path = write_shape(drilled, tmp_path / "part.igs")
    path.write_bytes(edit(path.read_bytes()))

    assert read_cad_file(path) is not None


@pytest.mark.timeout(60)
@pytest.mark.parametrize("suffix", [".step", ".igs"])
def test_cut_step_and_iges_copies_fail(tmp_path, filleted, suffix):
    data = write_shape(filleted, tmp_path / f"whole{suffix}").read_bytes()

    _assert_cut_copies_fail(tmp_path, data, suffix)
