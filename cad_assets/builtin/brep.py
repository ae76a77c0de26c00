"""``brep_features``: the built-in B-rep encoder (faces, edges, graph, coedges, ... ; see the
README's dataset table), registered with ``@encoder`` like any user's."""

from cad_assets.flow import encoder
from cad_assets.geometry.default_schema import default_schema
from cad_assets.geometry.options import EncodeOptions
from cad_assets.geometry.version import ENCODER_VERSION
from cad_assets.schema import Schema


def brep_schema(options: dict) -> Schema:
    """What :func:`brep_features` saves for ``options`` (the fields of ``EncodeOptions``)."""
    return default_schema(EncodeOptions(**options))


@encoder(name="brep_features", version=ENCODER_VERSION, schema=brep_schema)
def brep_features(cad_model, storage, options):
    """Faces, edges, face adjacency and file box of the model, as the options switch them on."""
    from cad_assets.geometry.encode import encode_shape  # the kernel: workers only

    encoding = encode_shape(cad_model.shape, EncodeOptions(**options), cad_model.brep)
    for group, arrays in encoding.groups.items():
        for name, values in arrays.items():
            storage.save_data(f"{group}/{name}", values)
    for name, value in encoding.metadata.items():
        storage.save_metadata(name, value)
    storage.save_metadata("cad_format", cad_model.format)
