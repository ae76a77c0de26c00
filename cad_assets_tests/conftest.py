"""Fixtures shared by the test tiers: real CAD files from ../shared/cad and pipeline settings."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

SHARED_CAD = Path(__file__).resolve().parents[2] / "shared" / "cad"


@pytest.fixture(scope="session")
def shared_cad() -> Path:
    """The real CAD corpus beside the checkout (skips the test where it is absent)."""
    if not SHARED_CAD.is_dir():
        pytest.skip(f"real CAD files not found at {SHARED_CAD}")
    return SHARED_CAD


def copy_files(sources: list[Path], folder: Path) -> list[Path]:
    """Copy files into ``folder`` (writable copies of the read-only corpus)."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for source in sources:
        copy = folder / source.name
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


@pytest.fixture
def instance():
    """A throwaway Dagster instance (SQLite in a temporary folder)."""
    with dg.instance_for_test() as test_instance:
        yield test_instance
