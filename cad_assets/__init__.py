"""cad_assets: folders of CAD files in, one ML-ready B-rep dataset out (see the README).

``cad_assets.try_encode(path, encoders=None)`` runs encoders on one CAD file in this process
(:func:`cad_assets.flow.try_encode`); importing the package loads nothing heavy.
"""

import importlib

__all__ = ["try_encode"]


def __getattr__(name: str):
    if name == "try_encode":
        return importlib.import_module("cad_assets.flow.trial").try_encode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
