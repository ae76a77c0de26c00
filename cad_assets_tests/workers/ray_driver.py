"""Run :func:`run_isolated` on a Ray cluster from a test host and print the outcomes as JSON.

``python -m cad_assets_tests.workers.ray_driver '<PoolSettings fields as JSON>' TASK ITEM...``
prints one line per item: ``{"index", "result" | "failure"}``, as each completes.
"""

import dataclasses
import json
import sys

from cad_assets.workers import PoolSettings, TaskFailure, run_isolated


def main(settings_json: str, task: str, *items: str) -> None:
    settings = PoolSettings(**json.loads(settings_json))
    for index, result in run_isolated(task, list(items), settings):
        line = ({"index": index, "failure": dataclasses.asdict(result)}
                if isinstance(result, TaskFailure) else {"index": index, "result": result})
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
