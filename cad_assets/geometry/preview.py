"""A small PNG picture of a shape: flat-shaded, from a fixed isometric angle, without a display.

The shape is tessellated with ``BRepMesh_IncrementalMesh`` (coarse, relative deflection: the
picture is a thumbnail), its triangles are projected orthographically and rasterised by a
vectorised numpy z-buffer; each triangle is lit by one fixed light, and the borders between
B-rep faces (and the silhouette) are drawn dark, found where the face shown by neighbouring
pixels changes. Pillow writes a palette PNG (about 1.5 kB at 192 x 192). It costs under ten
milliseconds for an MFCAD part (meshing included), so the encoding worker can afford it for
every file; ``benchmarks/preview_cost.py`` measures it.

Meshing attaches triangulations to the shape (it mutates it), which is harmless in a worker
that throws the shape away afterwards. Faces that already carry a triangulation (as in AP242
tessellated files) are drawn with it; faces without one are skipped.
"""

import io

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.TopAbs import TopAbs_FACE, TopAbs_REVERSED
from OCP.TopExp import TopExp_Explorer
from OCP.TopLoc import TopLoc_Location
from OCP.TopoDS import TopoDS, TopoDS_Shape

#: Direction from the model towards the viewer (x right-back, y front, z up: the usual
#: front-right-top isometric view of CAD programs).
VIEW_DIRECTION = (1.0, -1.0, 1.0)

BACKGROUND = (255, 255, 255)
BASE_COLOUR = (120, 160, 210)
EDGE_COLOUR = (24, 28, 36)
AMBIENT = 0.35

#: Mesh settings: deflection relative to each edge's and face's size, and angular deflection
#: in radians (0.5: a full circle in about 13 segments).
LINEAR_DEFLECTION = 0.1
ANGULAR_DEFLECTION = 0.5

#: Distinct shades of the base colour (the picture is a palette PNG of 2 + this many colours).
SHADE_LEVELS = 64

_MARGIN = 0.06  # fraction of the picture left free on each side


def _view_basis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit screen right, screen up and towards-viewer vectors of the fixed view."""
    towards = np.asarray(VIEW_DIRECTION, dtype=float)
    towards /= np.linalg.norm(towards)
    right = np.cross((0.0, 0.0, 1.0), towards)
    right /= np.linalg.norm(right)
    up = np.cross(towards, right)
    return right, up, towards


_RIGHT, _UP, _TOWARDS = _view_basis()
#: The light: mostly from the viewer, a little from above and the left (in view space), so
#: that the three visible faces of a box get three distinct shades.
_LIGHT = _TOWARDS + 0.4 * _UP - 0.25 * _RIGHT
_LIGHT /= np.linalg.norm(_LIGHT)


def shape_triangles(shape: TopoDS_Shape) -> tuple[np.ndarray, np.ndarray]:
    """The triangles of every face that has a triangulation, with their faces' numbers.

    Returns
    -------
    triangles : ``(n_triangles, 3, 3) float64``
        Corner coordinates in model space, wound counter-clockwise seen from outside the
        material (the face's orientation is applied).
    face_of_triangle : ``(n_triangles,) int32``
        Which face (in ``TopExp_Explorer`` order, from 0) each triangle belongs to.
    """
    corners, faces = [], []
    explorer = TopExp_Explorer(shape, TopAbs_FACE)
    face_number = 0
    while explorer.More():
        face = TopoDS.Face(explorer.Current())
        explorer.Next()
        location = TopLoc_Location()
        triangulation = BRep_Tool.Triangulation_s(face, location)
        if triangulation is None or triangulation.NbTriangles() == 0:
            face_number += 1
            continue
        nodes = np.array(
            [triangulation.Node(i).Coord() for i in range(1, triangulation.NbNodes() + 1)]
        ).reshape(-1, 3)
        indices = np.array(
            [triangulation.Triangle(i).Get() for i in range(1, triangulation.NbTriangles() + 1)],
            dtype=np.int64,
        ).reshape(-1, 3) - 1
        flip = face.Orientation() == TopAbs_REVERSED
        if not location.IsIdentity():
            transform = location.Transformation()
            matrix = np.array([[transform.Value(r, c) for c in range(1, 5)] for r in range(1, 4)])
            nodes = nodes @ matrix[:, :3].T + matrix[:, 3]
            flip ^= transform.IsNegative()
        if flip:
            indices = indices[:, [0, 2, 1]]
        valid = (indices >= 0).all(axis=1) & (indices < len(nodes)).all(axis=1)
        corners.append(nodes[indices[valid]])
        faces.append(np.full(int(valid.sum()), face_number, dtype=np.int32))
        face_number += 1
    if not corners:
        return np.zeros((0, 3, 3)), np.zeros(0, dtype=np.int32)
    return np.concatenate(corners), np.concatenate(faces)


def _shades(triangles: np.ndarray) -> np.ndarray:
    """Brightness in [AMBIENT, 1] of each triangle under the fixed light (two-sided)."""
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    normals = normals / np.where(lengths > 0, lengths, 1.0)[:, None]
    towards = normals @ _TOWARDS
    normals[towards < 0] *= -1  # a back face seen through an opening is lit as its front
    return AMBIENT + (1.0 - AMBIENT) * np.clip(normals @ _LIGHT, 0.0, 1.0)


def _to_screen(triangles: np.ndarray, size: int) -> np.ndarray:
    """Pixel x (right), pixel y (down) and depth (larger is nearer) of every corner."""
    points = triangles.reshape(-1, 3)
    view = np.stack([points @ _RIGHT, -(points @ _UP), points @ _TOWARDS], axis=1)
    low, high = view[:, :2].min(axis=0), view[:, :2].max(axis=0)
    extent = float((high - low).max())
    scale = size * (1 - 2 * _MARGIN) / extent if extent > 0 else 1.0
    view[:, :2] = (view[:, :2] - (low + high) / 2) * scale + size / 2
    return view.reshape(-1, 3, 3)


def _rasterise(screen: np.ndarray, size: int) -> np.ndarray:
    """Z-buffer the screen-space triangles; pixel centres sit at half-integers.

    Returns the ``(size, size)`` index of the triangle seen at each pixel (-1: background).
    The triangles are expanded to the pixel rows they cross, each row to the span of pixels
    inside all three edges, all in numpy; the nearest triangle at each pixel wins.
    """
    n_pixels = size * size
    nearest = np.full(n_pixels, -np.inf)
    shown = np.full(n_pixels, -1, dtype=np.int64)
    x, y, z = screen[..., 0], screen[..., 1], screen[..., 2]
    # Edge functions a*px + b*py + c, >= 0 inside a counter-clockwise (in pixel space) triangle.
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    keep = np.flatnonzero(np.isfinite(area) & (np.abs(area) > 1e-12))
    if len(keep) == 0:
        return shown.reshape(size, size)
    x, y, z, area = x[keep], y[keep], z[keep], area[keep]
    sign = np.sign(area)[:, None]
    x0, y0 = x, y
    x1, y1 = x[:, [1, 2, 0]], y[:, [1, 2, 0]]
    a, b = -(y1 - y0) * sign, (x1 - x0) * sign
    c = -(a * x0 + b * y0)
    # Depth as a plane over pixel space: z = zx * px + zy * py + zc.
    dx, dy, dz = x[:, 1:] - x[:, :1], y[:, 1:] - y[:, :1], z[:, 1:] - z[:, :1]
    zx = (dz[:, 0] * dy[:, 1] - dz[:, 1] * dy[:, 0]) / area
    zy = (dx[:, 0] * dz[:, 1] - dx[:, 1] * dz[:, 0]) / area
    zc = z[:, 0] - zx * x[:, 0] - zy * y[:, 0]

    # Rows of pixel centres each triangle crosses.
    top = np.clip(np.ceil(y.min(axis=1) - 0.5), 0, size).astype(np.int64)
    bottom = np.clip(np.floor(y.max(axis=1) - 0.5), -1, size - 1).astype(np.int64)
    n_rows = np.maximum(bottom - top + 1, 0)
    row_triangle = np.repeat(np.arange(len(keep)), n_rows)
    starts = np.cumsum(n_rows) - n_rows
    row = top[row_triangle] + (np.arange(len(row_triangle)) - starts[row_triangle])
    py = row + 0.5
    # For each edge on a row: a*px >= -(b*py + c), a bound on px from below or above.
    ra, rhs = a[row_triangle], -(b[row_triangle] * py[:, None] + c[row_triangle])
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = rhs / ra
    lower = np.where(ra > 0, bound, -np.inf).max(axis=1)
    upper = np.where(ra < 0, bound, np.inf).min(axis=1)
    flat_ok = np.where(ra == 0, rhs <= 0, True).all(axis=1)
    first = np.clip(np.ceil(lower - 0.5), 0, size).astype(np.int64)
    last = np.clip(np.floor(upper - 0.5), -1, size - 1).astype(np.int64)
    n_span = np.where(flat_ok, np.maximum(last - first + 1, 0), 0)

    # Every covered pixel, its triangle and depth, expanded from its row's span by np.repeat.
    total = int(n_span.sum())
    if total == 0:
        return shown.reshape(size, size)
    offset = np.arange(total) - np.repeat(np.cumsum(n_span) - n_span, n_span)
    slope = zx[row_triangle]
    start_depth = slope * (first + 0.5) + zy[row_triangle] * py + zc[row_triangle]
    pixel = np.repeat(row * size + first, n_span) + offset
    depth = np.repeat(start_depth, n_span) + np.repeat(slope, n_span) * offset
    triangle = np.repeat(row_triangle, n_span)
    np.maximum.at(nearest, pixel, depth)
    front = depth >= nearest[pixel]
    shown[pixel[front]] = keep[triangle[front]]
    return shown.reshape(size, size)


def _borders(face: np.ndarray) -> np.ndarray:
    """Pixels on a border between two faces or a face and the background: of each pair of
    neighbouring pixels showing different faces, the upper or left one, unless that is
    background (so that outlines are one pixel wide and drawn on the shape)."""
    border = np.zeros(face.shape, dtype=bool)
    for axis in (0, 1):
        here = [slice(None), slice(None)]
        there = [slice(None), slice(None)]
        here[axis], there[axis] = slice(None, -1), slice(1, None)
        here, there = tuple(here), tuple(there)
        differs = face[here] != face[there]
        on_shape = face[here] >= 0
        border[here] |= differs & on_shape
        border[there] |= differs & ~on_shape
    return border


def _palette() -> list[int]:
    """RGB palette: background, border, then the shades from darkest to brightest."""
    brightness = AMBIENT + (1 - AMBIENT) * np.linspace(0.0, 1.0, SHADE_LEVELS)
    shades = np.clip(np.rint(brightness[:, None] * BASE_COLOUR), 0, 255).astype(int)
    return [*BACKGROUND, *EDGE_COLOUR, *shades.ravel().tolist()]


def render_triangles(
    triangles: np.ndarray,
    face_of_triangle: np.ndarray | None = None,
    size: int = 192,
    edges: bool = True,
) -> bytes:
    """PNG bytes of ``(n, 3, 3)`` model-space triangles seen from the fixed view.

    ``face_of_triangle`` numbers the face of each triangle (borders are drawn between faces);
    without it every triangle is its own face. Non-finite or degenerate triangles are skipped;
    no triangles at all give a blank picture.
    """
    from PIL import Image

    size = int(size)
    if size < 1:
        raise ValueError(f"size must be a positive number of pixels, not {size}")
    triangles = np.asarray(triangles, dtype=np.float64).reshape(-1, 3, 3)
    finite = np.isfinite(triangles).all(axis=(1, 2))
    triangles = triangles[finite]
    if face_of_triangle is None:
        face_of_triangle = np.arange(len(triangles))
    else:
        face_of_triangle = np.asarray(face_of_triangle)[finite]
    # A palette picture: 0 background, 1 border, 2 + level for the shades (quantised to
    # SHADE_LEVELS levels): a third of the bytes of RGB to fill, and a smaller PNG.
    image = np.zeros((size, size), dtype=np.uint8)
    if len(triangles):
        shown = _rasterise(_to_screen(triangles, size), size)
        drawn = shown >= 0
        levels = np.rint((_shades(triangles) - AMBIENT) / (1 - AMBIENT) * (SHADE_LEVELS - 1))
        image[drawn] = 2 + levels.astype(np.uint8)[shown[drawn]]
        if edges:
            face = np.where(drawn, face_of_triangle[np.maximum(shown, 0)], -1)
            image[_borders(face)] = 1
    picture = Image.fromarray(image)  # mode "L"; putpalette makes it "P"
    picture.putpalette(_palette())
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def render_preview(
    shape: TopoDS_Shape,
    size: int = 192,
    edges: bool = True,
    linear_deflection: float = LINEAR_DEFLECTION,
    angular_deflection: float = ANGULAR_DEFLECTION,
) -> bytes:
    """PNG bytes (``size`` x ``size`` pixels, palette colours) of ``shape``, flat-shaded, from
    the fixed isometric view (:data:`VIEW_DIRECTION`), with dark face borders when ``edges``.
    The shape is framed to fill the picture (its size is not shown).

    Meshes the shape first (``BRepMesh_IncrementalMesh`` with ``linear_deflection`` relative
    to each face's size and ``angular_deflection`` radians), which stores the triangulation in
    the shape. A shape with nothing to draw (an empty compound, faces without surface or
    triangulation) gives a valid blank picture. Errors of the mesher are not caught: the
    caller decides whether a missing preview matters.

    Examples
    --------
    >>> png = render_preview(read_cad_file("part.step"))  # doctest: +SKIP
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"  # doctest: +SKIP
    True
    """
    if not shape.IsNull():
        BRepMesh_IncrementalMesh(shape, linear_deflection, True, angular_deflection, False)
        triangles, face_of_triangle = shape_triangles(shape)
    else:
        triangles, face_of_triangle = np.zeros((0, 3, 3)), np.zeros(0, dtype=np.int32)
    return render_triangles(triangles, face_of_triangle, size=size, edges=edges)
