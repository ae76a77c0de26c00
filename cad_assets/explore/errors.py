"""Files of an output that are not in its dataset: the ones that failed (the error table) and the
ones an encoder skipped, as the output's catalogue records them; and their plain-text views,
as ``cad-assets errors`` and ``cad-assets file`` print them.

The catalogue is read at the version of its latest recorded outcome, so a run that failed over
the error budget (no dataset, no summary) or one still running shows its failures too.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pandas as pd

from cad_assets.catalogue import ERROR_COLUMNS, Catalogue
from cad_assets.explore.files import FileTable
from cad_assets.sources import split_partition_key
from cad_assets.storage import OutputLayout, read_table

#: Columns of the ``errors`` table, as printed.
SHOWN_COLUMNS = (("shown_path", "path"), ("error_type", "error_type"), ("task", "encoder"),
                 ("first_line", "message"))


@dataclass(frozen=True)
class Unencoded:
    """One file without an encoding: ``status`` ``failed`` or ``skipped``; ``row`` is its row
    of the error table (failed) or ``None``; ``skip`` is ``"encoder: reason"`` (skipped)."""

    status: str
    partition_key: str
    path: str
    file_id: int
    row: pd.Series | None = None
    skip: str = ""


class Outcomes:
    """The failed and skipped files of one output folder.

    Parameters
    ----------
    files
        The ``cad_files`` table (``partition_key``, ``path``, ``relative_path``, ``sha256``...).
    catalogue
        The output's catalogue, or ``None`` if it records no outcome yet.
    """

    def __init__(self, root: Path, files: pd.DataFrame, catalogue: Catalogue | None):
        self.root, self.files, self.catalogue = Path(root), files, catalogue

    @classmethod
    def open(cls, output: Path | str, catalogue_url: str = "") -> "Outcomes":
        """The outcomes of an output folder (or of the one holding a ``.zarr`` dataset), from
        its ``catalogue.sqlite`` or ``catalogue_url``; ``FileNotFoundError`` if no build ran."""
        layout = OutputLayout.of(output)
        url = catalogue_url or layout.catalogue
        if "://" not in str(url) and not Path(url).exists():
            raise FileNotFoundError(f"no catalogue at {url}: no build has run in {layout.root} "
                                    "yet (run build_dataset, e.g. make demo) or pass --output")
        if not layout.files.exists():
            raise FileNotFoundError(f"no file table at {layout.files}: no build has run in "
                                    f"{layout.root} yet (run build_dataset) or pass --output")
        return cls(layout.root, read_table(layout.files), Catalogue.latest(layout.encodings, url))

    @cached_property
    def errors(self) -> pd.DataFrame:
        """The error table (:data:`~cad_assets.catalogue.ERROR_COLUMNS`) by partition key, with
        ``file_id``, ``shown_path`` (relative to the source root where known) and
        ``first_line`` (of the message)."""
        table = (pd.DataFrame(columns=ERROR_COLUMNS) if self.catalogue is None
                 else self.catalogue.errors(self.files))
        table = table.sort_values("partition_key", ignore_index=True)
        return table.assign(
            file_id=table["partition_key"].map(self._ids()).astype("Int64"),
            shown_path=self._shown_paths(table),
            first_line=table["message"].map(first_line),
            task=table["task"].fillna("").replace("", "-"),
        )

    @cached_property
    def skips(self) -> dict[str, str]:
        """``{partition key: "encoder: reason"}`` of the files an encoder skipped."""
        return {} if self.catalogue is None else self.catalogue.skips(self.files)

    def find(self, key: int | str | Path) -> Unencoded | None:
        """The failed or skipped file named by ``key`` (a file id, partition key, path or
        relative path, as :meth:`FileTable.file_id` resolves them), or ``None``."""
        ids = self._ids()
        known = self.files[self.files["partition_key"].isin(ids.keys())]
        table = known.assign(file_id=known["partition_key"].map(ids).astype("int64"))
        try:
            file_id = FileTable(table).file_id(key)
        except KeyError:
            return None
        row = table.set_index("file_id").loc[file_id]
        errors = self.errors.set_index("partition_key")
        if row.partition_key in errors.index:
            return Unencoded("failed", row.partition_key, str(row.path), file_id,
                             errors.loc[row.partition_key])
        if row.partition_key in self.skips:
            return Unencoded("skipped", row.partition_key, str(row.path), file_id,
                             skip=self.skips[row.partition_key])
        return None

    def _shown_paths(self, table: pd.DataFrame) -> pd.Series:
        """Paths relative to the source root, after the root's label when there are several
        roots (two may both hold ``a.step``); the full path where the root is not known."""
        if "relative_path" not in self.files:
            return table["path"]
        by_key = self.files.set_index("partition_key")
        relative = table["partition_key"].map(by_key["relative_path"])
        if by_key["source_root"].nunique() > 1:
            labels = table["partition_key"].map(lambda key: split_partition_key(key)[0])
            relative = labels + "/" + relative
        return relative.where(relative.notna() & (relative != ""), table["path"])

    def _ids(self) -> dict[str, int]:
        return {} if self.catalogue is None else self.catalogue.file_ids()


def find_unencoded(output: Path | str, key: int | str | Path,
                   catalogue_url: str = "") -> Unencoded | None:
    """:meth:`Outcomes.find` in ``output``; ``None`` also when no build has run there."""
    try:
        return Outcomes.open(output, catalogue_url).find(key)
    except FileNotFoundError:
        return None


def filter_errors(errors: pd.DataFrame, error_type: str | None = None,
                  encoder: str | None = None, path: str | None = None) -> pd.DataFrame:
    """Rows of the error table whose error type and encoder match (exactly if any row does,
    else as a case-insensitive substring) and whose path holds ``path``."""
    keep = pd.Series(True, index=errors.index)
    for column, wanted in (("error_type", error_type), ("task", encoder)):
        if wanted is not None:
            keep &= _matches(errors[column].fillna("").astype(str), wanted)
    if path is not None:
        keep &= (errors["path"].fillna("").astype(str).str.contains(path, regex=False)
                 | errors["shown_path"].astype(str).str.contains(path, regex=False))
    return errors[keep].reset_index(drop=True)


def _matches(values: pd.Series, wanted: str) -> pd.Series:
    exact = values == wanted
    if exact.any():
        return exact
    return values.str.lower().str.contains(wanted.lower(), regex=False)


def first_line(message) -> str:
    """The first non-empty line of an error message (``""`` for none)."""
    if message is None or (isinstance(message, float) and pd.isna(message)):
        return ""
    return next((line.strip() for line in str(message).splitlines() if line.strip()), "")


def render_errors(shown: pd.DataFrame, output: Path | str, failed: int, skipped: int = 0,
                  tracebacks: bool = False, filters: str = "") -> str:
    """The error table of ``shown`` (rows of :attr:`Outcomes.errors` that pass ``filters``,
    of ``failed`` in all): one line per file, with its traceback indented below when
    ``tracebacks``; then the count by error type, and how many files encoders skipped."""
    skip_note = (f"{_files(skipped)} skipped by an encoder (not errors); "
                 "`cad-assets file <key>` says why" if skipped else "")
    if not failed:
        return "\n".join(filter(None, [f"no failed files in {output}", skip_note]))
    if shown.empty:
        return f"no failed files in {output} for {filters} ({_files(failed)} failed in all)"
    if filters:
        lines = [f"{len(shown)} of {_files(failed, 'failed file')} in {output}, for {filters}"]
    else:
        lines = [f"{_files(failed, 'failed file')} in {output}"]
    headers = [header for _, header in SHOWN_COLUMNS]
    cells = [[str(value) for value in row] for row in shown[[c for c, _ in SHOWN_COLUMNS]].values]
    widths = [max(len(text) for text in column) for column in zip(headers, *cells)]
    lines.append(_row(headers, widths))
    for row, (_, error) in zip(cells, shown.iterrows()):
        lines.append(_row(row, widths))
        if tracebacks:
            text = str(error["traceback"] or "").rstrip() or "(no traceback recorded)"
            lines += ["    " + line for line in text.splitlines()] + [""]
    counts = Counter(shown["error_type"].fillna("?"))
    width = max(len(name) for name in counts)
    lines.append("by error type:")
    lines += [f"  {name:<{width}}  {count}" for name, count in counts.most_common()]
    return "\n".join(filter(None, [*lines, skip_note]))


def render_unencoded(file: Unencoded, tracebacks: bool = False) -> str:
    """Why one file is not in the dataset: its error (and traceback) or why it was skipped."""
    lines = [f"{'file_id':<14} {file.file_id}", f"{'partition_key':<14} {file.partition_key}",
             f"{'path':<14} {file.path}"]
    if file.status == "skipped":
        return "\n".join([*lines, f"{'status':<14} skipped by an encoder: not in the dataset",
                          f"{'reason':<14} {file.skip}"])
    error = file.row
    message = str(error["message"] or "").strip().splitlines() or [""]
    lines += [f"{'status':<14} FAILED: not in the dataset",
              f"{'error_type':<14} {error['error_type']}",
              f"{'encoder':<14} {error['task']}",
              f"{'message':<14} {message[0]}", *(f"{'':<14} {line}" for line in message[1:])]
    if pd.notna(error["failed_at"]):
        when = datetime.fromtimestamp(float(error["failed_at"])).isoformat(" ", "seconds")
        lines.append(f"{'failed_at':<14} {when}")
    if tracebacks:
        text = str(error["traceback"] or "").rstrip() or "(no traceback recorded)"
        lines += ["traceback", *("  " + line for line in text.splitlines())]
    elif str(error["traceback"] or "").strip():
        lines.append("(--traceback prints the traceback)")
    return "\n".join(lines)


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()


def _files(n: int, noun: str = "file") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
