"""The project's Dagster definitions: ``dagster dev`` and ``dagster job execute`` load this."""

from pathlib import Path

from cad_assets import flow
from cad_assets.builtin import default_encoders
from cad_assets.defs.resources import CadPipelineSettings
from part_classification.tasks import class_balance, shape_signature, signature_table

PROJECT = Path(__file__).resolve().parents[1]

defs = flow.build_definitions(
    # The built-in B-rep features (no per-face labels: this project labels whole parts), then ours.
    encoders=[*default_encoders({"face_labels": "none"}), shape_signature],
    dataset_tasks=[class_balance, signature_table],
    settings=CadPipelineSettings.from_env(
        sources=str(PROJECT.parents[1].parent / "shared" / "cad"),  # one folder per class
        output_dir=str(PROJECT / "data" / "output"),
        file_labels="folder",
    ),
)
