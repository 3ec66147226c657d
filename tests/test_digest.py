"""digest.py: the content digest a sign-off records — pinned, canonical, sensitive to every content field."""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from projects import dump_yaml, indicator_data

from reportgen.content.project import load_indicator
from reportgen.digest import canonical_content, content_digest
from reportgen.model import Indicator

SMALL = """\
code: "01"
fiscal_year: 2565
agency: สำนักวัฒนธรรม กีฬา และการท่องเที่ยว
name: จำนวนผู้ใช้บริการห้องสมุด
result_type: outcome
definition: ผู้ใช้บริการ หมายถึง ผู้ที่เข้าใช้บริการห้องสมุด
calculation: นับจำนวนผู้ใช้บริการ
target:
  value: 1000
  unit: คน
result: 36.50
quarters:
  q1:
    report: ดำเนินการแล้ว
    result: 12
evidence:
  - title: รายงาน
    url: https://www.bangkoklibrary.go.th
"""

# The digest of SMALL, pinned. If this changes, every sign-off ever recorded stops matching its file: a change to
# the canonical form (or a new model field with a default other than None) must never land unnoticed.
SMALL_DIGEST = "sha256:04a8c3bc4e437f4b548011ed239c26edaa4b81b241bdb94ef76a71dfb49c90a8"


def indicator(text: str | dict) -> Indicator:
    return load_indicator(text if isinstance(text, str) else dump_yaml(text))


def test_the_digest_of_a_fixed_indicator_is_pinned():
    assert content_digest(indicator(SMALL)) == SMALL_DIGEST


def test_canonical_form_is_sorted_compact_json_with_thai_as_is_and_exact_numbers():
    canonical = canonical_content(indicator(SMALL)).decode("utf-8")
    assert canonical.startswith('{"agency":"สำนักวัฒนธรรม กีฬา และการท่องเที่ยว","calculation":')
    assert '"result":"36.5"' in canonical and '"value":"1000"' in canonical  # Decimals as text, not floats
    assert ": " not in canonical.replace("ห้องสมุด", "") and "\\u" not in canonical
    assert '"plan"' not in canonical and '"signoff"' not in canonical  # absent stays absent


def test_yaml_formatting_and_comments_do_not_change_the_digest():
    reformatted = (
        "# a comment at the top\r\n"
        + SMALL.replace('code: "01"', "code: '01'  # quoted differently")
        .replace("definition: ผู้ใช้บริการ หมายถึง ผู้ที่เข้าใช้บริการห้องสมุด",
                 "definition: >-\n  ผู้ใช้บริการ หมายถึง\n  ผู้ที่เข้าใช้บริการห้องสมุด")
        .replace("\n", "\r\n")
    )
    moved = SMALL.replace("result: 36.50\n", "") + "result: 36.5\n"  # key order and number spelling
    assert content_digest(indicator(reformatted)) == SMALL_DIGEST
    assert content_digest(indicator(moved)) == SMALL_DIGEST


def test_the_signoff_is_not_part_of_the_digest():
    signed = SMALL + "signoff:\n  name: นาย ก\n  position: ผู้อำนวยการ\n  date: 2022-10-20\n"
    assert content_digest(indicator(signed)) == SMALL_DIGEST


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value


def _changed(value):
    if isinstance(value, bool):
        raise AssertionError("no booleans in the model")
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if value == "output":
        return "outcome"
    if isinstance(value, str) and value.startswith("https://"):
        return value + "x"
    return value + "ก"


LEAVES = [path for path, _ in _leaves(indicator_data(signoff=None)) if path not in (("code",), ("fiscal_year",))]


@pytest.mark.parametrize("path", LEAVES, ids=lambda path: ".".join(map(str, path)))
def test_changing_any_content_value_changes_the_digest(path):
    data = indicator_data(signoff=None)
    before = content_digest(indicator(data))
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = _changed(target[path[-1]])
    assert content_digest(indicator(changed)) != before


def test_code_and_year_are_content_too():
    base = content_digest(indicator(SMALL))
    assert content_digest(indicator(SMALL.replace('code: "01"', 'code: "02"'))) != base
    assert content_digest(indicator(SMALL.replace("fiscal_year: 2565", "fiscal_year: 2566"))) != base


def test_a_removed_optional_section_changes_the_digest():
    data = indicator_data(signoff=None)
    without_plan = {key: value for key, value in data.items() if key != "plan"}
    assert content_digest(indicator(without_plan)) != content_digest(indicator(data))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip).filter(bool),
        min_size=2, max_size=2, unique=True,
    )
)
def test_different_names_give_different_digests_and_equal_names_equal_ones(names):
    first, second = names
    base = indicator(SMALL)
    assert content_digest(base.model_copy(update={"name": first})) != content_digest(base.model_copy(update={"name": second}))
    reloaded = indicator(dump_yaml({**indicator_data(), "name": first}))
    again = indicator(dump_yaml({**indicator_data(), "name": first}))
    assert content_digest(reloaded) == content_digest(again)


def test_no_unicode_normalisation():
    composed = "กำ"  # SARA AM as one code point
    decomposed = "ก\u0e4d\u0e32"  # NIKHAHIT + SARA AA: NFKC turns SARA AM into this
    assert unicodedata.normalize("NFKC", composed) == decomposed
    base = indicator(SMALL)
    assert content_digest(base.model_copy(update={"name": composed})) != content_digest(
        base.model_copy(update={"name": decomposed})
    )


def test_evidence_file_bytes_are_part_of_the_digest(tmp_path: Path):
    content = tmp_path / "content"
    (content / "evidence").mkdir(parents=True)
    report = content / "evidence" / "report.pdf"
    report.write_bytes(b"%PDF-1.7 first version")
    text = SMALL.replace("    url: https://www.bangkoklibrary.go.th\n", "    file: evidence/report.pdf\n")
    with_file = indicator(text)
    first = content_digest(with_file, content)
    assert first != SMALL_DIGEST
    report.write_bytes(b"%PDF-1.7 second version")
    assert content_digest(with_file, content) != first
    report.write_bytes(b"%PDF-1.7 first version")
    assert content_digest(with_file, content) == first
    with pytest.raises(ValueError):
        content_digest(with_file)  # evidence files need the content folder


def test_decimal_spelling_in_the_model_is_what_counts():
    base = indicator(SMALL)
    assert content_digest(base.model_copy(update={"result": Decimal("36.5")})) == SMALL_DIGEST
    assert content_digest(base.model_copy(update={"result": Decimal("36.50")})) != SMALL_DIGEST
