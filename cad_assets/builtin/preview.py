"""``preview``: a small shaded PNG of each part, kept in its store and shown in the Dagster UI
on its partition; registered with ``@encoder`` like any user's."""

import base64
import io

from cad_assets.flow import encoder
from cad_assets.schema import Schema, SchemaBuilder

#: The name of the preview in every store (``FileStore.read_file(PREVIEW_FILE)``).
PREVIEW_FILE = "preview.png"
#: A copy small enough to be shown where it is listed (the Dagster UI shows a picture inline
#: only when its Markdown is under 1,000 characters). Made in the worker: it costs ~13 ms a
#: file, which the run process would otherwise spend once per file, on one core.
THUMBNAIL_FILE = "preview_thumbnail.png"
#: The longest thumbnail, in base64 characters.
THUMBNAIL_BASE64_CHARS = 900


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
        picture = render_preview(cad_model.shape, size=options["size"])
        storage.save_file(PREVIEW_FILE, picture)
        small = thumbnail(picture)
        if small is not None and small is not picture:  # a picture that fits is its own
            storage.save_file(THUMBNAIL_FILE, small)
        storage.save_metadata("preview_error", "")
    except Exception as error:  # noqa: BLE001 - a picture is never worth failing a file for
        storage.save_metadata("preview_error", f"{type(error).__name__}: {error}")


def thumbnail(png: bytes, max_base64_chars: int = THUMBNAIL_BASE64_CHARS) -> bytes | None:
    """``png`` itself when short enough, else a copy scaled down and given fewer colours until
    its base64 form fits ``max_base64_chars`` (``None`` if even a small copy does not)."""
    if _base64_chars(png) <= max_base64_chars:
        return png
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    for width in (128, 112, 96, 80, 64, 48):
        if width >= picture.width:
            continue
        height = max(1, round(picture.height * width / picture.width))
        # Nearest pixels keep the picture's own few colours (flat shading, dark borders).
        small = picture.resize((width, height), Image.Resampling.NEAREST)
        for colours in (16, 8, 6):
            buffer = io.BytesIO()
            small.quantize(colors=colours).save(buffer, format="PNG", optimize=True)
            if _base64_chars(buffer.getvalue()) <= max_base64_chars:
                return buffer.getvalue()
    return None


def _base64_chars(data: bytes) -> int:
    return len(base64.b64encode(data))
