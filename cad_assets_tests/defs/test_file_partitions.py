"""Keeping the ``cad_file`` partitions in step with the files, also when two runs race."""

from unittest import mock

from sqlalchemy.exc import IntegrityError

from cad_assets.defs.assets.files import sync_file_partitions


def test_partitions_follow_the_files(instance):
    assert sync_file_partitions(instance, {"cad/a.step", "cad/b.step"}) == (["cad/a.step", "cad/b.step"], [])
    assert sync_file_partitions(instance, {"cad/b.step", "cad/c.step"}) == (["cad/c.step"], ["cad/a.step"])
    assert sorted(instance.get_dynamic_partitions("cad_file")) == ["cad/b.step", "cad/c.step"]


def test_a_run_adding_the_same_partitions_at_the_same_moment_is_not_an_error(instance):
    add = instance.add_dynamic_partitions

    def other_run_won(name, keys):
        add(name, keys[:1])  # the other run's insert lands between our read and our write
        add_mock.side_effect = add
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    with mock.patch.object(instance, "add_dynamic_partitions", side_effect=other_run_won) as add_mock:
        added, removed = sync_file_partitions(instance, {"cad/a.step", "cad/b.step"})

    assert (added, removed) == (["cad/b.step"], [])
    assert sorted(instance.get_dynamic_partitions("cad_file")) == ["cad/a.step", "cad/b.step"]
