"""standing.py: result against target, and a form as it stood at the end of a quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from projects import indicator_data

from reportgen.model import Indicator
from reportgen.standing import as_of, parse_quarter, status_of


def make(**overrides) -> Indicator:
    return Indicator.model_validate(indicator_data(**overrides), strict=False)


def test_real_indicator_met_at_1200_percent():
    status = status_of(make())
    assert (status.result, status.target, status.status) == (Decimal(36), Decimal(3), "met")
    assert status.percent == Decimal(1200)
    assert status.last_quarter == 4 and status.reported_quarters == (1, 2, 3, 4)
    assert status.label == "บรรลุเป้าหมาย"


def test_below_target_is_not_met_and_no_result_is_not_reported():
    assert status_of(make(result=2)).status == "not_met"
    unreported = status_of(make(result=None, quarters={}))
    assert unreported.status == "not_reported"
    assert unreported.percent is None and unreported.last_quarter is None


def test_target_reached_exactly_is_met():
    assert status_of(make(result=3)).status == "met"


def test_as_of_q2_hides_later_quarters_summary_and_year_end_result():
    data = indicator_data()
    data["quarters"]["q2"]["result"] = 1
    indicator = as_of(Indicator.model_validate(data, strict=False), 2)
    assert indicator.quarters.q3 is None and indicator.quarters.q4 is None and indicator.quarters.summary is None
    assert indicator.quarters.q1 is not None and indicator.quarters.q2 is not None
    assert indicator.result is None and indicator.shown_result == Decimal(1)
    assert status_of(indicator).status == "not_met" and status_of(indicator).last_quarter == 2


def test_as_of_drops_a_signoff_dated_after_the_quarter():
    signed = indicator_data(signoff={"name": "ก", "position": "ข", "date": dt.date(2021, 10, 20)})
    indicator = Indicator.model_validate(signed, strict=False)
    assert as_of(indicator, 3).signoff is None  # q3 of 2564 ended 30 June 2021
    assert as_of(indicator, 4).signoff is not None
    early = indicator.model_copy(update={"signoff": indicator.signoff.model_copy(update={"date": dt.date(2021, 6, 30)})})
    assert as_of(early, 3).signoff is not None


@pytest.mark.parametrize("text, quarter", [("q1", 1), ("Q2", 2), ("3", 3), (" q4 ", 4)])
def test_parse_quarter(text, quarter):
    assert parse_quarter(text) == quarter


@pytest.mark.parametrize("text", ["q0", "q5", "quarter 2", "", "2564"])
def test_parse_quarter_refuses(text):
    with pytest.raises(ValueError, match="q1, q2, q3 or q4"):
        parse_quarter(text)
