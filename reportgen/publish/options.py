"""A command line's build flags → ``BuildOptions`` (what, besides the content, changes a form's bytes) and
``BuildRequest`` (everything else a build is asked: which files, how strict, where to, how many processes, which
shard, the caches, who hears of progress).

Its own module, below the cache and the worker pool, so that what keys the cache (``cache.py``) does not have to
import the pool that renders (``pool.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.model import Entry
from reportgen.progress import BuildProgress
from reportgen.standing import Reporting


@dataclass(frozen=True)
class BuildOptions:
    """What, besides the content, a build is asked for. ``as_of`` is a quarter (1–4) or None for the whole year."""

    release: bool = False
    as_of: int | None = None


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (both from 1, as written on the command line: ``2/3``)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise ValueError(f"a shard is K/N with 1 ≤ K ≤ N, not {self}")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/3"`` → ``Shard(2, 3)``; anything else is a ValueError saying what is accepted."""
        index, slash, count = text.strip().partition("/")
        try:
            if slash and index.isdigit() and count.isdigit():
                return cls(int(index), int(count))
        except ValueError:
            pass
        raise ValueError(f"a shard is written K/N with 1 ≤ K ≤ N, e.g. 2/3, not {text!r}")

    def owns(self, entry: Entry) -> bool:
        digest = hashlib.sha256(entry.slug.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


@dataclass(frozen=True)
class BuildRequest:
    """What ``pipeline.build`` is asked to do with a project.

    ``paths``: the files named on the command line (empty: every form). ``options``: what shapes the forms' bytes.
    ``strict``: ``--strict``: every problem stops the build (a warning too), and a release refuses unless every form
    of the newest year may be published (as ``release_strict`` in site.yaml). ``output_dir``: where to (None:
    ``output/``). ``jobs``: rendering processes (None: every core; 1 renders in this process). ``shard``: only that
    share of the forms, and the manifest ``reportgen merge`` needs. ``use_cache=False`` neither reads nor writes the
    caches (loaded documents, PDFs, pages). ``progress`` receives the progress events (``progress.py``).
    ``reporting``: the date figures are as of (None: ``Reporting.now``).
    """

    paths: tuple[Path, ...] = ()
    options: BuildOptions = field(default_factory=BuildOptions)
    strict: bool = False
    output_dir: Path | None = None
    jobs: int | None = None
    shard: Shard | None = None
    use_cache: bool = True
    progress: BuildProgress | None = None
    reporting: Reporting | None = None
