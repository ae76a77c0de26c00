import numpy as np
import pytest

from cad_assets.storage.chunk_writer import ChunkAlignedWriter


def _perform(writes, into):
    """Do ``writes`` into the numpy array ``into``; return the row ranges they covered."""
    for rows, values in writes:
        into[rows] = values
    return [(rows.start, rows.stop) for rows, _ in writes]


def test_the_writer_writes_whole_chunks_only():
    data = np.full(23, -1)
    writer = ChunkAlignedWriter(rows=23, chunk_rows=5, name="faces/area")
    covered = _perform(writer.append([np.arange(0, 3), np.arange(3, 4)]), data)
    assert covered == []  # less than a chunk: nothing to write yet
    covered += _perform(writer.append([np.arange(4, 16)]), data)
    covered += _perform(writer.append([np.arange(16, 16), np.arange(16, 23)]), data)
    covered += _perform(writer.close(), data)
    assert covered == [(0, 15), (15, 20), (20, 23)]
    np.testing.assert_array_equal(data, np.arange(23))


def test_the_writer_refuses_a_wrong_number_of_rows():
    short = ChunkAlignedWriter(rows=4, chunk_rows=2, name="faces/area")
    short.append([np.arange(3)])
    with pytest.raises(RuntimeError, match="faces/area: wrote 3 of 4 rows"):
        short.close()
    long = ChunkAlignedWriter(rows=4, chunk_rows=2, name="faces/area")
    with pytest.raises(RuntimeError, match="more rows"):
        long.append([np.arange(6)])
