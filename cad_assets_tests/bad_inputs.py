"""A generated corpus of bad and awkward CAD inputs, and what the pipeline must make of each.

Every file is made here (OpenCascade primitives, edited copies of small MFCAD parts, raw
bytes), never downloaded, so the corpus is reproducible and needs nothing but ``shared_cad``.
The cases are the ways real folders of CAD files go wrong: empty or truncated files, other
files renamed, broken references, files without solids, assembly shells, oversized files,
awkward names, links and folders where files are expected, unreadable files. Each must give
one understandable row in ``cad_errors`` (or, for the awkward but valid ones, an encoding)
and never stop the run.
"""

import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
from OCP.BRep import BRep_Builder
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakePolygon, BRepBuilderAPI_MakeVertex
from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
from OCP.gp import gp_Pnt
from OCP.TopoDS import TopoDS_Compound, TopoDS_Shape

from cad_assets.sources import partition_key, root_labels
from cad_assets_tests.geometry.conftest import make_box, write_shape

#: The ``max_file_mb`` to run the corpus with: above every good file, below the huge one.
MAX_FILE_MB = 0.5

ENCODED = "encoded"
NOT_DISCOVERED = "not discovered"

#: Where truncated copies are cut, as fractions of the whole file.
CUTS = (0.1, 0.5, 0.9, 0.99)
#: The instance name the dangling-reference STEP points to (defined nowhere).
UNDEFINED = 999999
#: Boxes in the huge file: 6 faces each, thousands of faces in all.
HUGE_BOXES = 350


@dataclass(frozen=True)
class Expected:
    """What the pipeline must make of one path under a source folder.

    ``outcome`` is :data:`ENCODED`, :data:`NOT_DISCOVERED` (not a CAD file partition at all),
    or the ``error_type`` of the file's one row in ``cad_errors``, whose message then
    contains ``message``. ``case`` says what the path is, for assertion messages.
    """

    case: str
    outcome: str
    message: str = ""


def make_bad_corpus(folder: Path, shared_cad: Path) -> dict[str, Expected]:
    """Write every case into ``folder`` (a source root) and return what each must produce,
    by partition key (``folder``'s name, then the percent-encoded relative path)."""
    folder.mkdir(parents=True, exist_ok=True)
    (label,) = root_labels([folder])
    mfcad = sorted((shared_cad / "mfcad").glob("*.step"))
    cases = {
        **_good_parts(folder),
        **_truncated_copies(folder),
        **_not_cad_files(folder),
        **_broken_steps(folder, mfcad[0]),
        **_unusual_paths(folder, mfcad[1:3]),
    }
    return {partition_key(label, PurePosixPath(path)): expected for path, expected in cases.items()}


def _good_parts(folder: Path) -> dict[str, Expected]:
    """A box in each format: good on their own, and the originals of the truncated copies."""
    box = make_box()
    return {
        write_shape(box, folder / f"box.{ext}").name: Expected(f"good {ext.upper()} box", ENCODED)
        for ext in ("step", "igs", "brep")
    }


def _truncated_copies(folder: Path) -> dict[str, Expected]:
    """Each box cut at several points, as an interrupted copy leaves it. Uncaught, OpenCascade
    segfaults on some truncated IGES files, reads others as if the part it got were all, and
    loops forever in ``BRepTools.Read`` on a BREP cut in the middle of its shapes."""
    cases = {}
    for ext in ("step", "igs", "brep"):
        data = (folder / f"box.{ext}").read_bytes()
        for cut in CUTS:
            relative = f"truncated/box-{round(cut * 100)}.{ext}"
            _write(folder / relative, data[: int(len(data) * cut)])
            cases[relative] = Expected(f"{ext.upper()} cut at {cut:.0%}", "CadParseError", "cut short")
    return cases


def _not_cad_files(folder: Path) -> dict[str, Expected]:
    """Files with a CAD name and other content: empty, random bytes, an image, no faces, and
    one far over the size limit (refused before any worker reads it)."""
    _write(folder / "empty.step", b"")
    _write(folder / "random bytes.step", np.random.default_rng(0).bytes(5000))
    _write(folder / "picture.stp", _png())
    polygon = BRepBuilderAPI_MakePolygon(gp_Pnt(0, 0, 0), gp_Pnt(1, 0, 0), gp_Pnt(1, 1, 0), True).Wire()
    points = [BRepBuilderAPI_MakeVertex(gp_Pnt(x, 2, 0)).Vertex() for x in range(3)]
    write_shape(_compound([polygon, *points]), folder / "wires and points.step")
    boxes = [BRepPrimAPI_MakeBox(gp_Pnt(2 * n, 0, 0), 1, 1, 1).Shape() for n in range(HUGE_BOXES)]
    huge = write_shape(_compound(boxes), folder / "huge.step")
    assert huge.stat().st_size > MAX_FILE_MB * 2**20, "the huge file must exceed the file limit"
    return {
        "empty.step": Expected("empty file", "EmptyFileError", "is empty (0 bytes)"),
        "random bytes.step": Expected("random bytes named .step", "CadParseError", "not a STEP file"),
        "picture.stp": Expected("PNG image renamed .stp", "CadParseError", "not a STEP file"),
        "wires and points.step": Expected("only a wire and points", "NoGeometryError", "holds no faces"),
        "huge.step": Expected(f"{HUGE_BOXES * 6} faces, over the limit", "FileTooLarge", "MB file limit"),
    }


def _broken_steps(folder: Path, part: Path) -> dict[str, Expected]:
    """Complete STEP files that still give no usable part: a face pointing at an entity that
    is not there (OpenCascade's ``TransferRoots`` segfaults on some such files; on this one it
    silently drops the face, returning 10 of the part's 11), and an assembly whose parts live
    in other files."""
    text = part.read_text()
    dangling = re.sub(r"(ADVANCED_FACE\([^;]*?\),)#\d+", rf"\g<1>#{UNDEFINED}", text, count=1)
    assert dangling != text, f"{part.name} has no ADVANCED_FACE to break"
    _write(folder / "dangling reference.step", dangling.encode())
    _write(folder / "assembly" / "assembly.stp", _external_assembly(["wheel.stp", "axle.stp"]).encode())
    return {
        "dangling reference.step": Expected(
            "STEP face refers to an undefined entity", "CadParseError", f"#{UNDEFINED}"
        ),
        "assembly/assembly.stp": Expected(
            "assembly of external files only", "ExternalReferenceError", "wheel.stp, axle.stp"
        ),
    }


def _unusual_paths(folder: Path, parts: list[Path]) -> dict[str, Expected]:
    """Good files behind awkward paths, and paths that are not files at all."""
    box = (folder / "box.step").read_bytes()
    names = ["with spaces.step", "commas, in, name.step", "dots... in name.step", "Zahnräder 齿轮.step"]
    for name in names:
        _write(folder / "names" / name, box)
    cases = {f"names/{name}": Expected(f"name {name!r}", ENCODED) for name in names}

    for part, subfolder in zip(parts, ("a", "b")):  # same base name, different parts
        _write(folder / "same name" / subfolder / "part.step", part.read_bytes())
        cases[f"same name/{subfolder}/part.step"] = Expected(f"part.step in folder {subfolder}", ENCODED)

    _write(folder / "x.step" / "inside.step", box)  # a folder with a CAD file name
    cases["x.step"] = Expected("directory named x.step", NOT_DISCOVERED)
    cases["x.step/inside.step"] = Expected("file inside the x.step directory", ENCODED)

    loop = folder / "loop"
    loop.mkdir()
    (loop / "up").symlink_to("..", target_is_directory=True)  # loop/up/loop/up/... is the root again
    (loop / "self.step").symlink_to("self.step")  # a link to itself: ELOOP on open
    cases["loop/up"] = Expected("symlink back to the source folder", NOT_DISCOVERED)
    cases["loop/up/box.step"] = Expected("box.step seen again through the loop", NOT_DISCOVERED)
    cases["loop/self.step"] = Expected("symlink to itself named .step", NOT_DISCOVERED)

    cases["locked.step"] = _unreadable(folder / "locked.step", box)
    return cases


def _unreadable(path: Path, data: bytes) -> Expected:
    """A file without read permission. The superuser reads it anyway (permission bits do not
    apply to root), so what is expected depends on who runs the tests: checked, not assumed."""
    _write(path, data)
    path.chmod(0)
    if os.access(path, os.R_OK):
        return Expected("no read permission (readable anyway: running as root)", ENCODED)
    return Expected("no read permission", "PermissionError", "Permission denied")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _compound(shapes: list[TopoDS_Shape]) -> TopoDS_Compound:
    compound, builder = TopoDS_Compound(), BRep_Builder()
    builder.MakeCompound(compound)
    for shape in shapes:
        builder.Add(compound, shape)
    return compound


def _png() -> bytes:
    """A valid 1 x 1 RGB PNG image: signature, IHDR, IDAT and IEND chunks."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # width, height, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _external_assembly(part_files: list[str]) -> str:
    """An AP214 file that names its parts' files (``DOCUMENT_FILE``) and holds no geometry,
    as CAD systems write the top file of an assembly saved as one file per part."""
    documents = "\n".join(
        f"#{10 + n}=DOCUMENT_FILE('{name}','','',#4,'',$);" for n, name in enumerate(part_files)
    )
    return f"""ISO-10303-21;
HEADER;
FILE_DESCRIPTION(('assembly whose parts are separate files'),'2;1');
FILE_NAME('assembly.stp','2024-01-01T00:00:00',(''),(''),'','','');
FILE_SCHEMA(('AUTOMOTIVE_DESIGN {{ 1 0 10303 214 1 1 1 1 }}'));
ENDSEC;
DATA;
#1=APPLICATION_CONTEXT('automotive design');
#2=PRODUCT_CONTEXT('',#1,'mechanical');
#3=PRODUCT('ASSEMBLY','ASSEMBLY','',(#2));
#4=DOCUMENT_TYPE('geometry');
{documents}
ENDSEC;
END-ISO-10303-21;
"""
