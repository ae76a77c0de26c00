"""The Dagster code location: ``dagster dev`` and ``dagster job execute -m cad_assets.definitions``.

The built-in pipeline, made by the same call a user's project makes (see ``examples/``).
"""

from cad_assets.defs.definitions import build_definitions

defs = build_definitions()
