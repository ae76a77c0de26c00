"""The restricted unpickler of ``.face_truth`` files: plain lists of ints only, no code run."""

import os
import pickle

import numpy as np
import pytest

from cad_assets.labels import LabelError, read_face_truth
from cad_assets.labels import face_truth


class _RunsShell:
    """Unpickling this with ``pickle.load`` would run a shell command."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def _write(tmp_path, data: bytes, name="part.face_truth"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_list_of_ints_is_read_in_every_protocol(tmp_path, protocol):
    path = _write(tmp_path, pickle.dumps([15, 0, 3, 15, 2**40], protocol=protocol))
    assert read_face_truth(path) == [15, 0, 3, 15, 2**40]


def test_a_pickle_that_calls_a_function_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    data = pickle.dumps([1, _RunsShell(f"touch {marker}"), 2])
    assert b"system" in data  # the payload really names os.system

    with pytest.raises(LabelError, match="refused: the pickle asks for (posix|nt).system"):
        read_face_truth(_write(tmp_path, data))
    assert not marker.exists()


@pytest.mark.parametrize(
    "value, kind",
    [
        ({0: 15, 1: 0}, "dict"),
        (["15", "0"], "list of str"),
        ([True, False], "list of bool"),
        ([1.0, 2.0], "list of float"),
        ([[1, 2], [3]], "list of list"),
        ((1, 2), "tuple"),
    ],
)
def test_anything_but_a_list_of_ints_is_refused(tmp_path, value, kind):
    with pytest.raises(LabelError, match=f"part.face_truth holds a {kind}, not a list of ints"):
        read_face_truth(_write(tmp_path, pickle.dumps(value)))


def test_numpy_arrays_are_refused_because_they_need_a_class(tmp_path):
    with pytest.raises(LabelError, match="refused: the pickle asks for numpy"):
        read_face_truth(_write(tmp_path, pickle.dumps(np.array([1, 2]))))


def test_garbage_and_oversized_files_are_label_errors(tmp_path, monkeypatch):
    with pytest.raises(LabelError, match="not a plain pickled list of ints"):
        read_face_truth(_write(tmp_path, b"not a pickle at all"))
    monkeypatch.setattr(face_truth, "MAX_FACE_TRUTH_BYTES", 10)
    with pytest.raises(LabelError, match="over the 10 limit"):
        read_face_truth(_write(tmp_path, pickle.dumps(list(range(100)))))


def test_real_mfcad_label_files_are_accepted(shared_cad):
    path = shared_cad / "mfcad" / "0-0-0-0-0-23.face_truth"
    assert read_face_truth(path) == [15, 0, 15, 15, 0, 0, 15, 15, 0, 15, 0]
