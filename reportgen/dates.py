"""A date typed on the command line → a ``datetime.date``, or the catalogue message that says what to type instead.

Files and outputs write dates ISO, Christian Era (``2026-10-20``); an officer types them as Thai dates. So:

- accepted: ``2026-10-20`` (ISO, also with Thai digits ``๒๐๒๖-๑๐-๒๐``); a Thai date with a four-digit Buddhist-Era
  year, day first, as Thai dates are always written: ``20/10/2569``, ``20-10-2569``, ``20.10.2569``,
  ``๒๐/๑๐/๒๕๖๙``, ``20 ต.ค. 2569``, ``20 ตุลาคม พ.ศ. 2569``. A BE year (2400 and later) says the writer follows
  the Thai order, so there is nothing to guess.
- refused, with the exact ISO value to type: a two-digit year (``20/10/69``: which century, which era?), the month
  written first (``10/20/2569``), an ISO-ordered Buddhist-Era year (``2569-10-20``), and a Christian-Era year with
  slashes (``4/3/2026``), which a spreadsheet in another locale writes month first; both readings are offered
  when both are days.

``parse_date`` raises ``DateRefused`` (a ``ValueError`` carrying the catalogue code and its parameters), so the
command line shows it in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re

from reportgen import thai, wording
from reportgen.wording import Localized

#: The first year taken as Buddhist Era: no sign-off or report date is Christian-Era 2400 or later.
FIRST_BUDDHIST_YEAR = 2400

_FROM_THAI_DIGITS = str.maketrans(thai.THAI_DIGITS, "0123456789")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NUMERIC = re.compile(r"([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*\2\s*([0-9]{2}|[0-9]{4})")
_MONTH_NAMES = {name: number for number, name in enumerate(thai.MONTH_NAMES, start=1)} | {
    abbreviation: number for number, abbreviation in enumerate(thai.MONTH_ABBREVIATIONS, start=1)
} | {abbreviation.replace(".", ""): number for number, abbreviation in enumerate(thai.MONTH_ABBREVIATIONS, start=1)}
_NAMED = re.compile(
    r"([0-9]{1,2})\s*(" + "|".join(sorted(map(re.escape, _MONTH_NAMES), key=len, reverse=True)) + r")\s*"
    r"(?:พ\.\s?ศ\.\s*)?([0-9]{2}|[0-9]{4})"
)


class DateRefused(ValueError):
    """A date argument that is not taken as given; ``message(lang)`` says why and what to type."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "th") -> str:
        return wording.message(self.code, lang, **self.params)


def parse_date(text: str) -> dt.date:
    """``2026-10-20``, ``20/10/2569`` or ``20 ต.ค. 2569`` → ``date(2026, 10, 20)``; see the module docstring."""
    cleaned = " ".join(text.translate(_FROM_THAI_DIGITS).split())
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
        if year >= FIRST_BUDDHIST_YEAR:
            raise DateRefused("date_buddhist_year_in_iso", text=text, iso=_iso(text, year - 543, month, day))
        return _date(text, year, month, day)
    if match := _NUMERIC.fullmatch(cleaned):
        first, second, year_text = int(match[1]), int(match[3]), match[4]
        if len(year_text) == 2:
            return _refuse_two_digit_year(text, first, second, int(year_text))
        if int(year_text) >= FIRST_BUDDHIST_YEAR:
            if first <= 12 < second:
                ce = int(year_text) - thai.BUDDHIST_ERA_OFFSET
                raise DateRefused(
                    "date_month_first", text=text, iso=_iso(text, ce, first, second),
                    day=_thai_day(dt.date(ce, first, second)), year=year_text,
                )  # fmt: skip
            return _date(text, int(year_text) - thai.BUDDHIST_ERA_OFFSET, second, first)
        return _refuse_christian_slashes(text, first, second, int(year_text))
    if match := _NAMED.fullmatch(cleaned):
        day, month, year_text = int(match[1]), _MONTH_NAMES[match[2]], match[3]
        if len(year_text) == 2:
            return _refuse_two_digit_year(text, day, month, int(year_text))
        if int(year_text) >= FIRST_BUDDHIST_YEAR:
            return _date(text, int(year_text) - thai.BUDDHIST_ERA_OFFSET, month, day)
        raise DateRefused("date_not_a_date", text=text)
    raise DateRefused("date_not_a_date", text=text)


def _date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateRefused("date_no_such_day", text=text) from None


def _iso(text: str, year: int, month: int, day: int) -> str:
    return _date(text, year, month, day).isoformat()


_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _thai_day(day: dt.date) -> Localized:
    """``20 ตุลาคม`` / ``20 October``: the day of a reading offered (the year is said beside it)."""
    return Localized(f"{day.day} {thai.MONTH_NAMES[day.month - 1]}", f"{day.day} {_ENGLISH_MONTHS[day.month - 1]}")


def _refuse_two_digit_year(text: str, day: int, month: int, year: int) -> dt.date:
    """``20/10/69``: a Thai short year is Buddhist Era (25xx); offer that reading, never take it silently."""
    buddhist = 2500 + year
    iso = _iso(text, buddhist - thai.BUDDHIST_ERA_OFFSET, month, day)
    raise DateRefused(
        "date_two_digit_year", text=text, iso=iso, day=_thai_day(dt.date.fromisoformat(iso)), year=buddhist
    )


def _refuse_christian_slashes(text: str, first: int, second: int, year: int) -> dt.date:
    readings: list[tuple[dt.date, Localized]] = []
    for day, month in ((first, second), (second, first)):
        try:
            reading = dt.date(year, month, day)
        except ValueError:
            continue
        if reading not in (found for found, _ in readings):
            readings.append((reading, _thai_day(reading)))
    if not readings:
        raise DateRefused("date_no_such_day", text=text)
    if len(readings) == 1:
        raise DateRefused("date_christian_year_slashes_one", text=text, iso=readings[0][0].isoformat())

    def worded(lang: str) -> str:
        return wording.label("date_or", lang).join(
            wording.message("date_reading", lang, iso=reading.isoformat(), day=day) for reading, day in readings
        )

    raise DateRefused("date_christian_year_slashes", text=text, choices=Localized(worded("th"), worded("en")))
