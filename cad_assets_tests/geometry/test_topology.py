"""Face adjacency graph and BRepNet coedges of synthetic solids."""

from collections import Counter

import numpy as np
import pytest

from cad_assets.geometry import Convexity, encode_shape
from cad_assets_tests.geometry.conftest import is_symmetric

SOLIDS = ["box", "pocket", "drilled", "filleted"]


@pytest.fixture(scope="module", params=SOLIDS)
def encoding(request):
    return encode_shape(request.getfixturevalue(request.param))


def test_box_has_24_adjacency_pairs(box):
    graph = encode_shape(box).groups["graph"]

    assert len(graph["src"]) == 24
    opposite = ({0, 1}, {2, 3}, {4, 5})  # MakeBox's faces: x = 0, x = SIDE, y = 0, ...
    assert set(zip(graph["src"].tolist(), graph["dst"].tolist())) == {
        (a, b) for a in range(6) for b in range(6) if a != b and {a, b} not in opposite
    }


def test_adjacency_runs_both_ways_through_each_non_seam_edge(encoding):
    graph, convexity = encoding.groups["graph"], encoding.groups["edges"]["convexity"]

    assert is_symmetric(graph)
    assert (graph["src"] != graph["dst"]).all()
    linked = np.isin(convexity, [Convexity.CONVEX, Convexity.CONCAVE, Convexity.SMOOTH])
    assert sorted(set(graph["edge"].tolist())) == np.flatnonzero(linked).tolist()
    assert Counter(graph["edge"].tolist()) == {edge: 2 for edge in np.flatnonzero(linked).tolist()}


def test_coedges_form_closed_loops_within_faces(encoding):
    coedges = encoding.groups["coedges"]
    n_coedges = len(coedges["face"])

    assert sorted(coedges["next"].tolist()) == list(range(n_coedges))  # a permutation
    assert (coedges["face"][coedges["next"]] == coedges["face"]).all()
    assert np.bincount(coedges["edge"]).max() <= 2
    assert encoding.metadata["n_coedges"] == n_coedges


def test_mates_pair_the_two_uses_of_an_edge_in_opposite_directions(encoding):
    coedges, convexity = encoding.groups["coedges"], encoding.groups["edges"]["convexity"]
    mate, own = coedges["mate"], np.arange(len(coedges["mate"]))

    assert (mate[mate] == own).all()
    assert (coedges["edge"][mate] == coedges["edge"]).all()
    unmated = mate == own
    assert (convexity[coedges["edge"][unmated]] == Convexity.DEGENERATE).all()
    assert (coedges["reversed"][mate] != coedges["reversed"])[~unmated].all()


def test_seam_coedges_mate_within_their_face(drilled):
    encoding = encode_shape(drilled)
    coedges = encoding.groups["coedges"]
    seam = np.flatnonzero(encoding.groups["edges"]["convexity"] == Convexity.SEAM)
    uses = np.flatnonzero(np.isin(coedges["edge"], seam))

    assert len(uses) == 2
    assert coedges["face"][uses[0]] == coedges["face"][uses[1]]
    assert coedges["mate"][uses[0]] == uses[1]
