import pytest

from cad_assets.explore import Explorer
from cad_assets_tests.explore.sample_dataset import build_output


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """An output folder with four files (ids 0, 1, 2, 4) in chunks of 4 rows."""
    return build_output(tmp_path_factory.mktemp("explore") / "out")


@pytest.fixture
def explorer(output):
    """An explorer that scans 3 rows at a time, so scans cross chunk and piece boundaries."""
    return Explorer.open(output, max_rows=3)
