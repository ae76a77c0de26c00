import numpy as np
import pytest

from cad_assets.explore.binning import category_histogram, numeric_histogram


def _pieces():
    # file 1 spans both pieces
    return iter([(np.array([0.0, 1.0, 2.5]), np.array([0, 1, 1])),
                 (np.array([np.nan, 4.0, np.inf, 4.0]), np.array([1, 1, 2, 3]))])


def test_numeric_bins_count_values_and_name_their_files():
    histogram = numeric_histogram("x", _pieces, bins=2)
    np.testing.assert_array_equal(histogram.edges, [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(histogram.counts, [2, 3])  # 4.0 is in the closed last bin
    assert [ids.tolist() for ids in histogram.files] == [[0, 1], [1, 3]]
    assert histogram.n_missing == 1 and histogram.n_outside == 1  # NaN; inf
    assert histogram.labels == ["[0, 2)", "[2, 4]"] and histogram.n_files == 3
    frame = histogram.to_frame()
    assert frame.columns.tolist() == ["label", "low", "high", "count", "n_files", "file_ids"]
    assert frame["file_ids"].tolist() == [[0, 1], [1, 3]]


def test_a_given_range_and_a_single_value():
    histogram = numeric_histogram("x", _pieces, bins=1, value_range=(1.0, 3.0))
    assert histogram.counts.tolist() == [2] and histogram.n_outside == 4
    single = numeric_histogram("x", lambda: iter([(np.array([5, 5]), np.array([2, 2]))]), bins=2)
    np.testing.assert_array_equal(single.edges, [4.5, 5.0, 5.5])
    assert single.counts.tolist() == [0, 2]
    with pytest.raises(ValueError, match="at least one bin"):
        numeric_histogram("x", _pieces, bins=0)
    with pytest.raises(ValueError, match="empty range"):
        numeric_histogram("x", _pieces, value_range=(3.0, 1.0))


def test_categories_count_values_and_keep_named_codes_that_never_occur():
    pieces = [(np.array([2, 0, 2], dtype=np.int32), np.array([0, 0, 1])),
              (np.array([2, 7], dtype=np.int32), np.array([1, 2]))]
    histogram = category_histogram("t", pieces, {0: "plane", 1: "cylinder", 2: "cone"})
    assert histogram.labels == ["plane", "cylinder", "cone", "7"]
    assert histogram.codes.tolist() == [0, 1, 2, 7] and histogram.counts.tolist() == [1, 0, 3, 1]
    assert [ids.tolist() for ids in histogram.files] == [[0], [], [0, 1], [2]]
    assert histogram.edges is None


def test_text_categories_count_missing_values_apart():
    values = np.array(["step", None, "iges", float("nan"), "step"], dtype=object)
    histogram = category_histogram("format", [(values, np.arange(5))])
    assert histogram.labels == ["iges", "step"] and histogram.counts.tolist() == [1, 2]
    assert [ids.tolist() for ids in histogram.files] == [[2], [0, 4]]
    assert histogram.n_missing == 2
