"""A shape's faces, edges and coedges, indexed once for every feature family.

Face and edge indices follow ``TopExp.MapShapes`` order (each face or edge once, however often
it is shared), which is the order of every per-face and per-edge array. A coedge is one use of
an edge by a face: the edge as oriented in that face's loop. Faces without a surface and edges
without a curve get ``None`` instead of an evaluator, because OpenCascade crashes (rather than
raising) when asked to evaluate them.
"""

from dataclasses import dataclass, field

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.BRepAdaptor import BRepAdaptor_Curve, BRepAdaptor_Surface
from OCP.BRepTools import BRepTools_WireExplorer
from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeIndex
from OCP.TopAbs import TopAbs_EDGE, TopAbs_FACE, TopAbs_REVERSED, TopAbs_ShapeEnum, TopAbs_WIRE
from OCP.TopExp import TopExp, TopExp_Explorer
from OCP.TopoDS import TopoDS, TopoDS_Edge, TopoDS_Face, TopoDS_Shape, TopoDS_Wire


@dataclass(frozen=True)
class IndexedShape:
    """Faces, edges and coedges of one shape, with evaluators for their geometry.

    Attributes
    ----------
    faces, edges : list of TopoDS_Face, list of TopoDS_Edge
        In ``TopExp.MapShapes`` order.
    surfaces : list of BRepAdaptor_Surface or None
        Per face; ``None`` for a face without a surface (tessellated only).
    curves : list of BRepAdaptor_Curve or None
        Per edge; ``None`` for a degenerate edge or one with no curve at all.
    face_reversed : (n_faces,) bool
        The face's normal is the opposite of its surface's.
    n_loops : (n_faces,) int32
        Number of wires bounding each face.
    coedge_shapes : list of TopoDS_Edge
        Each coedge's edge, oriented as the face's loop traverses it.
    coedge_face, coedge_edge, coedge_next, coedge_mate : (n_coedges,) int32
        Face and edge of each coedge, the next coedge along the same loop, and the other use of
        the same edge (the coedge itself unless the edge has exactly two uses).
    coedge_reversed : (n_coedges,) bool
        The loop traverses the edge against the edge's curve.
    edge_coedges : list of list of int
        Per edge, its coedges in face order: two for a manifold edge or a seam, one on the
        border of an open shell, more if non-manifold, none for a free edge.
    cache : dict
        Evaluators and results that several feature families use, built on first use by the
        functions that own them (see :mod:`cad_assets.geometry.sampling`).
    """

    faces: list[TopoDS_Face]
    edges: list[TopoDS_Edge]
    surfaces: list[BRepAdaptor_Surface | None]
    curves: list[BRepAdaptor_Curve | None]
    face_reversed: np.ndarray
    n_loops: np.ndarray
    coedge_shapes: list[TopoDS_Edge]
    coedge_face: np.ndarray
    coedge_edge: np.ndarray
    coedge_next: np.ndarray
    coedge_mate: np.ndarray
    coedge_reversed: np.ndarray
    edge_coedges: list[list[int]]
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def face_coedges(self, face: int) -> range:
        """The coedges of ``face``, loop after loop: each face's are contiguous, faces in
        order (as :func:`index_shape` numbers them)."""
        if "face_coedge_starts" not in self.cache:
            self.cache["face_coedge_starts"] = np.searchsorted(
                self.coedge_face, np.arange(len(self.faces) + 1)
            ).tolist()
        starts = self.cache["face_coedge_starts"]
        return range(starts[face], starts[face + 1])


def index_shape(shape: TopoDS_Shape) -> IndexedShape:
    """Index the faces, edges and coedges of ``shape``."""
    face_index, edge_index = _shape_index(shape, TopAbs_FACE), _shape_index(shape, TopAbs_EDGE)
    faces = [TopoDS.Face(face_index.FindKey(i)) for i in range(1, face_index.Extent() + 1)]
    edges = [TopoDS.Edge(edge_index.FindKey(i)) for i in range(1, edge_index.Extent() + 1)]
    coedge_shapes, coedge_face, coedge_next, n_loops = [], [], [], []
    for face_number, face in enumerate(faces):
        wires = _sub_shapes(face, TopAbs_WIRE)
        n_loops.append(len(wires))
        for wire in wires:
            loop = _loop(TopoDS.Wire(wire), face)
            first = len(coedge_shapes)
            coedge_next.extend(first + (k + 1) % len(loop) for k in range(len(loop)))
            coedge_face.extend([face_number] * len(loop))
            coedge_shapes.extend(loop)
    coedge_edge = [edge_index.FindIndex(edge) - 1 for edge in coedge_shapes]
    edge_coedges = [[] for _ in edges]
    for coedge, edge in enumerate(coedge_edge):
        edge_coedges[edge].append(coedge)
    coedge_mate = np.arange(len(coedge_shapes), dtype=np.int32)
    for uses in edge_coedges:
        if len(uses) == 2:
            coedge_mate[uses] = uses[::-1]
    return IndexedShape(
        faces=faces,
        edges=edges,
        surfaces=[_surface(face) for face in faces],
        curves=[_curve(edge) for edge in edges],
        face_reversed=np.array([_is_reversed(face) for face in faces], dtype=bool),
        n_loops=np.array(n_loops, dtype=np.int32),
        coedge_shapes=coedge_shapes,
        coedge_face=np.array(coedge_face, dtype=np.int32),
        coedge_edge=np.array(coedge_edge, dtype=np.int32),
        coedge_next=np.array(coedge_next, dtype=np.int32),
        coedge_mate=coedge_mate,
        coedge_reversed=np.array([_is_reversed(edge) for edge in coedge_shapes], dtype=bool),
        edge_coedges=edge_coedges,
    )


def count_sub_shapes(shape: TopoDS_Shape, kind: TopAbs_ShapeEnum) -> int:
    """Number of distinct sub-shapes of one kind (a shared one counts once)."""
    return _shape_index(shape, kind).Extent()


def _shape_index(shape: TopoDS_Shape, kind: TopAbs_ShapeEnum) -> ShapeIndex:
    index = ShapeIndex()
    TopExp.MapShapes_s(shape, kind, index)
    return index


def _sub_shapes(shape: TopoDS_Shape, kind: TopAbs_ShapeEnum) -> list[TopoDS_Shape]:
    found, explorer = [], TopExp_Explorer(shape, kind)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    return found


def _loop(wire: TopoDS_Wire, face: TopoDS_Face) -> list[TopoDS_Edge]:
    """The wire's edges in connection order, oriented as used by the face.

    The wire explorer follows vertices and drops edges it cannot connect; for such broken
    wires every edge is kept, in stored order, so that no edge loses its use by the face.
    """
    stored = [TopoDS.Edge(edge) for edge in _sub_shapes(wire, TopAbs_EDGE)]
    connected, explorer = [], BRepTools_WireExplorer(wire, face)
    while explorer.More():
        connected.append(explorer.Current())
        explorer.Next()
    return connected if len(connected) == len(stored) else stored


def _surface(face: TopoDS_Face) -> BRepAdaptor_Surface | None:
    return None if BRep_Tool.Surface_s(face) is None else BRepAdaptor_Surface(face)


def _curve(edge: TopoDS_Edge) -> BRepAdaptor_Curve | None:
    # IsGeometric: the edge has a 3D curve or a curve on a surface to evaluate.
    if BRep_Tool.Degenerated_s(edge) or not BRep_Tool.IsGeometric_s(edge):
        return None
    return BRepAdaptor_Curve(edge)


def _is_reversed(shape: TopoDS_Shape) -> bool:
    return shape.Orientation() == TopAbs_REVERSED
