"""Plain-text views of the explorer's results, as the ``cad-assets`` command prints them."""

import numpy as np
import pandas as pd

from cad_assets.explore.histogram import Histogram
from cad_assets.explore.toc import TableOfContents

#: Infoset columns shown for one file, where present.
FILE_COLUMNS = ("file_id", "partition_key", "path", "format", "size_bytes", "n_faces", "n_edges",
                "n_solids", "label_name", "label", "sha256")


def format_bytes(n: int) -> str:
    """``1536`` -> ``"1.5 KiB"``."""
    size, unit = float(n), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            break
        size /= 1024
    return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"


def render_toc(toc: TableOfContents, where: str = "") -> str:
    """Groups and arrays with shape, dtype, chunks, stored and uncompressed size, and totals."""
    lines = [f"Dataset {where}".rstrip(), f"{_files(toc.n_files)}, {len(toc.arrays)} arrays, "
             f"{format_bytes(toc.stored_bytes)} on disk ({format_bytes(toc.nbytes)} uncompressed)"]
    group = None
    for array in toc.arrays:
        if array.group != group:
            group = array.group
            lines.append(f"{group}/  {toc.rows[group]} rows")
        lines.append(f"  {array.name:<16} {str(array.shape):<20} {array.dtype:<8} "
                     f"{format_bytes(array.stored_bytes):>10} on disk  chunks {array.chunks}")
    return "\n".join(lines)


def render_file(info: pd.Series | None, rows: dict[str, dict[str, np.ndarray]],
                head: int = 5) -> str:
    """One file: its infoset fields, then each group's arrays (shape, dtype, first rows)."""
    lines = []
    if info is not None:
        lines += [f"{column:<14} {info[column]}" for column in FILE_COLUMNS if column in info.index]
    for group, arrays in rows.items():
        n_rows = len(next(iter(arrays.values()))) if arrays else 0
        lines.append(f"{group}/  {n_rows} rows")
        for name, values in arrays.items():
            line = f"  {name:<16} {str(values.shape):<20} {values.dtype}"
            if head and values.ndim <= 2 and values.size:
                shown = np.array2string(values[:head], precision=4, separator=", ",
                                        suppress_small=True, max_line_width=10_000,
                                        threshold=10_000)
                line += f"  {' '.join(shown.split())}{' ...' if len(values) > head else ''}"
            lines.append(line)
    return "\n".join(lines)


def render_histogram(histogram: Histogram, width: int = 40, list_files: int = 0) -> str:
    """Bins as bars with their counts and file counts; ``list_files`` ids listed per bin."""
    peak = max(1, int(histogram.counts.max(initial=0)))
    label_width = max((len(label) for label in histogram.labels), default=0)
    lines = [f"{histogram.field}: {int(histogram.counts.sum())} values in {len(histogram.labels)} "
             f"bins, {_files(histogram.n_files)}"]
    for label, count, files in zip(histogram.labels, histogram.counts, histogram.files):
        bar = "#" * int(round(width * count / peak))
        line = f"  {label:<{label_width}} {count:>10}  {_files(len(files)):>11}  {bar}"
        if list_files and len(files):
            shown = ", ".join(str(i) for i in files[:list_files])
            line += f"  [{shown}{', ...' if len(files) > list_files else ''}]"
        lines.append(line)
    if histogram.n_missing or histogram.n_outside:
        lines.append(f"  missing (NaN): {histogram.n_missing}, "
                     f"outside the bins: {histogram.n_outside}")
    return "\n".join(lines)


def render_table(table: pd.DataFrame, columns: list[str], limit: int | None = None) -> str:
    """``columns`` of the first ``limit`` rows (all if ``None``), then how many rows in all."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise KeyError(f"no column {', '.join(missing)}; available: {', '.join(table.columns)}")
    shown = table[columns] if limit is None else table[columns].head(limit)
    text = shown.to_string(index=False) if len(shown) else ""
    more = f" (first {len(shown)} shown)" if len(shown) < len(table) else ""
    return f"{text}\n{_files(len(table))}{more}".lstrip("\n")


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"
