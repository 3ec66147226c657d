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
from reportgen.digest import (
    NOT_SIGNED,
    canonical_content,
    check_signoff,
    content_digest,
    is_legacy_digest,
    sign_state,
    signoff_digest,
    signoff_digest_v2,
)
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


# --- Form 3: what the form prints and the sign-off block, not the officer; forms 1 and 2 still verify ------------

SIGNER = {"name": "นางสาวสมใจ ใฝ่รู้", "position": "บรรณารักษ์ชำนาญการ", "date": dt.date(2022, 10, 20)}

# The form-3 digest of SMALL signed by SIGNER, pinned like SMALL_DIGEST: every sign-off written from now on must
# keep verifying for years.
SMALL_SIGNOFF_DIGEST = "sha256v3:19ae3963cc842606a7cc291e5e43f8f9f1e770b053c939fa720b54aa0da17e42"


def with_signoff(text: str, digest: str) -> Indicator:
    block = (f"signoff:\n  name: {SIGNER['name']}\n  position: {SIGNER['position']}\n"
             f"  date: {SIGNER['date'].isoformat()}\n  digest: {digest}\n")
    return indicator(text + block)


def test_the_form_3_digest_of_a_fixed_indicator_is_pinned():
    assert signoff_digest(indicator(SMALL), None, **SIGNER) == SMALL_SIGNOFF_DIGEST
    # Form 2 as reportgen wrote it before form 3 (pinned from that version): without an officer, forms 2 and 3 hash
    # the same bytes, so only the prefix differs.
    assert signoff_digest_v2(indicator(SMALL), None, **SIGNER) == "sha256v2:" + SMALL_SIGNOFF_DIGEST.split(":")[1]


def test_the_officer_is_not_part_of_what_is_signed():
    digest = signoff_digest(indicator(SMALL), None, **SIGNER)
    officer = SMALL + "officer:\n  name: นายสมชาย ขยันดี\n  contact: โทร 1234\n"
    assert signoff_digest(indicator(officer), None, **SIGNER) == digest
    assert check_signoff(with_signoff(officer, digest), None) == "current"
    assert sign_state(with_signoff(officer.replace("1234", "5678"), digest), None) == "signed"
    assert canonical_content(indicator(officer), exclude=NOT_SIGNED) == canonical_content(indicator(SMALL))


@pytest.mark.parametrize("change", [("ดำเนินการแล้ว", "ดำเนินการแล้วบางส่วน"), ("value: 1000", "value: 1001"),
                                    ("unit: คน", "unit: ครั้ง"), ("result: 36.50", "result: 36.51")])
def test_a_form_3_sign_off_goes_stale_with_any_printed_change(change):
    digest = signoff_digest(indicator(SMALL), None, **SIGNER)
    assert sign_state(with_signoff(SMALL, digest), None) == "signed"
    assert sign_state(with_signoff(SMALL.replace(*change), digest), None) == "edited_after_signoff"


def test_form_1_and_2_sign_offs_keep_verifying_and_an_officer_added_later_is_no_edit():
    v2 = signoff_digest_v2(indicator(SMALL), None, **SIGNER)
    v1 = content_digest(indicator(SMALL))
    assert v2.startswith("sha256v2:") and v1.startswith("sha256:")
    assert check_signoff(with_signoff(SMALL, v2), None) == "current"
    assert check_signoff(with_signoff(SMALL, v1), None) == "old"
    added = SMALL + "officer:\n  name: นายสมชาย ขยันดี\n"  # the coordinator assigns officers to signed forms
    assert check_signoff(with_signoff(added, v2), None) == "current"
    assert check_signoff(with_signoff(added, v1), None) == "old"
    edited = added.replace("ดำเนินการแล้ว", "ดำเนินการแล้วบางส่วน")
    assert check_signoff(with_signoff(edited, v2), None) == "stale"


def test_a_form_2_digest_made_with_an_officer_verifies_until_that_officer_changes():
    officer = SMALL + "officer:\n  name: นายสมชาย ขยันดี\n"
    v2 = signoff_digest_v2(indicator(officer), None, **SIGNER)
    assert check_signoff(with_signoff(officer, v2), None) == "current"
    changed = officer.replace("นายสมชาย ขยันดี", "นางสมศรี ใจดี")
    assert check_signoff(with_signoff(changed, v2), None) == "stale"  # the old digest cannot tell: re-sign
    assert is_legacy_digest(v2) and not is_legacy_digest(signoff_digest(indicator(SMALL), None, **SIGNER))


def test_sign_states():
    assert sign_state(indicator(SMALL), None) == "draft"
    hand = SMALL + f"signoff:\n  name: ก\n  position: ข\n  date: {SIGNER['date'].isoformat()}\n"
    assert sign_state(indicator(hand), None) == "no_digest"
    text = SMALL.replace("    url: https://www.bangkoklibrary.go.th\n", "    file: evidence/gone.pdf\n")
    assert sign_state(with_signoff(text, "sha256v3:" + "0" * 64), Path("/nonexistent")) == "edited_after_signoff"
