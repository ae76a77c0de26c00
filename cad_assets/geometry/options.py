"""Which feature families the encoder computes, and their parameters."""

from dataclasses import dataclass

_SAMPLE_COUNTS = ("face_grid_u", "face_grid_v", "edge_grid_u", "histogram_bins", "histogram_grid")


@dataclass(frozen=True)
class EncodeOptions:
    """Feature switches and parameters; the defaults are the default feature set.

    Built from plain JSON values (``EncodeOptions(**options)``), so every field is a bool, an
    int or a float. The required arrays (face area and type, edge length, type and
    convexity, the face adjacency graph, the file bounding box) are always computed.

    Parameters
    ----------
    convexity_tolerance_deg : float
        Edges whose faces meet at a dihedral angle smaller than this (in degrees) are smooth.
    face_attributes : bool
        ``faces/{centroid, bbox, n_loops, n_neighbours, rational, normal}``.
    face_grid : bool
        ``faces/uv_grid``, ``face_grid_u`` x ``face_grid_v`` samples per face.
    edge_attributes : bool
        ``edges/{dihedral_angle, closed}``.
    edge_grid : bool
        ``edges/u_grid``, ``edge_grid_u`` samples per edge.
    coedges : bool
        The ``coedges`` group (BRepNet topology).
    extended_graph : bool
        The ``face_pairs`` group: shortest paths and D2 / A3 histograms for every pair of
        faces. Quadratic in the number of faces, hence off by default.
    histogram_bins, histogram_grid : int
        Bins of each D2 and A3 histogram, and samples per face side used to build them.
    """

    convexity_tolerance_deg: float = 5.0
    face_attributes: bool = True
    face_grid: bool = True
    face_grid_u: int = 10
    face_grid_v: int = 10
    edge_attributes: bool = True
    edge_grid: bool = True
    edge_grid_u: int = 10
    coedges: bool = True
    extended_graph: bool = False
    histogram_bins: int = 64
    histogram_grid: int = 5

    def __post_init__(self):
        if not 0.0 <= self.convexity_tolerance_deg < 180.0:
            raise ValueError(
                f"convexity_tolerance_deg must be in [0, 180), got {self.convexity_tolerance_deg}"
            )
        for name in _SAMPLE_COUNTS:
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2, got {getattr(self, name)}")

