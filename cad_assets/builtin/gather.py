"""``discover``: the built-in gatherer, every CAD file under the source folders."""

from cad_assets.flow import gather
from cad_assets.sources import discover_cad_files


@gather(name="discover")
def discover(sources, settings):
    """Every ``.step .stp .iges .igs .brep`` file (any case) under ``sources``, recursively;
    symlinks leading outside a source folder only with ``settings.follow_external_symlinks``."""
    return discover_cad_files(sources, settings.follow_external_symlinks)
