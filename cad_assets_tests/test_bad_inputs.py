"""The whole ``build_dataset`` job on the generated bad-input corpus mixed with real parts.

One run, then every case is checked: good files are in the dataset, each bad file has exactly
one row in ``cad_errors`` with the expected error type and a message a user can read, no bad
file's partition is materialized, and paths that are not CAD files are no partitions at all.
"""

import os
from pathlib import PurePosixPath

import dagster as dg
import pandas as pd

from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.sources import partition_key, root_labels
from cad_assets.storage import read_table
from cad_assets_tests.bad_inputs import ENCODED, MAX_FILE_MB, NOT_DISCOVERED, Expected, make_bad_corpus
from cad_assets_tests.conftest import copy_files

ENCODINGS = dg.AssetKey("cad_encodings")
GOOD_PARTS = 10  # real MFCAD parts beside the corpus: enough to stay within the error budget


def test_bad_inputs_are_explained_and_good_files_encoded(tmp_path, shared_cad, instance):
    parts, bad = tmp_path / "sources" / "parts", tmp_path / "sources" / "bad inputs"
    good = copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[-GOOD_PARTS:], parts)
    (parts_label,) = root_labels([parts])
    expected = make_bad_corpus(bad, shared_cad)
    for path in good:
        expected[partition_key(parts_label, PurePosixPath(path.name))] = Expected(path.name, ENCODED)
    settings = CadPipelineSettings(
        sources=os.pathsep.join(map(str, [parts, bad])),
        output_dir=str(tmp_path / "out"),
        workers=2,
        file_timeout_s=8,
        max_file_mb=MAX_FILE_MB,
    )

    result = build_definitions(settings=settings).resolve_job_def("build_dataset").execute_in_process(
        instance=instance, raise_on_error=False
    )

    assert result.success  # every bad file failed on its own; the run finished within budget
    files = read_table(settings.layout.table("cad_files"))
    infoset = read_table(settings.layout.table("cad_infoset"))
    errors = read_table(settings.layout.table("cad_errors"))
    outcomes = _outcomes(files, infoset, errors)
    assert {key: outcomes.get(key, NOT_DISCOVERED) for key in expected} == {
        key: case.outcome for key, case in expected.items()
    }
    assert set(outcomes) <= set(expected), "every discovered file is a case of the corpus"

    assert errors["partition_key"].is_unique
    assert not set(errors["partition_key"]) & set(infoset["partition_key"])
    messages = errors.set_index("partition_key")["message"]
    for key, message in messages.items():
        case = expected[key]
        assert case.message in message, case.case
        assert not message.startswith("Traceback") and len(message.split()) >= 5, (case.case, message)
    # Failed files stay unmaterialized: only the encoded ones have a materialization.
    assert instance.get_materialized_partitions(ENCODINGS) == set(infoset["partition_key"])


def _outcomes(files: pd.DataFrame, infoset: pd.DataFrame, errors: pd.DataFrame) -> dict[str, str]:
    """What the run made of every discovered file: encoded, its error type, or nothing."""
    outcomes = dict.fromkeys(files["partition_key"], "neither encoded nor failed")
    outcomes.update(dict.fromkeys(infoset["partition_key"], ENCODED))
    outcomes.update(zip(errors["partition_key"], errors["error_type"]))
    return outcomes
