"""Benchmark: a small face-graph network learns MFCAD machining-feature segmentation.

Builds the dataset of ``../shared/cad/mfcad`` (398 parts, a per-face label in 16 classes) with
the pipeline's ``build_dataset`` job, or reuses it; splits the files 70/15/15, multi-label
stratified on each file's set of face classes (saved as ``<output>/splits/mfcad_benchmark.json``);
trains :class:`cad_assets.ml.FaceSegmentationNet` on the CPU (2 threads); keeps the epoch with
the best validation accuracy; prints the per-face accuracy on the test files next to the
majority-class baseline (the most frequent training class predicted for every face).

    python benchmarks/train_mfcad.py [--corpus ../shared/cad/mfcad] [--output data/benchmarks/mfcad]
                                     [--epochs 30] [--seed 0] [--rebuild]

The last lines are ``test_accuracy=0.NNN`` and ``majority_baseline=0.NNN``.
"""

import argparse
import copy
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from cad_assets.ml import (SUBSETS, CadGraphDataset, OutputLayout, FaceSegmentationNet,
                           SplitMismatchError, collate_graphs, face_accuracy, load_split,
                           majority_baseline, make_split, train_epoch)
from cad_assets.ml.rows import read_files
from cad_assets.ml.stratify import check_fractions

REPO = Path(__file__).resolve().parents[1]
SPLIT = "mfcad_benchmark"
FRACTIONS = (0.7, 0.15, 0.15)
N_CLASSES = 16


def build_dataset(corpus: Path, output: Path) -> float:
    """Run ``build_dataset`` in a subprocess, as the cron command does; returns its seconds."""
    home = output / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    environment = {**os.environ, "DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(corpus),
                   "CAD_ASSETS_OUTPUT": str(output)}
    command = [str(Path(sys.executable).parent / "dagster"), "job", "execute",
               "-m", "cad_assets.definitions", "-j", "build_dataset"]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"build_dataset failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def split_for(folder: OutputLayout, seed: int):
    """The saved benchmark split if it still matches the dataset and seed, else a new one."""
    try:
        split = load_split(folder, SPLIT)
        if (split.seed, split.fractions, split.label_key) == (seed, check_fractions(FRACTIONS),
                                                               "faces/label"):
            return split, "reused"
    except (FileNotFoundError, SplitMismatchError):
        pass
    return make_split(folder, SPLIT, "faces/label", FRACTIONS, seed, overwrite=True), "made"


def face_labels(folder: OutputLayout, file_ids: np.ndarray) -> np.ndarray:
    """``(n_faces,) int32``: ``faces/label`` of the files' faces."""
    arrays, _ = read_files(folder.open_dataset()["faces"], ["label"], file_ids)
    return arrays["label"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "cad" / "mfcad")
    parser.add_argument("--output", type=Path, default=REPO / "data" / "benchmarks" / "mfcad")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true",
                        help="run build_dataset even if the dataset exists (only new or changed "
                             "files are encoded)")
    args = parser.parse_args()
    started = time.perf_counter()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    output = args.output.resolve()
    folder = OutputLayout(output)

    if args.rebuild or not folder.dataset.exists():
        print(f"building the dataset of {args.corpus} in {output} ...", flush=True)
        print(f"build_dataset: {build_dataset(args.corpus.resolve(), output):.1f} s")
    else:
        print(f"reusing the dataset in {output} (--rebuild to run build_dataset)")
    split, how = split_for(folder, args.seed)
    print(f"split {split.name!r} ({how}, {folder.split(SPLIT)}): "
          + ", ".join(f"{s} {len(split.file_ids(s))} files" for s in SUBSETS))

    loaded = {s: CadGraphDataset(folder, split, s) for s in SUBSETS}
    loaders = {s: torch.utils.data.DataLoader(d, batch_size=8, shuffle=(s == "train"),
                                              collate_fn=collate_graphs)
               for s, d in loaded.items()}
    model = FaceSegmentationNet(loaded["train"].face_dim, loaded["train"].edge_dim, N_CLASSES)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs)

    training_started = time.perf_counter()
    best = (-1.0, None, 0)
    for epoch in range(1, args.epochs + 1):
        loss = train_epoch(model, loaders["train"], optimizer)
        scheduler.step()
        validation, _ = face_accuracy(model, loaders["validation"])
        if validation > best[0]:
            best = (validation, copy.deepcopy(model.state_dict()), epoch)
        print(f"epoch {epoch:3d}  loss {loss:.3f}  validation accuracy {validation:.3f}",
              flush=True)
    training_seconds = time.perf_counter() - training_started
    model.load_state_dict(best[1])

    accuracy, test_faces = face_accuracy(model, loaders["test"])
    majority, baseline = majority_baseline(face_labels(folder, split.file_ids("train")),
                                           face_labels(folder, split.file_ids("test")))
    print(f"best validation accuracy {best[0]:.3f} at epoch {best[2]}")
    print(f"training: {training_seconds:.1f} s for {args.epochs} epochs "
          f"({torch.get_num_threads()} threads); total {time.perf_counter() - started:.1f} s")
    print(f"test: {len(split.file_ids('test'))} files, {test_faces} labelled faces, "
          f"{round(accuracy * test_faces)} right; majority class {majority}")
    print(f"test_accuracy={accuracy:.3f}")
    print(f"majority_baseline={baseline:.3f}")


if __name__ == "__main__":
    main()
