"""desk/audit.py: the append-only log of what happened at the desk, and its reader."""

from __future__ import annotations

import json
import stat
import threading

import pytest

from reportgen.desk.audit import AuditLog, default_audit_path


def test_events_are_appended_as_json_lines_readable_newest_first(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    log.record("login", login="somchai", address="10.0.0.1")
    log.record("signoff", login="director", address="10.0.0.2", file="content/indicators/2569/08.yaml",
               commit="abc123")  # fmt: skip
    log.record("role_changed", login="cli:root", account="somchai", before={"officer"}, after={"signer", "officer"})
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["time"].endswith("+00:00") for line in lines)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    entries = log.entries()
    assert [entry.event for entry in entries] == ["role_changed", "signoff", "login"]
    assert entries[0].details == {"account": "somchai", "before": ["officer"], "after": ["officer", "signer"]}
    assert [entry.event for entry in log.entries(login="director")] == ["signoff"]
    assert [entry.event for entry in log.entries(limit=1)] == ["role_changed"]


def test_appending_never_rewrites_what_is_there(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record("login", login="a")
    first = log.path.read_bytes()
    log.record("logout", login="a")
    assert log.path.read_bytes().startswith(first)


def test_a_secret_or_an_unknown_event_is_refused(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(ValueError):
        log.record("login", login="a", password="hunter2hunter2")
    with pytest.raises(ValueError):
        log.record("made_up")
    assert not log.path.exists()


def test_concurrent_writers_never_interleave_and_a_torn_line_is_skipped(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")

    def write(index: int) -> None:
        for number in range(20):
            AuditLog(log.path).record("save", login=f"user{index}", file="ก" * 500, number=number)

    threads = [threading.Thread(target=write, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with log.path.open("a", encoding="utf-8") as file:
        file.write('{"time": "torn')
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line) for line in lines[:-1])
    assert len(log.entries(limit=1000)) == 120


def test_the_default_log_is_beside_the_accounts(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTGEN_DESK_AUDIT", raising=False)
    assert default_audit_path(tmp_path) == tmp_path / ".reportgen-desk" / "audit.jsonl"
