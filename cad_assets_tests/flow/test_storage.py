import numpy as np
import pytest

from cad_assets.flow import FileStorage
from cad_assets.schema import SchemaBuilder, SchemaViolation


@pytest.fixture
def storage():
    builder = SchemaBuilder(domain="test")
    builder.create_group("faces", "face").create_array("grid", ["face", 2, 3], "float32")
    builder.define_file_metadata("holes", "int")
    return FileStorage("my_encoder", builder.build())


def test_values_are_cast_to_the_declared_dtype(storage):
    storage.save_data("faces/grid", np.ones((4, 2, 3)))
    storage.save_metadata("holes", np.int64(3))
    assert storage.groups["faces"]["grid"].dtype == np.float32
    assert storage.metadata == {"holes": 3} and type(storage.metadata["holes"]) is int


def test_undeclared_misshapen_or_wrong_kind_values_name_the_encoder(storage):
    with pytest.raises(SchemaViolation, match="encoder 'my_encoder' saved 'faces/area'"):
        storage.save_data("faces/area", np.ones(4))
    with pytest.raises(SchemaViolation, match=r"shape \(4, 3, 2\), declared \('face', 2, 3\)"):
        storage.save_data("faces/grid", np.ones((4, 3, 2)))
    with pytest.raises(SchemaViolation, match="complex128, declared float32"):
        storage.save_data("faces/grid", np.ones((4, 2, 3), complex))
    with pytest.raises(SchemaViolation, match="metadata 'volume'"):
        storage.save_metadata("volume", 1.0)
    assert storage.is_empty
