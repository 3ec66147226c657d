"""A command line's build flags → ``BuildOptions``: what, besides the content, changes a form's bytes.

Its own module, below the cache and the worker pool, so that what keys the cache (``artifacts.py``) does not
have to import the pool that renders (``pool.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    """What, besides the content, a build is asked for. ``as_of`` is a quarter (1–4) or None for the whole year."""

    release: bool = False
    as_of: int | None = None
