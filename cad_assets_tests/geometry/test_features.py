"""Face and edge features of synthetic solids whose answers are known."""

import numpy as np
import pytest
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
from OCP.BRepPrimAPI import BRepPrimAPI_MakeCone
from OCP.gp import gp_Pln

from cad_assets.geometry import Convexity, CurveType, EncodeOptions, SurfaceType, encode_shape
from cad_assets_tests.geometry.conftest import SIDE


@pytest.fixture(scope="module")
def encoded(box, pocket, drilled, filleted):
    solids = {"box": box, "pocket": pocket, "drilled": drilled, "filleted": filleted}
    return {name: encode_shape(shape) for name, shape in solids.items()}


def test_box_has_six_square_planes_and_twelve_convex_lines(encoded):
    faces, edges = encoded["box"].groups["faces"], encoded["box"].groups["edges"]

    assert faces["surface_type"].tolist() == [SurfaceType.PLANE] * 6
    np.testing.assert_allclose(faces["area"], SIDE * SIDE)
    assert edges["convexity"].tolist() == [Convexity.CONVEX] * 12
    assert edges["curve_type"].tolist() == [CurveType.LINE] * 12
    np.testing.assert_allclose(edges["length"], SIDE)
    np.testing.assert_allclose(edges["dihedral_angle"], np.pi / 2)
    assert faces["n_loops"].tolist() == [1] * 6
    assert faces["n_neighbours"].tolist() == [4] * 6


def test_box_file_box_and_metadata(encoded):
    encoding = encoded["box"]

    bbox = encoding.groups["file"]["bbox"]
    np.testing.assert_allclose(bbox, [[0, 0, 0, SIDE, SIDE, SIDE]], atol=1e-6)
    assert encoding.metadata["total_area"] == pytest.approx(6 * SIDE * SIDE)
    assert encoding.metadata["n_solids"] == 1 and encoding.metadata["n_vertices"] == 8
    assert encoding.metadata["n_boundary_edges"] == 0


def test_normals_are_unit_and_point_out_of_the_material(encoded):
    for name in ("box", "pocket", "drilled"):
        faces = encoded[name].groups["faces"]
        np.testing.assert_allclose(np.linalg.norm(faces["normal"], axis=1), 1.0)
    box = encoded["box"].groups["faces"]
    outward = box["centroid"] - SIDE / 2
    assert (np.einsum("ij,ij->i", box["normal"], outward) > 0).all()


def test_pocket_walls_meet_floor_and_each_other_at_concave_edges(encoded):
    edges = encoded["pocket"].groups["edges"]

    assert np.count_nonzero(edges["convexity"] == Convexity.CONCAVE) == 8
    assert np.count_nonzero(edges["convexity"] == Convexity.CONVEX) == 16
    concave = edges["convexity"] == Convexity.CONCAVE
    np.testing.assert_allclose(edges["dihedral_angle"][concave], -np.pi / 2)


def test_drilled_hole_is_a_cylinder_with_a_seam(encoded):
    faces, edges = encoded["drilled"].groups["faces"], encoded["drilled"].groups["edges"]
    cylinder = faces["surface_type"] == SurfaceType.CYLINDER

    assert np.count_nonzero(cylinder) == 1
    assert faces["area"][cylinder] == pytest.approx(2 * np.pi * 2 * SIDE)
    assert np.count_nonzero(edges["convexity"] == Convexity.SEAM) == 1
    circles = edges["curve_type"] == CurveType.CIRCLE
    assert np.count_nonzero(circles) == 2
    assert (edges["convexity"][circles] == Convexity.CONVEX).all()
    assert edges["closed"][circles].all() and not edges["closed"][~circles].any()
    assert sorted(faces["n_loops"].tolist()) == [1, 1, 1, 1, 1, 2, 2]
    # Normals of the hole point to its axis, away from the material around it.
    samples = faces["uv_grid"][cylinder].reshape(-1, 7)
    to_axis = SIDE / 2 - samples[:, :2]
    to_axis /= np.linalg.norm(to_axis, axis=1)[:, None]
    np.testing.assert_allclose(samples[:, 3:5], to_axis, atol=1e-6)
    assert faces["normal"][cylinder][0, 2] == pytest.approx(0)


def test_fillets_are_smooth_and_sphere_corners_degenerate(encoded):
    edges = encoded["filleted"].groups["edges"]

    assert set(edges["convexity"].tolist()) == {Convexity.SMOOTH, Convexity.DEGENERATE}
    degenerate = edges["convexity"] == Convexity.DEGENERATE
    assert (edges["curve_type"][degenerate] == CurveType.NO_CURVE).all()
    assert (edges["length"][degenerate] == 0).all()
    assert np.isnan(edges["dihedral_angle"][degenerate]).all()
    assert encoded["filleted"].metadata["n_degenerate_edges"] == 8
    assert encoded["filleted"].metadata["n_edges_without_curve"] == 0


def test_normals_at_a_cone_apex_are_taken_next_to_it():
    faces = encode_shape(BRepPrimAPI_MakeCone(2.0, 0.0, 4.0).Shape()).groups["faces"]
    grid = faces["uv_grid"][faces["surface_type"] == SurfaceType.CONE][0]
    apex = grid[:, -1]  # the last v row: the generators' common end

    np.testing.assert_allclose(apex[:, :3], [[0, 0, 4]] * len(apex), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(grid[..., 3:6], axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(apex[:, 3:6], grid[:, -2, 3:6], atol=1e-5)  # same generator


@pytest.mark.filterwarnings("error")  # once: "overflow encountered in cast" to float32
def test_an_unbounded_face_gets_an_empty_uv_grid():
    infinite_plane = BRepBuilderAPI_MakeFace(gp_Pln()).Face()  # no edges: as FreeCAD saves some
    grid = encode_shape(infinite_plane).groups["faces"]["uv_grid"][0]

    assert np.isnan(grid[..., :6]).all() and (grid[..., 6] == 0).all()


def test_uv_grid_samples_lie_on_the_faces_with_a_trim_mask(encoded):
    faces = encoded["box"].groups["faces"]
    grid = faces["uv_grid"]
    assert grid.shape == (6, 10, 10, 7) and grid.dtype == np.float32
    assert (grid[..., 6] == 1).all()  # rectangles fill their UV box
    offsets = grid[..., :3] - faces["centroid"][:, None, None]
    np.testing.assert_allclose(np.einsum("fuvk,fk->fuv", offsets, faces["normal"]), 0, atol=1e-5)
    face_normals = np.broadcast_to(faces["normal"][:, None, None], grid[..., 3:6].shape)
    np.testing.assert_allclose(grid[..., 3:6], face_normals, atol=1e-6)

    drilled = encoded["drilled"].groups["faces"]
    top = drilled["uv_grid"][drilled["n_loops"] == 2]  # top and bottom, holed
    inside_hole = np.linalg.norm(top[..., :2] - SIDE / 2, axis=-1) < 2 - 1e-6
    assert inside_hole.any() and (top[..., 6][inside_hole] == 0).all()
    assert (top[..., 6][~inside_hole] == 1).all()


def test_u_grid_follows_the_edge_in_its_first_face(encoded):
    for name in ("box", "pocket", "drilled"):
        edges = encoded[name].groups["edges"]
        grid = edges["u_grid"].astype(np.float64)
        assert grid.shape == (len(edges["length"]), 10, 12)
        np.testing.assert_allclose(np.linalg.norm(grid[..., 3:6], axis=-1), 1.0, atol=1e-6)
        travelled = np.linalg.norm(grid[:, -1, :3] - grid[:, 0, :3], axis=-1)
        lines = edges["curve_type"] == CurveType.LINE
        np.testing.assert_allclose(travelled[lines], edges["length"][lines], rtol=1e-6)
        # Left x right normal along the tangent has the sign of the edge's convexity.
        manifold = np.isin(edges["convexity"], [Convexity.CONVEX, Convexity.CONCAVE])
        middle = grid[manifold, 5]
        normals_cross = np.cross(middle[:, 6:9], middle[:, 9:12])
        sign = np.sign(np.einsum("ij,ij->i", normals_cross, middle[:, 3:6]))
        assert sign.tolist() == edges["convexity"][manifold].tolist()


def test_families_switch_off(box):
    families = ("face_attributes", "face_grid", "edge_attributes", "edge_grid", "coedges")
    options = EncodeOptions(**dict.fromkeys(families, False))

    encoding = encode_shape(box, options)

    assert set(encoding.groups) == {"faces", "edges", "graph", "file"}
    assert set(encoding.groups["faces"]) == {"area", "surface_type"}
    assert set(encoding.groups["edges"]) == {"length", "curve_type", "convexity"}


def test_grid_sizes_follow_the_options(box):
    encoding = encode_shape(box, EncodeOptions(face_grid_u=4, face_grid_v=3, edge_grid_u=5))

    assert encoding.groups["faces"]["uv_grid"].shape == (6, 4, 3, 7)
    assert encoding.groups["edges"]["u_grid"].shape == (12, 5, 12)


def test_convexity_tolerance_decides_what_is_smooth(box):
    encoding = encode_shape(box, EncodeOptions(convexity_tolerance_deg=91.0))

    assert (encoding.groups["edges"]["convexity"] == Convexity.SMOOTH).all()
