"""``reportgen check``: validate content/ without writing anything; return the problems found.

``check`` returns every problem (errors and warnings) instead of raising, so the CLI can print them in the
requested format (``problems.py``); the CLI exits 1 when any problem is an error (``--strict`` makes warnings
errors), else 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportgen.content.project import load_project
from reportgen.errors import ContentError, Problem


def check(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    use_cache: bool = True,
) -> list[Problem]:
    """Every problem in content/ (or in ``paths``): errors and warnings; with ``strict`` all are errors.

    Raises ``UsageError`` when there is no content/ folder or a path is outside it; never raises for content.
    Writes nothing but the document cache (``doccache.py``; not with ``use_cache=False``).
    """
    try:
        project = load_project(root, paths, strict=strict, today=today, use_cache=use_cache)
    except ContentError as error:
        return list(error.problems)
    return list(project.warnings)
