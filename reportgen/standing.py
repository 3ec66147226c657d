"""An indicator → where it stands: result against target, status, plan, quarters reported; a form as of a quarter.

The home page's table, the open data, the indicator page's progress bar, the report book's summary and
``reportgen status`` all show the same figures, so they are computed here, once.

**As of when.** Figures are as of a *reporting point* (``Period``): a fiscal year and how many of its quarters have
ended by the reporting date (``reporting_date``: ``SOURCE_DATE_EPOCH`` when set, so that a CI build is reproducible,
else today in Bangkok), capped by ``--as-of``. Pages print the end of the last ended quarter ("ข้อมูล ณ 31 มีนาคม
2569 (สิ้นไตรมาสที่ 2)"), never the day of the build, so a build changes only when a quarter ends.

**Honest status.** Until the fiscal year has ended, a form that has not reached its target is ``in_progress``
(อยู่ระหว่างดำเนินการ), never ``not_met``: that verdict is for a year that is over. A minimum reached early is
``met`` (the work is done). A ceiling (``target.direction: at_most``, ไม่เกิน …: complaints, cost) is judged the
other way round: met when the result stays at or below it, and only once the year is over, since until then the
result can still grow. Optional quarterly plans (``target.plan``) give ``plan_status``: ``on_track`` or
``behind_plan``, comparing the latest reported result with the plan for that quarter (at most the plan for a
ceiling), while the year runs.

**Reported.** A form has reported the period when it holds the report of the last quarter that has ended;
``missing_quarters`` lists the ended quarters it has not reported.

``as_of`` turns an indicator into the form as it stood at the end of a quarter, for ``--as-of q2``: later quarters,
the year-end summary and the year-end result are not yet written, and a sign-off dated after that quarter had not
happened yet.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reportgen import thai, wording
from reportgen.model import Indicator
from reportgen.thai import BANGKOK

StatusName = Literal["met", "in_progress", "not_met", "not_reported"]
PlanStatus = Literal["on_track", "behind_plan"]

#: Each status, in the order the table sorts them in, and the catalog key of its name.
STATUS_KEYS: dict[str, str] = {
    "met": "status_met",
    "in_progress": "status_in_progress",
    "not_met": "status_not_met",
    "not_reported": "status_not_reported",
}
STATUS_NAMES: tuple[str, ...] = tuple(STATUS_KEYS)

#: How each status is named on the site, in the data and in the book (they are Thai).
STATUS_LABELS: dict[str, str] = {name: wording.label(key, "th") for name, key in STATUS_KEYS.items()}

#: The same in English, for ``reportgen status --lang en``.
STATUS_LABELS_EN: dict[str, str] = {name: wording.label(key, "en") for name, key in STATUS_KEYS.items()}

#: The catalog key of each plan status, for a minimum target and for a ceiling (``at_most``).
_PLAN_KEYS: dict[tuple[str, bool], str] = {
    ("on_track", False): "plan_on_track",
    ("behind_plan", False): "plan_behind_plan",
    ("on_track", True): "plan_ceiling_on_track",
    ("behind_plan", True): "plan_ceiling_behind_plan",
}


def status_label(status: str, lang: str = "th") -> str:
    """A status's name (``บรรลุเป้าหมาย`` / ``met``) in ``lang``."""
    return wording.label(STATUS_KEYS[status], lang)


def plan_label_text(plan_status: str, ceiling: bool = False, lang: str = "th") -> str:
    """``เป็นไปตามแผน`` / ``ต่ำกว่าแผน``; a ceiling's result is behind plan when it is above the plan (``เกินกว่าแผน``)."""
    return wording.label(_PLAN_KEYS[plan_status, ceiling], lang)



def reporting_date(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The day figures are as of: ``SOURCE_DATE_EPOCH`` (seconds since 1970) when set, else today, in Bangkok."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), BANGKOK).date()
    return dt.datetime.now(BANGKOK).date()


@dataclass(frozen=True)
class Period:
    """A fiscal year as of a reporting point: ``quarters_ended`` (0–4) of its quarters have ended."""

    fiscal_year: int
    quarters_ended: int

    @property
    def year_ended(self) -> bool:
        return self.quarters_ended == 4

    @property
    def quarter(self) -> int | None:
        """The last quarter that has ended (None before the end of quarter 1)."""
        return self.quarters_ended or None

    @property
    def date(self) -> dt.date:
        """The last day of the last ended quarter (the day before the year began if none has ended)."""
        if self.quarters_ended == 0:
            return thai.quarter_period(self.fiscal_year, 1)[0] - dt.timedelta(days=1)
        return thai.quarter_period(self.fiscal_year, self.quarters_ended)[1]

    def label(self, digits: str = "arabic") -> str:
        """``ข้อมูล ณ 31 มีนาคม 2569 (สิ้นไตรมาสที่ 2)``; the whole year once it has ended."""
        if self.quarters_ended == 0:
            end = thai.thai_date(thai.quarter_period(self.fiscal_year, 1)[1])
            text = wording.message("period_before_first_quarter", "th", end=end)
        elif self.year_ended:
            text = wording.message("period_whole_year", "th", date=thai.thai_date(self.date))
        else:
            text = wording.message("period_as_of", "th", date=thai.thai_date(self.date), quarter=self.quarters_ended)
        return thai.apply_digits(text, digits)


@dataclass(frozen=True)
class Reporting:
    """When figures are as of: the reporting date, and optionally a quarter to stop at (``--as-of``)."""

    today: dt.date
    as_of: int | None = None

    @classmethod
    def now(cls, as_of: int | None = None, environ: Mapping[str, str] = os.environ) -> Reporting:
        return cls(reporting_date(environ), as_of)

    def period(self, fiscal_year: int) -> Period:
        ended = thai.quarters_ended(fiscal_year, self.today)
        if self.as_of is not None:
            ended = min(ended, self.as_of)
        return Period(fiscal_year, ended)


@dataclass(frozen=True)
class IndicatorStatus:
    """Where one indicator stands. ``percent`` is None when there is no result yet (or the target is zero)."""

    result: Decimal | None
    target: Decimal
    percent: Decimal | None
    status: StatusName
    last_quarter: int | None  # the latest quarter with a report, 1–4
    reported_quarters: tuple[int, ...]
    period: Period | None = None
    ceiling: bool = False
    plan_status: PlanStatus | None = None
    plan_value: Decimal | None = None  # the plan the result was compared with
    missing_quarters: tuple[int, ...] = ()  # ended quarters without a report

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def plan_label(self) -> str | None:
        return self.plan_label_in("th")

    def plan_label_in(self, lang: str) -> str | None:
        return plan_label_text(self.plan_status, self.ceiling, lang) if self.plan_status else None

    @property
    def reported_period(self) -> bool:
        """True when the last ended quarter is reported (or no quarter has ended yet)."""
        return not self.period or not self.period.quarter or self.period.quarter in self.reported_quarters


def achieved(result: Decimal, target: Decimal, *, ceiling: bool) -> bool:
    return result <= target if ceiling else result >= target


def status_of(indicator: Indicator, reporting: Reporting | None = None) -> IndicatorStatus:
    """Result against target as of ``reporting`` (default: now, see ``reporting_date``)."""
    reporting = reporting or Reporting.now()
    period = reporting.period(indicator.fiscal_year)
    result = indicator.shown_result
    target = indicator.target.value
    ceiling = indicator.target.is_ceiling
    reports = indicator.quarters.reported()
    reported = tuple(number for number, _ in reports)
    if result is None:
        status: StatusName = "not_reported"
    elif period.year_ended:
        status = "met" if achieved(result, target, ceiling=ceiling) else "not_met"
    elif not ceiling and result >= target:
        status = "met"  # a minimum reached before the year is over is reached
    else:
        status = "in_progress"
    plan_status, plan_value = _plan_status(indicator, period, result, ceiling)
    return IndicatorStatus(
        result=result,
        target=target,
        percent=thai.percent_of_target(result, target),
        status=status,
        last_quarter=reported[-1] if reported else None,
        reported_quarters=reported,
        period=period,
        ceiling=ceiling,
        plan_status=plan_status,
        plan_value=plan_value,
        missing_quarters=tuple(q for q in range(1, period.quarters_ended + 1) if q not in reported),
    )


def _plan_status(
    indicator: Indicator, period: Period, result: Decimal | None, ceiling: bool
) -> tuple[PlanStatus | None, Decimal | None]:
    """On track or behind plan while the year runs: the latest reported result against that quarter's plan."""
    plan = indicator.target.plan
    if plan is None or result is None or period.year_ended:
        return None, None
    quarter = next((number for number, report in reversed(indicator.quarters.reported()) if report.result is not None),
                   None)
    planned = plan.value(quarter) if quarter else None
    if planned is None:
        return None, None
    return ("on_track" if achieved(result, planned, ceiling=ceiling) else "behind_plan"), planned


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
