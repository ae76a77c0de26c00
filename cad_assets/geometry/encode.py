"""Shape -> arrays: runs each feature family and assembles the groups and metadata."""

from os import PathLike

import numpy as np
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.coedges import coedge_arrays
from cad_assets.geometry.convexity import MIDDLE, edge_convexity
from cad_assets.geometry.edge_grid import u_grid_fractions, u_grids
from cad_assets.geometry.edges import curve_types, edge_attributes, edge_lengths
from cad_assets.geometry.extended import face_pair_arrays
from cad_assets.geometry.face_grid import uv_grids
from cad_assets.geometry.faces import face_attributes, mass_properties, surface_types
from cad_assets.geometry.graph import face_adjacency, neighbour_counts
from cad_assets.geometry.indexing import IndexedShape, index_shape
from cad_assets.geometry.options import EncodeOptions
from cad_assets.geometry.readers import format_of, read_cad_file
from cad_assets.geometry.sampling import all_edge_frames
from cad_assets.geometry.shape_encoding import ShapeEncoding
from cad_assets.geometry.summary import summarize


def encode_shape(
    shape: TopoDS_Shape, options: EncodeOptions = EncodeOptions(), brep: IndexedShape | None = None
) -> ShapeEncoding:
    """Encode a shape's faces, edges and topology as arrays.

    Groups: ``faces`` (one row per face), ``edges`` (per edge), ``graph`` (per directed
    adjacency pair), ``file`` (one row); ``coedges`` and ``face_pairs`` when switched on.
    Face and edge rows follow ``TopExp.MapShapes`` order. See each family's module for its
    arrays; NaN marks values that could not be evaluated, and the metadata counts why.
    ``brep`` is the shape's index when the caller already has it (:attr:`CadModel.brep`).
    """
    brep = brep or index_shape(shape)
    graph = face_adjacency(brep)
    areas, centroids = mass_properties(brep)
    # The convexity's middle sample and the edge grid's samples, edge by edge in one pass.
    grid_fractions = u_grid_fractions(options.edge_grid_u) if options.edge_grid else []
    edge_samples = all_edge_frames(brep, np.array([MIDDLE, *grid_fractions]))
    convexity, dihedral_angles = edge_convexity(
        brep, edge_samples[:, 0], options.convexity_tolerance_deg
    )
    faces = {"area": areas, "surface_type": surface_types(brep)}
    edges = {"length": edge_lengths(brep), "curve_type": curve_types(brep), "convexity": convexity}
    if options.face_attributes:
        faces |= face_attributes(brep, centroids, neighbour_counts(graph, len(brep.faces)))
    if options.face_grid:
        faces["uv_grid"] = uv_grids(brep, options.face_grid_u, options.face_grid_v)
    if options.edge_attributes:
        edges |= edge_attributes(brep, dihedral_angles)
    if options.edge_grid:
        edges["u_grid"] = u_grids(edge_samples[:, 1:])
    file_group, metadata = summarize(shape, brep, faces["surface_type"], areas, convexity)
    groups = {"faces": faces, "edges": edges, "graph": graph, "file": file_group}
    if options.coedges:
        groups["coedges"] = coedge_arrays(brep)
    if options.extended_graph:
        groups["face_pairs"] = face_pair_arrays(
            brep, graph, options.histogram_bins, options.histogram_grid
        )
    return ShapeEncoding(groups, metadata)


def encode_file(path: str | PathLike, options: EncodeOptions = EncodeOptions()) -> ShapeEncoding:
    """Read a CAD file and encode it; the metadata also names its format (``cad_format``).

    Raises
    ------
    CadReadError
        If the file cannot be read into a shape with faces (see :func:`read_cad_file`).
    """
    encoding = encode_shape(read_cad_file(path), options)
    encoding.metadata["cad_format"] = format_of(path).name
    return encoding
