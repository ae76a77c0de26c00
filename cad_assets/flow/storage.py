"""What an encoder saves into: arrays and metadata checked against the encoder's schema."""

import numpy as np

from cad_assets.schema import Schema, SchemaViolation


class FileStorage:
    """The ``storage`` injected into an encoder, bound to the schema that encoder declared.

    Values are checked as they are saved, so a mistake names the array and the encoder rather
    than surfacing at the merge. Arrays are cast to the declared dtype when numpy can do so
    without changing their kind (``float64`` -> ``float32`` is fine, ``float`` -> ``int`` is not).
    """

    def __init__(self, encoder: str, schema: Schema):
        self.encoder, self.schema = encoder, schema
        self.groups: dict[str, dict[str, np.ndarray]] = {}
        self.metadata: dict[str, int | float | str | bool] = {}
        self.files: dict[str, bytes] = {}

    def save_data(self, path: str, values) -> None:
        """Save ``values`` as the array ``path`` (``"group/array"``), shaped as declared.

        Raises
        ------
        SchemaViolation
            If the array is not declared by this encoder, has the wrong trailing shape, or a
            dtype that cannot be cast to the declared one.
        """
        group_name, _, name = path.partition("/")
        group = self.schema.group(group_name)
        spec = group.array(name) if group else None
        if spec is None:
            raise SchemaViolation(f"encoder {self.encoder!r} saved {path!r}, which its schema "
                                  "does not declare")
        array = np.asarray(values)
        if not np.can_cast(array.dtype, spec.dtype, casting="same_kind"):
            raise SchemaViolation(f"{path} is {array.dtype}, declared {spec.dtype}")
        if array.ndim == 0 or array.shape[1:] != spec.row_shape:
            raise SchemaViolation(f"{path} has shape {array.shape}, declared "
                                  f"{(group.base_dim, *spec.row_shape)}")
        self.groups.setdefault(group_name, {})[name] = array.astype(spec.dtype, copy=False)

    def save_metadata(self, name: str, value: int | float | str | bool) -> None:
        """Save a file-level value declared with ``define_file_metadata`` or
        ``define_categorical_metadata``."""
        if name not in {m.name for m in self.schema.metadata}:
            raise SchemaViolation(f"encoder {self.encoder!r} saved metadata {name!r}, which "
                                  "its schema does not declare")
        self.metadata[name] = value.item() if isinstance(value, np.generic) else value

    def save_file(self, name: str, data: bytes) -> None:
        """Keep a whole file (a preview image, say) in the file's store, beside the arrays;
        it is not merged into the dataset. ``name`` is a plain file name."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"encoder {self.encoder!r}: {name!r} is not a plain file name")
        self.files[name] = bytes(data)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.metadata and not self.files
