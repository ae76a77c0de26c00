"""Without torch installed, the splits and statistics work and torch parts say what to install."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys

    class NoTorch:  # `import torch` raises ModuleNotFoundError, as if it were not installed
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("torch", "torch_geometric"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, NoTorch())
    import cad_assets.ml as ml
    split = ml.make_split(sys.argv[1], "no_torch", "faces/label", seed=0)
    assert sum(len(split.file_ids(s)) for s in ml.SUBSETS) == 80
    assert "faces/uv_grid" in split.statistics
    assert ml.load_split(sys.argv[1], "no_torch").files.equals(split.files)
    for name in ("CadGraphDataset", "collate_graphs", "to_pyg", "FaceSegmentationNet"):
        try:
            getattr(ml, name)
        except ImportError as error:
            print(name, error)
        else:
            raise SystemExit(name + " imported without torch")
""")


def test_splits_work_without_torch_and_torch_parts_name_the_extra(output):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(output)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "CadGraphDataset", "collate_graphs", "to_pyg", "FaceSegmentationNet"]
    assert all('pip install -e ".[torch]"' in line for line in lines), lines
