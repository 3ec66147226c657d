"""desk/auth.py without the web app: the session store, the cookie, and whom the proxy's header is believed from."""

from __future__ import annotations

import pytest

from reportgen.desk.auth import CookiePolicy, ProxyLogin, SessionStore, client_address, is_https


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sessions_have_random_ids_and_end_at_logout():
    store = SessionStore()
    one, two = store.start("somchai"), store.start("somchai")
    assert one.id != two.id and len(one.id) >= 40 and one.csrf_secret != two.csrf_secret
    assert store.get(one.id) is one
    assert store.end(one.id)
    assert store.get(one.id) is None and store.get(two.id) is two


def test_a_sign_in_replaces_the_session_the_browser_came_with():
    store = SessionStore()
    anonymous = store.start("")
    signed_in = store.start("somchai", replacing=anonymous.id)
    assert signed_in.id != anonymous.id
    assert store.get(anonymous.id) is None


def test_sessions_expire_when_idle_and_after_their_lifetime():
    clock = Clock()
    store = SessionStore(lifetime=100, idle=30, clock=clock)
    session = store.start("somchai")
    for _ in range(3):
        clock.now += 29
        assert store.get(session.id) is session
    clock.now += 14  # 101 s after the start, though used 14 s ago
    assert store.get(session.id) is None
    idle = store.start("somchai")
    clock.now += 31
    assert store.get(idle.id) is None


def test_every_session_of_an_account_can_be_ended_and_the_store_is_bounded():
    store = SessionStore(max_sessions=5)
    ids = [store.start("somchai").id for _ in range(3)]
    other = store.start("malee")
    assert store.end_all_of("somchai") == 3
    assert all(store.get(sid) is None for sid in ids) and store.get(other.id) is other
    for _ in range(20):
        store.start("")
    assert len(store._sessions) <= 5


def test_the_cookie_is_httponly_strict_and_secure_over_https():
    policy = CookiePolicy()
    plain = policy.header("abc", https=False)
    assert "HttpOnly" in plain and "SameSite=Strict" in plain and "Secure" not in plain and "Path=/" in plain
    assert "Secure" in policy.header("abc", https=True)
    assert "Secure" in CookiePolicy(always_secure=True).header("abc", https=False)


def test_the_proxy_header_is_believed_only_from_the_proxy():
    proxy = ProxyLogin.configured("X-Remote-User", ["10.0.0.5", "192.168.1.0/24", "::1"])
    headers = {"x-remote-user": "DIVISION\\Somchai"}
    assert proxy.login_of("10.0.0.5", headers) == ("somchai", False)
    assert proxy.login_of("192.168.1.77", {"x-remote-user": "malee@bma.go.th"}) == ("malee", False)
    assert proxy.login_of("::ffff:10.0.0.5", headers) == ("somchai", False)
    assert proxy.login_of("10.0.0.6", headers) == (None, True)
    assert proxy.login_of(None, headers) == (None, True)
    assert proxy.login_of("10.0.0.5", {}) == (None, False)


def test_a_proxy_without_an_address_is_refused():
    with pytest.raises(ValueError):
        ProxyLogin.configured("X-Remote-User", [])
    with pytest.raises(ValueError):
        ProxyLogin.configured("X-Remote-User", ["not-an-address"])


def test_forwarded_address_and_scheme_only_from_a_trusted_proxy():
    proxy = ProxyLogin.configured("X-Remote-User", ["10.0.0.5"])
    headers = {"x-forwarded-for": "1.2.3.4, 172.16.0.9", "x-forwarded-proto": "https"}
    assert client_address("10.0.0.5", headers, proxy) == "172.16.0.9"
    assert client_address("10.0.0.6", headers, proxy) == "10.0.0.6"
    assert client_address("10.0.0.5", headers, None) == "10.0.0.5"
    assert is_https("http", "10.0.0.5", headers, proxy) and not is_https("http", "10.0.0.6", headers, proxy)
    assert is_https("https", "10.0.0.6", {}, None)


def test_a_desk_with_a_proxy_header_and_no_proxy_address_is_a_usage_error(tmp_path):
    from reportgen.desk.auth import AuthSettings, DeskAuth
    from reportgen.errors import UsageError

    with pytest.raises(UsageError) as refused:
        DeskAuth(tmp_path, AuthSettings(proxy_header="X-Remote-User"))
    assert refused.value.code == "desk_proxy_misconfigured"


def test_the_desk_listens_beyond_this_computer_only_once_people_sign_in(tmp_path, monkeypatch):
    from reportgen.commands.desk import check_host
    from reportgen.desk.accounts import Account, AccountStore
    from reportgen.desk.auth import AuthSettings
    from reportgen.desk.identity import Role
    from reportgen.errors import UsageError

    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    with pytest.raises(UsageError):
        check_host(tmp_path, "0.0.0.0", AuthSettings())
    check_host(tmp_path, "0.0.0.0", AuthSettings(proxy_header="X-Remote-User", proxy_addresses=("127.0.0.1",)))
    AccountStore.for_project(tmp_path).add(Account("a", "ก", "ข", "a@x", frozenset({Role.ADMIN})))
    check_host(tmp_path, "0.0.0.0", AuthSettings())


@pytest.mark.parametrize(("given", "goes_to"), [
    ("/forms/2564/08?x=1", "/forms/2564/08?x=1"), (None, "/"), ("", "/"), ("https://evil.example/", "/"),
    ("//evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("/a\r\nSet-Cookie: x", "/"),
])  # fmt: skip
def test_after_sign_in_the_desk_only_sends_to_its_own_pages(given, goes_to):
    from reportgen.desk.auth import safe_next

    assert safe_next(given) == goes_to
