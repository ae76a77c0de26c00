"""STEP (ISO 10303-21) files: AP203, AP214 and AP242."""

import re
from pathlib import Path

from OCP.STEPControl import STEPControl_Reader
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.errors import CadParseError, name_some
from cad_assets.geometry.readers.tail import PADDING
from cad_assets.geometry.readers.xscontrol import read_and_transfer

# The file name is the first argument of these entities; EXTERNAL_SOURCE wraps it in IDENTIFIER.
_REFERENCE = re.compile(
    rb"(?:DOCUMENT_FILE|APPLIED_EXTERNAL_IDENTIFICATION_ASSIGNMENT|EXTERNAL_SOURCE)"
    rb"\s*\(\s*(?:IDENTIFIER\s*\(\s*)?'([^']+)'",
    re.IGNORECASE,
)
_STRING_OR_COMMENT = re.compile(rb"'(?:[^']|'')*'|/\*.*?\*/", re.DOTALL)
_DEFINITION = re.compile(rb"(?:^|;)\s*#(\d+)\s*=")
_INSTANCE_NAME = re.compile(rb"#(\d+)")
_HEADER, _TRAILER = b"ISO-10303-21;", b"END-ISO-10303-21;"
_HEADER_BYTES = 1024  # where the first line is looked for (after a BOM or leading blanks)
_TAIL_BYTES = 65536  # where the last line is looked for, before trailing comments and padding
_TRAILING = re.compile(rb"(?:/\*.*?\*/|[" + re.escape(PADDING) + rb"])*\Z", re.DOTALL)
_DATA_SECTION = re.compile(rb"DATA;", re.IGNORECASE)


def read_step(path: Path, reader: STEPControl_Reader | None = None) -> TopoDS_Shape:
    """Translate every root of a STEP file into one shape (a compound if there are several).

    Parameters
    ----------
    path : Path
        The STEP file.
    reader : STEPControl_Reader, optional
        The reader to translate with (default: a new one). Pass your own to ask it afterwards
        which STEP entity a shape came from (see :mod:`cad_assets.geometry.face_names`).

    Raises
    ------
    CadParseError
        If the file is not a STEP file, was cut short, or refers to entities it does not
        define (all checked first: OpenCascade's translator crashes the process on some such
        files, and silently drops what the missing entities held on others), or cannot be
        parsed or translated.
    """
    data = path.read_bytes()
    if _HEADER not in data[:_HEADER_BYTES].upper():  # keywords are read in any case
        raise CadParseError(
            f"the STEP reader could not parse {path.name}: it does not start with "
            "'ISO-10303-21;' as every STEP file does, so it is not a STEP file"
        )
    damage = _damage(data)
    if damage:
        raise CadParseError(f"{path.name} is a broken STEP file: {'; '.join(damage)}")
    reader = STEPControl_Reader() if reader is None else reader
    return read_and_transfer(reader, path, "STEP")


def _damage(data: bytes) -> list[str]:
    """What is wrong with a STEP file's content, in words: a missing last line (the file was
    cut short, which usually also leaves references to entities it never got to), and
    references to undefined entities."""
    damage = []
    tail = data[-_TAIL_BYTES:]
    if not _TRAILING.sub(b"", tail, count=1).upper().endswith(_TRAILER):
        damage.append("it does not end with 'END-ISO-10303-21;', so it was cut short (truncated)")
    undefined = undefined_entities(data)
    if undefined:
        entities = "entity" if len(undefined) == 1 else "entities"
        damage.append(
            f"it refers to {len(undefined)} {entities} it does not define "
            f"({name_some([f'#{number}' for number in undefined])})"
        )
    return damage


def undefined_entities(data: bytes) -> list[int]:
    """Instance names (``#123``) that the DATA section refers to but never defines, sorted."""
    data = _STRING_OR_COMMENT.sub(b"''", data)  # '#' may appear inside strings and comments
    section = _DATA_SECTION.search(data)
    data = data[section.start() if section else 0:]
    defined = {int(number) for number in _DEFINITION.findall(data)}
    return sorted({int(number) for number in _INSTANCE_NAME.findall(data)} - defined)


def step_external_references(path: Path) -> list[str]:
    """Names of the external documents a STEP file references, in order of first mention.

    An assembly saved as one file per part keeps, in its top file, only the structure and the
    part file names (``DOCUMENT_FILE('TAIL.stp', ...)``): read alone, it has no geometry.
    """
    names = (match.group(1).decode("latin-1") for match in _REFERENCE.finditer(path.read_bytes()))
    return list(dict.fromkeys(names))
