"""Binary BREP files (``BinTools``) are read in every version OCP writes; cut copies fail fast.

A ``.brep`` file may hold OpenCascade's binary format instead of the text one: it starts with
``Open CASCADE Topology V1 (c)`` (V1 to V3) or ``Open CASCADE Topology V4, (c) Open Cascade``.
The files are written here by ``BinTools.Write_s`` in every format version, with and without
triangulations, from solids with curved, filleted and located faces. Copies cut anywhere must
raise :class:`CadParseError` saying they were cut short, never hang and never read as a
smaller shape: the pytest timeout turns a hang into a failure.
"""

import pytest
from OCP.BinTools import BinTools, BinTools_FormatVersion
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.BRepTools import BRepTools
from OCP.TopTools import TopTools_FormatVersion

from cad_assets.geometry import CadParseError, encode_file, muted_stdout, read_cad_file
from cad_assets.geometry.readers.brep import binary_brep_damage, is_binary_brep
from cad_assets_tests.geometry.test_reader_layouts import SOLIDS, _solid

VERSIONS = list({version.value: version for version in BinTools_FormatVersion.__members__.values()}.values())
#: Cuts: this many positions spread over the file, and every one of its last bytes.
SPREAD_CUTS, LAST_BYTES = 40, 48


def _write_binary(request, tmp_path, solid, version, triangles):
    shape = _solid(request, solid)
    if triangles:
        BRepMesh_IncrementalMesh(shape, 0.5)
    path = tmp_path / "whole.brep"
    assert BinTools.Write_s(shape, str(path), triangles, triangles, version)
    return path


def test_every_binary_version_is_offered():
    # Guards the parametrization: OCP 8 writes binary versions 1 to 4.
    assert [version.value for version in VERSIONS] == [1, 2, 3, 4]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("triangles", [False, True])
@pytest.mark.parametrize("version", VERSIONS, ids=lambda version: version.name[-9:])
@pytest.mark.parametrize(("solid", "n_faces"), SOLIDS)
def test_binary_brep_is_read_and_its_cut_copies_fail(request, tmp_path, solid, n_faces, version, triangles):
    path = _write_binary(request, tmp_path, solid, version, triangles)
    data = path.read_bytes()
    assert is_binary_brep(data) and binary_brep_damage(data) == ""

    with muted_stdout():
        assert encode_file(path).metadata["n_faces"] == n_faces

    cuts = {len(data) * k // SPREAD_CUTS for k in range(1, SPREAD_CUTS)}
    cuts |= set(range(len(data) - LAST_BYTES, len(data)))
    cut_path = tmp_path / "cut.brep"
    for cut in sorted(cuts):
        cut_path.write_bytes(data[:cut])
        with pytest.raises(CadParseError, match="cut short"), muted_stdout():
            read_cad_file(cut_path)


def test_text_brep_is_not_taken_for_binary(tmp_path, drilled):
    path = tmp_path / "text.brep"
    for version in (1, 2, 3):
        assert BRepTools.Write_s(drilled, str(path), False, False, TopTools_FormatVersion(version))
        assert not is_binary_brep(path.read_bytes())


def test_binary_check_names_what_is_missing(tmp_path, box):
    path = tmp_path / "box.brep"
    assert BinTools.Write_s(box, str(path))
    data = path.read_bytes()

    assert "before its 'TShapes'" in binary_brep_damage(data[: data.rindex(b"TShapes")])
    assert "declares" in binary_brep_damage(data[: data.rindex(b"TShapes") + 20])

