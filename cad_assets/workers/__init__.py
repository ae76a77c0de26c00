"""Crash-isolated worker pool. Knows nothing of OpenCascade or Dagster."""

from cad_assets.workers.pool import PoolSettings, TaskFailure, run_isolated

__all__ = ["PoolSettings", "TaskFailure", "run_isolated"]
