"""``cad_dataset`` draws its charts again only when what they show may have changed: a run
with nothing to encode shows the previous charts without reading the dataset or drawing."""

import dagster as dg
import pytest

import cad_assets.defs.assets.dataset as dataset_assets
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.resources import CadPipelineSettings
from cad_assets_tests.conftest import copy_files

DATASET = dg.AssetKey("cad_dataset")


def _charts(instance) -> dict:
    metadata = instance.get_latest_materialization_event(DATASET).asset_materialization.metadata
    return {name: value.value for name, value in metadata.items()
            if name.startswith("chart/") or name == dataset_assets.CHARTS_KEY}


def _build(settings, instance):
    job = build_definitions(settings=settings).resolve_job_def("build_dataset")
    assert job.execute_in_process(instance=instance, raise_on_error=False).success


def test_charts_are_drawn_again_only_when_their_inputs_change(
        shared_cad, drop_folder, settings, instance, monkeypatch):
    copy_files(sorted((shared_cad / "mfcad").glob("*.step"))[:2], drop_folder)
    # One worker; the run adding the broken file (1 of 1 failed) passes the error budget.
    settings = CadPipelineSettings(**{**settings.model_dump(), "workers": 1, "error_budget": 1.0})
    _build(settings, instance)
    first = _charts(instance)
    assert {"chart/faces_per_file", "chart/surface_types", "chart/errors"} <= set(first)

    drawn = []
    draw = dataset_assets.dataset_charts

    def counting(*args, **kwargs):
        drawn.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(dataset_assets, "dataset_charts", counting)
    _build(settings, instance)  # nothing changed: the same charts, not drawn
    assert drawn == [] and _charts(instance) == first

    (drop_folder / "broken.step").write_bytes(b"ISO-10303-21;\nnot the rest\n")
    _build(settings, instance)  # a new error (the dataset itself is unchanged): drawn again
    again = _charts(instance)
    assert drawn == [1] and again[dataset_assets.CHARTS_KEY] != first[dataset_assets.CHARTS_KEY]
    assert again["chart/errors"] != first["chart/errors"]
    assert again["chart/surface_types"] == first["chart/surface_types"]


@pytest.mark.parametrize("change", ["version", "faces", "labels", "names", "errors"])
def test_the_key_follows_every_input_of_the_charts(change, tmp_path):
    import pandas as pd

    infoset = pd.DataFrame({"file_id": [0, 1], "n_faces": [10, 20], "label": [0, 1],
                            "label_name": ["a", "b"], "encode_seconds": [0.1, 0.2]})
    attribset = pd.DataFrame({"field": ["faces/surface_type"], "code": [0], "name": ["plane"]})
    errors = pd.DataFrame({"partition_key": ["x"], "error_type": ["Timeout"]})
    version = tmp_path / "versions" / "abc"
    key = dataset_assets.charts_key(version, infoset, attribset, errors)
    assert dataset_assets.charts_key(version, infoset.copy(), attribset, errors) == key
    # What the charts do not show leaves the key alone.
    assert dataset_assets.charts_key(version, infoset.assign(encode_seconds=9.0), attribset,
                                     errors.assign(partition_key="y")) == key
    changed = {
        "version": (tmp_path / "versions" / "abd", infoset, attribset, errors),
        "faces": (version, infoset.assign(n_faces=[10, 21]), attribset, errors),
        "labels": (version, infoset.assign(label_name=["a", "c"]), attribset, errors),
        "names": (version, infoset, attribset.assign(name=["flat"]), errors),
        "errors": (version, infoset, attribset, errors.assign(error_type="CadParseError")),
    }[change]
    assert dataset_assets.charts_key(*changed) != key
