"""The PNG preview: valid pictures of the requested size, shaded and outlined, blank when there
is nothing to draw, and triangles that face out of the material wherever the shape sits."""

import base64
import io

import numpy as np
import pytest
from OCP.BRep import BRep_Builder
from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox, BRepPrimAPI_MakeCylinder
from OCP.gp import gp_Trsf, gp_Vec
from OCP.TopLoc import TopLoc_Location
from OCP.TopoDS import TopoDS_Compound, TopoDS_Shape
from PIL import Image

from cad_assets.geometry import muted_stdout, read_cad_file, render_preview
from cad_assets.geometry.preview import BACKGROUND, EDGE_COLOUR, render_triangles, shape_triangles

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def decode(png: bytes) -> np.ndarray:
    """``(height, width, 3) uint8`` pixels of a PNG, checking its signature first."""
    assert png[:8] == PNG_SIGNATURE
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def drawn(pixels: np.ndarray) -> np.ndarray:
    return (pixels != BACKGROUND).any(axis=-1)


def empty_compound() -> TopoDS_Compound:
    compound = TopoDS_Compound()
    BRep_Builder().MakeCompound(compound)
    return compound


def test_box_preview_is_a_shaded_outlined_picture_of_the_requested_size():
    pixels = decode(render_preview(BRepPrimAPI_MakeBox(10, 20, 30).Shape(), size=96))
    assert pixels.shape == (96, 96, 3)
    assert 0.1 < drawn(pixels).mean() < 0.9  # the box fills the middle, not the margins
    assert not drawn(pixels)[:, :3].any() and not drawn(pixels)[:3].any()
    colours = {tuple(c) for c in pixels[drawn(pixels)].tolist()}
    assert EDGE_COLOUR in colours
    assert len(colours - {EDGE_COLOUR}) == 3  # top, front and side: three shades


def test_edges_can_be_left_out():
    pixels = decode(render_preview(BRepPrimAPI_MakeBox(1, 1, 1).Shape(), size=64, edges=False))
    assert drawn(pixels).any()
    assert not (pixels == EDGE_COLOUR).all(axis=-1).any()


def test_cylinder_preview():
    pixels = decode(render_preview(BRepPrimAPI_MakeCylinder(5, 20).Shape(), size=128))
    assert pixels.shape == (128, 128, 3)
    assert drawn(pixels).mean() > 0.1
    # Flat-shaded facets of the curved side give many shades.
    assert len({tuple(c) for c in pixels[drawn(pixels)].tolist()}) > 4


def test_triangles_face_out_of_the_material_and_keep_their_faces():
    box = BRepPrimAPI_MakeBox(10, 20, 30).Shape()
    render_preview(box)  # meshes it
    triangles, face_of_triangle = shape_triangles(box)
    assert triangles.shape == (12, 3, 3)
    assert sorted(np.bincount(face_of_triangle).tolist()) == [2] * 6
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    outwards = triangles.mean(axis=1) - np.array([5.0, 10.0, 15.0])
    assert ((normals * outwards).sum(axis=1) > 0).all()


def test_a_located_shape_is_drawn_where_it_sits():
    """Faces of a moved shape carry a location; the picture (framed on the shape) is unchanged."""
    transform = gp_Trsf()
    transform.SetTranslation(gp_Vec(100, -50, 7))
    moved = BRepPrimAPI_MakeBox(10, 20, 30).Shape().Moved(TopLoc_Location(transform))
    render_preview(moved)
    triangles, _ = shape_triangles(moved)
    assert np.allclose(triangles.reshape(-1, 3).min(axis=0), [100, -50, 7])
    still = decode(render_preview(BRepPrimAPI_MakeBox(10, 20, 30).Shape(), size=96))
    assert (decode(render_preview(moved, size=96)) == still).all(axis=-1).mean() > 0.99


@pytest.mark.parametrize("shape", [empty_compound(), TopoDS_Shape()], ids=["empty", "null"])
def test_nothing_to_draw_gives_a_valid_blank_picture(shape):
    pixels = decode(render_preview(shape, size=48))
    assert pixels.shape == (48, 48, 3)
    assert not drawn(pixels).any()


@pytest.mark.parametrize(
    "triangles",
    [
        np.zeros((3, 3, 3)),  # every corner at one point: a zero-size box
        [[[0, 0, 0], [1, -1, 0], [0, 0, 1]]],  # in the plane x = -y, which holds the view direction
        [[[np.nan, 0, 0], [1, 0, 0], [0, 1, 0]]],  # not finite
        np.zeros((0, 3, 3)),
    ],
    ids=["point", "edge-on", "nan", "none"],
)
def test_degenerate_views_give_a_blank_picture(triangles):
    pixels = decode(render_triangles(np.asarray(triangles, dtype=float), size=32))
    assert pixels.shape == (32, 32, 3)
    assert not drawn(pixels).any()


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="size"):
        render_triangles(np.zeros((0, 3, 3)), size=0)


def test_real_mfcad_part(shared_cad):
    path = sorted((shared_cad / "mfcad").glob("*.step"))[0]
    with muted_stdout():
        shape = read_cad_file(path)
    png = render_preview(shape)
    pixels = decode(png)
    assert pixels.shape == (192, 192, 3)
    assert drawn(pixels).mean() > 0.05
    assert len(png) < 20_000


def test_thumbnail_fits_its_budget_and_keeps_the_picture(shared_cad):
    from cad_assets.builtin.preview import THUMBNAIL_BASE64_CHARS, thumbnail

    path = sorted((shared_cad / "mfcad").glob("*.step"))[0]
    with muted_stdout():
        png = render_preview(read_cad_file(path), size=160)
    assert len(base64.b64encode(png)) > THUMBNAIL_BASE64_CHARS  # this preview needs shrinking
    small = thumbnail(png)
    assert len(base64.b64encode(small)) <= THUMBNAIL_BASE64_CHARS
    pixels = decode(small)
    assert pixels.shape[0] == pixels.shape[1] < 160 and drawn(pixels).mean() > 0.05
    assert thumbnail(small) == small  # a picture that fits is kept as it is
    assert thumbnail(png, max_base64_chars=10) is None  # no copy that small
