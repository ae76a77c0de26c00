"""Which arrays feed a model, and how each becomes model input."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Categorical:
    """An integer array fed one-hot.

    Attributes
    ----------
    name : str
        Array of its group, e.g. ``"surface_type"``.
    lowest : int
        The smallest code (``edges/convexity`` starts at -1).
    n_codes : int
        Codes ``lowest .. lowest + n_codes - 1``; others get an all-zero row.
    """

    name: str
    lowest: int
    n_codes: int


@dataclass(frozen=True)
class FeatureSet:
    """The arrays a model reads, by group; the defaults use every B-rep feature of the encoder.

    Numeric arrays and the grids' channels are standardised with the split's training
    statistics; categorical arrays are one-hot; flags (bool arrays) are 0 or 1. Category sizes
    follow ``cad_assets.geometry.categories`` (12 surface types, 10 curve types, convexity -1..5).

    Attributes
    ----------
    face_numeric, edge_numeric : tuple[str, ...]
        ``(n, ...)`` float or int arrays, each trailing value one channel.
    face_categorical, edge_categorical : tuple[Categorical, ...]
    face_flags, edge_flags : tuple[str, ...]
    face_grid : str
        ``(n_faces, u, v, 7)``: xyz, normal, inside-trim mask. Channels ``0..5`` are
        standardised over the samples inside the trim only; the mask is kept as it is.
    face_grid_mask_channel : int
    edge_grid : str
        ``(n_edges, samples, 12)``, every channel standardised.
    """

    face_numeric: tuple[str, ...] = (
        "area", "centroid", "normal", "bbox", "n_loops", "n_neighbours")
    face_categorical: tuple[Categorical, ...] = (Categorical("surface_type", 0, 12),)
    face_flags: tuple[str, ...] = ("rational",)
    face_grid: str = "uv_grid"
    face_grid_mask_channel: int = 6
    edge_numeric: tuple[str, ...] = ("length", "dihedral_angle")
    edge_categorical: tuple[Categorical, ...] = (
        Categorical("curve_type", 0, 10), Categorical("convexity", -1, 7))
    edge_flags: tuple[str, ...] = ("closed",)
    edge_grid: str = "u_grid"

    def arrays(self, group: str) -> tuple[str, ...]:
        """Every array read from ``group`` (``"faces"`` or ``"edges"``)."""
        if group == "faces":
            return (*self.face_numeric, *(c.name for c in self.face_categorical),
                    *self.face_flags, self.face_grid)
        return (*self.edge_numeric, *(c.name for c in self.edge_categorical),
                *self.edge_flags, self.edge_grid)

    def standardised(self) -> tuple[str, ...]:
        """Keys (``"<group>/<array>"``) of the arrays that need training statistics."""
        return (*(f"faces/{name}" for name in (*self.face_numeric, self.face_grid)),
                *(f"edges/{name}" for name in (*self.edge_numeric, self.edge_grid)))
