"""The last lines of a text file, read without loading the whole file.

A file cut short (an interrupted copy or download) loses its closing lines. An IGES file ends
with its terminate record, so looking at the tail tells a truncated file apart before
OpenCascade sees it: on truncated IGES files OpenCascade segfaults or silently returns part of
the geometry.
"""

import os
from pathlib import Path

_TAIL_BYTES = 4096
#: What may follow a file's closing record: blanks, NUL padding, DOS end-of-file marks.
PADDING = b" \t\r\n\x00\x1a"


def last_lines(path: Path, count: int) -> list[bytes]:
    """The last ``count`` non-blank lines of ``path`` (fewer if it has fewer), stripped of
    blanks and padding.

    Raises ``OSError`` (e.g. ``PermissionError``) when the file cannot be read.
    """
    with open(path, "rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(max(size - _TAIL_BYTES, 0))
        tail = stream.read()
    lines = [line.strip(PADDING) for line in tail.splitlines()]
    return [line for line in lines if line][-count:]
