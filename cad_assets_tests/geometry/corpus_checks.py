"""Worker-side checks of one real CAD file's encoding against OpenCascade itself.

Run through the crash-isolated pool (by name), so the whole corpus is checked on both cores
and a kernel crash would fail one file, not the test session.
"""

import numpy as np
from OCP.BRepGProp import BRepGProp
from OCP.GProp import GProp_GProps
from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeIndex
from OCP.TopAbs import TopAbs_EDGE, TopAbs_FACE
from OCP.TopExp import TopExp

from cad_assets.geometry import encode_shape, read_cad_file


def check_file(path: str) -> dict:
    """Facts about ``path``'s encoding that must hold for every file that loads."""
    shape = read_cad_file(path)
    encoding = encode_shape(shape)
    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(shape, props, True)
    graph, coedges = encoding.groups["graph"], encoding.groups["coedges"]
    pairs = set(zip(graph["src"].tolist(), graph["dst"].tolist()))
    return {
        "area": float(encoding.groups["faces"]["area"].sum()),
        "kernel_area": props.Mass(),
        "counts": (encoding.metadata["n_faces"], encoding.metadata["n_edges"]),
        "kernel_counts": (_unique(shape, TopAbs_FACE), _unique(shape, TopAbs_EDGE)),
        "adjacency_symmetric": pairs == {(b, a) for a, b in pairs},
        "mate_of_mate_is_self": bool(np.array_equal(coedges["mate"][coedges["mate"]],
                                                    np.arange(len(coedges["mate"])))),
        "loops_close": _loops_close(coedges["next"], coedges["face"]),
    }


def _unique(shape, kind) -> int:
    index = ShapeIndex()
    TopExp.MapShapes_s(shape, kind, index)
    return index.Extent()


def _loops_close(next_coedge: np.ndarray, face: np.ndarray) -> bool:
    """``next`` is a permutation whose every cycle stays on one face: each loop closes."""
    if len(np.unique(next_coedge)) != len(next_coedge):
        return False
    return bool(np.all(face[next_coedge] == face))
