"""``reportgen status``: the project folder and a quarter → the quarter overview (``render/overview.py``).

The command loads the project (a file with errors is listed in the overview, never in the way of the others) and
hands it to ``overview_of``; the CLI prints it with ``format_overview``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.commands import Line, Outcome
from reportgen.content.project import load_project
from reportgen.render.overview import QuarterOverview, format_overview, overview_of


def quarter_status(
    root: Path, *, year: int | None = None, quarter: int | None = None, today: dt.date | None = None
) -> QuarterOverview:
    """Load the project and make the overview (``reportgen status``)."""
    project = load_project(Path(root).resolve(), per_form=True)  # one form's errors do not hide the others
    return overview_of(project, year=year, quarter=quarter, today=today)


def run(root: Path, *, year: int | None = None, quarter: int | None = None, fmt: str = "text", lang: str = "th") -> Outcome:
    """``reportgen status``: the overview as text, CSV or JSON."""
    overview = quarter_status(root, year=year, quarter=quarter)
    return Outcome((Line(format_overview(overview, fmt=fmt, lang=lang)),))
