"""``reportgen status``: the project folder and a quarter → the quarter overview (``render/overview.py``).

The command loads the project and hands it to ``overview_of``; the CLI prints it with ``format_overview``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.content.project import load_project
from reportgen.render.overview import QuarterOverview, overview_of


def quarter_status(
    root: Path, *, year: int | None = None, quarter: int | None = None, today: dt.date | None = None
) -> QuarterOverview:
    """Load the project and make the overview (``reportgen status``)."""
    return overview_of(load_project(Path(root).resolve()), year=year, quarter=quarter, today=today)
