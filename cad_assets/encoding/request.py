"""What the pipeline asks a worker to do for one file."""

import hashlib
import json
from dataclasses import dataclass, field

from cad_assets.encoding.schema import dataset_schema
from cad_assets.geometry.version import ENCODER_VERSION

#: The worker-side function, named for :func:`cad_assets.workers.run_isolated`.
ENCODE_TASK = "cad_assets.encoding.task:encode_to_store"


@dataclass(frozen=True)
class EncodeRequest:
    """Encode the file at ``path`` (content ``sha256``) into a store at ``store_path``.

    ``options`` is plain JSON: the fields of :class:`cad_assets.geometry.EncodeOptions`, plus
    the label options of :mod:`cad_assets.labels.attach` (``face_labels``).
    """

    partition_key: str
    path: str
    sha256: str
    store_path: str
    options: dict = field(default_factory=dict)


def encoding_version(options: dict) -> str:
    """Version of what an encoding holds: the encoder's version plus a hash of the options it
    ran with and of the dataset schema they give.

    Part of every store's name and of the asset's code version, so changing any of them marks
    the existing encodings stale.
    """
    payload = json.dumps([options, dataset_schema(options).fingerprint()], sort_keys=True)
    return f"{ENCODER_VERSION}-{hashlib.sha256(payload.encode()).hexdigest()[:8]}"
