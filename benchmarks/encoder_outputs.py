"""Check: the encoder's arrays and metadata on a corpus, saved once and compared later.

Before changing the encoder, save what it gives; after, compare: every array of every file
against the saved one, value by value (NaN equals NaN). Prints, per array, the files and
values that differ and the largest absolute difference (for boxes, ``*/bbox``, also relative
to the box's largest side), and the metadata fields that differ. Exits 1 if anything differs
beyond ``--atol``.

    python benchmarks/encoder_outputs.py save DIR [--corpus ../shared/cad]
    python benchmarks/encoder_outputs.py compare DIR [--corpus ../shared/cad] [--atol 0]
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from cad_assets.geometry import CadReadError, encode_shape, muted_stdout, read_cad_file
from cad_assets.geometry.readers import FORMATS

REPO = Path(__file__).resolve().parents[1]


def encodings(corpus: Path):
    """``(relative name, {group/array: array}, metadata)`` of every readable file."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    for number, path in enumerate(files, 1):
        print(f"\r{number}/{len(files)}", end="", file=sys.stderr, flush=True)
        try:
            with muted_stdout():
                encoding = encode_shape(read_cad_file(path))
        except CadReadError:
            continue
        arrays = {f"{group}/{name}": array for group, named in encoding.groups.items()
                  for name, array in named.items()}
        yield path.relative_to(corpus).as_posix(), arrays, encoding.metadata
    print(file=sys.stderr)


def save(corpus: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, arrays, metadata in encodings(corpus):
        stem = name.replace("/", "__")
        np.savez(folder / f"{stem}.npz", **{key.replace("/", "__"): a for key, a in arrays.items()})
        (folder / f"{stem}.json").write_text(json.dumps(metadata, sort_keys=True))
        count += 1
    print(f"saved the encodings of {count} files to {folder}")


def compare(corpus: Path, folder: Path, atol: float) -> bool:
    files_differing, values_differing, largest = defaultdict(int), defaultdict(int), {}
    largest_relative = {}
    metadata_differing, total_values, count = defaultdict(int), defaultdict(int), 0
    for name, arrays, metadata in encodings(corpus):
        stem = name.replace("/", "__")
        saved = dict(np.load(folder / f"{stem}.npz"))
        saved = {key.replace("__", "/"): a for key, a in saved.items()}
        for key in sorted(set(saved) | set(arrays)):
            new, old = arrays.get(key), saved.get(key)
            if new is None or old is None or new.shape != old.shape:
                files_differing[key] += 1
                continue
            new, old = new.astype(np.float64), old.astype(np.float64)
            total_values[key] += new.size
            both_nan = np.isnan(new) & np.isnan(old)
            gap = np.where(both_nan, 0.0, np.abs(new - old))
            gap = np.where(np.isnan(gap), np.inf, gap)  # NaN on one side only
            differing = int((gap > atol).sum())
            if differing:
                files_differing[key] += 1
                values_differing[key] += differing
                largest[key] = max(largest.get(key, 0.0), float(gap.max()))
                if key.endswith("/bbox"):  # (n, 6): minimum x, y, z then maximum
                    sides = (old[..., 3:] - old[..., :3]).max(axis=-1, keepdims=True)
                    relative = float(np.nanmax(gap / sides))
                    largest_relative[key] = max(largest_relative.get(key, 0.0), relative)
        old_metadata = json.loads((folder / f"{stem}.json").read_text())
        for field in set(old_metadata) | set(metadata):
            if old_metadata.get(field) != metadata.get(field):
                metadata_differing[field] += 1
        count += 1
    print(f"compared the encodings of {count} files with {folder} (atol {atol})")
    for key in sorted(files_differing):
        print(f"  {key}: {files_differing[key]} files, {values_differing[key]} of "
              f"{total_values[key]} values differ, largest difference {largest.get(key, 'shape')}"
              + (f" ({largest_relative[key]:.2e} of the box)" if key in largest_relative else ""))
    for field in sorted(metadata_differing):
        print(f"  metadata {field}: differs in {metadata_differing[field]} files")
    same = not files_differing and not metadata_differing
    print("identical" if same else "DIFFERENT")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "cad")
    parser.add_argument("--atol", type=float, default=0.0)
    args = parser.parse_args()
    if args.action == "save":
        save(args.corpus, args.folder)
    elif not compare(args.corpus, args.folder, args.atol):
        sys.exit(1)


if __name__ == "__main__":
    main()
