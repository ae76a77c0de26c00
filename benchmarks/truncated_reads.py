"""Benchmark: how fast a cut CAD file is refused, and that whole ones are not.

Every CAD file of the corpora (``../shared/cad`` and the other writers' files of the tests) is
read whole, then cut at 50 %, 90 % and 99.5 % of its bytes and read again. Prints how many
whole files were read and how many refused (``CadReadError`` other than ``NoGeometryError``,
which must be none), and the median and largest seconds to refuse a cut copy, which must raise
``CadParseError``. Goal: no whole file refused, every cut copy refused in well under a second.

    python benchmarks/truncated_reads.py [--corpus DIR ...]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cad_assets.geometry import CadParseError, CadReadError, muted_stdout, read_cad_file
from cad_assets.geometry.errors import NoGeometryError
from cad_assets.geometry.readers import FORMATS

REPO = Path(__file__).resolve().parents[1]
CORPORA = [REPO.parent / "shared" / "cad", REPO / "cad_assets_tests" / "data" / "other_writers"]
CUTS = (0.5, 0.9, 0.995)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=CORPORA)
    args = parser.parse_args()
    files = sorted(p for corpus in args.corpus for p in corpus.rglob("*")
                   if p.is_file() and p.suffix.lower() in FORMATS)
    whole, refused, no_faces, seconds, not_refused = 0, [], 0, [], []
    with tempfile.TemporaryDirectory() as folder, muted_stdout():
        for number, path in enumerate(files, 1):
            print(f"\r{number}/{len(files)}", end="", file=sys.stderr, flush=True)
            try:
                read_cad_file(path)
                whole += 1
            except NoGeometryError:
                no_faces += 1
            except CadReadError as error:
                refused.append(f"{path.name}: {type(error).__name__}: {error}")
            data = path.read_bytes()
            for cut in CUTS:
                copy = Path(folder) / f"cut{path.suffix}"
                copy.write_bytes(data[: int(len(data) * cut)])
                started = time.perf_counter()
                try:
                    read_cad_file(copy)
                    not_refused.append(f"{path.name} cut at {cut:.1%}")
                except CadParseError:
                    seconds.append(time.perf_counter() - started)
                except CadReadError as error:
                    not_refused.append(f"{path.name} cut at {cut:.1%}: {type(error).__name__}")
    print(file=sys.stderr)
    print(f"whole files: {whole} read, {no_faces} without faces, {len(refused)} refused")
    for line in refused:
        print(f"  REFUSED {line}")
    print(f"cut copies: {len(seconds)} refused with CadParseError, {len(not_refused)} not")
    for line in not_refused:
        print(f"  NOT REFUSED {line}")
    if seconds:
        print(f"seconds to refuse a cut copy: median {statistics.median(seconds):.4f}  "
              f"max {max(seconds):.4f}")


if __name__ == "__main__":
    main()
