"""What a dataset holds: groups of arrays over a base dimension, and routed file metadata.

A :class:`Schema` is plain, frozen data: it prints, compares, serialises to JSON, and its
fingerprint feeds the encodings' version, so changing the schema marks every encoding stale.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

#: Where a file-level metadata field goes: the infoset (one row per file) or the attribset
#: (categorical values with names and descriptions).
Routing = Literal["file", "categorical"]


@dataclass(frozen=True)
class ArraySpec:
    """One array of a group.

    ``dims`` starts with the group's base dimension (one row per face, edge, ...); the other
    entries are fixed sizes, e.g. ``("face", 10, 10, 7)`` for a UV grid. ``categories`` maps the
    codes of a categorical array to ``(name, description)``; they end up in the attribset.
    """

    name: str
    dims: tuple
    dtype: str
    description: str = ""
    categories: tuple[tuple[int, str, str], ...] = ()

    @property
    def row_shape(self) -> tuple[int, ...]:
        return tuple(self.dims[1:])


@dataclass(frozen=True)
class GroupSpec:
    name: str
    base_dim: str
    description: str = ""
    arrays: tuple[ArraySpec, ...] = ()

    def array(self, name: str) -> ArraySpec | None:
        return next((a for a in self.arrays if a.name == name), None)


@dataclass(frozen=True)
class MetadataSpec:
    name: str
    dtype: str
    description: str = ""
    routing: Routing = "file"


@dataclass(frozen=True)
class Schema:
    """Groups of arrays plus the file-level metadata fields and where each is routed."""

    domain: str
    version: str
    groups: tuple[GroupSpec, ...] = ()
    metadata: tuple[MetadataSpec, ...] = field(default=())

    def group(self, name: str) -> GroupSpec | None:
        return next((g for g in self.groups if g.name == name), None)

    def metadata_fields(self, routing: Routing) -> list[str]:
        return [m.name for m in self.metadata if m.routing == routing]

    def categorical_arrays(self) -> dict[str, ArraySpec]:
        """``"group/array"`` -> spec, for the arrays whose codes have names."""
        return {
            f"{group.name}/{array.name}": array
            for group in self.groups
            for array in group.arrays
            if array.categories
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def fingerprint(self) -> str:
        """Short hash of the whole declaration (names, dims, dtypes, routing, categories)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]
