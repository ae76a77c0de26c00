"""The ``face_labels`` encoder as a worker runs it: a ``.face_truth`` is put in face order with
the STEP face names of the worker's own read of the file, which is not read a second time."""

import pickle
import shutil

import numpy as np
import pytest
from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
from OCP.BRepTools import BRepTools

from cad_assets.encoding.request import CadFile, EncodedFile, EncodeRequest
from cad_assets.encoding.task import encode_to_store
from cad_assets.geometry import muted_stdout
from cad_assets.geometry.face_names import read_step_with_face_names
from cad_assets.geometry.model import CadLoader
from cad_assets.geometry.readers import step
from cad_assets.labels import face_labels_for, read_face_truth
from cad_assets.storage import open_file_store
from cad_assets.workers import TaskFailure

FACE_LABELS = ("face_labels", "cad_assets.builtin.face_labels:face_labels", '{"mode": "auto"}')


@pytest.fixture
def step_reads(monkeypatch):
    """The paths of the STEP files parsed from now on (every STEP read goes through
    ``read_step``, which hands the file to ``read_and_transfer``)."""
    paths = []
    transfer = step.read_and_transfer

    def counting(reader, path, format_name):
        paths.append(path.name)
        return transfer(reader, path, format_name)

    monkeypatch.setattr(step, "read_and_transfer", counting)
    return paths


@pytest.fixture
def mfcad_parts(shared_cad, tmp_path):
    """Two MFCAD parts with their ``.face_truth`` files, in a folder of their own."""
    parts = []
    for source in sorted((shared_cad / "mfcad").glob("*.step"))[1:200:100]:
        for suffix in (".step", ".face_truth"):
            shutil.copyfile(source.with_suffix(suffix), tmp_path / source.with_suffix(suffix).name)
        parts.append(tmp_path / source.name)
    return parts


def _encode(path, store):
    file = CadFile(path.name, str(path), "0" * 64, path.suffix[1:])
    return encode_to_store(EncodeRequest(file, str(store), "v", (FACE_LABELS,)))


def test_the_encoder_reads_a_labelled_step_file_once(mfcad_parts, tmp_path, step_reads):
    for part in mfcad_parts:
        del step_reads[:]
        result = _encode(part, tmp_path / f"{part.stem}.store")
        assert isinstance(result, EncodedFile), result
        assert step_reads == [part.name]  # the model's read: none for the face names

        with open_file_store(tmp_path / f"{part.stem}.store") as store:
            labels = store.read("faces", "label")
        assert result.metadata["face_label_file"] == part.with_suffix(".face_truth").name
        with muted_stdout():
            n_faces = len(read_step_with_face_names(part)[1])
            old_labels, _ = face_labels_for(part, n_faces)  # reads the file again, as before
        assert labels.dtype == np.int32 and len(labels) == n_faces
        np.testing.assert_array_equal(labels, old_labels, err_msg=part.name)
        # Taken by name: the file's own order would give other labels.
        assert not np.array_equal(labels, read_face_truth(part.with_suffix(".face_truth")))


def test_the_models_face_names_are_those_of_a_read_of_their_own(mfcad_parts, step_reads):
    loader = CadLoader()
    for part in mfcad_parts:
        model = loader.load(part)
        assert model.step_reader is not None  # kept until the names are asked for
        names = model.face_names
        assert model.step_reader is None and model.face_names is names  # then let go
        with muted_stdout():
            assert names == read_step_with_face_names(part)[1]
        assert sorted(names, key=int) == [str(k) for k in range(model.n_faces)]
    assert step_reads == [p.name for p in mfcad_parts for _ in range(2)]  # load, then own read


def test_a_face_truth_beside_a_brep_file_fails_the_encoder(tmp_path, step_reads):
    part = tmp_path / "part.brep"
    assert BRepTools.Write_s(BRepPrimAPI_MakeBox(1.0, 1.0, 1.0).Shape(), str(part))
    (tmp_path / "part.face_truth").write_bytes(pickle.dumps([1, 2, 3, 4, 5, 6]))
    model = CadLoader().load(part)
    assert model.face_names is None  # other formats have no face names

    result = _encode(part, tmp_path / "part.store")

    assert isinstance(result, TaskFailure) and result.error_type == "LabelError"
    assert ("part.brep: .face_truth labels are indexed by STEP face names; "
            "this is not a STEP file") in result.message
    assert step_reads == []
