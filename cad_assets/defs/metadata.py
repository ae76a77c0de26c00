"""Pictures as Dagster metadata: the UI renders Markdown images given as data URLs."""

import base64

import dagster as dg


def png_metadata(png: bytes, title: str) -> dg.MetadataValue:
    encoded = base64.b64encode(png).decode("ascii")
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{encoded})")
