"""The code location the cluster tests run: the built-in encoders, then one that fails the way
OpenCascade does on files named for it (``segfault*`` crashes its worker, ``hang*`` never
returns), so that a run on the cluster meets both on otherwise good parts. Every other part
takes a second, as the parts of a real corpus do (these MFCAD parts take 50 ms): a node killed
mid-build is then holding files."""

import ctypes
import time
from pathlib import Path

from cad_assets import flow
from cad_assets.builtin import default_encoders
from cad_assets.defs.definitions import build_definitions
from cad_assets.schema import SchemaBuilder


def _schema():
    builder = SchemaBuilder(domain="cluster_tests")
    builder.define_file_metadata("name_length", "int", "characters in the file's name")
    return builder.build()


@flow.encoder(version="1", schema=_schema())
def misbehave_by_name(cad_file, storage):
    stem = Path(cad_file.path).stem
    if stem.startswith("segfault"):
        ctypes.string_at(0)
    if stem.startswith("hang"):
        while True:
            time.sleep(0.05)
    time.sleep(1)
    storage.save_metadata("name_length", len(stem))


defs = build_definitions(encoders=[*default_encoders(), misbehave_by_name])
