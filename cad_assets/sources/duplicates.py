"""Files with identical content: groups of files with the same SHA-256, their counts, and the
groups whose copies are labelled differently.

Plain pandas (no OpenCascade, no Dagster). Public corpora hold many copies of the same part
(ABC's training sets are deduplicated first): a copy in train and another in test leaks the
test set, and copies labelled differently contradict each other.
"""

from collections.abc import Sequence

import pandas as pd

from cad_assets.sources.hashing import sha256_of

#: Columns :func:`with_duplicate_groups` adds, and what they mean.
DUPLICATE_COLUMNS = {
    "duplicate_group": (
        "the group of files with identical content (same sha256): the partition key of the "
        "group's first file in partition-key order; a file with no copy names itself, so "
        "`duplicate_group == partition_key` marks the first (or only) copy of each content and "
        "`drop_duplicates('duplicate_group')` keeps one copy of each. Grouped over every file "
        "found (cad_files); an unreadable file (no sha256) is a group of its own."
    ),
    "duplicate_count": (
        "files found (cad_files) with this file's content, itself included: 1 = no copy"
    ),
}


def with_duplicate_groups(files: pd.DataFrame) -> pd.DataFrame:
    """``files`` (columns ``partition_key`` and ``sha256``) with ``duplicate_group`` and
    ``duplicate_count`` (see :data:`DUPLICATE_COLUMNS`); rows and their order unchanged."""
    keys = files["partition_key"].astype(str)
    # A file without a hash (unreadable) is identical to nothing: its own key stands for it.
    hashed = files["sha256"].notna() & (files["sha256"] != "")
    content = files["sha256"].where(hashed, "key:" + keys)
    by_content = pd.DataFrame({"key": keys, "content": content})
    first = by_content.groupby("content", sort=False)["key"].transform("min")
    count = by_content.groupby("content", sort=False)["key"].transform("size")
    return files.assign(duplicate_group=first.to_numpy(),
                        duplicate_count=count.astype("int32").to_numpy())


def content_groups(table: pd.DataFrame) -> pd.Series:
    """The group of identical files of each row: ``duplicate_group`` when the table has it,
    else its ``sha256`` (an infoset written before the column existed), else its key."""
    if "duplicate_group" in table:
        group = table["duplicate_group"]
    elif "sha256" in table:
        group = table["sha256"]
    else:
        group = pd.Series(pd.NA, index=table.index, dtype=object)
    keys = table["partition_key"] if "partition_key" in table else table.index.to_series()
    return group.where(group.notna() & (group.astype(str) != ""), keys.astype(str)).astype(str)


def duplicate_counts(table: pd.DataFrame) -> dict[str, int]:
    """Among the rows of ``table`` (``cad_files`` or ``cad_infoset``): ``groups`` of two or
    more identical files, the ``files`` in them, and the ``extra_copies`` (files a
    deduplicated dataset would drop: files - groups)."""
    sizes = content_groups(table).value_counts()
    sizes = sizes[sizes > 1]
    return {"groups": len(sizes), "files": int(sizes.sum()),
            "extra_copies": int(sizes.sum() - len(sizes))}


def face_label_digests(table: pd.DataFrame) -> pd.Series:
    """What each row's face label file (column ``face_label_file``) holds, to compare copies
    by their labels' content: ``"sha256:<first 16 hex digits>"``, ``None`` when the file has
    no label file, ``"unreadable"`` when it cannot be read now. Reads only the label files
    (small), one per row: pass the rows of duplicate groups."""
    def digest(path: str):
        if not path:
            return None
        sha = sha256_of(path)
        return f"sha256:{sha[:16]}" if sha else "unreadable"

    return table["face_label_file"].fillna("").astype(str).map(digest)


def label_conflicts(table: pd.DataFrame, fields: Sequence[str]) -> list[dict]:
    """The groups of identical files whose values of ``fields`` differ between copies.

    Parameters
    ----------
    table
        One row per file: ``partition_key``, the group (see :func:`content_groups`) and the
        ``fields`` (e.g. ``label_name``, the per-file class from folders or a table). A
        missing value (a file the label table does not list) differs from any label.
    fields
        The columns to compare; those not in ``table`` are left out.

    Returns
    -------
    list of dict
        One per group and field that disagree, in order of the group: ``duplicate_group``,
        ``field`` and ``values`` (partition key -> value; ``None`` for missing).
    """
    fields = [field for field in fields if field in table]
    if not fields or table.empty:
        return []
    groups = content_groups(table)
    shared = groups.duplicated(keep=False)
    conflicts = []
    rows = table[shared].assign(_group=groups[shared]).sort_values(["_group", "partition_key"])
    for group, members in rows.groupby("_group", sort=True):
        for field in fields:
            values = [None if pd.isna(value) else _plain(value) for value in members[field]]
            if len({repr(value) for value in values}) > 1:
                conflicts.append({"duplicate_group": group, "field": field,
                                  "values": dict(zip(members["partition_key"], values))})
    return conflicts


def describe_conflicts(conflicts: list[dict], shown: int = 5) -> str:
    """One line for the run log: how many groups of copies disagree, and the first ones."""
    groups = {conflict["duplicate_group"] for conflict in conflicts}
    parts = [f"{c['field']} of " + ", ".join(f"{key}={value!r}" for key, value in c["values"].items())
             for c in conflicts[:shown]]
    more = f"; and {len(conflicts) - shown} more" if len(conflicts) > shown else ""
    return (f"{len(groups)} group(s) of identical files (same sha256) are labelled differently: "
            + "; ".join(parts) + more)


def _plain(value):
    """A JSON-able value (numpy scalars as Python ones)."""
    return value.item() if hasattr(value, "item") else value
