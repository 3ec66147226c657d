"""An indicator's id in the BMA's monitoring system (issue 27): the optional ``bma_pid`` of a form (``model.py``),
linked from its page, checked like every value, outside every sign-off digest. When the open data was issued and last
modified (DCAT): tests/render/test_datacatalog.py."""

from __future__ import annotations

import json

import pytest
from projects import build_site, real_indicator, run_reportgen, signed_off, write_project

from reportgen import digest
from reportgen.model import Indicator

MONITOR = "https://monitor.bangkok.go.th/mobile/mykpi.php?pid=2300-848"


def test_a_form_with_a_bma_pid_links_its_page_to_the_bma_system_and_one_without_does_not(tmp_path):
    files = {"indicators/2564/08.yaml": real_indicator() | {"bma_pid": "2300-848"},
             "indicators/2564/09.yaml": real_indicator() | {"code": "09"}}
    html = build_site(tmp_path / "p", files)
    page = (html / "2564" / "08.html").read_text(encoding="utf-8")
    assert f'<a class="action-link" href="{MONITOR}" hreflang="th">' in page
    assert "ตัวชี้วัดนี้ในระบบติดตามผลของกรุงเทพมหานคร" in page and "(2300-848)" in page
    assert "monitor.bangkok.go.th" not in (html / "2564" / "09.html").read_text(encoding="utf-8")
    assert "monitor.bangkok.go.th" not in (tmp_path / "p" / "output" / "pdf" / "2564" / "08.pdf").read_bytes().decode(
        "latin-1"), "the official form prints no such line"


@pytest.mark.parametrize("value", ["2300-848ก", "2300848", "https://monitor.bangkok.go.th/mobile/mykpi.php?pid=1-2"])
def test_a_bma_pid_that_is_not_two_numbers_is_refused_at_its_line(tmp_path, value):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator() | {"bma_pid": value}})
    done = run_reportgen("check", "--lang", "en", cwd=root)
    assert done.returncode == 1
    line = next(number for number, row in enumerate(
        (root / "content/indicators/2564/08.yaml").read_text(encoding="utf-8").splitlines(), 1) if row.startswith("bma_pid"))
    assert f"content/indicators/2564/08.yaml:{line}:" in done.stdout and "bma_pid" in done.stdout
    assert "id in the BMA monitoring system" in done.stdout and "two numbers joined by a hyphen" in done.stdout


def test_a_bma_pid_added_to_a_signed_off_form_keeps_its_sign_off(tmp_path):
    form = signed_off(real_indicator())
    before = Indicator.model_validate(form, strict=False)
    after = Indicator.model_validate(form | {"bma_pid": "2300-848"}, strict=False)
    assert digest.sign_state(before, tmp_path) == digest.sign_state(after, tmp_path) != "draft"
    assert digest.canonical_content(before, tmp_path) == digest.canonical_content(after, tmp_path)


def test_the_schema_offers_bma_pid_to_the_editor():
    from projects import REPO_ROOT

    schema = json.loads((REPO_ROOT / "indicator.schema.json").read_text(encoding="utf-8"))
    pid = schema["properties"]["bma_pid"]
    assert "2300-848" in pid["description"] and "bma_pid" not in schema["required"]
    assert any(option.get("pattern") == "^[0-9]{1,8}-[0-9]{1,8}$" for option in pid.get("anyOf", [pid]))
