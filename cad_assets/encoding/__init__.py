"""One CAD file -> one per-file store, as a task for the worker pool.

This package joins the geometry layer (which reads and encodes) to the storage layer (which
writes). Importing it does not load the CAD kernel: only :mod:`cad_assets.encoding.task`,
which runs inside the workers, does.
"""

from cad_assets.encoding.request import ENCODE_TASK, EncodeRequest, encoding_version

__all__ = ["ENCODE_TASK", "EncodeRequest", "encoding_version"]
