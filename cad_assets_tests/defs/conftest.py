import pytest

from cad_assets.defs.resources import CadPipelineSettings


@pytest.fixture
def drop_folder(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(tmp_path, drop_folder):
    return CadPipelineSettings(
        sources=str(drop_folder), output_dir=str(tmp_path / "out"), workers=2, file_timeout_s=60
    )
