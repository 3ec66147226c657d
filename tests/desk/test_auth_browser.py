"""Accounts at the desk in Debian's Chromium (Playwright), the desk served by uvicorn on a project in git: an officer
signs in, cannot open another officer's form, sees no sign-off button, signs out and is out; a wrong password many
times is slowed down; a signer reviews the form as it prints and signs it, and the commit (the signer as author), the
file's ``signoff:`` block and a form that builds as signed follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from desk_projects import OFFICER, TODAY, git, git_project, running_desk

from reportgen.content.project import load_project
from reportgen.desk import accounts as accounts_module
from reportgen.desk.accounts import Account, AccountStore
from reportgen.desk.identity import Role
from reportgen.digest import sign_state

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PASSWORD = "ห้องสมุด-รหัสผ่าน-ยาวพอ"
DIRECTOR, POSITION = "นางสาวผู้อำนวยการ ทดสอบ", "ผู้อำนวยการสำนักวัฒนธรรม กีฬาและการท่องเที่ยว"


@pytest.fixture
def desk_url(tmp_path, monkeypatch):
    from reportgen.desk.app import DeskSettings

    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    monkeypatch.delenv("REPORTGEN_DESK_AUDIT", raising=False)
    root = git_project(tmp_path)
    store = AccountStore.for_project(root)
    for login, name, position, role in (("tester", OFFICER, "บรรณารักษ์", Role.OFFICER),
                                        ("director", DIRECTOR, POSITION, Role.SIGNER)):  # fmt: skip
        store.add(Account(login, name, position, f"{login}@library.example", frozenset({role}),
                          accounts_module.hash_password(PASSWORD)))  # fmt: skip
    with running_desk(root, DeskSettings(secret_file=tmp_path / "secret", today=TODAY)) as url:
        yield root, url


def sign_in(page, url: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/")
    assert "/login" in page.url
    page.get_by_label("ชื่อผู้ใช้").fill(login)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def test_an_officer_is_kept_to_their_own_forms_and_signs_out(browser, desk_url):
    root, url = desk_url
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, url, "tester")
    assert page.url == f"{url}/"
    cookie = next(item for item in context.cookies() if item["name"] == "reportgen_desk_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    own = page.goto(f"{url}/forms/2569/08")
    assert own.status == 200 and page.get_by_role("button", name="บันทึก").is_visible()
    assert page.get_by_role("link", name=re.compile("^ลงนาม")).count() == 0
    assert page.get_by_role("button", name=re.compile("^ลงนาม")).count() == 0
    for path in ("/forms/2569/09", "/preview/2569/09.html", "/forms/2569/09/signoff"):
        assert page.goto(f"{url}{path}").status == 403, path
    # a crafted POST from the officer's own page, to another form, with the right token: refused on the server
    page.goto(f"{url}/forms/2569/08")
    status = page.evaluate("""async () => {
        const data = new FormData(document.getElementById('desk-form'));
        data.set('name', 'ถูกแก้โดยคนอื่น'); data.set('role', 'coordinator');
        return (await fetch('/forms/2569/09', {method: 'POST', body: data})).status; }""")
    assert status == 403
    assert "ถูกแก้โดยคนอื่น" not in (root / "content/indicators/2569/09.yaml").read_text("utf-8")
    assert page.goto(f"{url}/forms/2569/08/signoff").status == 403, "an officer signs nothing, not even their own"
    # a page of another site posts to the desk in the officer's browser: no cookie goes (SameSite), no token
    before = (root / "content/indicators/2569/08.yaml").read_bytes()
    other_site = context.new_page()
    other_site.set_content(f'<form id="f" method="post" action="{url}/forms/2569/08">'
                           '<input name="name" value="ถูกแก้ข้ามเว็บ"></form>')
    with other_site.expect_navigation() as landed:
        other_site.evaluate("document.getElementById('f').submit()")
    assert landed.value.status in (401, 403)
    assert (root / "content/indicators/2569/08.yaml").read_bytes() == before
    page.get_by_role("button", name="ออกจากระบบ").click()
    assert "/login" in page.url
    page.goto(f"{url}/forms/2569/08")
    assert "/login" in page.url, "the session ended at sign-out"
    context.close()


def test_a_wrong_password_many_times_is_slowed_down(browser, desk_url):
    _, url = desk_url
    page = browser.new_page()
    answers = []
    for attempt in range(5):
        sign_in(page, url, "tester", f"wrong {attempt}") if attempt == 0 else (
            page.get_by_label("รหัสผ่าน").fill(f"wrong {attempt}"),
            page.get_by_role("button", name="เข้าสู่ระบบ").click())
        answers.append(page.locator("#login-problem").inner_text())
    assert answers[0] == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    assert "รอ" in answers[-1] and "วินาที" in answers[-1]
    page.close()


def test_a_signer_signs_the_form_as_it_prints_and_the_commit_follows(browser, desk_url):
    root, url = desk_url
    page = browser.new_page()
    sign_in(page, url, "director")
    page.goto(f"{url}/forms/2569/08")
    page.get_by_role("link", name=re.compile("^ลงนาม")).click()
    assert page.url.endswith("/forms/2569/08/signoff")
    frame = page.frame_locator("#signoff-preview")
    assert frame.locator("body").inner_text(timeout=20000).strip(), "the form as it prints is shown"
    assert POSITION in page.content()
    accept = page.locator("#accept-warnings")
    if accept.count():
        accept.check()
    page.get_by_role("button", name=re.compile("^ลงนาม")).click()
    page.wait_for_url(re.compile(r"/signoff$"))
    assert page.locator("#signoff-current").is_visible()
    text = (root / "content/indicators/2569/08.yaml").read_text("utf-8")
    assert f"name: {DIRECTOR}" in text and POSITION in text and "digest: sha256v3:" in text
    assert git(root, "log", "-1", "--format=%an <%ae>") == f"{DIRECTOR} <director@library.example>"
    assert git(root, "show", "--name-only", "--format=", "HEAD") == "content/indicators/2569/08.yaml"
    entry = next(item for item in load_project(root, today=TODAY).entries if item.indicator.code == "08")
    assert sign_state(entry.indicator, Path(root) / "content") == "signed"
    page.close()


def test_a_session_ends_after_its_lifetime(browser, tmp_path, monkeypatch):
    from reportgen.desk.app import DeskSettings
    from reportgen.desk.auth import AuthSettings

    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    monkeypatch.delenv("REPORTGEN_DESK_AUDIT", raising=False)
    root = git_project(tmp_path)
    AccountStore.for_project(root).add(Account("tester", OFFICER, "บรรณารักษ์", "t@library.example",
                                               frozenset({Role.OFFICER}), accounts_module.hash_password(PASSWORD)))
    settings = DeskSettings(secret_file=tmp_path / "secret", today=TODAY, auth=AuthSettings(lifetime=2, idle=2))
    with running_desk(root, settings) as url:
        page = browser.new_page()
        sign_in(page, url, "tester")
        assert page.goto(f"{url}/forms/2569/08").status == 200
        page.wait_for_timeout(2500)
        page.goto(f"{url}/forms/2569/08")
        assert "/login" in page.url
        page.close()
