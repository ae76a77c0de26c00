"""File-level results: the ``file`` group (one row) and the metadata scalars."""

import numpy as np
from OCP.TopAbs import TopAbs_SHELL, TopAbs_SOLID, TopAbs_VERTEX
from OCP.TopoDS import TopoDS_Shape

from cad_assets.geometry.boxes import shape_box
from cad_assets.geometry.categories import Convexity, SurfaceType
from cad_assets.geometry.indexing import IndexedShape, count_sub_shapes
from cad_assets.geometry.version import ENCODER_VERSION

_BBOX_KEYS = ("bbox_xmin", "bbox_ymin", "bbox_zmin", "bbox_xmax", "bbox_ymax", "bbox_zmax")


def summarize(
    shape: TopoDS_Shape,
    brep: IndexedShape,
    surface_types: np.ndarray,
    areas: np.ndarray,
    convexity: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict[str, int | float | str | bool]]:
    """The ``file`` group and the file's metadata.

    Returns
    -------
    file_group : dict
        ``bbox (1, 6) float64``: x, y, z minimum then maximum of the whole shape.
    metadata : dict
        Counts of unique sub-shapes (``n_faces``, ``n_edges``, ``n_coedges``,
        ``n_vertices``, ``n_shells``, ``n_solids``); counts of what could not be fully
        evaluated (``n_faces_without_surface``, ``n_edges_without_curve``,
        ``n_edges_undefined_convexity``) and of topology worth knowing about
        (``n_boundary_edges``: open or non-manifold, ``n_seam_edges``,
        ``n_degenerate_edges``); ``total_area``; ``bbox_xmin`` .. ``bbox_zmax``;
        ``encoder_version``.
    """
    bbox = shape_box(shape, brep)
    n_degenerate = int(np.count_nonzero(convexity == Convexity.DEGENERATE))
    metadata = {
        "n_faces": len(brep.faces),
        "n_edges": len(brep.edges),
        "n_coedges": len(brep.coedge_face),
        "n_vertices": count_sub_shapes(shape, TopAbs_VERTEX),
        "n_shells": count_sub_shapes(shape, TopAbs_SHELL),
        "n_solids": count_sub_shapes(shape, TopAbs_SOLID),
        "n_faces_without_surface": int(np.count_nonzero(surface_types == SurfaceType.NO_SURFACE)),
        # Degenerate edges have no curve by design: only the others are missing one.
        "n_edges_without_curve": sum(curve is None for curve in brep.curves) - n_degenerate,
        "n_edges_undefined_convexity": int(np.count_nonzero(convexity == Convexity.UNDEFINED)),
        "n_boundary_edges": int(np.count_nonzero(convexity == Convexity.BOUNDARY)),
        "n_seam_edges": int(np.count_nonzero(convexity == Convexity.SEAM)),
        "n_degenerate_edges": n_degenerate,
        "total_area": float(areas.sum()),
        **{key: float(value) for key, value in zip(_BBOX_KEYS, bbox)},
        "encoder_version": ENCODER_VERSION,
    }
    return {"bbox": bbox[None]}, metadata
