"""UV grids on curved faces: samples lie on the surface, and the stored normals agree with
the analytic normals and with finite differences of the sampled points."""

import numpy as np
import pytest
from OCP.BRepPrimAPI import BRepPrimAPI_MakeSphere, BRepPrimAPI_MakeTorus
from OCP.gp import gp_Ax2, gp_Dir, gp_Pnt

from cad_assets.geometry import EncodeOptions, SurfaceType, encode_shape

CENTRE = np.array([1.0, 2.0, 3.0])


def _grid(shape, kind):
    faces = encode_shape(shape, EncodeOptions(face_grid_u=12, face_grid_v=12)).groups["faces"]
    (index,) = np.flatnonzero(faces["surface_type"] == kind)
    return faces["uv_grid"][index].astype(np.float64)


def _finite_difference_normals(points: np.ndarray) -> np.ndarray:
    du = points[2:, 1:-1] - points[:-2, 1:-1]
    dv = points[1:-1, 2:] - points[1:-1, :-2]
    normals = np.cross(du, dv)
    return normals / np.linalg.norm(normals, axis=-1, keepdims=True)


def test_sphere_samples_and_normals():
    sphere = BRepPrimAPI_MakeSphere(gp_Pnt(*CENTRE), 5.0).Shape()
    grid = _grid(sphere, SurfaceType.SPHERE)
    points, normals = grid[..., :3], grid[..., 3:6]

    np.testing.assert_allclose(np.linalg.norm(points - CENTRE, axis=-1), 5.0, rtol=1e-6)
    np.testing.assert_allclose(normals, (points - CENTRE) / 5.0, atol=1e-5)  # outward
    _assert_agrees_with_finite_differences(points, normals)


def test_torus_samples_and_normals():
    axis = gp_Ax2(gp_Pnt(*CENTRE), gp_Dir(0, 0, 1))
    torus = BRepPrimAPI_MakeTorus(axis, 6.0, 1.5).Shape()
    grid = _grid(torus, SurfaceType.TORUS)
    points, normals = grid[..., :3], grid[..., 3:6]

    radial = points[..., :2] - CENTRE[:2]
    ring = CENTRE + np.concatenate([6.0 * radial / np.linalg.norm(radial, axis=-1, keepdims=True),
                                    np.zeros(points.shape[:2] + (1,))], axis=-1)
    np.testing.assert_allclose(np.linalg.norm(points - ring, axis=-1), 1.5, rtol=1e-6)
    np.testing.assert_allclose(normals, (points - ring) / 1.5, atol=1e-5)
    _assert_agrees_with_finite_differences(points, normals)


def _assert_agrees_with_finite_differences(points, normals):
    estimated = _finite_difference_normals(points)
    interior = normals[1:-1, 1:-1]
    usable = np.linalg.norm(np.cross(points[2:, 1:-1] - points[:-2, 1:-1],
                                     points[1:-1, 2:] - points[1:-1, :-2]), axis=-1) > 1e-9
    agreement = np.abs(np.einsum("uvk,uvk->uv", estimated, interior))[usable]
    assert usable.sum() > 50
    assert agreement.min() == pytest.approx(1.0, abs=0.05)
