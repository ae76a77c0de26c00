"""Benchmark: what the encoder costs next to the OpenCascade read, file by file.

For every CAD file of the corpus, times ``read_cad_file`` (the bare read, i.e. the STEP
transfer), ``encode_shape`` with the default ``EncodeOptions`` on the shape already read, and
then the default pipeline's preview (``render_preview`` at 160 pixels, which meshes the
shape), in this one process. Prints the number of files, the median and p90 of encode / read,
the medians and totals of the three times, the preview's share of the work after the read,
and the five files with the highest ratio. Goal: the encoder adds no more than the read
(median encode / read <= 1.0, p90 <= 1.2). Files that cannot be read (``CadReadError``) are
skipped and counted.

    python benchmarks/encoder_cost.py [--corpus ../shared/cad | --kicad 300] [--per-family]

``--kicad N`` takes N files spread evenly over the KiCad 3D-model library instead (fetched
once with ``apt-get download kicad-packages3d``, see ``kicad_corpus.py``; its largest files
take several seconds each).

``--per-family`` also times each feature family: the encode with only that family switched
on, minus the encode with none (the required arrays), summed over the corpus.
"""

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
from kicad_corpus import cache_dir, ensure_corpus, sample

from cad_assets.geometry import (
    CadReadError,
    EncodeOptions,
    encode_shape,
    muted_stdout,
    read_cad_file,
    render_preview,
)
from cad_assets.geometry.readers import FORMATS

REPO = Path(__file__).resolve().parents[1]

#: Family name -> its ``EncodeOptions`` switch.
FAMILIES = {
    "face attributes": "face_attributes",
    "uv grid": "face_grid",
    "edge attributes": "edge_attributes",
    "u grid": "edge_grid",
    "coedges": "coedges",
}
REQUIRED_ONLY = EncodeOptions(**{switch: False for switch in FAMILIES.values()})
PREVIEW_SIZE = 160  # the default pipeline's (cad_assets.builtin.preview)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def family_times(shape) -> dict[str, float]:
    """Seconds each family adds to the required arrays on ``shape`` (``required``: those)."""
    _, required = timed(encode_shape, shape, REQUIRED_ONLY)
    times = {"required": required}
    for family, switch in FAMILIES.items():
        only = dataclasses.replace(REQUIRED_ONLY, **{switch: True})
        times[family] = timed(encode_shape, shape, only)[1] - required
    return times


def measure(files: list[Path], per_family: bool) -> tuple[list[dict], int]:
    """Per readable file: name, face count, read and encode seconds (and family seconds)."""
    rows, unreadable = [], 0
    with muted_stdout():  # OpenCascade prints to fd 1; progress goes to stderr
        try:  # warm-up, not timed: the first read loads the STEP schemas
            encode_shape(read_cad_file(files[0]))
        except CadReadError:
            pass
        for number, path in enumerate(files, 1):
            print(f"\r{number}/{len(files)}", end="", file=sys.stderr, flush=True)
            try:
                shape, read = timed(read_cad_file, path)
            except CadReadError:
                unreadable += 1
                continue
            encoding, encode = timed(encode_shape, shape, EncodeOptions())
            row = {"file": path.name, "faces": encoding.metadata["n_faces"],
                   "read": read, "encode": encode}
            if per_family:
                row["families"] = family_times(shape)
            row["preview"] = timed(render_preview, shape, PREVIEW_SIZE)[1]  # last: it meshes
            rows.append(row)
    print(file=sys.stderr)
    return rows, unreadable


def report(rows: list[dict], unreadable: int) -> None:
    read, encode, preview = (np.array([row[key] for row in rows])
                             for key in ("read", "encode", "preview"))
    ratio = encode / read
    print(f"files: {len(rows)} encoded, {unreadable} skipped (CadReadError)")
    print(f"encode/read: median {np.median(ratio):.3f}  p90 {np.percentile(ratio, 90):.3f}")
    print(f"median seconds: read {np.median(read):.4f}  encode {np.median(encode):.4f}  "
          f"preview {np.median(preview):.4f}")
    print(f"total seconds:  read {read.sum():.2f}  encode {encode.sum():.2f}  "
          f"preview {preview.sum():.2f}")
    with_preview = (encode + preview) / read
    print(f"preview: {preview.sum() / (encode + preview).sum():.1%} of encode + preview; "
          f"(encode + preview)/read median {np.median(with_preview):.3f}  "
          f"p90 {np.percentile(with_preview, 90):.3f}")
    print("highest encode/read:")
    for index in np.argsort(ratio)[::-1][:5]:
        row = rows[index]
        print(f"  {ratio[index]:6.2f}  {row['faces']:5d} faces  read {row['read']:.3f} s  "
              f"encode {row['encode']:.3f} s  {row['file']}")
    if "families" in rows[0]:
        print("encode seconds by family (total over the corpus, share of default encode):")
        for family in ["required", *FAMILIES]:
            seconds = sum(row["families"][family] for row in rows)
            print(f"  {family:16s} {seconds:8.2f}  {seconds / encode.sum():6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "cad")
    parser.add_argument("--kicad", type=int, metavar="N",
                        help="N files spread over the KiCad library instead of --corpus")
    parser.add_argument("--per-family", action="store_true",
                        help="also time each feature family (about 6x longer)")
    args = parser.parse_args()
    corpus = ensure_corpus(cache_dir()) if args.kicad else args.corpus
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    if args.kicad:
        files = sample(files, args.kicad)
    if not files:
        sys.exit(f"no CAD files under {corpus}")
    report(*measure(files, args.per_family))


if __name__ == "__main__":
    main()
