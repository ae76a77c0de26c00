"""Declare a schema in Python, in the style of HOOPS AI's ``SchemaBuilder``::

    builder = SchemaBuilder(domain="parts", version="1")
    faces = builder.create_group("faces", "face", "Face-level data")
    faces.create_array("area", ["face"], "float64", "Face areas")
    faces.create_array("uv_grid", ["face", 10, 10, 7], "float32", "UV-Net grid")
    builder.define_file_metadata("n_faces", "int", "Number of faces")
    builder.define_categorical_metadata("label_name", "str", "Part class")
    schema = builder.build()
"""

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from cad_assets.schema.spec import ArraySpec, GroupSpec, MetadataSpec, Schema


class GroupBuilder:
    def __init__(self, name: str, base_dim: str, description: str):
        self.name, self.base_dim, self.description = name, base_dim, description
        self._arrays: dict[str, ArraySpec] = {}

    def create_array(
        self,
        name: str,
        dims: Sequence,
        dtype: str,
        description: str = "",
        categories: Mapping[int, tuple[str, str]] | Iterable | None = None,
    ) -> "GroupBuilder":
        """Declare an array; ``dims[0]`` must be the group's base dimension, the rest sizes."""
        dims = tuple(dims)
        if not dims or dims[0] != self.base_dim:
            raise ValueError(
                f"{self.name}/{name}: dims must start with the group's base dimension "
                f"{self.base_dim!r}, got {dims!r}"
            )
        if not all(isinstance(size, int) and size > 0 for size in dims[1:]):
            raise ValueError(f"{self.name}/{name}: dims after the first must be positive sizes")
        if name in self._arrays:
            raise ValueError(f"{self.name}/{name} is declared twice")
        np.dtype(dtype)  # rejects unknown dtypes now, not when a file is written
        codes = categories.items() if isinstance(categories, Mapping) else categories or ()
        self._arrays[name] = ArraySpec(
            name, dims, str(np.dtype(dtype)), description,
            tuple((int(code), *text) for code, text in codes),
        )
        return self

    def build(self) -> GroupSpec:
        return GroupSpec(self.name, self.base_dim, self.description, tuple(self._arrays.values()))


class SchemaBuilder:
    def __init__(self, domain: str, version: str = "1"):
        self.domain, self.version = domain, version
        self._groups: dict[str, GroupBuilder] = {}
        self._metadata: dict[str, MetadataSpec] = {}

    def create_group(self, name: str, base_dim: str, description: str = "") -> GroupBuilder:
        if name in self._groups:
            raise ValueError(f"group {name!r} is declared twice")
        self._groups[name] = GroupBuilder(name, base_dim, description)
        return self._groups[name]

    def define_file_metadata(self, name: str, dtype: str, description: str = "") -> None:
        """A per-file value routed to the infoset (a column of the file table)."""
        self._metadata[name] = MetadataSpec(name, dtype, description, "file")

    def define_categorical_metadata(self, name: str, dtype: str, description: str = "") -> None:
        """A per-file categorical value routed to the attribset (its values, named)."""
        self._metadata[name] = MetadataSpec(name, dtype, description, "categorical")

    def build(self) -> Schema:
        return Schema(
            self.domain,
            self.version,
            tuple(group.build() for group in self._groups.values()),
            tuple(self._metadata.values()),
        )
