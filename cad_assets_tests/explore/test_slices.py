import numpy as np
import zarr

from cad_assets.explore.slices import row_slices


def test_slices_cover_the_rows_in_bounded_pieces():
    array = np.zeros((10, 3))
    assert list(row_slices(array, max_rows=4)) == [slice(0, 4), slice(4, 8), slice(8, 10)]
    # 24 bytes a row: 50 bytes allow 2 rows
    assert [s.stop - s.start for s in row_slices(array, max_bytes=50)] == [2, 2, 2, 2, 2]
    assert list(row_slices(np.zeros((0, 3)))) == []


def test_slices_hold_whole_chunks_where_they_can():
    array = zarr.create_array(store={}, shape=(23,), chunks=(5,), dtype="int32")
    assert list(row_slices(array, max_rows=12)) == [slice(0, 10), slice(10, 20), slice(20, 23)]
    # less than a chunk allowed: the bound wins
    assert list(row_slices(array, max_rows=3))[:2] == [slice(0, 3), slice(3, 6)]
