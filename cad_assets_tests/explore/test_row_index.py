import numpy as np
import pytest

from cad_assets.explore import RowIndex


def test_row_bounds_of_each_file_across_pieces():
    file_id = np.array([0, 0, 0, 2, 2, 5, 5, 5, 5], dtype=np.int32)
    index = RowIndex.build(file_id, max_rows=2)  # file 0 and file 5 span several pieces
    np.testing.assert_array_equal(index.file_ids, [0, 2, 5])
    np.testing.assert_array_equal(index.starts, [0, 3, 5])
    np.testing.assert_array_equal(index.stops, [3, 5, 9])
    assert index.n_rows == 9 and index.counts() == {0: 3, 2: 2, 5: 4}
    assert index.rows_of(2) == slice(3, 5)
    assert index.rows_of(5) == slice(5, 9)
    # files without rows get an empty slice where their rows would be
    assert index.rows_of(1) == slice(3, 3)
    assert index.rows_of(-1) == slice(0, 0)
    assert index.rows_of(9) == slice(9, 9)


def test_an_empty_group_has_no_files():
    index = RowIndex.build(np.zeros(0, dtype=np.int32))
    assert index.n_rows == 0 and index.file_ids.size == 0
    assert index.rows_of(3) == slice(0, 0)


@pytest.mark.parametrize("ids", [[0, 2, 1, 3], [0, 1, 1, 0]])  # within or across pieces
def test_rows_out_of_file_order_are_refused(ids):
    with pytest.raises(ValueError, match="not in file order"):
        RowIndex.build(np.array(ids, dtype=np.int32), max_rows=2)
