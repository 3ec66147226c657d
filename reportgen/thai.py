"""Numbers, dates and fiscal quarters → the Thai strings printed on the form (used as Jinja filters by render/html.py).

The form counts years in the Buddhist Era (พ.ศ. = ค.ศ. + 543) and money and results in the Thai fiscal year, which
runs 1 October – 30 September and is named by the BE year in which it ends. Digits are printed as Arabic (0–9) or
Thai (๐–๙) according to the site setting ``digits``.

Thai text is never Unicode-normalised here: NFKC turns SARA AM (ำ, U+0E33) into NIKHAHIT + SARA AA, which changes
what staff wrote and can break shaping in the PDF fonts. Only the ten ASCII digits are ever replaced.

Numbers are Decimals throughout so that a target written as ``36.00`` prints as ``36.00`` and no float artefact
(``0.30000000000000004``) reaches an official form.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext

DIGIT_SYSTEMS: tuple[str, ...] = ("arabic", "thai")

#: Thailand's time zone: UTC+7 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
#: Sign-off dates, reporting dates and signing times are days and times in Bangkok.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")


def bangkok_today() -> dt.date:
    """Today's date in Bangkok, whatever the machine's time zone (a CI runner in UTC is 7 hours behind)."""
    return dt.datetime.now(BANGKOK).date()


DATE_STYLES: tuple[str, ...] = ("full", "short")

#: Years between the Christian Era and the Buddhist Era as counted in Thailand.
BUDDHIST_ERA_OFFSET = 543

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"  # U+0E50–U+0E59
_ARABIC_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MONTH_NAMES: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip

#: The fiscal year starts in October, so its quarter 1 is October–December of the previous calendar year.
FISCAL_YEAR_FIRST_MONTH = 10
QUARTERS = (1, 2, 3, 4)

#: Decimal's default precision. Rounding raises precision up to what the number needs, because ``quantize`` fails
#: rather than rounds when the result has more digits than the context allows.
_MIN_DECIMAL_PRECISION = 28


# --- Digits ------------------------------------------------------------------------------------------------------


def to_thai_digits(text: str) -> str:
    """Replace the ASCII digits 0–9 with Thai digits ๐–๙; every other character is left exactly as it was."""
    if not isinstance(text, str):
        raise TypeError(f"to_thai_digits expects text, not {type(text).__name__}")
    # str.translate keeps a markupsafe.Markup a Markup, so already-escaped HTML is not escaped twice.
    return text.translate(_ARABIC_TO_THAI)


_THAI_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")


def to_arabic_digits(text: str) -> str:
    """``๒๕๖๙`` → ``2569``: Thai digits as typed, read as the digits they are (the desk's numbers and years)."""
    return text.translate(_THAI_TO_ARABIC)


def apply_digits(text: str, digits: str) -> str:
    """Print ``text`` in the site's digit system: ``"arabic"`` leaves it unchanged, ``"thai"`` converts digits."""
    _check_digits(digits)
    if not isinstance(text, str):
        raise TypeError(f"apply_digits expects text, not {type(text).__name__}")
    return to_thai_digits(text) if digits == "thai" else text


def _check_digits(digits: str) -> None:
    # A typo such as "Thai" would otherwise silently print Arabic digits on a form meant to use Thai ones.
    if digits not in DIGIT_SYSTEMS:
        raise ValueError(f"digits must be 'arabic' or 'thai', not {digits!r}")


# --- Numbers -----------------------------------------------------------------------------------------------------


def format_number(
    value: Decimal | int | float,
    *,
    places: int | None = None,
    digits: str = "arabic",
    grouping: bool = True,
) -> str:
    """A number as printed on the form: ``316259`` → ``"316,259"``; with ``places=2``, ``36`` → ``"36.00"``.

    ``places=None`` keeps the number as written (``Decimal("2.50")`` → ``"2.50"``) but never in exponent form
    (``Decimal("1E+3")`` → ``"1,000"``). With ``places`` the value is rounded half up, as people round by hand:
    ``Decimal("0.005")`` → ``"0.01"``.
    """
    number = _to_decimal(value)
    if places is not None:
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ValueError(f"places must be a whole number 0 or more, or None, not {places!r}")
        number = _round_half_up(number, places)
    _check_digits(digits)
    if number.is_zero():
        number = number.copy_abs()  # "-0.00" on a form reads as an error, not as a rounded tiny loss
    text = format(number, ",f" if grouping else "f")
    return apply_digits(text, digits)


def _to_decimal(value: Decimal | int | float) -> Decimal:
    # bool is an int subclass: True must not print as "1".
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        raise TypeError(f"expected a number, not {type(value).__name__}: {value!r}")
    # str() first: Decimal(1234.5) is exact, but Decimal(0.1) would print 0.1000000000000000055511151231257827…
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"cannot print {value!r} on a form: it is not a finite number")
    return number


def _round_half_up(number: Decimal, places: int) -> Decimal:
    needed_precision = max(number.adjusted(), 0) + places + 2
    with localcontext() as context:
        context.prec = max(_MIN_DECIMAL_PRECISION, needed_precision)
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


#: The word a Thai reader writes before a percentage: ``ร้อยละ 85``.
PERCENT = "ร้อยละ"

#: Units that are a percentage (as validate.py recognises them): a Thai reader writes ร้อยละ before the figure.
PERCENT_UNIT = re.compile(r"\s*(ร้อยละ|%|เปอร์เซ็นต์|percent)\s*", re.IGNORECASE)


def reader_figure(
    value: Decimal | int | float, unit: str | None = None, *, digits: str = "arabic", places: int = 2
) -> str:
    """A figure as Thai readers write it on the site and in summaries: ``36`` ห้อง → ``"36 ห้อง"``, ``85`` ร้อยละ
    → ``"ร้อยละ 85"``, ``Decimal("66.666")`` ร้อยละ → ``"ร้อยละ 66.67"``, ``316259`` ครั้ง → ``"316,259 ครั้ง"``.

    Rounded half up to ``places``, then trailing zeros dropped (no ``.00`` on a count), thousands grouped; a
    percentage unit (``PERCENT_UNIT``) goes before the figure as ร้อยละ, any other unit after it; ``unit=None``
    gives the figure alone. The official form does not use this: it keeps the reference's ``36.00 (ห้อง)``.
    """
    text = format_number(value, places=places, grouping=True)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = apply_digits(text, digits)
    if unit is None or not unit.strip():
        return text
    if PERCENT_UNIT.fullmatch(unit):
        return f"{PERCENT} {text}"
    return f"{text} {unit.strip()}"


def percent_of_target(result: Decimal | None, target: Decimal | None) -> Decimal | None:
    """``result / target * 100``, or None when there is no result, no target, or a zero target."""
    if result is None or target is None:
        return None
    result_number, target_number = _to_decimal(result), _to_decimal(target)
    if target_number.is_zero():
        return None
    # A fixed context: the caller's decimal context must not change the percentage printed on the form.
    with localcontext() as context:
        context.prec = _MIN_DECIMAL_PRECISION
        # Multiplying first keeps whole percentages exact (1 of 4 → 25, not 25.00000…).
        return result_number * 100 / target_number


# --- Years and dates ---------------------------------------------------------------------------------------------


def be_year(ce_year: int) -> int:
    """Buddhist-Era year of a Christian-Era year: 2021 → 2564."""
    _check_whole_number(ce_year, "ce_year")
    return ce_year + BUDDHIST_ERA_OFFSET


def ce_year(be_year: int) -> int:
    """Christian-Era year of a Buddhist-Era year: 2564 → 2021."""
    _check_whole_number(be_year, "be_year")
    return be_year - BUDDHIST_ERA_OFFSET


def thai_date(day: dt.date, *, digits: str = "arabic", style: str = "full") -> str:
    """A date as written on Thai forms, BE year and no leading zero: ``"20 ตุลาคม 2564"``, short ``"20 ต.ค. 2564"``."""
    _check_date(day, "day")
    if style not in DATE_STYLES:
        raise ValueError(f"style must be 'full' or 'short', not {style!r}")
    month_names = MONTH_NAMES if style == "full" else MONTH_ABBREVIATIONS
    return apply_digits(f"{day.day} {month_names[day.month - 1]} {be_year(day.year)}", digits)


def _check_date(value: dt.date, name: str) -> None:
    # An ISO string such as "2021-10-20" would fail later with a confusing AttributeError.
    if not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}: {value!r}")


def _check_whole_number(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}: {value!r}")


# --- Fiscal years and quarters -----------------------------------------------------------------------------------


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year a date falls in: 30 Sep 2021 → 2564, 1 Oct 2021 → 2565."""
    _check_date(day, "day")
    ends_next_calendar_year = day.month >= FISCAL_YEAR_FIRST_MONTH
    return be_year(day.year + 1 if ends_next_calendar_year else day.year)


def fiscal_quarter_of(day: dt.date) -> int:
    """The fiscal quarter (1–4) a date falls in: October–December is quarter 1."""
    _check_date(day, "day")
    months_into_fiscal_year = (day.month - FISCAL_YEAR_FIRST_MONTH) % 12
    return months_into_fiscal_year // 3 + 1


def quarter_period(fiscal_year_be: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal quarter: (2564, 1) → (1 Oct 2020, 31 Dec 2020)."""
    _check_whole_number(fiscal_year_be, "fiscal_year_be")
    first_month = _quarter_first_month(quarter)
    last_month = first_month + 2
    calendar_year = ce_year(fiscal_year_be) - (1 if quarter == 1 else 0)
    if not dt.MINYEAR <= calendar_year <= dt.MAXYEAR:
        raise ValueError(f"fiscal year {fiscal_year_be} (BE) is outside the range of dates that can be represented")
    last_day = calendar.monthrange(calendar_year, last_month)[1]
    return dt.date(calendar_year, first_month, 1), dt.date(calendar_year, last_month, last_day)


def quarter_months(quarter: int) -> str:
    """The months of a fiscal quarter, abbreviated: 1 → ``"ต.ค.–ธ.ค."``."""
    first_month = _quarter_first_month(quarter)
    return f"{MONTH_ABBREVIATIONS[first_month - 1]}–{MONTH_ABBREVIATIONS[first_month + 1]}"


def quarter_label(fiscal_year_be: int, quarter: int, *, digits: str = "arabic") -> str:
    """Heading of a quarter's report: (2564, 1) → ``"ไตรมาสที่ 1 (ต.ค.–ธ.ค. 2563)"``.

    The year is the BE calendar year the months fall in, not the fiscal year: quarter 1 of fiscal year 2564 is
    October–December 2563. No quarter spans two calendar years, so one year is always enough.
    """
    first_day, _ = quarter_period(fiscal_year_be, quarter)
    label = f"ไตรมาสที่ {quarter} ({quarter_months(quarter)} {be_year(first_day.year)})"
    return apply_digits(label, digits)


def quarters_ended(fiscal_year_be: int, today: dt.date) -> int:
    """How many quarters (0–4) of a fiscal year have fully ended by ``today``.

    A quarter ends at the close of its last day, so on 31 December quarter 1 is still running and on 1 January it
    has ended. A narrative for a quarter beyond this count describes work that cannot have been done yet.
    """
    _check_date(today, "today")
    if isinstance(today, dt.datetime):
        today = today.date()  # datetime and date do not compare
    return sum(1 for quarter in QUARTERS if quarter_period(fiscal_year_be, quarter)[1] < today)


def _quarter_first_month(quarter: int) -> int:
    if isinstance(quarter, bool) or not isinstance(quarter, int) or quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1, 2, 3 or 4, not {quarter!r}")
    return (FISCAL_YEAR_FIRST_MONTH - 1 + 3 * (quarter - 1)) % 12 + 1


# --- Jinja filters -----------------------------------------------------------------------------------------------


def _thai_digits_filter(value: str | int, digits: str) -> str:
    # Templates pass years and quarter numbers as ints; None or a Decimal here is a template bug, not something
    # to print as "None" or in exponent form, so only text and whole numbers are accepted.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"thai_digits expects text or a whole number, not {type(value).__name__}: {value!r}")
    return apply_digits(value if isinstance(value, str) else str(value), digits)


#: Registered by render/html.py on its Jinja environment, e.g. ``{{ indicator.target.value | number(digits=site.digits) }}``.
FILTERS: dict[str, Callable[..., str]] = {
    "thai_digits": _thai_digits_filter,
    "number": format_number,
    "figure": reader_figure,
    "thai_date": thai_date,
    "quarter_months": quarter_months,
}
