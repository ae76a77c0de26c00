"""``cad-assets``: small command-line helpers around the pipeline's outputs.

``cad-assets describe`` prints where the dataset is and what it holds, from the run summary.
``toc``, ``file``, ``query`` and ``hist`` look into the dataset (see ``cad-assets <command> -h``).
``errors`` lists the files that failed, with why; ``file`` on one of them prints its error.
``graph`` prints the asset graph of a code location as Mermaid (or Graphviz) text.
``encode`` runs the encoders on one CAD file in this process and prints what they saved.
Every command reads the output folder of ``CAD_ASSETS_OUTPUT`` unless given ``--output``.
"""

import argparse
import json
import sys
from pathlib import Path

from cad_assets.explore import Explorer
from cad_assets.explore.errors import (
    Outcomes,
    filter_errors,
    find_unencoded,
    render_errors,
    render_unencoded,
)
from cad_assets.explore.render import render_file, render_histogram, render_table, render_toc
from cad_assets.storage import open_dataset

#: Columns ``query`` prints by default.
QUERY_COLUMNS = "file_id,partition_key,matching_rows,rows"


def describe(summary_path: Path) -> str:
    """A human-readable account of the last run summary and the dataset it names."""
    if not summary_path.exists():
        return f"No run summary at {summary_path}: run build_dataset first (make demo)."
    summary = json.loads(summary_path.read_text())
    counts = summary["file_count"]
    lines = [
        f"Dataset:   {summary['dataset']}",
        f"Infoset:   {summary['infoset']}",
        f"Attribset: {summary['attribset']}",
        f"Errors:    {summary['errors']}",
        f"Files: {counts['in_dataset']} in the dataset, {counts['failed']} failed, "
        f"{counts['discovered']} discovered",
    ]
    if summary["error_distribution"]:
        lines.append(f"Errors by type: {summary['error_distribution']}")
    dataset = open_dataset(Path(summary["dataset"]))
    for group_name, group in sorted(dataset.groups()):
        lines.append(f"  {group_name}/")
        for array_name, array in sorted(group.arrays()):
            lines.append(f"    {array_name:<16} {str(array.shape):<20} {array.dtype}")
    return "\n".join(lines)


def _settings():
    # Imported here: the settings resource imports Dagster, which --output does not need.
    from cad_assets.defs.resources import CadPipelineSettings

    return CadPipelineSettings.from_env()


def _toc(explorer: Explorer, args) -> str:
    return render_toc(explorer.toc(), str(args.output))


def _file(output: Path, args) -> str:
    try:
        explorer = Explorer.open(output)
        file_id = explorer.file_id(args.key)
    except (FileNotFoundError, KeyError):
        # Not in the dataset (or no dataset yet): a file that failed or was skipped says why.
        unencoded = find_unencoded(output, args.key, args.catalogue_url)
        if unencoded is None:
            raise
        return render_unencoded(unencoded, tracebacks=args.traceback)
    groups = args.group or [name for name, _ in sorted(explorer.dataset.groups())]
    rows = {group: explorer.file_rows(file_id, group) for group in groups}
    info = explorer.files.info(file_id) if explorer.infoset is not None else None
    return render_file(info, rows, head=args.head)


def _query(explorer: Explorer, args) -> str:
    found = explorer.query(*args.conditions, min_rows=args.min_rows, every=args.every)
    if args.paths:
        return "\n".join(found["path"].astype(str))
    columns = args.columns.split(",")
    if args.columns == QUERY_COLUMNS:  # without an infoset there is no partition_key
        columns = [column for column in columns if column in found.columns]
    return render_table(found, columns, args.limit)


def _errors(output: Path, args) -> str:
    outcomes = Outcomes.open(output, args.catalogue_url)
    errors = outcomes.errors
    shown = filter_errors(errors, error_type=args.type, encoder=args.encoder, path=args.path)
    filters = " ".join(f"--{name} {value}" for name, value in
                       (("type", args.type), ("encoder", args.encoder), ("path", args.path))
                       if value is not None)
    return render_errors(shown, output, failed=len(errors), skipped=len(outcomes.skips),
                         tracebacks=args.traceback, filters=filters)


def _hist(explorer: Explorer, args) -> str:
    histogram = explorer.histogram(args.field, bins=args.bins, value_range=args.range,
                                   discrete=True if args.discrete else None)
    return render_histogram(histogram, list_files=args.files)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cad-assets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    describe_parser = commands.add_parser("describe", help="what the last build produced")
    describe_parser.add_argument(
        "--summary", type=Path, default=None, help="summary.json (default: from CAD_ASSETS_OUTPUT)"
    )
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--output", type=Path, default=None,
                        help="output folder, or its cad_dataset.zarr (default: CAD_ASSETS_OUTPUT)")

    toc = commands.add_parser("toc", parents=[output], help="groups, arrays, shapes, sizes on disk")
    toc.set_defaults(run=_toc)

    file = commands.add_parser("file", parents=[output], help="all rows of one file")
    file.add_argument("key", help="file id, partition key or path")
    file.add_argument("--group", action="append", help="only this group (repeatable)")
    file.add_argument("--head", type=int, default=5, help="values shown per array (0: none)")
    file.add_argument("--traceback", action="store_true",
                      help="for a file that failed: also its full traceback")
    file.set_defaults(run=_file, needs_dataset=False)

    errors = commands.add_parser(
        "errors", parents=[output], help="the files that failed, and why",
        description="One line per failed file of the output (path relative to its source root, "
        "error type, encoder, first line of the message), then the count by error type. "
        "From the catalogue, so it also works when a run failed over the error budget.")
    errors.add_argument("--type", metavar="ERROR_TYPE",
                        help="only this error type (exact, else a case-insensitive substring)")
    errors.add_argument("--encoder", metavar="NAME",
                        help="only files this encoder failed (exact, else a substring)")
    errors.add_argument("--path", metavar="SUBSTRING", help="only paths holding SUBSTRING")
    errors.add_argument("--traceback", action="store_true", help="also each file's traceback")
    errors.set_defaults(run=_errors, needs_dataset=False)

    query = commands.add_parser(
        "query", parents=[output], help="files whose rows satisfy conditions",
        description="Files meeting every CONDITION, 'field op value': field is group/array, "
        "group/array[i] or an infoset column; op is == != < <= > >= or in (comma-separated "
        "values); category names resolve through cad_attribset. Example: "
        "cad-assets query 'faces/surface_type == torus' 'n_faces > 20'")
    query.add_argument("conditions", nargs="+", metavar="CONDITION")
    query.add_argument("--min-rows", type=int, default=1, help="least matching rows per file")
    query.add_argument("--every", action="store_true", help="every row of the file must match")
    query.add_argument("--columns", default=QUERY_COLUMNS, help="infoset columns to print")
    query.add_argument("--limit", type=int, default=50, help="files printed (the count is total)")
    query.add_argument("--paths", action="store_true", help="print only the paths, one a line")
    query.set_defaults(run=_query)

    hist = commands.add_parser("hist", parents=[output], help="histogram of an array or column")
    hist.add_argument("field", help="group/array, group/array[i] or an infoset column")
    hist.add_argument("--bins", type=int, default=10)
    hist.add_argument("--range", type=float, nargs=2, metavar=("LOW", "HIGH"))
    hist.add_argument("--discrete", action="store_true", help="one bin per distinct value")
    hist.add_argument("--files", type=int, default=0, metavar="N", help="list N file ids per bin")
    hist.set_defaults(run=_hist)

    graph = commands.add_parser("graph", help="the asset graph as Mermaid or Graphviz text")
    graph.add_argument("-m", "--module", default="cad_assets.definitions",
                       help="module holding the Definitions (default: the built-in pipeline)")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")

    encode = commands.add_parser(
        "encode", help="run the encoders on one CAD file here, no Dagster run",
        description="Read one CAD file and run the encoders on it in this process, as a "
        "worker would (no Dagster run, no store written); check what they save against their "
        "schemas with the workers' checks; print every array (name, shape, dtype, first "
        "values) and metadata field, or the error and its traceback (exit status 1). "
        "Encoders: the --encoder ones, else the project's pipeline: -m's definitions, else the "
        "module workspace.yaml in this folder names, else the built-in pipeline.")
    encode.add_argument("path", type=Path, help="a STEP, IGES or BREP file")
    encode.add_argument("--encoder", action="append", metavar="MODULE:FUNCTION",
                        help="an @encoder function to run instead of the pipeline (repeatable, "
                        "run in order; modules are found from this folder too)")
    encode.add_argument("-m", "--module", default=None,
                        help="definitions module whose pipeline to run (default: workspace.yaml "
                        "here, else the built-in pipeline)")
    encode.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an encoder option (value as JSON, else a string): KEY for every "
                        "encoder taking it (built-in pipeline: the CAD_ASSETS_ENCODER_OPTIONS "
                        "switches, e.g. preview=false face_grid_u=20), ENCODER.KEY for one")
    encode.add_argument("--head", type=int, default=5, help="values shown per array (0: none)")
    encode.add_argument("--save-files", type=Path, metavar="FOLDER",
                        help="write the files the encoders keep (preview.png) into FOLDER")
    return parser


def _encode(args) -> int:
    # Imported here: the CAD kernel loads only for this command (and only if an encoder reads).
    from cad_assets.flow.tasks import FlowDefinitionError
    from cad_assets.flow.trial import try_encode

    options = {}
    for item in args.option:
        key, equals, value = item.partition("=")
        if not equals or not key:
            print(f"cad-assets encode: --option {item!r} is not KEY=VALUE", file=sys.stderr)
            return 2
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    if args.path.is_dir():
        print(f"cad-assets encode: {args.path} is a folder; give one CAD file", file=sys.stderr)
        return 2
    sys.path.insert(0, "")  # the user's modules in the current folder, as `dagster -m` finds them
    try:
        trial = try_encode(args.path, args.encoder, module=args.module, options=options)
    except FlowDefinitionError as error:
        print(f"cad-assets encode: {error}", file=sys.stderr)
        return 2
    report = trial.report(head=args.head)
    if trial.ok:
        print(report)
    else:  # everything up to the failure on stdout, the failure itself on stderr
        before, _, failure = report.rpartition("\nFAILED ")
        if before:
            print(before, flush=True)
        print("FAILED " + failure, file=sys.stderr)
    if args.save_files is not None and trial.files:
        args.save_files.mkdir(parents=True, exist_ok=True)
        for name, data in trial.files.items():
            (args.save_files / name).write_bytes(data)
        print(f"wrote {', '.join(trial.files)} to {args.save_files}")
    return 0 if trial.ok else 1


def _graph(args) -> str:
    # Dagster loads only for this command; the others stay light.
    from cad_assets.defs.graph_export import load_definitions, to_dot, to_mermaid

    defs = load_definitions(args.module)
    return to_mermaid(defs) if args.format == "mermaid" else to_dot(defs)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "describe":
        try:
            print(describe(args.summary or _settings().layout.summary))
        except (FileNotFoundError, ValueError) as error:
            print(f"cad-assets describe: {error}", file=sys.stderr)
            return 1
        return 0
    if args.command == "encode":
        return _encode(args)
    if args.command == "graph":
        sys.path.insert(0, "")  # a project module in the current folder, as `dagster -m` finds it
        print(_graph(args))
        return 0
    args.catalogue_url = ""  # the output's own catalogue.sqlite
    if args.output is None:
        settings = _settings()
        args.output, args.catalogue_url = settings.layout.root, settings.catalogue_url
    try:
        if getattr(args, "needs_dataset", True):
            print(args.run(Explorer.open(args.output), args))
        else:
            print(args.run(args.output, args))
    except (KeyError, ValueError, IndexError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"cad-assets {args.command}: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
