from cad_assets.storage import resolve_published
from cad_assets_tests.explore.sample_dataset import FACES


def test_table_of_contents_lists_every_array_with_its_size(explorer, output):
    toc = explorer.toc()
    assert toc.n_files == 4
    assert toc.rows == {"edges": 12, "faces": 16, "file": 4, "graph": 24}
    paths = [array.path for array in toc.arrays]
    assert paths == sorted(paths) and "faces/file_id" in paths
    uv_grid = next(array for array in toc.arrays if array.path == "faces/uv_grid")
    assert uv_grid.shape == (16, 10, 10, 7) and uv_grid.dtype == "float32"
    assert uv_grid.chunks == (4, 10, 10, 7)
    assert uv_grid.nbytes == 16 * 700 * 4
    shards = resolve_published(output / "cad_dataset.zarr") / "shards"
    on_disk = [file for shard in shards.iterdir() if shard.is_dir()
               for file in (shard / "faces" / "uv_grid").rglob("*") if file.is_file()]
    assert uv_grid.stored_bytes == sum(file.stat().st_size for file in on_disk) > 0
    assert toc.stored_bytes == sum(array.stored_bytes for array in toc.arrays)

    frame = toc.to_frame()
    assert len(frame) == len(toc.arrays)
    row = frame.set_index("path").loc["faces/surface_type"]
    assert row["shape"] == (sum(len(types) for types, _ in FACES.values()),)
    assert row["dtype"] == "int32"
