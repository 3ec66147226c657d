"""reportgen's own code and the libraries it runs on → one hash that every cache key starts from.

A cache entry made by another reportgen must never be used: an edited, unreleased module may change what a file
loads as (``doccache.py``) or what a form looks like (``publish/cache.py``). Both caches therefore start their keys from
``code_fingerprint``: the reportgen version and the path and bytes of every module of the package, hashed once per
process (the code a process runs does not change under it). ``library_versions`` names the versions of the
distributions a cache depends on; ``update_with_file`` and ``tree_files`` are how files are hashed into a key
(relative paths and bytes only: no absolute path, inode or modification time, so keys survive a move to another
checkout or machine). This module imports nothing of reportgen but its version: every layer may use it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections.abc import Iterable
from pathlib import Path

import reportgen


def tree_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (none if it is missing), in the order of their relative paths."""
    return sorted(
        (path for path in Path(folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts),
        key=lambda path: path.relative_to(folder).as_posix(),
    )


def update_with_file(digest: hashlib._Hash, label: str, path: Path) -> None:
    """Add a labelled file to ``digest``: its name, its length and its bytes (or that it is missing)."""
    try:
        data = path.read_bytes()
    except OSError as error:  # a missing file is an input too: validation reports it, the key must still differ
        digest.update(f"\0{label}\0missing:{error.errno}\0".encode("utf-8", "surrogateescape"))
        return
    digest.update(f"\0{label}\0{len(data)}\0".encode("utf-8", "surrogateescape"))  # a name not in UTF-8 too
    digest.update(data)


@functools.cache
def code_fingerprint() -> str:
    """reportgen's version and the path and bytes of each of its modules and of its wording catalog (hex SHA-256), computed once a process."""
    digest = hashlib.sha256(f"reportgen={reportgen.__version__}".encode())
    package = Path(reportgen.__file__).parent
    for module in tree_files(package):
        if module.suffix in (".py", ".yaml"):  # the code, and the wording catalog (labels on pages, messages)
            update_with_file(digest, "reportgen/" + module.relative_to(package).as_posix(), module)
    return digest.hexdigest()


def library_versions(names: Iterable[str]) -> list[str]:
    """``name=version`` of each installed distribution, ``name=absent`` for one that is not installed."""
    versions = []
    for name in names:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return versions
