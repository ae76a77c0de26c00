"""The project's Dagster definitions: ``dagster dev`` and ``dagster job execute`` load this."""

from pathlib import Path

from cad_assets import flow
from cad_assets.builtin import default_encoders
from cad_assets.defs.resources import CadPipelineSettings
from mfcad_segmentation.tasks import face_label_statistics, label_coverage

PROJECT = Path(__file__).resolve().parents[1]

defs = flow.build_definitions(
    # Every built-in feature, and per-face labels that must exist: a part without its
    # .face_truth file is a per-file error, not a silently unlabelled part.
    encoders=default_encoders({"face_labels": "required"}),
    dataset_tasks=[face_label_statistics, label_coverage],
    settings=CadPipelineSettings.from_env(
        sources=str(PROJECT.parents[1].parent / "shared" / "cad" / "mfcad"),
        output_dir=str(PROJECT / "data" / "output"),
    ),
)
