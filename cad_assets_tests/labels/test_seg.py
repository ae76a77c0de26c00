"""``.seg`` files: one integer label per line."""

import numpy as np
import pytest

from cad_assets.labels import LabelError, read_seg


def test_one_label_per_line_in_order(tmp_path):
    path = tmp_path / "part.seg"
    path.write_text("3\n0\n 7 \n\n")
    labels = read_seg(path)
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [3, 0, 7])


def test_an_empty_file_has_no_labels(tmp_path):
    (tmp_path / "part.seg").write_text("")
    assert read_seg(tmp_path / "part.seg").shape == (0,)


@pytest.mark.parametrize(
    "text, message",
    [("1\nfoo\n", "part.seg line 2 is not an integer: 'foo'"),
     ("1\n2.5\n", "line 2 is not an integer"),
     ("1\n3000000000\n", "outside int32, e.g. 3000000000")],
)
def test_bad_lines_name_the_file_and_line(tmp_path, text, message):
    (tmp_path / "part.seg").write_text(text)
    with pytest.raises(LabelError, match=message):
        read_seg(tmp_path / "part.seg")
