"""Optional dependencies: torch and PyTorch Geometric, imported only where needed."""

import importlib
from types import ModuleType

#: What to install when torch or PyG is missing (CPU torch; see pyproject.toml).
INSTALL_HINT = 'pip install -e ".[torch]"'


def require_torch() -> ModuleType:
    """Import and return ``torch``.

    Raises
    ------
    ImportError
        If torch is not installed, with the command that installs it.
    """
    return _require("torch", "PyTorch")


def require_pyg() -> ModuleType:
    """Import and return ``torch_geometric`` (PyTorch Geometric).

    Raises
    ------
    ImportError
        If it is not installed, with the command that installs it.
    """
    require_torch()
    return _require("torch_geometric", "PyTorch Geometric")


def _require(module: str, name: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"cad_assets.ml needs {name} ({module}) for this; install it with: {INSTALL_HINT}"
        ) from error
