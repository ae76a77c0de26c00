"""``cad-assets``: small command-line helpers around the pipeline's outputs.

``cad-assets describe`` prints where the dataset is and what it holds, from the run summary.
"""

import argparse
import json
import sys
from pathlib import Path

from cad_assets.defs.resources import CadPipelineSettings
from cad_assets.storage import open_dataset


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cad-assets", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    describe_parser = commands.add_parser("describe", help="what the last build produced")
    describe_parser.add_argument(
        "--summary", type=Path, default=None, help="summary.json (default: from CAD_ASSETS_OUTPUT)"
    )
    args = parser.parse_args(argv)
    summary = args.summary or CadPipelineSettings.from_env().summary_path
    print(describe(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
