"""Thai digits, BE years, fiscal quarters and number formatting as printed on the form (reportgen.thai)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from reportgen import thai
from reportgen.thai import (
    FILTERS,
    apply_digits,
    be_year,
    ce_year,
    fiscal_quarter_of,
    fiscal_year_of,
    format_number,
    percent_of_target,
    quarter_label,
    quarter_months,
    quarter_period,
    quarters_ended,
    thai_date,
    to_thai_digits,
)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
THAI_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
ASCII_DIGITS = set("0123456789")

# Text with no Thai digits of its own, so that mapping Thai digits back to Arabic must give the original.
text_without_thai_digits = st.text(alphabet=st.characters(blacklist_characters=THAI_DIGITS))


# --- Digits ----------------------------------------------------------------------------------------------------


@given(text_without_thai_digits)
def test_thai_digits_map_back_to_the_original_text(text):
    assert to_thai_digits(text).translate(THAI_TO_ARABIC) == text


@given(st.text())
def test_only_ascii_digits_change(text):
    converted = to_thai_digits(text)
    assert len(converted) == len(text)
    for original, printed in zip(text, converted):
        if original in ASCII_DIGITS:
            assert printed == THAI_DIGITS[int(original)]
        else:
            assert printed == original
    assert not ASCII_DIGITS & set(converted)


@pytest.mark.parametrize(
    "text",
    [
        "น้ำ 12 ลิตร",  # SARA AM U+0E33: NFKC would split it into U+0E4D U+0E32
        "\u0e19\u0e49\u0e4d\u0e32 3",  # already-decomposed SARA AM must stay decomposed
        "ที่ 1 ก้าว",  # tone mark and vowel above
        "e\u0301 5",  # Latin with a combining acute accent (NFD)
        "x\u0331\u0300 7",  # stacked combining marks
        "Ⅻ ² ½ ١٢",  # compatibility and other-script digits are not ASCII digits
    ],
)
def test_non_digit_characters_are_untouched_and_never_normalised(text):
    converted = to_thai_digits(text)
    kept = [character for character in text if character not in ASCII_DIGITS]
    assert [character for character in converted if character not in THAI_DIGITS] == kept
    assert unicodedata.is_normalized("NFC", text) == unicodedata.is_normalized("NFC", converted)


@pytest.mark.parametrize(
    ("text", "digits", "expected"),
    [
        ("ปี 2564", "arabic", "ปี 2564"),
        ("ปี 2564", "thai", "ปี ๒๕๖๔"),
        ("0123456789", "thai", THAI_DIGITS),
        ("", "thai", ""),
    ],
)
def test_apply_digits(text, digits, expected):
    assert apply_digits(text, digits) == expected


@pytest.mark.parametrize("digits", ["Thai", "THAI", "", "latin", None])
def test_apply_digits_rejects_unknown_digit_systems(digits):
    with pytest.raises(ValueError, match="digits must be"):
        apply_digits("1", digits)


def test_markup_stays_markup_so_it_is_not_escaped_twice():
    converted = apply_digits(Markup("<b>1</b>"), "thai")
    assert isinstance(converted, Markup)
    assert converted == Markup("<b>๑</b>")


# --- Numbers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (3, {}, "3"),
        (Decimal("3"), {}, "3"),
        (Decimal("2.5"), {}, "2.5"),
        (Decimal("2.50"), {}, "2.50"),  # as written: trailing zeros are kept
        (Decimal("1E+3"), {}, "1,000"),  # never exponent form
        (Decimal("1.0E-7"), {}, "0.00000010"),
        (36, {"places": 2}, "36.00"),
        (Decimal("36"), {"places": 2}, "36.00"),
        (1200, {"places": 2}, "1,200.00"),
        (316259, {}, "316,259"),
        (316259, {"grouping": False}, "316259"),
        (1234.5, {"places": 2}, "1,234.50"),
        (0.1 + 0.2, {"places": 2}, "0.30"),
        (1e16, {}, "10,000,000,000,000,000"),
        (Decimal("0.005"), {"places": 2}, "0.01"),  # half up, not half even
        (Decimal("0.015"), {"places": 2}, "0.02"),
        (Decimal("0.025"), {"places": 2}, "0.03"),  # half even would give 0.02
        (Decimal("2.5"), {"places": 0}, "3"),
        (Decimal("0.0049"), {"places": 2}, "0.00"),
        (Decimal("-0.001"), {"places": 2}, "0.00"),  # no "-0.00"
        (Decimal("-1234.5"), {"places": 1}, "-1,234.5"),
        (Decimal("12345678901234567890123456789.5"), {"places": 2}, "12,345,678,901,234,567,890,123,456,789.50"),
        (1234567, {"digits": "thai"}, "๑,๒๓๔,๕๖๗"),
        (Decimal("36"), {"places": 2, "digits": "thai"}, "๓๖.๐๐"),
    ],
)
def test_format_number(value, options, expected):
    assert format_number(value, **options) == expected


@pytest.mark.parametrize(
    ("value", "options", "error"),
    [
        (True, {}, TypeError),
        (None, {}, TypeError),
        ("36", {}, TypeError),
        (Decimal("NaN"), {}, ValueError),
        (float("inf"), {}, ValueError),
        (1, {"places": -1}, ValueError),
        (1, {"places": 1.5}, ValueError),
        (1, {"digits": "thai-ish"}, ValueError),
    ],
)
def test_format_number_rejects_what_cannot_be_printed(value, options, error):
    with pytest.raises(error):
        format_number(value, **options)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=4))
def test_grouped_and_ungrouped_numbers_are_the_same_value(number):
    grouped = format_number(number, places=2)
    assert Decimal(grouped.replace(",", "")) == Decimal(format_number(number, places=2, grouping=False))
    assert abs(Decimal(grouped.replace(",", "")) - number) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("result", "target", "expected"),
    [
        (Decimal("3"), Decimal("3"), Decimal("100")),
        (Decimal("1"), Decimal("4"), Decimal("25")),
        (Decimal("45"), Decimal("36"), Decimal("125")),
        (Decimal("0"), Decimal("10"), Decimal("0")),
        (None, Decimal("3"), None),
        (Decimal("3"), None, None),
        (Decimal("3"), Decimal("0"), None),
        (Decimal("3"), Decimal("0.00"), None),
    ],
)
def test_percent_of_target(result, target, expected):
    assert percent_of_target(result, target) == expected


def test_percent_of_target_formats_to_the_expected_places():
    assert format_number(percent_of_target(Decimal("1"), Decimal("3")), places=2) == "33.33"
    assert format_number(percent_of_target(Decimal("2"), Decimal("3")), places=2) == "66.67"


# --- Years and dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ce", "be"), [(2020, 2563), (2021, 2564), (1957, 2500), (2157, 2700)])
def test_be_and_ce_years(ce, be):
    assert be_year(ce) == be
    assert ce_year(be) == ce


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_be_and_ce_years_are_inverses(year):
    assert ce_year(be_year(year)) == year
    assert be_year(year) - year == 543


@pytest.mark.parametrize("year", [True, 2564.0, "2564"])
def test_years_must_be_whole_numbers(year):
    with pytest.raises(TypeError):
        be_year(year)


@pytest.mark.parametrize(
    ("day", "options", "expected"),
    [
        (dt.date(2021, 10, 20), {}, "20 ตุลาคม 2564"),
        (dt.date(2021, 10, 20), {"style": "short"}, "20 ต.ค. 2564"),
        (dt.date(2021, 10, 20), {"digits": "thai"}, "๒๐ ตุลาคม ๒๕๖๔"),
        (dt.date(2021, 10, 20), {"digits": "thai", "style": "short"}, "๒๐ ต.ค. ๒๕๖๔"),
        (dt.date(2021, 1, 5), {}, "5 มกราคม 2564"),  # no leading zero
        (dt.date(2021, 1, 5), {"digits": "thai"}, "๕ มกราคม ๒๕๖๔"),
        (dt.date(2020, 2, 29), {"style": "short"}, "29 ก.พ. 2563"),
        (dt.date(2021, 12, 31), {}, "31 ธันวาคม 2564"),  # calendar BE year, not fiscal year
        (dt.datetime(2021, 10, 20, 9, 30), {}, "20 ตุลาคม 2564"),
    ],
)
def test_thai_date(day, options, expected):
    assert thai_date(day, **options) == expected


@pytest.mark.parametrize(
    ("month", "full", "short"),
    [
        (1, "มกราคม", "ม.ค."),
        (2, "กุมภาพันธ์", "ก.พ."),
        (3, "มีนาคม", "มี.ค."),
        (4, "เมษายน", "เม.ย."),
        (5, "พฤษภาคม", "พ.ค."),
        (6, "มิถุนายน", "มิ.ย."),
        (7, "กรกฎาคม", "ก.ค."),
        (8, "สิงหาคม", "ส.ค."),
        (9, "กันยายน", "ก.ย."),
        (10, "ตุลาคม", "ต.ค."),
        (11, "พฤศจิกายน", "พ.ย."),
        (12, "ธันวาคม", "ธ.ค."),
    ],
)
def test_every_month_name(month, full, short):
    day = dt.date(2021, month, 1)
    assert thai_date(day) == f"1 {full} 2564"
    assert thai_date(day, style="short") == f"1 {short} 2564"


@pytest.mark.parametrize(
    ("day", "options", "error"),
    [
        ("2021-10-20", {}, TypeError),
        (dt.date(2021, 10, 20), {"style": "long"}, ValueError),
        (dt.date(2021, 10, 20), {"digits": "roman"}, ValueError),
    ],
)
def test_thai_date_rejects_bad_arguments(day, options, error):
    with pytest.raises(error):
        thai_date(day, **options)


# --- Fiscal years and quarters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fiscal_year", "quarter"),
    [
        (dt.date(2020, 9, 30), 2563, 4),
        (dt.date(2020, 10, 1), 2564, 1),
        (dt.date(2020, 12, 31), 2564, 1),
        (dt.date(2021, 1, 1), 2564, 2),
        (dt.date(2021, 3, 31), 2564, 2),
        (dt.date(2021, 4, 1), 2564, 3),
        (dt.date(2021, 6, 30), 2564, 3),
        (dt.date(2021, 7, 1), 2564, 4),
        (dt.date(2021, 9, 30), 2564, 4),
        (dt.date(2021, 10, 1), 2565, 1),
        (dt.date(2021, 10, 20), 2565, 1),
    ],
)
def test_fiscal_year_and_quarter_of(day, fiscal_year, quarter):
    assert fiscal_year_of(day) == fiscal_year
    assert fiscal_quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("fiscal_year", "quarter", "first_day", "last_day"),
    [
        (2564, 1, dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
        (2564, 2, dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
        (2564, 3, dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
        (2564, 4, dt.date(2021, 7, 1), dt.date(2021, 9, 30)),
        (2565, 1, dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
    ],
)
def test_quarter_period(fiscal_year, quarter, first_day, last_day):
    assert quarter_period(fiscal_year, quarter) == (first_day, last_day)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_day_lies_in_the_period_of_its_own_quarter(day):
    first_day, last_day = quarter_period(fiscal_year_of(day), fiscal_quarter_of(day))
    assert first_day <= day <= last_day


@given(st.integers(min_value=2450, max_value=2750))
def test_quarters_tile_the_fiscal_year_without_gaps(fiscal_year):
    periods = [quarter_period(fiscal_year, quarter) for quarter in (1, 2, 3, 4)]
    assert periods[0][0] == dt.date(ce_year(fiscal_year) - 1, 10, 1)
    assert periods[-1][1] == dt.date(ce_year(fiscal_year), 9, 30)
    for (_, previous_last), (next_first, _) in zip(periods, periods[1:]):
        assert next_first - previous_last == dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("quarter", "months"),
    [(1, "ต.ค.–ธ.ค."), (2, "ม.ค.–มี.ค."), (3, "เม.ย.–มิ.ย."), (4, "ก.ค.–ก.ย.")],
)
def test_quarter_months(quarter, months):
    assert quarter_months(quarter) == months
    assert "\u2013" in months


@pytest.mark.parametrize(
    ("fiscal_year", "quarter", "options", "expected"),
    [
        (2564, 1, {}, "ไตรมาสที่ 1 (ต.ค.–ธ.ค. 2563)"),
        (2564, 2, {}, "ไตรมาสที่ 2 (ม.ค.–มี.ค. 2564)"),
        (2564, 3, {}, "ไตรมาสที่ 3 (เม.ย.–มิ.ย. 2564)"),
        (2564, 4, {}, "ไตรมาสที่ 4 (ก.ค.–ก.ย. 2564)"),
        (2564, 1, {"digits": "thai"}, "ไตรมาสที่ ๑ (ต.ค.–ธ.ค. ๒๕๖๓)"),
        (2565, 4, {"digits": "thai"}, "ไตรมาสที่ ๔ (ก.ค.–ก.ย. ๒๕๖๕)"),
    ],
)
def test_quarter_label(fiscal_year, quarter, options, expected):
    assert quarter_label(fiscal_year, quarter, **options) == expected


@pytest.mark.parametrize("quarter", [0, 5, -1, True, 1.0, "1", None])
@pytest.mark.parametrize(
    "call",
    [
        lambda quarter: quarter_months(quarter),
        lambda quarter: quarter_period(2564, quarter),
        lambda quarter: quarter_label(2564, quarter),
    ],
    ids=["quarter_months", "quarter_period", "quarter_label"],
)
def test_quarter_outside_1_to_4_is_rejected(call, quarter):
    with pytest.raises(ValueError, match="quarter must be 1, 2, 3 or 4"):
        call(quarter)


@pytest.mark.parametrize(
    ("today", "ended"),
    [
        (dt.date(2019, 1, 1), 0),
        (dt.date(2020, 9, 30), 0),
        (dt.date(2020, 10, 1), 0),
        (dt.date(2020, 12, 31), 0),  # the last day of quarter 1 is still part of it
        (dt.date(2021, 1, 1), 1),
        (dt.date(2021, 3, 31), 1),
        (dt.date(2021, 4, 1), 2),
        (dt.date(2021, 6, 30), 2),
        (dt.date(2021, 7, 1), 3),
        (dt.date(2021, 9, 30), 3),
        (dt.date(2021, 10, 1), 4),
        (dt.date(2030, 1, 1), 4),
        (dt.datetime(2021, 1, 1, 0, 0), 1),
    ],
)
def test_quarters_ended_for_fiscal_year_2564(today, ended):
    assert quarters_ended(2564, today) == ended


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)))
def test_the_quarter_containing_today_has_not_ended_but_the_one_before_has(today):
    assert quarters_ended(fiscal_year_of(today), today) == fiscal_quarter_of(today) - 1


# --- Jinja filters ---------------------------------------------------------------------------------------------


def test_filters_render_in_jinja():
    jinja2 = pytest.importorskip("jinja2")
    environment = jinja2.Environment(autoescape=True)
    environment.filters.update(FILTERS)
    template = environment.from_string(
        "{{ year | thai_digits(digits) }}|{{ '<ปี 1>' | thai_digits(digits) }}|"
        "{{ value | number(places=2, digits=digits) }}|{{ day | thai_date(digits=digits, style='short') }}|"
        "{{ 1 | quarter_months }}"
    )
    rendered = template.render(year=2564, value=Decimal("1200"), day=dt.date(2021, 10, 20), digits="thai")
    assert rendered == "๒๕๖๔|&lt;ปี ๑&gt;|๑,๒๐๐.๐๐|๒๐ ต.ค. ๒๕๖๔|ต.ค.–ธ.ค."


@pytest.mark.parametrize("value", [None, Decimal("1E+3"), True])
def test_thai_digits_filter_refuses_values_that_would_print_wrongly(value):
    with pytest.raises(TypeError):
        FILTERS["thai_digits"](value, "thai")


# --- Figures as Thai readers write them (the site and summaries) -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "digits", "expected"),
    [
        (Decimal("36.00"), "ห้อง", "arabic", "36 ห้อง"),  # no ".00" on a count
        (Decimal("2"), "ห้อง", "arabic", "2 ห้อง"),
        (Decimal("2.50"), "ห้อง", "arabic", "2.5 ห้อง"),
        (316259, "ครั้ง", "arabic", "316,259 ครั้ง"),  # thousands grouped
        (85, "ร้อยละ", "arabic", "ร้อยละ 85"),  # ร้อยละ before the figure, never "85 ร้อยละ"
        (Decimal("66.6666"), "%", "arabic", "ร้อยละ 66.67"),  # rounded half up to 2 places
        (Decimal("1200"), " เปอร์เซ็นต์ ", "arabic", "ร้อยละ 1,200"),
        (Decimal("1234.5"), "บาท", "thai", "๑,๒๓๔.๕ บาท"),  # the site's Thai digits
        (Decimal("0.005"), None, "arabic", "0.01"),
        (Decimal("1E+3"), "ครั้ง", "arabic", "1,000 ครั้ง"),
        (Decimal("-0.001"), "ห้อง", "arabic", "0 ห้อง"),
    ],
)
def test_reader_figure_writes_numbers_as_thai_readers_do(value, unit, digits, expected):
    assert thai.reader_figure(value, unit, digits=digits) == expected


def test_reader_figure_is_not_the_official_forms_format():
    assert thai.format_number(Decimal("36"), places=2) == "36.00"  # the form keeps the reference's 36.00 (ห้อง)
    assert thai.reader_figure(Decimal("36"), "ห้อง") == "36 ห้อง"


def test_thai_digits_are_read_as_the_digits_they_are():
    from reportgen.thai import to_arabic_digits

    assert to_arabic_digits("๒๕๖๙ ปี ๑๒.๕") == "2569 ปี 12.5"
    assert to_arabic_digits(to_thai_digits("0123456789")) == "0123456789"
