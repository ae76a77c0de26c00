"""Definition-time checks: what would go wrong in a run fails when the definitions load."""

import dataclasses

import dagster as dg
import pytest

from cad_assets import flow
from cad_assets.builtin import brep_features, default_encoders
from cad_assets.defs.definitions import build_definitions
from cad_assets.defs.graph_export import to_dot, to_mermaid
from cad_assets.schema import SchemaBuilder
from cad_assets_tests.flow.user_tasks import edge_uses, summarise, uses_by_file


def _build(encoders=None, tasks=(), debug=False):
    return build_definitions(encoders=encoders, dataset_tasks=tasks, debug=debug)


def _schema(group="faces", array="area", base="face"):
    builder = SchemaBuilder(domain="test")
    builder.create_group(group, base).create_array(array, [base], "float64")
    return builder.build()


def test_a_task_input_that_nothing_produces_is_rejected():
    @flow.dataset_task
    def needs_statistics(face_statistics):
        return {}

    with pytest.raises(flow.FlowDefinitionError, match="needs input 'face_statistics'.*nothing produces"):
        _build(tasks=[needs_statistics])


def test_two_producers_of_one_output_are_rejected():
    twice = dataclasses.replace(uses_by_file, function=summarise.function)
    with pytest.raises(flow.FlowDefinitionError, match="two dataset tasks produce 'uses_by_file'"):
        _build(tasks=[uses_by_file, twice])
    clash = dataclasses.replace(edge_uses, schema=_schema(), name="my_areas")
    with pytest.raises(flow.FlowDefinitionError, match="'faces/area' is produced by both 'brep_features' and 'my_areas'"):
        _build(encoders=[*default_encoders(), clash])
    renamed = dataclasses.replace(uses_by_file, name="cad_dataset")
    with pytest.raises(flow.FlowDefinitionError, match="would replace the pipeline's own asset"):
        _build(tasks=[renamed])


def test_groups_must_agree_on_their_base_dimension():
    odd = dataclasses.replace(edge_uses, schema=_schema(array="weight", base="vertex"), name="odd")
    with pytest.raises(flow.FlowDefinitionError, match="group 'faces' over 'vertex'"):
        _build(encoders=[brep_features, odd])


def test_tasks_reading_each_other_in_a_cycle_are_rejected():
    first = flow.dataset_task(name="first", inputs={"x": "second"})(lambda x: x)
    second = flow.dataset_task(name="second", inputs={"x": "first"})(lambda x: x)
    with pytest.raises(flow.FlowDefinitionError, match="cycle"):
        _build(tasks=[first, second])


def test_encoders_the_workers_cannot_import_are_rejected_unless_in_debug_mode():
    @flow.encoder(version="1", schema=_schema(array="local"))
    def local_encoder(cad_model, storage):
        storage.save_data("faces/local", [0.0] * cad_model.n_faces)

    with pytest.raises(flow.FlowDefinitionError, match="defined inside another function.*top level of a .py module"):
        _build(encoders=[brep_features, local_encoder])
    main_encoder = dataclasses.replace(local_encoder)
    main_encoder.function.__module__ = "__main__"
    with pytest.raises(flow.FlowDefinitionError, match=r"__main__ \(a notebook"):
        _build(encoders=[brep_features, main_encoder])
    assert _build(encoders=[brep_features, local_encoder], debug=True)


def test_parameters_nothing_provides_are_rejected_at_decoration():
    with pytest.raises(flow.FlowDefinitionError, match=r"asks for \['mesh'\]"):
        flow.encoder(version="1", schema=_schema())(lambda cad_model, mesh: None)
    with pytest.raises(flow.FlowDefinitionError, match="gather tasks may ask for"):
        flow.gather(lambda folders: [])


def test_changing_an_encoders_version_marks_exactly_the_encodings_stale():
    graph_v1 = _build([*default_encoders(), edge_uses]).resolve_asset_graph()
    bumped = dataclasses.replace(edge_uses, version="2")
    graph_v2 = _build([*default_encoders(), bumped]).resolve_asset_graph()

    changed = {key.to_user_string() for key in graph_v1.get_all_asset_keys()
               if graph_v1.get(key).code_version != graph_v2.get(key).code_version}
    assert changed == {"cad_encodings"}


def test_the_asset_graph_exports_to_mermaid_and_dot():
    defs = _build([*default_encoders(), edge_uses], tasks=[uses_by_file, summarise])
    mermaid = to_mermaid(defs)
    assert mermaid.startswith("flowchart LR")
    for edge in ("cad_files --> cad_encodings", "cad_dataset --> uses_by_file",
                 "uses_by_file --> uses_summary", "cad_infoset --> uses_by_file"):
        assert edge in mermaid
    assert "encoders: brep_features, face_labels, preview, edge_uses" in mermaid
    assert "uses_by_file -> uses_summary;" in to_dot(defs)
    assert isinstance(defs, dg.Definitions)
