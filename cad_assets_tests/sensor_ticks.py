"""One tick of ``cad_drop_folder_sensor`` as the daemon runs it, for tests."""

import dagster as dg

from cad_assets.builtin import default_pipeline
from cad_assets.defs.sensors import cad_drop_folder_sensor


def tick(instance: dg.DagsterInstance, settings, cursor: str | None) -> dg.SensorResult:
    """Evaluate the sensor, then apply its partition requests as the daemon would, so that the
    next tick (and the runs it asks for) see the partitions."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor,
        resources={"settings": settings, "cad_pipeline": default_pipeline()},
    )
    result = cad_drop_folder_sensor(context)
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result
