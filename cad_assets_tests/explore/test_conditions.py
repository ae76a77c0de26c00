import numpy as np
import pandas as pd
import pytest

from cad_assets.explore import Categories, Condition
from cad_assets_tests.explore.sample_dataset import attribset


@pytest.mark.parametrize(("text", "expected"), [
    ("faces/surface_type == torus", Condition("faces/surface_type", "==", "torus")),
    ("faces/surface_type=torus", Condition("faces/surface_type", "==", "torus")),
    ("faces/label>=3", Condition("faces/label", ">=", 3)),
    ("faces/bbox[3] < -0.5", Condition("faces/bbox[3]", "<", -0.5)),
    ("faces/rational != true", Condition("faces/rational", "!=", True)),
    ("format == '3'", Condition("format", "==", "3")),
    ("edges/curve_type in line, 2,circle",
     Condition("edges/curve_type", "in", ["line", 2, "circle"])),
])
def test_conditions_parse(text, expected):
    assert Condition.parse(text) == expected


@pytest.mark.parametrize("text", ["faces/area", "faces/area >", "== 3", "faces/area ~ 3"])
def test_malformed_conditions_are_refused(text):
    with pytest.raises(ValueError, match="not a condition"):
        Condition.parse(text)


def test_category_names_become_codes():
    categories = Categories(attribset())
    values = np.array([0, 4, 3, 4], dtype=np.int32)
    torus = Condition("faces/surface_type", "==", "TORUS").predicate(categories)
    np.testing.assert_array_equal(torus(values), [False, True, False, True])
    some = Condition("faces/surface_type", "in", ["plane", 3]).predicate(categories)
    np.testing.assert_array_equal(some(values), [True, False, True, False])
    assert categories.name("faces/surface_type", 4) == "torus"
    assert categories.name("faces/surface_type", 99) == "99"


def test_unknown_names_and_operators_fail_clearly():
    categories = Categories(attribset())
    with pytest.raises(KeyError, match="no category 'donut' .known: plane, cylinder"):
        Condition("faces/surface_type", "==", "donut").predicate(categories)
    with pytest.raises(ValueError, match="faces/area has no category names"):
        Condition("faces/area", "==", "big").predicate(categories)
    with pytest.raises(ValueError, match="unknown operator"):
        Condition("faces/area", "~", 1).predicate(categories)


def test_text_columns_compare_as_text_even_where_the_field_has_codes():
    categories = Categories(pd.DataFrame({"field": ["cad_format", "label"], "code": [0, 1],
                                          "name": ["STEP", "bracket"], "description": ""}))
    step = Condition("cad_format", "==", "STEP").predicate(categories)
    np.testing.assert_array_equal(step(np.array(["STEP", "IGES"], dtype=object)), [True, False])
    three = Condition("partition_key", "in", [3, "x"]).predicate(categories)
    keys = np.array(["3", "y", "x"], dtype=object)
    np.testing.assert_array_equal(three(keys), [True, False, True])
    bracket = Condition("label", "==", "bracket").predicate(categories)  # int codes in the infoset
    codes = np.array([1, 0, -1], dtype=np.int32)
    np.testing.assert_array_equal(bracket(codes), [True, False, False])
