"""An indicator → where it stands: result against target, status, last quarter reported; and a form as of a quarter.

The home page's table, the open data, the indicator page's progress bar and the report book's summary all show the
same figures, so they are computed here, once. ``as_of`` turns an indicator into the form as it stood at the end of
a quarter, for ``--as-of q2``: later quarters, the year-end summary and the year-end result are not yet written,
and a sign-off dated after that quarter had not happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reportgen import thai
from reportgen.model import Indicator

StatusName = Literal["met", "not_met", "not_reported"]

#: How each status is named on the site, in the data and in the book.
STATUS_LABELS: dict[str, str] = {
    "met": "บรรลุเป้าหมาย",
    "not_met": "ยังไม่บรรลุเป้าหมาย",
    "not_reported": "ยังไม่รายงานผล",
}


@dataclass(frozen=True)
class IndicatorStatus:
    """Where one indicator stands. ``percent`` is None when there is no result yet (or the target is zero)."""

    result: Decimal | None
    target: Decimal
    percent: Decimal | None
    status: StatusName
    last_quarter: int | None  # the latest quarter with a report, 1–4
    reported_quarters: tuple[int, ...]

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def status_of(indicator: Indicator) -> IndicatorStatus:
    """Result against target. The target is a minimum to reach (every indicator of the form counts up to it)."""
    result = indicator.shown_result
    target = indicator.target.value
    reported = tuple(number for number, _ in indicator.quarters.reported())
    if result is None:
        status: StatusName = "not_reported"
    else:
        status = "met" if result >= target else "not_met"
    return IndicatorStatus(
        result=result,
        target=target,
        percent=thai.percent_of_target(result, target),
        status=status,
        last_quarter=reported[-1] if reported else None,
        reported_quarters=reported,
    )


def parse_quarter(text: str) -> int:
    """``"q2"``, ``"Q2"`` or ``"2"`` → 2; anything else is a ValueError naming what is accepted."""
    cleaned = text.strip().lower().removeprefix("q")
    if cleaned not in {"1", "2", "3", "4"}:
        raise ValueError(f"a quarter is q1, q2, q3 or q4, not {text!r}")
    return int(cleaned)


def as_of(indicator: Indicator, quarter: int) -> Indicator:
    """The form as it stood at the end of ``quarter`` of its fiscal year.

    Quarter 4 is the whole year and changes nothing. Before that, later quarters are not yet reported, the
    year-end summary and the year-end ``result`` do not exist yet (section 5 then shows the latest quarter's
    result), and a sign-off dated after the quarter's last day is dropped, so the form is shown as a draft.
    """
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1, 2, 3 or 4, not {quarter!r}")
    if quarter == 4:
        return indicator
    quarters = indicator.quarters.model_copy(
        update={f"q{later}": None for later in range(quarter + 1, 5)} | {"summary": None}
    )
    _, quarter_end = thai.quarter_period(indicator.fiscal_year, quarter)
    signoff = indicator.signoff if indicator.signoff and indicator.signoff.date <= quarter_end else None
    return indicator.model_copy(update={"quarters": quarters, "result": None, "signoff": signoff})
