"""A build's inputs and the output tree it committed → whether a build of the same inputs may leave ``output/`` as is.

A whole-site build whose inputs are those of the last one would make the very same tree again: before this, it did
(every PDF and page read from the cache and verified, four files a form hard-linked into a staging folder, the
search index's files too, then the swap), 1.8 s at 1,000 forms for nothing. Now a whole-site build records, in the
build cache, the digest of everything its output is made from (``build_state``) and the tree it committed
(``tree_listing``: each file's path, size, modification time and inode); the next whole-site build with the same
digest, whose output folder still holds exactly that tree, touches nothing.

What the digest covers, so that no change is missed: the build's fingerprint (reportgen's code, the libraries'
versions, templates/ and fonts/, the project's dictionary, site.yaml, the options, ``SOURCE_DATE_EPOCH``), every
file under content/ by its path and bytes (indicator files, evidence, sign-offs, whatever a form or page may show),
the date the figures are as of (``Reporting``: a page says "as of the end of quarter 2"), the shard, and the
search indexer's binary. A file of the output changed, added or removed since (by hand, or a cache entry damaged
in place: output files are hard links to them) changes the listing, and the build is made as usual, which verifies
every cached file it takes. The state is kept beside the caches (``.cache/reportgen/output-state-v1/``), never in
``output/``, which holds only what is published; ``--no-cache`` neither reads nor writes it, and a build of named
files (which may carry over files of an older state) neither trusts nor records it. What builds killed or cut short
left beside the output (staging folders, trash) is cleared all the same (``OutputWriter.tidy``), as every build does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from reportgen import layout
from reportgen.content.doccache import cache_root, mark_cache_root
from reportgen.fingerprint import tree_files, update_with_file
from reportgen.layout import OUTPUT_MARKER
from reportgen.publish.options import BuildOptions, Shard
from reportgen.standing import Reporting

logger = logging.getLogger(__name__)

#: The start of every state's digest: bumped when what a state covers changes.
STATE_FORMAT = "reportgen-output-state-1"
#: Where the states are kept, under the project's cache folder: one file per output folder.
STATE_FOLDER = "output-state-v1"

#: A file of the output tree → (size, modification time in ns, inode).
Listing = dict[str, tuple[int, int, int]]


def build_state(
    fingerprint: str, root: Path, options: BuildOptions, shard: Shard | None, reporting: Reporting
) -> str:
    """The digest (hex SHA-256) of everything a whole-site build's output is made from (see the module's text)."""
    digest = hashlib.sha256(f"{STATE_FORMAT}\0{fingerprint}\0{options!r}\0{shard!r}\0{reporting!r}".encode())
    digest.update(f"\0indexer={os.environ.get('PAGEFIND_BINARY_PATH', '')}".encode())
    content = layout.content_dir(root)
    for path in tree_files(content):  # an unreadable file counts as such (update_with_file), never stops the build
        update_with_file(digest, path.relative_to(content).as_posix(), path)
    return digest.hexdigest()


def tree_listing(folder: Path) -> Listing:
    """Every file under ``folder`` (links as links, never followed), but the writer's marker (rewritten by every
    commit): its path → (size, modification time in ns, inode)."""
    listing: Listing = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            relative = os.path.relpath(path, folder)
            if relative != OUTPUT_MARKER:
                listing[relative] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return listing


def _state_file(root: Path, output_dir: Path) -> Path:
    name = hashlib.sha256(os.fsencode(Path(output_dir).resolve())).hexdigest()[:32]
    return cache_root(root) / STATE_FOLDER / f"{name}.json"


def is_unchanged(root: Path, output_dir: Path, state: str) -> bool:
    """Whether ``output_dir`` holds exactly the tree the last whole-site build of ``state`` committed there."""
    try:
        recorded = json.loads(_state_file(root, output_dir).read_bytes())
        if not isinstance(recorded, dict) or recorded.get("state") != state:
            return False
        if not (Path(output_dir) / OUTPUT_MARKER).is_file():
            return False
        listing = {path: tuple(info) for path, info in recorded.get("files", {}).items()}
        return bool(listing) and tree_listing(output_dir) == listing
    except (OSError, ValueError, TypeError, AttributeError):  # no state yet, or an unreadable one: build as usual
        return False


def record(root: Path, output_dir: Path, state: str, listing: Listing) -> None:
    """Keep ``state`` and the tree just committed to ``output_dir`` (``listing``) for the next build; written whole
    (a temporary file renamed), and never a reason for a build to fail."""
    path = _state_file(root, output_dir)
    data = json.dumps({"state": state, "output": str(output_dir), "files": listing}, sort_keys=True).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mark_cache_root(cache_root(root))
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        logger.debug("the output's state was not kept (%s): the next build makes the output again", error)
        temporary.unlink(missing_ok=True)


def forget(root: Path, output_dir: Path) -> None:
    """Drop the state kept for ``output_dir``: a build of named files changed the tree without a whole state."""
    try:
        _state_file(root, output_dir).unlink(missing_ok=True)
    except OSError as error:
        logger.debug("the output's state could not be dropped (%s)", error)
