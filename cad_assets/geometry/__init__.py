"""The OpenCascade geometry layer: reads a CAD file and returns numpy arrays.

Every import of the CAD kernel (``OCP``) in the project lives in this package. Importing the
package itself does not load the kernel (about 1.5 s): the errors, options, categories and
version are plain Python, and the kernel loads on first use of :func:`read_cad_file`,
:func:`encode_shape` or :func:`encode_file`, inside the worker processes.

Conventions of the arrays: face and edge rows follow ``TopExp.MapShapes`` order (each face
or edge once); normals point out of the material; values that cannot be evaluated (no
surface, no curve, singular point) are NaN, and the metadata counts the faces and edges
concerned. OpenCascade prints to stdout: wrap calls in :func:`muted_stdout` to silence it.
"""

import importlib

from cad_assets.geometry.categories import Convexity, CurveType, SurfaceType
from cad_assets.geometry.errors import (
    CadParseError,
    CadReadError,
    EmptyFileError,
    ExternalReferenceError,
    NoGeometryError,
    UnsupportedFormatError,
)
from cad_assets.geometry.options import EncodeOptions
from cad_assets.geometry.shape_encoding import ShapeEncoding
from cad_assets.geometry.stdout import muted_stdout
from cad_assets.geometry.version import ENCODER_VERSION

# Names that need the CAD kernel -> the module defining them, imported on first access.
_KERNEL_NAMES = {
    "read_cad_file": "cad_assets.geometry.readers",
    "encode_shape": "cad_assets.geometry.encode",
    "encode_file": "cad_assets.geometry.encode",
    "render_preview": "cad_assets.geometry.preview",
    "CadLoader": "cad_assets.geometry.model",
    "CadModel": "cad_assets.geometry.model",
}

__all__ = [
    "ENCODER_VERSION",
    "CadLoader",
    "CadModel",
    "CadParseError",
    "CadReadError",
    "Convexity",
    "CurveType",
    "EmptyFileError",
    "EncodeOptions",
    "ExternalReferenceError",
    "NoGeometryError",
    "ShapeEncoding",
    "SurfaceType",
    "UnsupportedFormatError",
    "encode_file",
    "encode_shape",
    "muted_stdout",
    "read_cad_file",
    "render_preview",
]


def __getattr__(name: str):
    if name not in _KERNEL_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_KERNEL_NAMES[name]), name)
