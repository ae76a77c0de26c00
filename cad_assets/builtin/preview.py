"""``preview``: a small shaded PNG of each part, kept in its store and shown in the Dagster UI
on its partition; registered with ``@encoder`` like any user's."""

from cad_assets.flow import encoder
from cad_assets.schema import Schema, SchemaBuilder

#: The name of the preview in every store (``FileStore.read_file(PREVIEW_FILE)``).
PREVIEW_FILE = "preview.png"


def preview_schema(options: dict) -> Schema:
    builder = SchemaBuilder(domain="cad_assets.preview")
    builder.define_file_metadata("preview_error", "str", "why no preview was drawn, '' if one was")
    return builder.build()


@encoder(name="preview", version="1", schema=preview_schema, options={"size": 160})
def preview(cad_model, storage, options):
    """An isometric, flat-shaded ``size`` x ``size`` view with face borders. A part the mesher
    cannot handle keeps its arrays: the reason goes to ``preview_error``, not to the error table."""
    from cad_assets.geometry.preview import render_preview  # the kernel: workers only

    try:
        storage.save_file(PREVIEW_FILE, render_preview(cad_model.shape, size=options["size"]))
        storage.save_metadata("preview_error", "")
    except Exception as error:  # noqa: BLE001 - a picture is never worth failing a file for
        storage.save_metadata("preview_error", f"{type(error).__name__}: {error}")
