"""Encoding real CAD files made by others (``../shared/cad``): consistency with OpenCascade."""

import numpy as np
import pytest
from OCP.BRepGProp import BRepGProp
from OCP.GProp import GProp_GProps
from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeIndex
from OCP.TopAbs import TopAbs_EDGE, TopAbs_FACE
from OCP.TopExp import TopExp

from cad_assets.geometry import SurfaceType, encode_shape, muted_stdout, read_cad_file
from cad_assets_tests.geometry.conftest import is_symmetric

pytestmark = pytest.mark.shared

TESSELLATED = "nist/nist_ftc_08_asme1_ap242-e1-tg.stp"  # AP242 faces with triangles, no surfaces
REAL_FILES = [
    "mfcad/0-0-0-0-0-23.step",
    "mfcad/0-5-5-5-14-23.step",
    "mfcad/1-5-6-19.step",
    "mfcad/2-7-8-9-11-23.step",
    "mfcad/4-7-7-12-13-23.step",
    "mfcad/9-9-9-9-12-23.step",
    "nist/nist_ctc_01_asme1_ap203.stp",  # free edges besides its solid
    "nist/nist_ctc_03_asme1_ap242-e1.stp",
    "nist/nist_ftc_09_asme1_rd.stp",
    "nist/nist_ftc_11_asme1_ap242-e1.stp",
    TESSELLATED,
    "caxif/dm1-id-214.stp",  # seams
    "caxif/io1-cm-214.stp",
    "caxif/sg1-c5-214.stp",
    "caxif/s1-c5-214/HEAD_FRONT.stp",  # degenerate edges
]


@pytest.fixture(scope="module", params=REAL_FILES)
def encoded_file(request, shared_cad):
    with muted_stdout():
        shape = read_cad_file(shared_cad / request.param)
    return request.param, shape, encode_shape(shape)


def _unique_count(shape, kind) -> int:
    index = ShapeIndex()
    TopExp.MapShapes_s(shape, kind, index)
    return index.Extent()


def test_face_areas_sum_to_the_shape_area(encoded_file):
    _, shape, encoding = encoded_file
    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(shape, props, True)  # shared faces once, as the encoding has them

    assert encoding.groups["faces"]["area"].sum() == pytest.approx(props.Mass(), rel=1e-6)


def test_rows_match_the_unique_faces_and_edges(encoded_file):
    _, shape, encoding = encoded_file
    n_faces, n_edges = _unique_count(shape, TopAbs_FACE), _unique_count(shape, TopAbs_EDGE)

    assert (encoding.metadata["n_faces"], encoding.metadata["n_edges"]) == (n_faces, n_edges)
    assert {len(array) for array in encoding.groups["faces"].values()} == {n_faces}
    assert {len(array) for array in encoding.groups["edges"].values()} == {n_edges}


def test_adjacency_is_symmetric_and_within_the_file(encoded_file):
    _, _, encoding = encoded_file
    graph = encoding.groups["graph"]

    assert is_symmetric(graph)
    assert graph["src"].max(initial=0) < encoding.metadata["n_faces"]
    assert graph["edge"].max(initial=0) < max(encoding.metadata["n_edges"], 1)


def test_evaluable_faces_have_finite_unit_normals(encoded_file):
    _, _, encoding = encoded_file
    faces = encoding.groups["faces"]
    with_surface = faces["surface_type"] != SurfaceType.NO_SURFACE
    inside = faces["uv_grid"][with_surface][..., 6] > 0

    np.testing.assert_allclose(np.linalg.norm(faces["normal"][with_surface], axis=1), 1.0)
    assert np.isfinite(faces["uv_grid"][with_surface][inside]).all()


def test_tessellated_faces_are_counted_not_fatal(shared_cad):
    with muted_stdout():
        shape = read_cad_file(shared_cad / TESSELLATED)
    encoding = encode_shape(shape)
    faces = encoding.groups["faces"]

    assert encoding.metadata["n_faces_without_surface"] == encoding.metadata["n_faces"] == 273
    assert (faces["surface_type"] == SurfaceType.NO_SURFACE).all()
    assert (faces["area"] > 0).all()  # measured on the triangles
    assert np.isnan(faces["normal"]).all() and (faces["uv_grid"][..., 6] == 0).all()
