"""Real files written by other programs are read as OpenCascade reads them; cut copies fail.

The files in ``cad_assets_tests/data/other_writers/`` come from Debian and PyPI packages (see
the README there for each file's source, writing program and license): BREP files from
several OpenCascade and FreeCAD versions and from BRL-CAD, STEP files from Unigraphics (via
Theorem), ST-Developer, 3DEXPERIENCE, Pro/ENGINEER, EUCLID and OpenCascade 6.3 to 7.8, IGES
files from EUCLID-QUANTUM, SolidWorks, ANSYS and OpenCascade. A file ending in ``.xz`` is
stored compressed and unpacked into the test's folder first.

For each file, the bare OpenCascade reader (no checks of ours) is the reference: what it reads
with faces, :func:`read_cad_file` must read with as many faces; what it reads without faces
must be refused as holding no geometry, never as cut short. Every copy cut at half and at
99 % of the file must raise :class:`CadParseError` naming the cut.
"""

import lzma
from pathlib import Path

import pytest
from OCP.BRep import BRep_Builder
from OCP.BRepTools import BRepTools
from OCP.IFSelect import IFSelect_RetDone
from OCP.IGESControl import IGESControl_Reader
from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeIndex
from OCP.STEPControl import STEPControl_Reader
from OCP.TopAbs import TopAbs_FACE
from OCP.TopExp import TopExp
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry import CadParseError, NoGeometryError, encode_shape, muted_stdout, read_cad_file
from cad_assets.geometry.readers import FORMATS

DATA = Path(__file__).parents[1] / "data" / "other_writers"
#: Where copies are cut, as fractions of the whole file.
CUTS = (0.5, 0.99)


def _is_cad_file(path: Path) -> bool:
    name = path.name.lower().removesuffix(".xz")
    return path.is_file() and Path(name).suffix in FORMATS


FILES = sorted(path for path in DATA.rglob("*") if _is_cad_file(path))


def _unpacked(source: Path, folder: Path) -> Path:
    """``source`` itself, or for ``name.igs.xz`` its content unpacked into ``folder``."""
    if source.suffix.lower() != ".xz":
        return source
    path = folder / source.with_suffix("").name
    path.write_bytes(lzma.decompress(source.read_bytes()))
    return path


def _bare_read(path: Path) -> TopoDS_Shape | None:
    """The shape the plain OpenCascade reader makes of ``path`` (``None`` if it fails)."""
    if path.suffix.lower() == ".brep":
        shape = TopoDS_Shape()
        return shape if BRepTools.Read_s(shape, str(path), BRep_Builder()) else None
    reader = STEPControl_Reader() if path.suffix.lower() in (".step", ".stp") else IGESControl_Reader()
    if reader.ReadFile(str(path)) != IFSelect_RetDone:
        return None
    reader.TransferRoots()
    return reader.OneShape()


def _face_count(shape: TopoDS_Shape) -> int:
    faces = ShapeIndex()
    TopExp.MapShapes_s(shape, TopAbs_FACE, faces)
    return faces.Extent()


def _file_id(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


def test_the_corpus_is_there():
    # Guards the parametrized tests below against an empty or half-copied folder.
    assert len(FILES) >= 30
    assert {path.suffix.lower() for path in FILES} >= {".brep", ".step", ".stp", ".igs", ".iges", ".xz"}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("source", FILES, ids=_file_id)
def test_file_of_another_writer_reads_as_opencascade_reads_it(tmp_path, source):
    path = _unpacked(source, tmp_path)
    with muted_stdout():
        bare = _bare_read(path)
    # Every file here was chosen as one the bare reader reads: failing here means the copy
    # in the repository is damaged (a line-end conversion, say), not that our reader is wrong.
    assert bare is not None, f"OpenCascade itself no longer reads {path.name}"
    faces = _face_count(bare)

    if faces == 0:  # wires, arcs or points only: a whole file without geometry
        with pytest.raises(NoGeometryError), muted_stdout():
            read_cad_file(path)
        return
    with muted_stdout():
        shape = read_cad_file(path)
        encoding = encode_shape(shape)
    assert encoding.metadata["n_faces"] == faces


@pytest.mark.timeout(60)
@pytest.mark.parametrize("source", FILES, ids=_file_id)
def test_cut_copies_of_a_file_of_another_writer_fail(tmp_path, source):
    data = _unpacked(source, tmp_path).read_bytes()
    suffix = Path(source.name.removesuffix(".xz")).suffix
    for cut in CUTS:
        path = tmp_path / f"cut-{int(cut * 100)}{suffix}"
        path.write_bytes(data[: int(len(data) * cut)])
        with pytest.raises(CadParseError, match="cut short"), muted_stdout():
            read_cad_file(path)
