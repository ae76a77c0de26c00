"""SHA-256 of CAD files, re-using earlier hashes of files whose size and mtime are unchanged."""

import hashlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from cad_assets.sources.discovery import DiscoveredFile

_BLOCK = 1 << 20

#: What an earlier hash was computed from: (size_bytes, mtime_ns, sha256).
PreviousHash = tuple[int, int, str]


def sha256_of(path: str) -> str | None:
    """Hex SHA-256 of the file, or ``None`` when it cannot be read (the encoder reports why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while block := stream.read(_BLOCK):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def hash_files(
    files: Sequence[DiscoveredFile],
    previous: Mapping[str, PreviousHash] | None = None,
    threads: int = 4,
) -> list[str | None]:
    """SHA-256 per file, in order; ``previous`` maps partition key -> an earlier hash.

    A file keeps its earlier hash when size and mtime are unchanged, so a discovery over
    thousands of unchanged files reads none of them. hashlib releases the GIL, so threads
    overlap the reads.
    """
    previous = previous or {}

    def one(file: DiscoveredFile) -> str | None:
        size, mtime_ns, sha = previous.get(file.partition_key, (-1, -1, None))
        if (size, mtime_ns) == (file.size_bytes, file.mtime_ns) and sha:
            return sha
        return sha256_of(file.path)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, files))
