"""Benchmark: what the per-file PNG preview costs, file by file.

Reads every CAD file of the corpus once (not timed), then times ``render_preview`` on the
fresh shape: meshing, collecting the triangles, the z-buffer and the PNG. Prints the number of
files, the median and p90 milliseconds, the split between meshing and drawing, and the median
and largest PNG sizes. Goal: well under 15 ms for a median MFCAD part, a few kB per picture.

    python benchmarks/preview_cost.py [--corpus ../shared/cad/mfcad] [--size 192] [--limit N]
                                      [--save DIR] [--matplotlib]

``--matplotlib`` also times the same triangles drawn by matplotlib's Agg renderer (one
``PolyCollection``, sorted back to front; no face borders), the alternative the numpy z-buffer
was chosen over. ``--save DIR`` writes the pictures there.
"""

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np

from cad_assets.geometry import CadReadError, muted_stdout, read_cad_file, render_preview
from cad_assets.geometry.preview import (
    BASE_COLOUR,
    _shades,
    _to_screen,
    render_triangles,
    shape_triangles,
)
from cad_assets.geometry.readers import FORMATS

REPO = Path(__file__).resolve().parents[1]


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def render_matplotlib(triangles: np.ndarray, size: int) -> bytes:
    """The painter's-algorithm alternative: matplotlib Agg, one PolyCollection."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    screen = _to_screen(triangles, size) if len(triangles) else np.zeros((0, 3, 3))
    order = np.argsort(screen[..., 2].mean(axis=1))  # farthest first
    colours = np.clip(_shades(triangles)[order, None] * np.array(BASE_COLOUR) / 255, 0, 1)
    figure = Figure(figsize=(size / 100, size / 100), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, size)
    axes.set_ylim(size, 0)
    axes.add_collection(PolyCollection(screen[order, :, :2], facecolors=colours,
                                       edgecolors="face", linewidths=0.3))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def measure(files: list[Path], size: int, save: Path | None, matplotlib: bool):
    rows, unreadable = [], 0
    with muted_stdout():
        render_preview(read_cad_file(files[0]), size=size)  # warm-up: imports, first mesh
        if matplotlib:
            render_matplotlib(np.zeros((0, 3, 3)), size)
        for number, path in enumerate(files, 1):
            print(f"\r{number}/{len(files)}", end="", file=sys.stderr, flush=True)
            try:
                shape = read_cad_file(path)
            except CadReadError:
                unreadable += 1
                continue
            png, total = timed(render_preview, shape, size=size)
            # The shape is meshed now: collecting and drawing again times everything but the mesh.
            (triangles, faces), collect = timed(shape_triangles, shape)
            _, draw = timed(render_triangles, triangles, faces, size=size)
            row = {"file": path.name, "faces": int(faces.max() + 1) if len(faces) else 0,
                   "triangles": len(triangles), "total": total, "collect": collect,
                   "draw": draw, "bytes": len(png)}
            if matplotlib:
                other, row["matplotlib"] = timed(render_matplotlib, triangles, size)
                row["matplotlib_bytes"] = len(other)
            if save is not None:
                (save / f"{path.stem}.png").write_bytes(png)
            rows.append(row)
    print(file=sys.stderr)
    return rows, unreadable


def report(rows: list[dict], unreadable: int, size: int) -> None:
    def ms(key):
        return np.array([row[key] for row in rows]) * 1e3

    total, collect, draw = ms("total"), ms("collect"), ms("draw")
    sizes = np.array([row["bytes"] for row in rows])
    print(f"files: {len(rows)} rendered at {size}x{size}, {unreadable} skipped (CadReadError)")
    print(f"median faces {np.median([r['faces'] for r in rows]):.0f}, "
          f"triangles {np.median([r['triangles'] for r in rows]):.0f}")
    print(f"render_preview ms: median {np.median(total):.2f}  p90 {np.percentile(total, 90):.2f}  "
          f"max {total.max():.2f}")
    print(f"  of which (medians): mesh {np.median(total - collect - draw):.2f}  "
          f"collect triangles {np.median(collect):.2f}  z-buffer + PNG {np.median(draw):.2f}")
    print(f"PNG bytes: median {np.median(sizes):.0f}  max {sizes.max()}")
    if "matplotlib" in rows[0]:
        other = ms("matplotlib")
        print(f"matplotlib Agg instead of z-buffer + PNG, ms: median {np.median(other):.2f}  "
              f"p90 {np.percentile(other, 90):.2f}; PNG bytes median "
              f"{np.median([r['matplotlib_bytes'] for r in rows]):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "cad" / "mfcad")
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    parser.add_argument("--save", type=Path, help="write the pictures to this folder")
    parser.add_argument("--matplotlib", action="store_true",
                        help="also time matplotlib Agg drawing the same triangles")
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.rglob("*")
                   if p.is_file() and p.suffix.lower() in FORMATS)
    if args.limit:
        files = files[:args.limit]
    if not files:
        sys.exit(f"no CAD files under {args.corpus}")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    report(*measure(files, args.size, args.save, args.matplotlib), args.size)


if __name__ == "__main__":
    main()
