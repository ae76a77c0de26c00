"""One CAD file -> one per-file store, as a task for the worker pool: the request, the plan of
which files need it, and the worker function that runs a pipeline's encoders.

This package joins the user's and built-in encoders to the storage layer. Importing it does
not load the CAD kernel: only the worker function does, when an encoder reads CAD models.
"""

from cad_assets.encoding.request import (
    ENCODE_TASK,
    CadFile,
    EncodedFile,
    EncodeRequest,
    SkippedFile,
)

__all__ = ["ENCODE_TASK", "CadFile", "EncodeRequest", "EncodedFile", "SkippedFile"]
