"""The example projects' set-up, as their READMEs write it, gives their runs the project's
Dagster instance settings (``dagster.yaml``: run queue, run monitoring, no telemetry), as
``make demo`` does."""

import re
import subprocess
from pathlib import Path

import dagster as dg
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROJECT_YAML = EXAMPLES.parent / "dagster.yaml"


def _set_up_lines(readme: Path) -> list[str]:
    """The README's shell lines that make ``DAGSTER_HOME`` (comments dropped)."""
    block = re.search(r"```bash\n(.*?)```", readme.read_text(), re.DOTALL)[1]
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if "DAGSTER_HOME" in line]


@pytest.mark.parametrize("project", ["part_classification", "mfcad_segmentation"])
def test_the_readme_set_up_links_the_projects_dagster_yaml(project, tmp_path):
    # The checkout's layout: <checkout>/dagster.yaml and <checkout>/examples/<project>/.
    (tmp_path / "dagster.yaml").symlink_to(PROJECT_YAML)
    folder = tmp_path / "examples" / project
    folder.mkdir(parents=True)
    lines = _set_up_lines(EXAMPLES / project / "README.md")
    assert lines[0].startswith("export DAGSTER_HOME=")
    script = " && ".join([*lines, 'printf %s "$DAGSTER_HOME"'])
    done = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True,
                          check=True)
    home = Path(done.stdout)
    assert home == folder / "data" / "dagster"  # inside the project's ignored data/ folder
    assert (home / "dagster.yaml").resolve() == PROJECT_YAML.resolve()

    with dg.DagsterInstance.from_config(str(home)) as instance:
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert coordinator.get_run_queue_config().tag_concurrency_limits == [
            {"key": "cad_assets/dataset", "limit": 1}]
        assert instance.run_monitoring_enabled
        assert not instance.telemetry_enabled
    done = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr  # running the set-up again is harmless
