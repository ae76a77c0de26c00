"""The schema of what :func:`cad_assets.geometry.encode_shape` writes for given options.

Plain Python (no CAD kernel): the pipeline builds it in the Dagster process to version the
encodings and route metadata, and the workers build the same one to check every file.
A feature family switched off in :class:`EncodeOptions` leaves its arrays out.
"""

from functools import lru_cache

from cad_assets.geometry.categories import Convexity, CurveType, SurfaceType
from cad_assets.geometry.options import EncodeOptions
from cad_assets.geometry.version import ENCODER_VERSION
from cad_assets.schema import Schema, SchemaBuilder

#: File-level metadata routed to the infoset: counts, what could not be evaluated, the box.
FILE_METADATA = {
    "n_faces": "faces", "n_edges": "edges", "n_coedges": "oriented edge uses",
    "n_vertices": "vertices", "n_shells": "shells", "n_solids": "solids",
    "n_faces_without_surface": "faces without a surface (tessellated)",
    "n_edges_without_curve": "non-degenerate edges without a 3D curve",
    "n_edges_undefined_convexity": "edges whose convexity could not be evaluated",
    "n_boundary_edges": "edges not shared by exactly two faces",
    "n_seam_edges": "seam edges", "n_degenerate_edges": "degenerate edges",
    "total_area": "sum of face areas",
    **{f"bbox_{axis}": f"bounding box {axis}" for axis in
       ("xmin", "ymin", "zmin", "xmax", "ymax", "zmax")},
}


def _codes(enum) -> dict[int, tuple[str, str]]:
    return {int(m): (m.name.lower(), m.description) for m in enum}


@lru_cache(maxsize=8)
def default_schema(options: EncodeOptions = EncodeOptions()) -> Schema:
    """Every group and array ``encode_shape(shape, options)`` returns, with dtypes and dims."""
    builder = SchemaBuilder(domain="cad_assets.brep", version=ENCODER_VERSION)
    faces = builder.create_group("faces", "face", "one row per unique face")
    faces.create_array("area", ["face"], "float64", "face area")
    faces.create_array("surface_type", ["face"], "int32", "surface kind", _codes(SurfaceType))
    if options.face_attributes:
        faces.create_array("centroid", ["face", 3], "float64", "area centroid")
        faces.create_array("bbox", ["face", 6], "float64", "xmin, ymin, zmin, xmax, ymax, zmax")
        faces.create_array("n_loops", ["face"], "int32", "wire loops of the face")
        faces.create_array("n_neighbours", ["face"], "int32", "adjacent faces")
        faces.create_array("rational", ["face"], "bool", "rational (NURBS) surface")
        faces.create_array("normal", ["face", 3], "float64", "outward normal at the UV centre")
    if options.face_grid:
        faces.create_array("uv_grid", ["face", options.face_grid_u, options.face_grid_v, 7],
                           "float32", "xyz, unit normal, inside-trim mask on a UV grid")

    edges = builder.create_group("edges", "edge", "one row per unique edge")
    edges.create_array("length", ["edge"], "float64", "edge length")
    edges.create_array("curve_type", ["edge"], "int32", "curve kind", _codes(CurveType))
    edges.create_array("convexity", ["edge"], "int8", "how the two faces meet", _codes(Convexity))
    if options.edge_attributes:
        edges.create_array("dihedral_angle", ["edge"], "float64", "signed angle between normals")
        edges.create_array("closed", ["edge"], "bool", "closed curve")
    if options.edge_grid:
        edges.create_array("u_grid", ["edge", options.edge_grid_u, 12], "float32",
                           "xyz, tangent, left and right face normals along the edge")

    graph = builder.create_group("graph", "pair", "face adjacency, both directions")
    for name, meaning in (("src", "face"), ("dst", "adjacent face"), ("edge", "shared edge")):
        graph.create_array(name, ["pair"], "int32", f"{meaning}, index local to the file")
    builder.create_group("file", "file", "one row per file").create_array(
        "bbox", ["file", 6], "float64", "bounding box of the whole shape")
    if options.coedges:
        coedges = builder.create_group("coedges", "coedge", "oriented edge uses (BRepNet)")
        for name in ("face", "edge", "next", "mate"):
            coedges.create_array(name, ["coedge"], "int32", f"{name} of the coedge")
        coedges.create_array("reversed", ["coedge"], "bool", "loop runs against the curve")
    if options.extended_graph:
        pairs = builder.create_group("face_pairs", "face_pair", "every ordered pair of faces")
        for name in ("src", "dst", "shortest_path"):
            pairs.create_array(name, ["face_pair"], "int32", name.replace("_", " "))
        for name in ("d2_histogram", "a3_histogram"):
            pairs.create_array(name, ["face_pair", options.histogram_bins], "float32", name)

    for name, description in FILE_METADATA.items():
        builder.define_file_metadata(name, "float" if "bbox" in name or "area" in name else "int",
                                     description)
    builder.define_file_metadata("encoder_version", "str", "version of the B-rep encoder")
    builder.define_categorical_metadata("cad_format", "str", "file format: STEP, IGES or BREP")
    return builder.build()
