"""``reportgen desk user add|set|remove|list``: accounts from the command line, the password from standard input."""

from __future__ import annotations

import io
import json

import pytest
from projects import run_reportgen

from reportgen.desk.accounts import AccountStore

PASSWORD = "a long enough pass phrase"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTGEN_DESK_ACCOUNTS", raising=False)
    monkeypatch.delenv("REPORTGEN_DESK_AUDIT", raising=False)
    (tmp_path / "content").mkdir()
    return tmp_path


def user(project, monkeypatch, *args: str, stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run_reportgen("desk", "user", *args, "--root", str(project), cwd=project)


def test_add_reads_the_password_from_stdin_and_never_shows_or_logs_it(project, monkeypatch):
    done = user(project, monkeypatch, "add", "director", "--name", "นางสาวมาลี ศรีสุข",
                "--position", "ผู้อำนวยการสำนักวัฒนธรรม", "--role", "signer", "--role", "admin", "-v",
                stdin=PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "director" in done.stdout and "ผู้ลงนาม" in done.stdout
    account = AccountStore.for_project(project).verify("director", PASSWORD)
    assert account is not None and account.person.position == "ผู้อำนวยการสำนักวัฒนธรรม"
    state = project / ".reportgen-desk"
    for file in state.iterdir():
        assert PASSWORD not in file.read_text(encoding="utf-8", errors="replace")
    assert PASSWORD not in done.stdout + done.stderr
    event = json.loads((state / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert event["event"] == "account_added" and event["details"]["roles"] == ["admin", "signer"]
    assert event["login"].startswith("cli")


def test_set_changes_roles_and_password_with_the_change_in_the_audit_log(project, monkeypatch):
    user(project, monkeypatch, "add", "somchai", "--name", "สมชาย", "--position", "บรรณารักษ์", "--role", "officer",
         stdin=PASSWORD + "\n")  # fmt: skip
    done = user(project, monkeypatch, "set", "somchai", "--role", "coordinator", "--password",
                stdin="another long password\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    store = AccountStore.for_project(project)
    assert store.verify("somchai", PASSWORD) is None and store.verify("somchai", "another long password")
    events = [json.loads(line) for line in (project / ".reportgen-desk/audit.jsonl").read_text().splitlines()]
    changed = [event for event in events if event["event"] == "role_changed"][0]
    assert changed["details"] == {"account": "somchai", "before": ["officer"], "after": ["coordinator"]}
    assert [event["event"] for event in events][-1] == "password_changed"


def test_list_shows_accounts_without_hashes_and_remove_removes(project, monkeypatch):
    user(project, monkeypatch, "add", "somchai", "--name", "สมชาย", "--position", "บรรณารักษ์", "--role", "officer",
         stdin=PASSWORD + "\n")  # fmt: skip
    user(project, monkeypatch, "add", "sso", "--name", "ก", "--position", "ข", "--role", "officer", "--no-password")
    listed = user(project, monkeypatch, "list")
    assert "somchai" in listed.stdout and "sso" in listed.stdout and "$argon2" not in listed.stdout
    assert user(project, monkeypatch, "remove", "somchai").returncode == 0
    assert "somchai" not in user(project, monkeypatch, "list").stdout


@pytest.mark.parametrize(("args", "stdin", "code_words"), [
    (("add", "Bad Login", "--name", "ก", "--position", "ข", "--role", "officer"), PASSWORD + "\n", "Bad Login"),
    (("add", "short", "--name", "ก", "--position", "ข", "--role", "officer"), "short\n", "10"),
    (("add", "nopw", "--name", "ก", "--position", "ข", "--role", "officer"), "", "ไม่ได้รับรหัสผ่าน"),
    (("set", "ghost", "--name", "ก"), "", "ghost"),
    (("remove", "ghost"), "", "ghost"),
    (("set", "ghost"), "", "ghost"),
])  # fmt: skip
def test_refusals_are_clear_and_change_nothing(project, monkeypatch, args, stdin, code_words):
    done = user(project, monkeypatch, *args, stdin=stdin)
    assert done.returncode == 2 and code_words in done.stderr, done.stderr
    assert AccountStore.for_project(project).accounts() == {}


def test_a_role_that_is_none_is_an_argument_error(project, monkeypatch):
    done = user(project, monkeypatch, "add", "x", "--name", "ก", "--position", "ข", "--role", "king",
                stdin=PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 2 and "king" in done.stderr
