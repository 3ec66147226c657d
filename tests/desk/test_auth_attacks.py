"""The desk under attack, in process (Starlette's TestClient): every attack the README's threat model lists, with what
it gets. Accounts: two officers (each with their own form), a coordinator, a signer and an administrator."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from projects import real_indicator, write_project
from starlette.testclient import TestClient

from reportgen.content.project import load_project
from reportgen.desk import accounts as accounts_module
from reportgen.desk.accounts import Account, AccountStore
from reportgen.desk.app import DeskSettings, create_app
from reportgen.desk.auth import SESSION_COOKIE, AuthSettings
from reportgen.desk.identity import Role
from reportgen.digest import sign_state

TODAY = dt.date(2021, 10, 20)  # fiscal year 2564 is over: its forms may be signed
PASSWORD = "the right password"
SOMCHAI, MALEE = "นายสมชาย ใจดี", "นางสาวมาลี ศรีสุข"
DIRECTOR, DIRECTOR_POSITION = "นางสาวผู้อำนวยการ ทดสอบ", "ผู้อำนวยการสำนักวัฒนธรรม กีฬาและการท่องเที่ยว"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def form(code: str, officer: str) -> dict:
    data = real_indicator() | {"code": code, "officer": {"name": officer}}
    data.pop("signoff", None)
    return data


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Argon2id at its lowest cost: these tests are about the desk, test_accounts.py about the hash."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts_module, "_HASHER", cheap)
    monkeypatch.setattr(accounts_module, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    monkeypatch.delenv("REPORTGEN_DESK_AUDIT", raising=False)
    monkeypatch.setenv("REPORTGEN_DESK_SECRET_FILE", str(tmp_path / "secret" / "desk-secret"))
    project = write_project(tmp_path / "project", {
        "indicators/2564/08.yaml": form("08", SOMCHAI),
        "indicators/2564/09.yaml": form("09", MALEE),
    })
    (project / ".gitignore").write_text(".cache/\noutput/\n.reportgen-desk/\n.reportgen-tmp-*\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "ผู้ตั้งโครงการ")
    git(project, "config", "user.email", "setup@example.org")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")
    store = AccountStore.for_project(project)
    people = [("somchai", SOMCHAI, "บรรณารักษ์", {Role.OFFICER}), ("malee", MALEE, "บรรณารักษ์", {Role.OFFICER}),
              ("coord", "ผู้ประสาน งาน", "นักวิชาการ", {Role.COORDINATOR}),
              ("director", DIRECTOR, DIRECTOR_POSITION, {Role.SIGNER}), ("admin", "ผู้ดูแล ระบบ", "ผู้ดูแล", {Role.ADMIN})]
    for login, name, position, roles in people:
        store.add(Account(login, name, position, f"{login}@example.org", frozenset(roles),
                          accounts_module.hash_password(PASSWORD)))  # fmt: skip
    return project


def client(root: Path, *, auth: AuthSettings | None = None, address: str = "10.1.1.1", https: bool = False
           ) -> TestClient:  # fmt: skip
    app = create_app(root, DeskSettings(today=TODAY, auth=auth or AuthSettings()))
    return TestClient(app, base_url="https://desk.example" if https else "http://desk.example",
                      client=(address, 40000), follow_redirects=False)  # fmt: skip


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def sign_in(browser: TestClient, login: str, password: str = PASSWORD) -> object:
    token = token_of(browser.get("/login").text)
    return browser.post("/login", data={"csrf_token": token, "login": login, "password": password, "next": "/"})


def audit(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / ".reportgen-desk/audit.jsonl").read_text("utf-8").splitlines()]


def editor_token(browser: TestClient, path: str = "/forms/2564/08") -> str:
    page = browser.get(path)
    assert page.status_code == 200, page.text[:500]
    return token_of(page.text)


# --- Signing in ------------------------------------------------------------------------------------------------------


def test_nothing_without_signing_in(root):
    browser = client(root)
    assert browser.get("/").status_code == 303 and browser.get("/").headers["location"] == "/login?next=%2F"
    assert browser.get("/forms/2564/08").headers["location"].startswith("/login")
    assert browser.get("/preview/2564/08.html").status_code == 303
    assert browser.post("/forms/2564/08", data={"name": "x"}).status_code == 401
    assert browser.get("/login").status_code == 200
    assert browser.get("/static/desk.css").status_code == 200


def test_sign_in_sets_a_strict_httponly_cookie_secure_over_https(root):
    browser = client(root, https=True)
    signed = sign_in(browser, "somchai")
    assert signed.status_code == 303
    cookie = next(value for key, value in signed.headers.multi_items()
                  if key == "set-cookie" and value.startswith(SESSION_COOKIE))  # fmt: skip
    assert all(part in cookie for part in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"))
    assert browser.get("/").status_code == 200
    plain = client(root)
    cookie = sign_in(plain, "somchai").headers["set-cookie"]
    assert "Secure" not in cookie.split(SESSION_COOKIE)[1].split(",")[0]


def test_security_headers_on_every_page(root):
    browser = client(root)
    for response in (browser.get("/login"), browser.get("/"), browser.get("/forms/2564/08")):
        headers = response.headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
        assert headers["referrer-policy"] == "same-origin"


def test_login_brute_force_is_slowed_then_refused_with_the_same_answer_for_any_login(root):
    browser = client(root)
    wrong_user = sign_in(browser, "nobody", "guess 1")
    wrong_password = sign_in(browser, "somchai", "guess 1")
    assert wrong_user.status_code == wrong_password.status_code == 401
    strip = lambda page: re.sub(r'value="[^"]*"', "", page)  # noqa: E731 - the token and the typed login differ
    assert strip(wrong_user.text) == strip(wrong_password.text)
    statuses = [sign_in(browser, "somchai", f"guess {n}").status_code for n in range(2, 6)]
    assert statuses == [401, 401, 429, 429]
    refused = sign_in(browser, "somchai", PASSWORD)  # the right password, during the wait: not even checked
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "somchai" not in [entry["login"] for entry in audit(root) if entry["event"] == "login"]
    assert any(entry["event"] == "login_throttled" for entry in audit(root))
    # many logins from one address: the address is limited too
    other = client(root, address="10.9.9.9")
    codes = [sign_in(other, f"user{n}", "x").status_code for n in range(14)]
    assert codes[-1] == 429


def test_the_password_never_reaches_the_log_or_the_page(root, caplog):
    browser = client(root)
    caplog.set_level("DEBUG")
    sign_in(browser, "somchai", "a wrong password 123")
    sign_in(browser, "somchai")
    text = (root / ".reportgen-desk/audit.jsonl").read_text("utf-8") + caplog.text
    assert "a wrong password 123" not in text and PASSWORD not in text


# --- Sessions ----------------------------------------------------------------------------------------------------------


def test_session_fixation_a_planted_identifier_is_replaced_at_sign_in(root):
    app = create_app(root, DeskSettings(today=TODAY))
    attacker = TestClient(app, base_url="http://desk.example", follow_redirects=False)
    victim = TestClient(app, base_url="http://desk.example", follow_redirects=False)
    planted = app.state.auth.sessions.start("").id  # an identifier the attacker knows
    victim.cookies.set(SESSION_COOKIE, planted, domain="desk.example")
    signed = sign_in(victim, "somchai")
    assert signed.status_code == 303
    given = signed.cookies.get(SESSION_COOKIE)
    assert given and given != planted
    attacker.cookies.set(SESSION_COOKIE, planted, domain="desk.example")
    assert attacker.get("/").status_code == 303, "the planted identifier signs nobody in"


def test_logout_ends_the_session_on_the_server(root):
    browser = client(root)
    sign_in(browser, "somchai")
    stolen = browser.cookies.get(SESSION_COOKIE)
    token = token_of(browser.get("/").text)
    out = browser.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    replay = client(root)
    replay.cookies.set(SESSION_COOKIE, stolen, domain="desk.example")
    assert replay.get("/").status_code == 303
    assert [entry["event"] for entry in audit(root)][-1] == "logout"


def test_a_session_ends_after_its_lifetime_and_when_idle(root):
    browser = client(root, auth=AuthSettings(lifetime=100, idle=30))
    now = [0.0]
    browser.app.state.auth.sessions.clock = lambda: now[0]
    sign_in(browser, "somchai")
    now[0] = 20
    assert browser.get("/").status_code == 200
    now[0] = 51  # idle 31 s
    assert browser.get("/").status_code == 303
    assert any(entry["event"] == "session_expired" for entry in audit(root))


def test_removing_an_account_or_changing_its_password_ends_its_sessions(root):
    browser = client(root)
    sign_in(browser, "somchai")
    assert browser.get("/").status_code == 200
    AccountStore.for_project(root).update("somchai", password_hash=accounts_module.hash_password("a new password!"))
    assert browser.get("/").status_code == 303


# --- CSRF ------------------------------------------------------------------------------------------------------------


def test_csrf_no_token_another_sessions_token_and_a_pre_login_token_are_refused(root):
    browser, other = client(root), client(root)
    before_login = token_of(browser.get("/login").text)
    sign_in(browser, "somchai")
    sign_in(other, "somchai")
    own = editor_token(browser)
    theirs = editor_token(other)
    head = git(root, "rev-parse", "HEAD")
    for token in ("", theirs, before_login):
        refused = browser.post("/forms/2564/08", data={"csrf_token": token, "name": "ถูกแก้"})
        assert refused.status_code == 403, token
    # cross-site: a page elsewhere posts with the cookie but cannot read the token
    cross = browser.post("/forms/2564/08", data={"name": "ถูกแก้"}, headers={"origin": "https://evil.example"})
    assert cross.status_code == 403
    assert git(root, "rev-parse", "HEAD") == head
    assert own != theirs and own != before_login
    assert sum(entry["event"] == "csrf_refused" for entry in audit(root)) >= 4


# --- Who may do what ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/forms/2564/09"), ("GET", "/preview/2564/09.html"), ("GET", "/preview/2564/09.pdf"),
    ("POST", "/forms/2564/09"), ("POST", "/forms/2564/09/check"), ("POST", "/forms/2564/09/evidence"),
    ("GET", "/forms/2564/09/signoff"), ("POST", "/forms/2564/09/signoff"), ("POST", "/forms/2564/09/revoke"),
    ("GET", "/audit"), ("POST", "/start/year"), ("POST", "/start/import"),
])  # fmt: skip
def test_idor_an_officer_is_refused_another_officers_form_by_every_route(root, method, path):
    browser = client(root)
    sign_in(browser, "somchai")
    token = editor_token(browser)  # somchai's own form opens
    head = git(root, "rev-parse", "HEAD")
    data = {"csrf_token": token, "name": "ถูกแก้", "role": "coordinator", "roles": "coordinator,signer",
            "year": "2565", "source_year": "2564"}  # a forged role in the fields changes nothing
    files = {"file": ("x.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")} if path.endswith("evidence") else None
    response = browser.get(path) if method == "GET" else browser.post(path, data=data, files=files)
    assert response.status_code == 403, response.text[:300]
    assert git(root, "rev-parse", "HEAD") == head
    assert "ถูกแก้" not in (root / "content/indicators/2564/09.yaml").read_text("utf-8")
    assert audit(root)[-1]["event"] == "refused" and audit(root)[-1]["login"] == "somchai"


def test_the_overview_links_only_the_forms_a_person_may_open(root):
    officer, coordinator = client(root), client(root)
    sign_in(officer, "somchai")
    sign_in(coordinator, "coord")
    assert 'href="/forms/2564/08"' in officer.get("/").text and 'href="/forms/2564/09"' not in officer.get("/").text
    assert 'href="/forms/2564/09"' in coordinator.get("/?year=2564").text


def test_the_coordinator_edits_every_form_the_signer_edits_none_the_admin_sees_no_form(root):
    coordinator, signer, admin = client(root), client(root), client(root)
    sign_in(coordinator, "coord")
    sign_in(signer, "director")
    sign_in(admin, "admin")
    assert coordinator.get("/forms/2564/09").status_code == 200
    assert coordinator.get("/forms/2564/09/signoff").status_code == 403
    token = editor_token(signer, "/forms/2564/09")
    assert 'disabled' in signer.get("/forms/2564/09").text
    assert signer.post("/forms/2564/09", data={"csrf_token": token, "name": "x"}).status_code == 403
    assert admin.get("/forms/2564/08").status_code == 403
    assert admin.get("/audit").status_code == 200


def test_path_traversal_in_an_upload_stays_in_the_evidence_folder(root):
    browser = client(root)
    sign_in(browser, "somchai")
    token = editor_token(browser)
    before = {path for path in root.rglob("*") if ".git" not in path.parts}
    for name in ("../../../../tmp/evil.pdf", "..\\..\\evil.pdf", "/etc/passwd.pdf", "....//....//evil.pdf"):
        response = browser.post("/forms/2564/08/evidence", data={"csrf_token": token},
                                files={"file": (name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")})
        assert response.status_code in (200, 400), response.text
    added = {path for path in root.rglob("*") if ".git" not in path.parts} - before
    evidence = root / "content" / "evidence" / "2564"
    assert all(path == evidence or path.is_relative_to(evidence) or ".reportgen-desk" in path.parts
               or "content/evidence" in path.as_posix() for path in added), added  # fmt: skip
    assert not Path("/tmp/evil.pdf").exists() and not (root.parent / "evil.pdf").exists()


def test_oversized_bodies_are_refused_before_they_are_read(root):
    browser = client(root)
    sign_in(browser, "somchai")
    token = editor_token(browser)
    limit = DeskSettings().max_body
    big = browser.post("/forms/2564/08", content=b"x" * (limit + 1),
                       headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token})
    assert big.status_code == 413

    def chunks():
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    streamed = browser.post("/forms/2564/08", content=chunks(),
                            headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token})
    assert streamed.status_code == 413
    login = client(root).post("/login", content=b"x" * (limit + 1),
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert login.status_code == 413


# --- Single sign-on through the division's proxy -------------------------------------------------------------------------

PROXY = AuthSettings(proxy_header="X-Remote-User", proxy_addresses=("10.0.0.5",))


def test_the_proxy_header_signs_in_only_from_the_proxy(root):
    through_proxy = client(root, auth=PROXY, address="10.0.0.5")
    page = through_proxy.get("/forms/2564/08", headers={"x-remote-user": "somchai"})
    assert page.status_code == 200 and SOMCHAI in page.text
    spoofed = client(root, auth=PROXY, address="10.0.0.66")
    assert spoofed.get("/forms/2564/08", headers={"x-remote-user": "coord"}).status_code == 303
    assert audit(root)[-1]["event"] == "proxy_header_refused"
    assert through_proxy.get("/", headers={"x-remote-user": "ghost"}).status_code == 303  # no such account
    # behind the proxy, the limiter and the log see the browser's address (the proxy's last hop), not the proxy's
    through_proxy.get("/audit", headers={"x-remote-user": "somchai", "x-forwarded-for": "1.2.3.4, 172.16.5.5"})
    assert (audit(root)[-1]["event"], audit(root)[-1]["address"]) == ("refused", "172.16.5.5")
    spoofed.get("/", headers={"x-remote-user": "coord", "x-forwarded-for": "172.16.5.5"})
    assert (audit(root)[-1]["event"], audit(root)[-1]["address"]) == ("proxy_header_refused", "10.0.0.66")


# --- The sign-off in the browser ------------------------------------------------------------------------------------


def test_a_signer_sees_the_form_warnings_and_the_button_and_signs_as_the_account(root):
    browser = client(root)
    sign_in(browser, "director")
    page = browser.get("/forms/2564/08/signoff")
    assert page.status_code == 200
    assert re.search(r'<button type="submit" id="signoff-button">ลงนาม', page.text)
    assert 'src="/preview/2564/08.html"' in page.text and DIRECTOR_POSITION in page.text
    acknowledgement = re.search(r'name="acknowledgement" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": token_of(page.text), "acknowledgement": acknowledgement, "accept_warnings": "yes",
            "name": "ผู้อื่น", "position": "ปลอม"}  # typed name and position are ignored: they come from the account
    signed = browser.post("/forms/2564/08/signoff", data=data)
    assert signed.status_code == 303, signed.text[:2000]
    text = (root / "content/indicators/2564/08.yaml").read_text("utf-8")
    assert f"name: {DIRECTOR}" in text and DIRECTOR_POSITION in text and "ปลอม" not in text
    assert git(root, "log", "-1", "--format=%an <%ae>") == f"{DIRECTOR} <director@example.org>"
    assert git(root, "show", "--name-only", "--format=", "HEAD") == "content/indicators/2564/08.yaml"
    project = load_project(root, today=TODAY)
    entry = next(item for item in project.entries if item.indicator.code == "08")
    assert sign_state(entry.indicator, root / "content") == "signed"
    assert audit(root)[-1]["event"] == "signoff"
    again = browser.get("/forms/2564/08/signoff")
    assert "ไม่มีการเปลี่ยนแปลงตั้งแต่ฉบับที่ลงนาม" in again.text and 'id="revoke-button"' in again.text


def test_the_button_refuses_what_the_command_refuses(root):
    text = (root / "content/indicators/2564/08.yaml").read_text("utf-8")
    (root / "content/indicators/2564/08.yaml").write_text(text + "\nbogus_key: 1\n", "utf-8")
    git(root, "commit", "-qam", "broken")
    browser = client(root)
    sign_in(browser, "director")
    page = browser.get("/forms/2564/08/signoff")
    assert page.status_code == 200 and 'id="signoff-button"' not in page.text and 'id="signoff-refusals"' in page.text
    head = git(root, "rev-parse", "HEAD")
    refused = browser.post("/forms/2564/08/signoff", data={"csrf_token": token_of(page.text), "acknowledgement": "x"})
    assert refused.status_code == 422 and git(root, "rev-parse", "HEAD") == head


def test_an_outdated_review_is_refused_and_revoking_is_a_signed_in_act(root):
    browser = client(root)
    sign_in(browser, "director")
    page = browser.get("/forms/2564/08/signoff")
    data = {"csrf_token": token_of(page.text), "acknowledgement": "not what was shown", "accept_warnings": "yes"}
    assert browser.post("/forms/2564/08/signoff", data=data).status_code == 409
    data["acknowledgement"] = re.search(r'name="acknowledgement" value="([^"]+)"', page.text).group(1)
    assert browser.post("/forms/2564/08/signoff", data=data).status_code == 303
    officer = client(root)
    sign_in(officer, "somchai")
    assert officer.post("/forms/2564/08/revoke", data={"csrf_token": editor_token(officer)}).status_code == 403
    revoked = browser.post("/forms/2564/08/revoke", data={"csrf_token": data["csrf_token"]})
    assert revoked.status_code == 303
    text = (root / "content/indicators/2564/08.yaml").read_text("utf-8")
    assert DIRECTOR not in text and "signoff:" in text
    assert git(root, "log", "-1", "--format=%an") == DIRECTOR
    assert [entry["event"] for entry in audit(root)][-1] == "revoke"
