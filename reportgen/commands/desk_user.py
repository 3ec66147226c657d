"""``reportgen desk user add|set|remove|list``: the desk's accounts, kept by whoever runs the server.

``add LOGIN --name … --position … --role …`` creates an account (``--role`` repeats for someone with two jobs);
``set LOGIN`` changes what it is given (``--role`` replaces the roles; ``--password`` asks for a new password);
``remove LOGIN`` deletes it; ``list`` shows every account, never a password or its hash. The password is read from
standard input when that is not a terminal (one line: scripts create accounts with ``printf '%s\\n' "$PW" |``), and
asked for twice, unseen, otherwise; it never appears on the command line, where ``ps`` and the shell's history
would show it. ``--no-password`` makes an account that signs in only through the division's single sign-on.

Each change is recorded in the desk's audit log (who ran the command, as ``cli:<user of the computer>``), and
role changes with the roles before and after.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from reportgen import wording
from reportgen.commands import Line, Outcome
from reportgen.desk.accounts import (
    ROLE_LABELS,
    Account,
    AccountStore,
    check_login,
    check_password,
    check_text,
    default_email,
    hash_password,
)
from reportgen.desk.audit import AuditLog, default_audit_path
from reportgen.desk.identity import Role
from reportgen.errors import UsageError

PasswordReader = Callable[[], str]


@dataclass(frozen=True)
class AccountChange:
    """What a ``set`` changed: the account before and after."""

    before: Account
    after: Account


def read_password(stdin: TextIO | None = None, *, lang: str = "th") -> str:
    """The password: the first line of ``stdin`` when it is not a terminal, else asked twice without echo (both must
    agree). Raises UsageError for none, or two that differ."""
    stdin = stdin if stdin is not None else sys.stdin
    if not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(wording.label("account_password_prompt", lang))
        again = getpass.getpass(wording.label("account_password_again", lang))
        if password != again:
            raise UsageError("account_password_mismatch")
    if not password:
        raise UsageError("account_password_missing")
    return check_password(password)


def _roles(roles: Sequence[str]) -> frozenset[Role]:
    if not roles:
        raise UsageError("account_role_needed")
    return frozenset(Role(role) for role in roles)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def add(root: Path, login: str, *, name: str, position: str, roles: Sequence[str], email: str | None = None,
        password: PasswordReader | None = None, store_path: Path | None = None) -> Account:  # fmt: skip
    """Create the account ``login`` (its password from ``password``; ``None``: single sign-on only)."""
    account = Account(
        login=check_login(login),
        name=check_text("--name", name),
        position=check_text("--position", position),
        email=check_text("--email", email) if email else default_email(login),
        roles=_roles(roles),
        password_hash=hash_password(password()) if password is not None else None,
    )
    added = AccountStore.for_project(root, store_path).add(account)
    _audit(root).record("account_added", login=_actor(), account=login, roles=added.roles,
                        sso_only=password is None)  # fmt: skip
    return added


def set_account(root: Path, login: str, *, name: str | None = None, position: str | None = None,
                email: str | None = None, roles: Sequence[str] = (), password: PasswordReader | None = None,
                no_password: bool = False, store_path: Path | None = None) -> AccountChange:  # fmt: skip
    """Change what is given of the account ``login``; nothing given is a usage error (nothing to do)."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = check_text("--name", name)
    if position is not None:
        changes["position"] = check_text("--position", position)
    if email is not None:
        changes["email"] = check_text("--email", email)
    if roles:
        changes["roles"] = _roles(roles)
    if password is not None:
        changes["password_hash"] = hash_password(password())
    elif no_password:
        changes["password_hash"] = None
    if not changes:
        raise UsageError("account_nothing_to_change", login=login)
    before, after = AccountStore.for_project(root, store_path).update(check_login(login), **changes)
    log = _audit(root)
    if before.roles != after.roles:
        log.record("role_changed", login=_actor(), account=login, before=before.roles, after=after.roles)
    if before.password_hash != after.password_hash:
        log.record("password_changed", login=_actor(), account=login, sso_only=after.password_hash is None)
    changed = sorted(key for key in changes if key not in ("roles", "password_hash"))
    if changed:
        log.record("account_changed", login=_actor(), account=login, fields=changed)
    return AccountChange(before, after)


def remove(root: Path, login: str, *, store_path: Path | None = None) -> Account:
    removed = AccountStore.for_project(root, store_path).remove(check_login(login))
    _audit(root).record("account_removed", login=_actor(), account=login, roles=removed.roles)
    return removed


def accounts(root: Path, *, store_path: Path | None = None) -> list[Account]:
    return list(AccountStore.for_project(root, store_path).accounts().values())


def _audit(root: Path) -> AuditLog:
    return AuditLog(default_audit_path(root))


def _roles_text(roles: frozenset[Role], lang: str) -> str:
    return ", ".join(wording.label(ROLE_LABELS[role], lang) for role in sorted(roles))


def run(root: Path, action: str, *, login: str | None = None, name: str | None = None, position: str | None = None,
        email: str | None = None, roles: Sequence[str] = (), password: bool = False, no_password: bool = False,
        store_path: Path | None = None, lang: str = "th", stdin: TextIO | None = None) -> Outcome:  # fmt: skip
    """``reportgen desk user ACTION``: do it, then say what was done (never a password)."""

    def reader() -> str:
        return read_password(stdin, lang=lang)

    if action == "list":
        found = accounts(root, store_path=store_path)
        if not found:
            return Outcome((Line(wording.message("account_list_empty", lang)),))
        return Outcome(tuple(
            Line(wording.message("account_list_line", lang, login=account.login, name=account.name,
                                 position=account.position, roles=_roles_text(account.roles, lang),
                                 sso=wording.label("account_sso_only", lang) if account.password_hash is None else ""))
            for account in found
        ))  # fmt: skip
    assert login is not None
    if action == "add":
        added = add(root, login, name=name or "", position=position or "", roles=roles, email=email,
                    password=None if no_password else reader, store_path=store_path)  # fmt: skip
        return Outcome((Line(wording.message("account_added", lang, login=added.login, name=added.name,
                                             roles=_roles_text(added.roles, lang))),))  # fmt: skip
    if action == "set":
        change = set_account(root, login, name=name, position=position, email=email, roles=roles,
                             password=reader if password else None, no_password=no_password,
                             store_path=store_path)  # fmt: skip
        return Outcome((Line(wording.message("account_changed", lang, login=login,
                                             roles=_roles_text(change.after.roles, lang))),))  # fmt: skip
    removed = remove(root, login, store_path=store_path)
    return Outcome((Line(wording.message("account_removed", lang, login=removed.login, name=removed.name)),))
