"""The project and a quarter (``reportgen status``) → who has reported it, who has not, what is signed, per form and
per officer, as text (Thai, or English with ``--lang en``), CSV or JSON; the preview shows the same as ``/_status``.

The quarter is, by default, the one that is running on the reporting date (``status.reporting_date``:
``SOURCE_DATE_EPOCH`` or today, in Bangkok) if any form has reported it already (the coordinator's question in
December: who has written quarter 1 so far?), otherwise the last one that has ended; or any quarter of any year asked
for with ``--year`` and ``--quarter``. A quarter not yet over is labelled so (ไตรมาสปัจจุบัน (ยังไม่สิ้นสุด)), with
its end date, and its figures are as of the reporting date. For each form of that fiscal year:

- **reported**: the form holds that quarter's report (``quarters.qN``); else **missing**;
- its sign-off: **signed** (the digest matches the content), **edited after sign-off** (it does not, or it has no
  digest), or **draft**;
- where it stands (``standing.status_of`` as of that quarter) and its responsible officer (``officer``), if written.

This is the division's internal overview: it names officers and their contact details, so it is printed, or served
by the local preview, and never written into the published site (see the README, "The quarter overview").
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reportgen import layout, spreadsheet, thai, wording
from reportgen.digest import sign_state as digest_sign_state
from reportgen.errors import UsageError
from reportgen.model import BrokenForm, Entry, Officer, Project
from reportgen.problems import problem_json
from reportgen.standing import IndicatorStatus, Reporting, as_of, reporting_date, status_label, status_of

logger = logging.getLogger(__name__)

SignState = str  # "signed", "edited_after_signoff" or "draft"

#: Where the quarter stands on the reporting date.
QuarterState = Literal["ended", "running", "not_started"]


@dataclass(frozen=True)
class FormState:
    """One form in the quarter overview."""

    entry: Entry
    reported: bool
    sign_state: SignState
    status: IndicatorStatus

    @property
    def officer(self) -> Officer | None:
        return self.entry.indicator.officer


@dataclass(frozen=True)
class QuarterOverview:
    """Every form of ``fiscal_year`` as of the end of ``quarter``."""

    fiscal_year: int
    quarter: int
    today: dt.date
    forms: tuple[FormState, ...]
    #: The files of that year with errors (``model.BrokenForm``): listed, never counted as reported or signed.
    broken: tuple[BrokenForm, ...] = ()

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return thai.quarter_period(self.fiscal_year, self.quarter)

    @property
    def state(self) -> QuarterState:
        """``"ended"``, ``"running"`` (the reporting date falls in it) or ``"not_started"``."""
        start, end = self.period
        if end < self.today:
            return "ended"
        return "running" if start <= self.today else "not_started"

    @property
    def counts(self) -> dict[str, int]:
        return {
            "forms": len(self.forms),
            "reported": sum(form.reported for form in self.forms),
            "missing": sum(not form.reported for form in self.forms),
            "draft": sum(form.sign_state == "draft" for form in self.forms),
            "edited_after_signoff": sum(form.sign_state == "edited_after_signoff" for form in self.forms),
            "signed": sum(form.sign_state == "signed" for form in self.forms),
        }

    def by_officer(self) -> list[tuple[Officer | None, list[FormState]]]:
        """The forms grouped by officer (by name), officers in name order, forms without one last."""
        groups: dict[str | None, list[FormState]] = {}
        officers: dict[str | None, Officer | None] = {}
        for form in self.forms:
            key = form.officer.name if form.officer else None
            groups.setdefault(key, []).append(form)
            officers.setdefault(key, form.officer)
        keys = sorted(key for key in groups if key is not None) + ([None] if None in groups else [])
        return [(officers[key], groups[key]) for key in keys]


def default_quarter(today: dt.date, entries: Sequence[Entry] = (), year: int | None = None) -> tuple[int, int]:
    """The fiscal year and quarter ``reportgen status`` shows without ``--quarter``: the quarter running on ``today``
    if any form of its year (``entries``) has reported it, else the last one that has ended (quarter 4 of last year
    during quarter 1). Given ``year``: that year's quarter 4 once the year is over, its quarter 1 before it begins."""
    current = thai.fiscal_year_of(today)
    if year is not None and year != current:
        return (year, 4) if year < current else (year, 1)
    ended = thai.quarters_ended(current, today)
    running = ended + 1
    if any(
        entry.indicator.fiscal_year == current and getattr(entry.indicator.quarters, f"q{running}") is not None
        for entry in entries
    ):
        return current, running
    if year is not None or not ended and not any(entry.indicator.fiscal_year == current - 1 for entry in entries):
        return current, ended or running  # asked for this year, or last year has no forms: this year's quarter
    return (current, ended) if ended else (current - 1, 4)


def sign_state(project: Project, entry: Entry) -> SignState:
    """The overview's three words for a form's sign-off (``digest.sign_state``; a sign-off without a digest is
    counted with the edited ones, since nothing shows what it was made for)."""
    state = entry.sign_state or digest_sign_state(entry.indicator, layout.content_dir(project.root))
    if state == "signed":
        return "signed"
    return "draft" if state == "draft" else "edited_after_signoff"


def overview_of(
    project: Project, *, year: int | None = None, quarter: int | None = None, today: dt.date | None = None
) -> QuarterOverview:
    """The overview of ``quarter`` of ``year`` (default: ``default_quarter`` on ``today``), any quarter of any year
    that has forms; a quarter not yet over is shown as it stands on ``today``."""
    today = today or reporting_date()
    if quarter is None or year is None:
        default_year, default_q = default_quarter(today, project.entries, year)
        year = year if year is not None else default_year
        quarter = quarter or default_q
    entries = [entry for entry in project.entries if entry.indicator.fiscal_year == year]
    if not entries:
        years = sorted({entry.indicator.fiscal_year for entry in project.entries})
        raise UsageError("status_no_year", year=year, available=", ".join(map(str, years)) or "–")
    end = thai.quarter_period(year, quarter)[1]
    # An ended quarter as it had just ended; one not yet over as it stands today.
    reporting = Reporting(end + dt.timedelta(days=1) if end < today else today)
    forms = tuple(
        FormState(
            entry=entry,
            reported=getattr(entry.indicator.quarters, f"q{quarter}") is not None,
            sign_state=sign_state(project, entry),
            status=status_of(as_of(entry.indicator, quarter), reporting),
        )
        for entry in sorted(entries, key=lambda entry: entry.indicator.code)
    )
    broken = tuple(form for form in project.broken if form.slug and form.slug.startswith(f"{year}/"))
    return QuarterOverview(year, quarter, today, forms, broken)


# --- Output ------------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "fiscal_year", "quarter", "code", "name", "file", "reported", "sign_state", "status", "status_label",
    "result", "target", "unit", "plan_status", "officer_name", "officer_position", "officer_contact",
)
#: The columns that hold numbers (never neutralised as formulas: a negative result stays a number).
NUMBER_COLUMNS = frozenset({"fiscal_year", "quarter", "result", "target"})


def _text(code: str, lang: str, **params: object) -> str:
    return wording.message(code, lang, **params)


def form_record(overview: QuarterOverview, form: FormState) -> dict[str, object]:
    indicator = form.entry.indicator
    officer = form.officer
    return {
        "fiscal_year": overview.fiscal_year,
        "quarter": overview.quarter,
        "code": indicator.code,
        "name": indicator.name,
        "file": form.entry.source.as_posix(),
        "reported": form.reported,
        "sign_state": form.sign_state,
        "status": form.status.status,
        "status_label": form.status.label,
        "result": _plain(form.status.result),
        "target": _plain(form.status.target),
        "unit": indicator.target.unit,
        "plan_status": form.status.plan_status,
        "officer_name": officer.name if officer else None,
        "officer_position": officer.position if officer else None,
        "officer_contact": officer.contact if officer else None,
    }


def _plain(value: Decimal | None) -> str | None:
    from reportgen.render.opendata import plain_number

    return plain_number(value) if value is not None else None


def format_overview(overview: QuarterOverview, *, fmt: str = "text", lang: str = "th") -> str:
    if fmt == "json":
        document = {
            "fiscal_year": overview.fiscal_year,
            "quarter": overview.quarter,
            "quarter_state": overview.state,
            "quarter_end": overview.period[1].isoformat(),
            "as_of": overview.today.isoformat(),
            "counts": overview.counts,
            "forms": [form_record(overview, form) for form in overview.forms],
            "broken": [
                {"file": form.source.as_posix(), "errors": [problem_json(problem, lang) for problem in form.errors]}
                for form in overview.broken
            ],
        }
        return json.dumps(document, ensure_ascii=False, indent=2)
    if fmt == "csv":  # names, positions and contacts are typed by anyone: spreadsheet.py neutralises formulas
        columns = [spreadsheet.Column(name, text=name not in NUMBER_COLUMNS) for name in CSV_COLUMNS]
        records = (form_record(overview, form) for form in overview.forms)
        rows = (["" if record[name] is None else _cell(record[name]) for name in CSV_COLUMNS] for record in records)
        return spreadsheet.csv_text(columns, rows).rstrip("\r\n")
    return _format_text(overview, lang)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def state_words(form: FormState, lang: str) -> tuple[str, str]:
    """(reported or missing, signed / edited after sign-off / draft) in ``lang``."""
    reported = _text("status_word_reported" if form.reported else "status_word_missing", lang)
    return reported, _text(_SIGN_STATE_WORDS[form.sign_state], lang)


#: How a form's sign-off reads in the overview.
_SIGN_STATE_WORDS = {
    "signed": "status_word_signed",
    "draft": "status_word_draft",
    "edited_after_signoff": "status_word_edited_after_signoff",
}


def officer_text(officer: Officer | None, lang: str) -> str:
    if officer is None:
        return _text("status_word_no_officer", lang)
    parts = [officer.name] + [part for part in (officer.position, officer.contact) if part]
    return ", ".join(parts)


def _format_text(overview: QuarterOverview, lang: str) -> str:
    start, end = overview.period
    counts = overview.counts
    heading = {"ended": "status_heading", "running": "status_heading_running", "not_started": "status_heading_future"}
    lines = [
        _text(heading[overview.state], lang, quarter=overview.quarter, year=overview.fiscal_year,
              start=_date(start, lang), end=_date(end, lang), today=_date(overview.today, lang)),
        _text("status_counts", lang, **counts),
        "",
    ]
    for form in overview.forms:
        indicator = form.entry.indicator
        reported, signed = state_words(form, lang)
        lines.append(
            f"{form.entry.slug} | {reported} | {signed} | "
            + status_label(form.status.status, lang)
            + (f" ({form.status.plan_label_in(lang)})" if form.status.plan_status else "")
            + f" | {officer_text(form.officer, lang)} | {indicator.name}"
        )
    for broken in overview.broken:  # a file with errors: nobody can tell what it reports until it is fixed
        lines.append(_text("status_broken_line", lang, slug=broken.slug, file=broken.source.as_posix(),
                           errors=len(broken.errors)))  # fmt: skip
    lines += ["", _text("status_by_officer", lang)]
    for officer, forms in overview.by_officer():
        missing = [form.entry.indicator.code for form in forms if not form.reported]
        drafts = [form.entry.indicator.code for form in forms if form.sign_state != "signed"]
        lines.append(_text(
            "status_officer_line", lang, officer=officer_text(officer, lang), forms=len(forms),
            missing=len(missing), missing_codes=", ".join(missing) or "–",
            unsigned=len(drafts), unsigned_codes=", ".join(drafts) or "–",
        ))
    return "\n".join(lines)


def _date(day: dt.date, lang: str) -> str:
    return wording.Localized(thai.thai_date(day), day.isoformat()).get(lang)
