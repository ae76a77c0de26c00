"""A dataset that follows its changes, through the ``build_dataset`` job and the sensor: stable
file ids, nothing left of deleted files, and incremental builds equal to one clean build."""

import shutil

import dagster as dg
import pytest

from cad_assets.builtin import default_pipeline
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.ml import SplitMismatchError, load_split, make_split
from cad_assets.storage import read_table
from cad_assets_tests.conftest import copy_files
from cad_assets_tests.dataset_equality import assert_same_outputs, file_ids
from cad_assets_tests.sensor_ticks import tick


@pytest.fixture
def parts(shared_cad):
    return sorted((shared_cad / "mfcad").glob("*.step"))


def _settings(root, sources) -> CadPipelineSettings:
    return CadPipelineSettings(sources=str(sources), output_dir=str(root / "out"), workers=2)


def _build(settings, instance, **kwargs):
    job = build_definitions(settings=settings).resolve_job_def("build_dataset")
    result = job.execute_in_process(instance=instance, raise_on_error=False, **kwargs)
    assert result.success
    return result


def _catalogue_rows(settings) -> dict:
    """What the catalogue holds of each current file, without what differs between runs."""
    files = read_table(settings.layout.files)
    current = settings.catalogue(default_pipeline().version).current(files)
    run_specific = {"encode_seconds", "worker_pid", "source_path"}
    return {row.partition_key: (row.status, row.rows, {k: v for k, v in row.metadata.items()
                                                       if k not in run_specific})
            for row in current.itertuples()}


def _replace(part, content, folder):
    """Give the copy of ``part`` in ``folder`` the content (and face labels) of ``content``."""
    for suffix in (".step", ".face_truth"):
        shutil.copyfile(content.with_suffix(suffix), (folder / part.name).with_suffix(suffix))


def _with_labels(parts):
    return [*parts, *(part.with_suffix(".face_truth") for part in parts)]


def test_incremental_builds_keep_file_ids_and_equal_a_clean_build(tmp_path, instance, parts):
    sources = tmp_path / "sources" / "mfcad"
    copy_files(_with_labels(parts[:10]), sources)
    settings = _settings(tmp_path / "incremental", tmp_path / "sources")
    _build(settings, instance)
    before = file_ids(settings.layout.root)
    assert sorted(before.values()) == list(range(10))
    split = make_split(settings.layout.root, "s", "faces/label", fractions=(0.6, 0.2, 0.2))

    edited, deleted = f"sources/mfcad/{parts[3].name}", f"sources/mfcad/{parts[5].name}"
    _replace(parts[3], parts[20], sources)
    (sources / parts[5].name).unlink()
    copy_files(_with_labels(parts[10:12]), sources)
    _build(settings, instance)

    after = file_ids(settings.layout.root)
    assert {key: after[key] for key in before if key != deleted} == {
        key: i for key, i in before.items() if key != deleted}  # the edited file kept its id
    assert sorted(after[f"sources/mfcad/{part.name}"] for part in parts[10:12]) == [10, 11]
    with pytest.raises(SplitMismatchError, match=f"changed content .sha256.: {edited}"), \
            pytest.warns(UserWarning, match=f"no longer in the dataset, left out: {deleted}"):
        load_split(settings.layout.root, "s")

    _replace(parts[3], parts[3], sources)  # the edit undone: the split loads again
    _build(settings, instance)
    with pytest.warns(UserWarning, match=deleted):
        reloaded = load_split(settings.layout.root, "s")
    assert set(reloaded.files["partition_key"]) == set(split.files["partition_key"]) - {deleted}
    copy_files([parts[5]], sources)  # the deleted file is back: a new id, never its old one
    _build(settings, instance)
    assert file_ids(settings.layout.root)[deleted] == 12

    clean = _settings(tmp_path / "clean", tmp_path / "sources")
    with dg.instance_for_test() as fresh:
        _build(clean, fresh)
    assert_same_outputs(settings.layout.root, clean.layout.root)
    assert _catalogue_rows(settings) == _catalogue_rows(clean)
    stores = sorted(settings.layout.encodings.glob("**/*.zarr.zip"))
    assert len(stores) == len(file_ids(settings.layout.root)) == 12  # no store of a superseded content is left


def _run_what_the_sensor_asks(instance, settings, ticks=2):
    cursor = None
    for _ in range(ticks):
        result = tick(instance, settings, cursor)
        cursor = result.cursor
        for request in result.run_requests:
            _build(settings, instance, run_config=request.run_config)
    return cursor


def test_a_file_dropped_then_deleted_leaves_nothing_behind(tmp_path, instance, parts):
    drop = tmp_path / "drop"
    copy_files(parts[:3], drop)
    settings = _settings(tmp_path, drop)
    _build(settings, instance)

    (copy,) = copy_files([parts[3]], drop)
    key = f"drop/{copy.name}"
    cursor = _run_what_the_sensor_asks(instance, settings)
    assert key in file_ids(settings.layout.root)
    assert (settings.layout.encodings / key).is_dir()

    copy.unlink()
    result = tick(instance, settings, cursor)
    assert result.run_requests, "a deleted file must trigger a rebuild"
    for request in result.run_requests:
        _build(settings, instance, run_config=request.run_config)

    assert not (settings.layout.encodings / key).exists()
    assert key not in settings.catalogue(default_pipeline().version).file_ids()
    for table in ("cad_files", "cad_infoset", "cad_errors"):
        assert key not in set(read_table(settings.layout.table(table))["partition_key"]), table
    assert settings.layout.open_dataset().attrs["n_files"] == 3
    assert len(list(settings.layout.encodings.glob("**/*.zarr.zip"))) == 3
