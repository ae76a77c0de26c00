"""The pipeline's own tasks, declared with the same decorators as a user's: the ``discover``
gatherer and the ``brep_features``, ``face_labels`` and ``preview`` encoders."""

import json
import os

from cad_assets.builtin.brep import brep_features
from cad_assets.builtin.face_labels import FACE_LABEL_MODES, face_labels
from cad_assets.builtin.gather import discover
from cad_assets.builtin.preview import preview
from cad_assets.flow import EncoderTask, FlowDefinitionError, Pipeline
from cad_assets.geometry.options import EncodeOptions


def default_encoders(options: dict | None = None) -> list[EncoderTask]:
    """``brep_features`` with ``options`` (``EncodeOptions`` fields), then ``face_labels``
    unless ``options["face_labels"]`` is ``"none"``, then ``preview`` unless
    ``options["preview"]`` is false (it meshes the shape, so it runs last).

    By default the options come from ``CAD_ASSETS_ENCODER_OPTIONS`` (JSON), e.g.
    ``{"face_grid_u": 20, "face_grid_v": 20, "face_labels": "required", "preview": false}``.
    """
    if options is None:
        options = json.loads(os.environ.get("CAD_ASSETS_ENCODER_OPTIONS") or "{}")
    options = dict(options)
    mode = options.pop("face_labels", "auto")
    with_preview = options.pop("preview", True)
    if mode not in FACE_LABEL_MODES:
        raise FlowDefinitionError(f"face_labels must be one of {FACE_LABEL_MODES}, got {mode!r}")
    try:
        EncodeOptions(**options)
    except (TypeError, ValueError) as error:
        raise FlowDefinitionError(f"invalid encoder options {options}: {error}") from error
    encoders = [brep_features.with_options(**options)]
    if mode != "none":
        encoders.append(face_labels.with_options(mode=mode))
    if with_preview:
        encoders.append(preview)
    return encoders


def default_pipeline() -> Pipeline:
    """The built-in pipeline: ``discover`` and :func:`default_encoders`, no dataset tasks."""
    return Pipeline.create(discover, default_encoders())


__all__ = [
    "brep_features", "default_encoders", "default_pipeline", "discover", "face_labels", "preview",
]
