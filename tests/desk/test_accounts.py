"""desk/accounts.py: the account store (outside content/ and git, 0600, replaced whole under a lock) and its
Argon2id passwords."""

from __future__ import annotations

import json
import stat
import threading
import time

import pytest

from reportgen.desk import accounts as accounts_module
from reportgen.desk.accounts import Account, AccountStore, default_store_path, hash_password
from reportgen.desk.identity import Role
from reportgen.errors import UsageError

PASSWORD = "correct horse battery staple"


def account(login="somchai", roles=(Role.OFFICER,), password=PASSWORD) -> Account:
    return Account(login=login, name="สมชาย ใจดี", position="บรรณารักษ์ชำนาญการ", email=f"{login}@example.org",
                   roles=frozenset(roles), password_hash=hash_password(password) if password else None)  # fmt: skip


def test_the_default_store_is_outside_content_and_ignored_by_git(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    assert default_store_path(tmp_path) == tmp_path / ".reportgen-desk" / "accounts.json"
    from projects import REPO_ROOT

    assert "/.reportgen-desk/" in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    monkeypatch.setenv("REPORTGEN_DESK_ACCOUNTS", str(tmp_path / "elsewhere.json"))
    assert default_store_path(tmp_path) == tmp_path / "elsewhere.json"


def test_a_store_inside_content_is_refused(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(UsageError) as refused:
        AccountStore.for_project(tmp_path, tmp_path / "content" / "accounts.json")
    assert refused.value.code == "account_store_in_content"


def test_the_file_is_its_owners_only_holds_no_password_and_the_name_comes_from_the_account(tmp_path):
    store = AccountStore.for_project(tmp_path)
    store.add(account())
    path = tmp_path / ".reportgen-desk" / "accounts.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["accounts"]["somchai"]
    assert stored["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    person = store.get("somchai").person
    assert (person.name, person.position, person.roles) == ("สมชาย ใจดี", "บรรณารักษ์ชำนาญการ", frozenset({Role.OFFICER}))
    assert not list(path.parent.glob(".tmp-*")), "no temporary left behind"


def test_verify_accepts_the_password_only_and_answers_alike_for_unknown_logins(tmp_path):
    store = AccountStore.for_project(tmp_path)
    store.add(account())
    store.add(account("sso.only", password=None))
    assert store.verify("somchai", PASSWORD).login == "somchai"
    assert store.verify("somchai", PASSWORD + "x") is None
    assert store.verify("nobody", PASSWORD) is None
    assert store.verify("sso.only", "") is None and store.verify("sso.only", PASSWORD) is None
    assert store.verify("../etc/passwd", PASSWORD) is None
    assert store.verify("somchai", "x" * 100_000) is None


def test_a_wrong_login_costs_about_as_much_as_a_wrong_password(tmp_path):
    """The dummy hash: timing does not tell which logins exist (a generous bound: hashing is ~tens of ms)."""
    store = AccountStore.for_project(tmp_path)
    store.add(account())

    def cost(login: str) -> float:
        started = time.perf_counter()
        for _ in range(3):
            store.verify(login, "wrong password!")
        return time.perf_counter() - started

    known, unknown = cost("somchai"), cost("nobody")
    assert unknown > known * 0.5 and known > unknown * 0.5


def test_an_outdated_hash_is_rehashed_at_sign_in(tmp_path):
    from argon2 import PasswordHasher

    store = AccountStore.for_project(tmp_path)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    store.add(Account("old", "ก", "ข", "o@x", frozenset({Role.SIGNER}), weak))
    assert store.verify("old", PASSWORD) is not None
    assert store.get("old").password_hash != weak
    assert store.verify("old", PASSWORD) is not None


def test_logins_and_passwords_are_checked():
    for bad in ("", "Somchai", "a b", "../x", "a" * 65, "ก"):
        with pytest.raises(UsageError):
            accounts_module.check_login(bad)
    with pytest.raises(UsageError) as short:
        hash_password("short")
    assert short.value.code == "account_password_short"


def test_add_twice_update_and_remove(tmp_path):
    store = AccountStore.for_project(tmp_path)
    store.add(account())
    with pytest.raises(UsageError) as twice:
        store.add(account())
    assert twice.value.code == "account_exists"
    before, after = store.update("somchai", roles=frozenset({Role.SIGNER}))
    assert before.roles == {Role.OFFICER} and after.roles == {Role.SIGNER}
    assert store.remove("somchai").login == "somchai"
    assert store.accounts() == {}
    with pytest.raises(UsageError):
        store.remove("somchai")


def test_concurrent_changes_are_never_lost(tmp_path):
    """Two writers at once: each reads and writes under the lock, so both accounts survive."""
    store = AccountStore.for_project(tmp_path)
    prepared = [account(f"user{index}", password=None) for index in range(12)]
    threads = [threading.Thread(target=AccountStore(store.path).add, args=(each,)) for each in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(store.accounts()) == sorted(each.login for each in prepared)


def test_a_damaged_store_is_a_clear_error(tmp_path):
    store = AccountStore.for_project(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError) as damaged:
        store.accounts()
    assert damaged.value.code == "account_store_unreadable"
