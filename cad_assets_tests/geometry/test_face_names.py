"""STEP entity names of faces, in the encoder's face order."""

import re

import pytest

from cad_assets.geometry import CadParseError, CadReadError, encode_shape, read_cad_file
from cad_assets.geometry.face_names import read_step_with_face_names
from cad_assets.geometry.model import CadLoader, CadModel
from cad_assets_tests.geometry.conftest import write_shape


def _name_faces(path, names):
    """Rewrite the ``ADVANCED_FACE('', ...)`` entities of a STEP file with ``names``, in order."""
    numbered = iter(names)
    text = re.sub(r"ADVANCED_FACE\s*\(\s*''", lambda _: f"ADVANCED_FACE('{next(numbered)}'", path.read_text())
    path.write_text(text)


def test_unnamed_faces_have_empty_names(tmp_path, box):
    shape, names = read_step_with_face_names(write_shape(box, tmp_path / "box.step"))
    assert names == [""] * 6
    assert len(encode_shape(shape).groups["faces"]["area"]) == 6


def test_every_face_gets_its_entitys_name(tmp_path, pocket):
    path = write_shape(pocket, tmp_path / "pocket.step")
    n_faces = len(encode_shape(read_cad_file(path)).groups["faces"]["area"])
    _name_faces(path, [f"f{k}" for k in range(n_faces)])

    _, names = read_step_with_face_names(path)

    assert sorted(names) == sorted(f"f{k}" for k in range(n_faces)) and n_faces == 11


def test_mfcad_faces_are_named_by_their_label_index(shared_cad):
    path = shared_cad / "mfcad" / "0-0-0-0-0-23.step"
    shape, names = read_step_with_face_names(path)
    assert len(names) == len(encode_shape(read_cad_file(path)).groups["faces"]["area"]) == 11
    assert sorted(names, key=int) == [str(k) for k in range(11)]
    assert names != sorted(names, key=int)  # traversal order is not name order


def test_broken_files_raise_like_the_reader(tmp_path):
    (tmp_path / "bad.step").write_text("ISO-10303-21;\nDATA;\n#1=ADVANCED_FACE('',(#2),#3,.T.);\nENDSEC;\n")
    with pytest.raises(CadParseError, match="refers to 2 entities it does not define"):
        read_step_with_face_names(tmp_path / "bad.step")


def test_the_loaders_model_gives_the_same_names_from_its_one_read(tmp_path, pocket, box):
    path = write_shape(pocket, tmp_path / "pocket.step")
    _name_faces(path, [f"f{k}" for k in range(11)])

    model = CadLoader().load(path)

    assert model.face_names == read_step_with_face_names(path)[1]
    assert model.step_reader is None  # let go once the names are known
    assert CadLoader().load(write_shape(box, tmp_path / "box.brep")).face_names is None
    with pytest.raises(ValueError, match="made without the reader"):
        CadModel(path, "STEP", read_cad_file(path)).face_names


@pytest.mark.parametrize(
    "name, content",
    [("empty.step", ""),
     ("broken.step", "ISO-10303-21;\nDATA;\n#1=ADVANCED_FACE('',(#2),#3,.T.);\nENDSEC;\n"),
     ("points.step", "ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n"
                     "#1=CARTESIAN_POINT('',(0.,0.,0.));\nENDSEC;\nEND-ISO-10303-21;\n")],
)
def test_the_loader_keeping_its_step_reader_fails_like_read_cad_file(tmp_path, name, content):
    (tmp_path / name).write_text(content)
    with pytest.raises(CadReadError) as expected:
        read_cad_file(tmp_path / name)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        CadLoader().load(tmp_path / name)
