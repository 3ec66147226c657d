"""An officer's quarter at the desk, in Debian's Chromium driven by Playwright, with the desk served by uvicorn on a
project in a temporary git repository with a bare remote: open the desk, open form 08, fill quarter 1, paste a Word
list and an Excel table, see an error appear at its field and go away, save; then the commit, the file and the PDF
built from it. And axe on every page of the desk."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
from desk_projects import OFFICER, OFFICER_EMAIL, TODAY, git, git_project, pushed, running_desk
from extract import pdftotext_body, squeeze

from reportgen.commands.check import check
from reportgen.content.project import load_file
from reportgen.model import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FORM_08 = PurePosixPath("content/indicators/2569/08.yaml")

#: What Word puts on the clipboard for a numbered list (its plain text: number, tab, item; Windows line ends) and,
#: beside it, its HTML, which the text area never takes.
WORD_LIST_TEXT = "1.\tจัดกิจกรรมส่งเสริมการอ่าน 12 ครั้ง\r\n2.\tปรับปรุงมุมอ่านหนังสือเด็ก 3 สาขา\r\n"
WORD_LIST_HTML = ("<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>1.<span>"
                  "&nbsp;</span></span>จัดกิจกรรมส่งเสริมการอ่าน 12 ครั้ง</p>")
#: What Excel puts on the clipboard for a table: cells separated by tabs, rows by line ends.
EXCEL_TABLE_TEXT = "ห้องสมุด\tผู้เข้าร่วม\r\nห้องสมุดเขตบางรัก\t120\r\nห้องสมุดเขตดุสิต\t95\r\n"


@pytest.fixture
def desk_url(tmp_path):
    from reportgen.desk.app import DeskSettings

    root = git_project(tmp_path)
    settings = DeskSettings(secret_file=tmp_path / "secret", today=TODAY)
    with running_desk(root, settings) as url:
        yield root, url


#: Another program's window: a page of another origin, where the test puts what Word or Excel would on the clipboard
#: (written from the desk's own page, Chromium would parse the HTML there, under the desk's policy).
CLIPBOARD_ORIGIN = "http://localhost:9"


def clipboard_page(context):
    page = context.new_page()
    page.route(CLIPBOARD_ORIGIN + "/**", lambda route: route.fulfill(
        body="<!doctype html><title>word</title>", content_type="text/html"))
    page.goto(CLIPBOARD_ORIGIN + "/")
    return page


def paste(page, source, selector: str, text: str, html: str | None = None) -> None:
    """Put ``text`` (and ``html``) on the clipboard as the program it comes from does, then Ctrl+V into the field."""
    source.bring_to_front()
    source.evaluate("""([text, html]) => {
        const items = {"text/plain": new Blob([text], {type: "text/plain"})};
        if (html) items["text/html"] = new Blob([html], {type: "text/html"});
        return navigator.clipboard.write([new ClipboardItem(items)]);
    }""", [text, html])
    page.bring_to_front()
    page.focus(selector)
    page.keyboard.press("End")
    page.keyboard.press("Control+V")


def test_an_officers_quarter_at_the_desk(browser, desk_url, tmp_path):
    root, url = desk_url
    commits_before = int(git(root, "rev-list", "--count", "HEAD"))
    context = browser.new_context(locale="th-TH")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=CLIPBOARD_ORIGIN)
    word = clipboard_page(context)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{message.text} ({message.location.get('url')})"))
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status}: {response.url}"))
    try:
        page.goto(url + "/")
        page.get_by_role("link", name=re.compile("ตัวชี้วัด 08")).first.click()
        page.wait_for_url(url + "/forms/2569/08")
        assert page.get_by_role("button", name="บันทึก").is_visible()

        page.fill("#f-quarters-q1-report", "ผลการดำเนินงานไตรมาสที่ 1\n")
        paste(page, word, "#f-quarters-q1-report", WORD_LIST_TEXT, WORD_LIST_HTML)
        page.keyboard.press("Enter")
        paste(page, word, "#f-quarters-q1-report", EXCEL_TABLE_TEXT)

        # A mistake: its problem appears at the field within a second of typing, and goes once it is corrected.
        problem = page.locator('[data-problems-for="quarters.q1.result"] .problem-error')
        page.fill("#f-quarters-q1-result", "สิบสอง")
        problem.wait_for(state="visible", timeout=1500)
        assert "ตัวเลข" in problem.inner_text()
        assert page.get_attribute("#save-button", "aria-disabled") == "true"
        page.fill("#f-quarters-q1-result", "12")
        problem.wait_for(state="detached", timeout=1500)
        page.locator("#check-state[data-errors='0']").wait_for(timeout=1500)

        # The real form beside it shows what was typed (the build's page, refreshed).
        preview = page.frame_locator("#preview-frame")
        preview.locator("#section-6").get_by_text("ห้องสมุดเขตบางรัก").first.wait_for(timeout=5000)

        page.get_by_role("button", name="บันทึก").click()
        page.wait_for_url(url + "/forms/2569/08")
        assert "บันทึกแล้ว" in page.locator(".flash").first.inner_text()
        assert not problems, problems
    finally:
        context.close()

    # The commit: the officer as author, a Thai message, the one file; pushed to the remote.
    assert int(git(root, "rev-list", "--count", "HEAD")) == commits_before + 1
    assert git(root, "log", "-1", "--format=%an <%ae>") == f"{OFFICER} <{OFFICER_EMAIL}>"
    assert git(root, "log", "-1", "--format=%s").startswith("บันทึกแบบรายงานตัวชี้วัด 08 ปีงบประมาณ 2569")
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [str(FORM_08)]
    assert pushed(root)  # by the desk's background pusher, after the save

    # The file: canonical, passes check, and holds the pasted list and table as they mean.
    from reportgen.authoring.canonical import canonical_text

    text = (root / FORM_08).read_text(encoding="utf-8")
    assert canonical_text(text, source=FORM_08) == text
    assert [problem for problem in check(root, use_cache=False) if problem.severity == "error"] == []
    report = load_file(root / FORM_08, root, Indicator).model.quarters.q1
    assert report.result == 12
    assert "1.\tจัดกิจกรรมส่งเสริมการอ่าน 12 ครั้ง\n2.\tปรับปรุงมุมอ่านหนังสือเด็ก 3 สาขา" in report.report
    assert "ห้องสมุดเขตบางรัก\t120\nห้องสมุดเขตดุสิต\t95" in report.report
    assert "\r" not in text

    # The PDF built from it holds what was typed.
    from reportgen.content.project import load_project
    from reportgen.render.form_pdf import FormPrinter

    project = load_project(root, today=TODAY)
    entry = next(entry for entry in project.entries if entry.source == FORM_08)
    pdf = tmp_path / "08.pdf"
    pdf.write_bytes(FormPrinter(root, project.site).form(entry))
    body = squeeze(pdftotext_body(pdf))
    for typed in ("จัดกิจกรรมส่งเสริมการอ่าน12ครั้ง", "ปรับปรุงมุมอ่านหนังสือเด็ก3สาขา", "ห้องสมุดเขตบางรัก",
                  "ห้องสมุดเขตดุสิต"):
        assert typed in body, typed


def test_every_page_of_the_desk_passes_axe(browser, desk_url):
    assert AXE_SCRIPT.is_file(), "axe-core is missing: `make test` runs npm ci in tests/browser"
    root, url = desk_url
    context = browser.new_context(bypass_csp=True)  # the desk's policy would refuse axe's script, as it should
    page = context.new_page()
    found = []
    try:
        for path in ("/", "/forms/2569/08", "/forms/2569/09", "/start", "/forms/2569/99",
                     "/preview/2569/08.html"):
            page.goto(url + path)
            page.evaluate("document.fonts.ready.then(() => true)")
            assert page.evaluate("document.documentElement.lang") == "th"
            fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
            assert any("Sarabun" in family for family in fonts), f"{path}: Sarabun was not loaded"
            page.add_script_tag(path=str(AXE_SCRIPT))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
            assert result["passes"], f"{path}: axe checked nothing"
            found += [f"{path}: {violation['id']} ({violation['help']}) at "
                      f"{[node['target'] for node in violation['nodes']]}" for violation in result["violations"]]
        # The editor showing problems (at their fields) and after a conflict (the difference shown).
        page.goto(url + "/forms/2569/08")
        page.fill("#f-quarters-q1-result", "สิบสอง")
        page.locator('[data-problems-for="quarters.q1.result"] .problem-error').wait_for(timeout=3000)
        page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        found += [f"editor with problems: {violation['id']} ({violation['help']})" for violation in result["violations"]]
    finally:
        context.close()
    assert not found, "\n".join(found)
