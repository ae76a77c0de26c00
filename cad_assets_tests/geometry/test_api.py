"""Package surface: lazy kernel loading, categories, options, results and muted stdout."""

import os
import subprocess
import sys

import numpy as np
import pytest

from cad_assets.geometry import EncodeOptions, ShapeEncoding, encode_shape, muted_stdout
from cad_assets.geometry.categories import CATEGORICAL_ARRAYS, Convexity, describe


def test_importing_the_package_does_not_load_the_kernel():
    code = (
        "import sys, cad_assets.geometry.categories, cad_assets.geometry.version;"
        "print(any(name.split('.')[0] == 'OCP' for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_categorical_tables_describe_every_code():
    for array, (enum, describe_member) in CATEGORICAL_ARRAYS.items():
        codes = [int(member) for member in enum]
        assert len(set(codes)) == len(codes), array
        assert all(describe_member(member) for member in enum), array
    assert Convexity.CONCAVE == -1 and Convexity.BOUNDARY == 4
    assert describe(Convexity.SEAM).startswith("seam")


def test_categorical_arrays_name_encoded_arrays(box):
    groups = encode_shape(box).groups

    for array in CATEGORICAL_ARRAYS:
        group, name = array.split("/")
        assert np.issubdtype(groups[group][name].dtype, np.integer)


@pytest.mark.parametrize(
    "bad", [{"convexity_tolerance_deg": -1.0}, {"face_grid_u": 1}, {"histogram_bins": 0}]
)
def test_invalid_options_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        EncodeOptions(**bad)


def test_options_are_built_from_plain_values():
    assert EncodeOptions(**{"face_grid": False, "edge_grid_u": 6}).edge_grid_u == 6


def test_encoding_refuses_ragged_groups():
    with pytest.raises(ValueError, match="group 'faces'"):
        ShapeEncoding({"faces": {"area": np.zeros(3), "surface_type": np.zeros(2)}}, {})


def test_muted_stdout_silences_file_descriptor_one(capfd):
    os.write(1, b"before\n")
    with muted_stdout():
        os.write(1, b"hidden\n")  # what OpenCascade's C++ output does
    os.write(1, b"after\n")

    assert capfd.readouterr().out == "before\nafter\n"
