"""What happened at the desk → one JSON line per event in an append-only log, and the log → what the admin page shows.

Git's history is the record of content (who saved or signed what, as commits with their author); this log is the
record of everything else: sign-ins and their refusals, sign-outs, accounts added, changed and removed (role changes
with the roles before and after), and, beside the commits, the saves, sign-offs, revocations and uploads, with the
login and address they came from. The log lives outside ``content/`` and outside git (default
``<project>/.reportgen-desk/audit.jsonl``, ``$REPORTGEN_DESK_AUDIT`` or the desk's setting another), readable by
its owner only.

Each event is one line written with a single ``write`` to a file opened with ``O_APPEND`` under an exclusive
``flock``, then ``fsync``: lines of concurrent writers never interleave, and an event the desk reported is on disk.
Nothing here ever rewrites or truncates the file. No event carries a password: ``record`` refuses a detail whose
name says it is one, so that a careless caller fails in the tests rather than writing a secret to disk.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.layout import DESK_STATE_DIR

AUDIT_FILE = "audit.jsonl"
AUDIT_ENV = "REPORTGEN_DESK_AUDIT"

#: The events the desk records (what ``record`` accepts).
EVENTS = frozenset({
    "login", "login_refused", "login_throttled", "logout", "session_expired",
    "account_added", "account_changed", "account_removed", "role_changed", "password_changed",
    "refused", "csrf_refused", "proxy_header_refused",
    "save", "signoff", "signoff_refused", "revoke", "upload", "new_form", "start_year", "import",
})  # fmt: skip
_SECRET_NAMES = ("password", "secret", "token", "hash")


@dataclass(frozen=True)
class AuditEntry:
    """One event: when (UTC, ISO 8601), what, by whom (login; empty when nobody is signed in), from where, and its
    details (the form's file, the commit, the roles before and after, the reason of a refusal)."""

    time: str
    event: str
    login: str = ""
    address: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def default_audit_path(project_root: Path) -> Path:
    """``$REPORTGEN_DESK_AUDIT``, else ``<project>/.reportgen-desk/audit.jsonl``."""
    configured = os.environ.get(AUDIT_ENV)
    return Path(configured) if configured else Path(project_root) / DESK_STATE_DIR / AUDIT_FILE


class AuditLog:
    """The append-only log at ``path``."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def record(self, event: str, *, login: str = "", address: str = "", **details: object) -> AuditEntry:
        """Append ``event`` (one of ``EVENTS``) and make it durable. Raises ValueError for an unknown event or a
        detail named like a secret, OSError when the log cannot be written (the desk then refuses the action)."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        secret = [name for name in details if any(word in name.lower() for word in _SECRET_NAMES)]
        if secret:
            raise ValueError(f"an audit event never carries a secret: {secret}")
        entry = AuditEntry(_now(), event, login, address, {name: _plain(value) for name, value in details.items()})
        line = json.dumps({"time": entry.time, "event": entry.event, "login": entry.login, "address": entry.address,
                           **({"details": entry.details} if entry.details else {})},
                          ensure_ascii=False, separators=(",", ":"))  # fmt: skip
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            data = (line + "\n").encode("utf-8")
            written = os.write(fd, data)
            if written != len(data):  # a full disk: say so rather than leave half a line unnoticed
                raise OSError(28, "short write to the audit log")
            os.fsync(fd)
        finally:
            os.close(fd)
        return entry

    def entries(self, *, limit: int = 500, event: str | None = None, login: str | None = None) -> list[AuditEntry]:
        """The last ``limit`` events (optionally of one ``event`` or one ``login``), newest first. A line that is not
        an event (a torn write from a crash) is skipped."""
        try:
            file = self.path.open("r", encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        with file:
            kept: deque[AuditEntry] = deque(maxlen=max(0, limit))
            for entry in _parsed(file):
                if (event is None or entry.event == event) and (login is None or entry.login == login):
                    kept.append(entry)
        return list(reversed(kept))


def _parsed(lines: Iterable[str]) -> Iterable[AuditEntry]:
    for line in lines:
        try:
            data = json.loads(line)
            yield AuditEntry(str(data["time"]), str(data["event"]), str(data.get("login", "")),
                             str(data.get("address", "")), dict(data.get("details", {})))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            continue


def _plain(value: object) -> object:
    """A detail as JSON holds it: text, numbers, booleans, lists of those; anything else as its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_plain(item) for item in items]
    return str(value)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
