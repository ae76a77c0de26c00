"""Errors raised for one CAD file that cannot be read into B-rep geometry.

Every message names the file and says what is wrong in words a user understands; the
pipeline records it as the file's failure reason and moves on to the next file.
"""


def name_some(names: list[str], limit: int = 5) -> str:
    """The first ``limit`` names for a message, e.g. ``"a.stp, b.stp and 3 more"``."""
    unnamed = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {unnamed} more" if unnamed > 0 else "")


class CadReadError(Exception):
    """Base of all per-file read errors."""


class EmptyFileError(CadReadError):
    """The file is 0 bytes long."""


class UnsupportedFormatError(CadReadError):
    """The file's extension is not in the reader registry."""


class CadParseError(CadReadError):
    """The format's reader could not parse the file (the message gives the reader's status)."""


class NoGeometryError(CadReadError):
    """The file parsed, but holds no faces (for example only wires, points or annotations)."""


class ExternalReferenceError(NoGeometryError):
    """The file is an assembly whose parts live in other files, which it only references."""
