"""Pictures and charts as Dagster metadata that the UI shows where they are, not behind a click.

The UI renders Markdown metadata (images given as data URLs) inline in an asset's or a
partition's metadata table only when it is shorter than 1,000 characters; longer Markdown is a
*[Show Markdown]* link to a dialog. Tables (``MetadataValue.table``) are always shown inline.
So a preview gets an inline thumbnail small enough to fit (``preview``) beside the full
picture (``preview/full``), and each dataset chart a table of its numbers with a bar per row
(``chart/<name>/counts``) beside the drawn PNG (``chart/<name>``).
"""

import base64
from collections.abc import Mapping

import dagster as dg

#: Markdown metadata the UI shows inline must be shorter than this (ui-core MetadataEntry).
INLINE_MARKDOWN_CHARS = 1000
#: Widest bar of a counts table, in block characters.
BAR_CHARS = 16
#: Rows of a counts table; the rest are summed into one "other" row.
TABLE_ROWS = 25


def png_metadata(png: bytes, title: str) -> dg.MetadataValue:
    """A PNG as Markdown (an image with a data URL): inline in the UI only when short."""
    return dg.MetadataValue.md(_markdown_image(png, title))


def inline_png_metadata(png: bytes, title: str) -> dg.MetadataValue | None:
    """``png`` as Markdown the UI shows inline, or ``None`` when it is too long for that
    (:func:`cad_assets.builtin.preview.thumbnail` makes copies that fit)."""
    markdown = _markdown_image(png, title)
    return dg.MetadataValue.md(markdown) if len(markdown) < INLINE_MARKDOWN_CHARS else None


def counts_table(counts: Mapping[str, int], label: str, unit: str) -> dg.MetadataValue:
    """A table of ``counts`` (in the order given), one row per name with its count, share of
    the total and a bar as long as its count (the longest ``BAR_CHARS`` blocks)."""
    items = [(str(name), int(n)) for name, n in counts.items()]
    if len(items) > TABLE_ROWS:
        rest = items[TABLE_ROWS - 1:]
        items = [*items[:TABLE_ROWS - 1], (f"other ({len(rest)})", sum(n for _, n in rest))]
    total = sum(n for _, n in items) or 1
    longest = max((n for _, n in items), default=0) or 1
    records = [
        dg.TableRecord({label: name, unit: n, "share": f"{n / total:.1%}", "bar": _bar(n, longest)})
        for name, n in items
    ]
    schema = dg.TableSchema(columns=[
        dg.TableColumn(label, "string"), dg.TableColumn(unit, "int"),
        dg.TableColumn("share", "string"), dg.TableColumn("bar", "string"),
    ])
    return dg.MetadataValue.table(records, schema=schema)


def _bar(n: int, longest: int) -> str:
    """Blocks in proportion to ``n`` (a thin one for a count too small to show)."""
    return "\u2588" * round(BAR_CHARS * n / longest) or ("\u258f" if n else "")


def _markdown_image(png: bytes, title: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return f"![{title}](data:image/png;base64,{encoded})"
