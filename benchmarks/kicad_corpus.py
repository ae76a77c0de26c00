"""The KiCad 3D-model library as a benchmark corpus: fetched once, kept outside the repository.

Debian package ``kicad-packages3d`` (6,227 STEP files, 4.4 GB unpacked, ~380 MB download),
licensed CC-BY-SA-4.0 with an exception for use in designs. Fetched on first use with
``apt-get download`` and unpacked (the .step files only) into
``~/.cache/cad_assets/kicad-packages3d/`` or ``$CAD_ASSETS_BENCH_CACHE``. Without apt-get, or
if the fetch fails, the benchmark says so and exits 2.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGE = "kicad-packages3d"


def say(*parts) -> None:
    print(*parts, flush=True)


def cache_dir() -> Path:
    configured = os.environ.get("CAD_ASSETS_BENCH_CACHE")
    return Path(configured).expanduser() if configured else (
        Path.home() / ".cache" / "cad_assets" / PACKAGE
    )


def fetch_failed(message: str, detail: str = "") -> None:
    say(f"CORPUS NOT AVAILABLE: {message}")
    if detail.strip():
        say("\n".join(detail.strip().splitlines()[-20:]))
    say(f"The benchmark needs the Debian package {PACKAGE} unpacked into {cache_dir()}/files "
        "(set CAD_ASSETS_BENCH_CACHE to use another folder).")
    sys.exit(2)


def ensure_corpus(cache: Path) -> Path:
    """The unpacked corpus folder, fetched and unpacked first when the cache lacks it."""
    files = cache / "files"
    marker = files / ".complete"
    if not marker.exists():
        fetch(cache)
    return corpus_root(files)


def fetch(cache: Path) -> None:
    for tool in ("apt-get", "dpkg-deb", "tar"):
        if shutil.which(tool) is None:
            fetch_failed(f"`{tool}` is not available on this machine.")
    started = time.perf_counter()
    debs = cache / "deb"
    debs.mkdir(parents=True, exist_ok=True)
    say(f"Fetching the corpus: apt-get download {PACKAGE} into {debs} (~380 MB) ...")
    download = ["apt-get", "download", PACKAGE]
    result = subprocess.run(download, cwd=debs, capture_output=True, text=True)
    if result.returncode != 0:
        say("apt-get download failed; running apt-get update and trying again ...")
        update = subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True)
        if update.returncode != 0:
            fetch_failed("apt-get update failed.", update.stderr)
        result = subprocess.run(download, cwd=debs, capture_output=True, text=True)
        if result.returncode != 0:
            fetch_failed(f"apt-get download {PACKAGE} failed.", result.stderr)
    packages = sorted(debs.glob(f"{PACKAGE}_*.deb"), key=lambda p: p.stat().st_mtime)
    if not packages:
        fetch_failed(f"apt-get download reported success but left no {PACKAGE}_*.deb in {debs}.")
    deb = packages[-1]
    say(f"Unpacking the .step files of {deb.name} ...")
    partial = cache / "files.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    pipeline = (f"dpkg-deb --fsys-tarfile '{deb}' | "
                f"tar -x -C '{partial}' --wildcards '*.step'")
    unpack = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline],
                            capture_output=True, text=True)
    if unpack.returncode != 0:
        fetch_failed(f"unpacking {deb.name} failed.", unpack.stderr)
    count = sum(1 for _ in partial.rglob("*.step"))
    if count == 0:
        fetch_failed(f"{deb.name} holds no .step file.")
    files = cache / "files"
    shutil.rmtree(files, ignore_errors=True)
    partial.rename(files)
    (files / ".complete").write_text(
        json.dumps({"package": PACKAGE, "deb": deb.name, "step_files": count}) + "\n")
    say(f"Corpus ready: {count} .step files in {files} "
        f"({time.perf_counter() - started:.0f} s).")


def corpus_root(files: Path) -> Path:
    """The library folder inside the unpacked tree (``usr/share/kicad/3dmodels``)."""
    for candidate in (files / "usr/share/kicad/3dmodels", files / "usr/share/kicad", files):
        if candidate.is_dir() and any(candidate.rglob("*.step")):
            return candidate
    fetch_failed(f"{files} holds no .step file; delete it to fetch the corpus again.")


def list_corpus(root: Path) -> list[str]:
    """Relative paths (POSIX) of every .step file, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.step") if p.is_file())

def sample(files: list, count: int) -> list:
    """``count`` files spread evenly over the sorted list (the same ones on every run)."""
    if count >= len(files):
        return list(files)
    return [files[int((i + 0.5) * len(files) / count)] for i in range(count)]
