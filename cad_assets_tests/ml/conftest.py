import numpy as np
import pytest

from cad_assets_tests.ml.synthetic_dataset import write_output

#: Per-file classes of the synthetic dataset: 40 of class 0, 20 of 1, 20 of 2, interleaved.
FILE_CLASSES = [0, 1, 0, 2] * 20


def face_class_sets(n_files: int = 80, seed: int = 0) -> list[list[int]]:
    """1 to 3 face classes (of 0..5) per file."""
    rng = np.random.default_rng(seed)
    return [sorted(rng.choice(6, rng.integers(1, 4), replace=False).tolist())
            for _ in range(n_files)]


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """A pipeline output folder with 80 synthetic files."""
    folder = tmp_path_factory.mktemp("output")
    write_output(folder, FILE_CLASSES, face_class_sets())
    return folder
