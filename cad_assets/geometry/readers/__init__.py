"""Reader registry: one reader per CAD format, chosen by file extension (case-insensitive)."""

from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from OCP.STEPControl import STEPControl_Reader
from OCP.TopAbs import TopAbs_FACE
from OCP.TopExp import TopExp_Explorer
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import (
    EmptyFileError,
    ExternalReferenceError,
    NoGeometryError,
    UnsupportedFormatError,
    name_some,
)
from cad_assets.geometry.readers.brep import read_brep
from cad_assets.geometry.readers.iges import read_iges
from cad_assets.geometry.readers.step import read_step, step_external_references


def _no_references(path: Path) -> list[str]:
    return []


@dataclass(frozen=True)
class CadFormat:
    """A CAD format: its name, its reader, and how to list the files it references."""

    name: str
    read: Callable[[Path], TopoDS_Shape]
    external_references: Callable[[Path], list[str]] = _no_references


STEP = CadFormat("STEP", read_step, step_external_references)
IGES = CadFormat("IGES", read_iges)
BREP = CadFormat("BREP", read_brep)

#: Lower-case file extension -> format.
FORMATS = {".step": STEP, ".stp": STEP, ".iges": IGES, ".igs": IGES, ".brep": BREP}


def format_of(path: str | PathLike) -> CadFormat:
    """The format that reads ``path``, from its extension.

    Raises
    ------
    UnsupportedFormatError
        If no reader is registered for the extension.
    """
    path = Path(path)
    cad_format = FORMATS.get(path.suffix.lower())
    if cad_format is None:
        raise UnsupportedFormatError(
            f"{path.name}: no reader for extension {path.suffix or '(none)'!r}; "
            f"supported: {', '.join(sorted(FORMATS))}"
        )
    return cad_format


def read_cad_file(
    path: str | PathLike, step_reader: STEPControl_Reader | None = None
) -> TopoDS_Shape:
    """Read a CAD file into one shape that has at least one face.

    ``step_reader``, if given, translates a STEP file (and is ignored for other formats), so
    that it can be asked afterwards which entity a shape came from
    (:mod:`cad_assets.geometry.face_names`).

    Raises
    ------
    UnsupportedFormatError
        If the extension has no reader.
    EmptyFileError
        If the file is 0 bytes (checked before OpenCascade sees it).
    CadParseError
        If the reader cannot parse the file.
    ExternalReferenceError
        If the file has no faces and references other files (an assembly stored as parts).
    NoGeometryError
        If the file has no faces for another reason.
    FileNotFoundError
        If there is no file at ``path``.
    """
    path = Path(path)
    cad_format = format_of(path)
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name} is empty (0 bytes)")
    if cad_format is STEP and step_reader is not None:
        shape = read_step(path, step_reader)
    else:
        shape = cad_format.read(path)
    if not TopExp_Explorer(shape, TopAbs_FACE).More():
        raise _no_geometry_error(path, cad_format)
    return shape


def _no_geometry_error(path: Path, cad_format: CadFormat) -> NoGeometryError:
    references = cad_format.external_references(path)
    if not references:
        return NoGeometryError(
            f"the {cad_format.name} file {path.name} was read but holds no faces "
            "(only wires, points, annotations or an empty model)"
        )
    return ExternalReferenceError(
        f"{path.name} holds no geometry of its own: it is an assembly that references "
        f"{len(references)} external file(s) ({name_some(references)}); "
        "encode those part files instead"
    )
