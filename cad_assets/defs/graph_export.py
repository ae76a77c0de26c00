"""The asset graph of a code location as Mermaid or Graphviz text, for docs and reviews
(like nextpipe's diagram): ``cad-assets graph``."""

import importlib

import dagster as dg


def load_definitions(module: str) -> dg.Definitions:
    """The ``Definitions`` object of ``module`` (its ``defs``, or its only ``Definitions``)."""
    loaded = importlib.import_module(module)
    found = [v for v in vars(loaded).values() if isinstance(v, dg.Definitions)]
    if getattr(loaded, "defs", None) is not None:
        return loaded.defs
    if len(found) != 1:
        raise ValueError(f"{module} must define one Definitions object (named defs), found {len(found)}")
    return found[0]


def _nodes_and_edges(defs: dg.Definitions):
    graph = defs.resolve_asset_graph()
    nodes = []
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        notes = [node.group_name or "default"]
        if node.is_partitioned:
            notes.append("one partition per file")
        encoders = (node.metadata or {}).get("encoders")
        if encoders:
            notes.append(f"encoders: {getattr(encoders, 'value', encoders)}")
        nodes.append((key.to_python_identifier(), key.to_user_string(), ", ".join(notes)))
    edges = sorted(
        (parent.to_python_identifier(), key.to_python_identifier())
        for key in graph.get_all_asset_keys()
        for parent in graph.get(key).parent_keys
    )
    return nodes, edges


def to_mermaid(defs: dg.Definitions) -> str:
    nodes, edges = _nodes_and_edges(defs)
    lines = ["flowchart LR"]
    lines += [f'    {node}["{name}<br/><small>{notes}</small>"]' for node, name, notes in nodes]
    lines += [f"    {parent} --> {child}" for parent, child in edges]
    return "\n".join(lines)


def to_dot(defs: dg.Definitions) -> str:
    nodes, edges = _nodes_and_edges(defs)
    lines = ["digraph assets {", "    rankdir=LR;", "    node [shape=box];"]
    lines += [f'    {node} [label="{name}\\n{notes}"];' for node, name, notes in nodes]
    lines += [f"    {parent} -> {child};" for parent, child in edges]
    return "\n".join([*lines, "}"])
