"""The default schema declares exactly what the encoder writes, for any feature switches."""

import pytest

from cad_assets.geometry import EncodeOptions, encode_shape
from cad_assets.geometry.default_schema import default_schema
from cad_assets.schema import validate_groups

OPTION_SETS = [
    EncodeOptions(),
    EncodeOptions(face_grid_u=4, face_grid_v=6, edge_grid_u=3),
    EncodeOptions(face_attributes=False, face_grid=False, edge_attributes=False, edge_grid=False,
                  coedges=False),
    EncodeOptions(extended_graph=True, histogram_bins=16),
]


@pytest.mark.parametrize("options", OPTION_SETS)
@pytest.mark.parametrize("solid", ["box", "drilled", "filleted"])
def test_encoder_output_matches_its_schema(solid, options, request):
    encoding = encode_shape(request.getfixturevalue(solid), options)
    validate_groups(default_schema(options), encoding.groups)
    declared = {g.name: {a.name for a in g.arrays} for g in default_schema(options).groups}
    assert declared == {name: set(arrays) for name, arrays in encoding.groups.items()}
    assert set(default_schema(options).metadata_fields("file")) <= set(encoding.metadata)
