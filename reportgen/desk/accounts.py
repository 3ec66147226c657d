"""Logins and passwords → the desk's accounts: who may sign in, with which name, position and roles.

The store is one JSON file **outside ``content/`` and outside git** (default ``<project>/.reportgen-desk/
accounts.json``, which ``.gitignore`` ignores; ``$REPORTGEN_DESK_ACCOUNTS`` or the desk's setting names another):
accounts are not content, and a password hash pushed to every clone could be attacked offline. The file is
readable by its owner only (0600, its folder 0700), replaced whole (``files.replace_file``) under an exclusive lock
(``fcntl.flock`` on a lock file beside it), so two ``reportgen desk user`` commands and the desk never lose each
other's change.

Passwords are hashed with **Argon2id** (argon2-cffi's ``PasswordHasher``, its RFC 9106 low-memory profile: 64 MiB,
3 passes), a memory-hard function: a stolen store costs an attacker 64 MiB and tens of milliseconds per guess.
A password is never stored, logged nor shown; ``verify`` checks an unknown login against a dummy hash, so that a
wrong login and a wrong password take the same time and get the same answer. An account whose hash was made with
weaker parameters is rehashed at its next sign-in.

The name and position printed in a form's signature block come from the account (``Account.person``), never from
what someone types at the sign-off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from reportgen import wording
from reportgen.desk.identity import Person, Role
from reportgen.errors import UsageError
from reportgen.files import fsync_folder, replace_file
from reportgen.layout import CONTENT_DIR, DESK_STATE_DIR

logger = logging.getLogger(__name__)

ACCOUNTS_FILE = "accounts.json"
ACCOUNTS_ENV = "REPORTGEN_DESK_ACCOUNTS"
STORE_VERSION = 1

LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD_LENGTH = 10
#: Argon2 hashes whatever it is given; a megabyte-long "password" would only cost the server time.
MAX_PASSWORD_LENGTH = 256
MAX_TEXT_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

#: Each role's name as a person reads it (catalog keys).
ROLE_LABELS = {
    Role.OFFICER: "account_role_officer",
    Role.COORDINATOR: "account_role_coordinator",
    Role.SIGNER: "account_role_signer",
    Role.ADMIN: "account_role_admin",
}

_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
#: Checked against when the login is unknown (or has no password), so that every refusal costs the same time.
_DUMMY_HASH = _HASHER.hash("reportgen-desk: no such account")


@dataclass(frozen=True)
class Account:
    """One account: the login typed at sign-in, the name and position printed when its owner signs, the e-mail
    commits are authored with, its roles, and the Argon2id hash of its password (``None``: signs in only through
    the division's single sign-on, ``auth.ProxyLogin``)."""

    login: str
    name: str
    position: str
    email: str
    roles: frozenset[Role]
    password_hash: str | None = field(default=None, repr=False)
    changed: str = ""

    @property
    def person(self) -> Person:
        return Person(login=self.login, name=self.name, email=self.email, position=self.position, roles=self.roles)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "position": self.position,
            "email": self.email,
            "roles": sorted(role.value for role in self.roles),
            "password_hash": self.password_hash,
            "changed": self.changed,
        }

    @classmethod
    def from_json(cls, login: str, data: dict[str, object]) -> Account:
        roles = data.get("roles")
        if not isinstance(roles, list):
            raise ValueError(login)
        return cls(
            login=login,
            name=str(data["name"]),
            position=str(data.get("position", "")),
            email=str(data.get("email") or default_email(login)),
            roles=frozenset(Role(role) for role in roles),
            password_hash=data.get("password_hash") if isinstance(data.get("password_hash"), str) else None,  # type: ignore[arg-type]
            changed=str(data.get("changed", "")),
        )


def default_email(login: str) -> str:
    """The commit e-mail of an account given none: an address that is clearly no mailbox (RFC 2606's ``.invalid``)."""
    return f"{login}@desk.invalid"


def default_store_path(project_root: Path) -> Path:
    """``$REPORTGEN_DESK_ACCOUNTS``, else ``<project>/.reportgen-desk/accounts.json``."""
    configured = os.environ.get(ACCOUNTS_ENV)
    return Path(configured) if configured else Path(project_root) / DESK_STATE_DIR / ACCOUNTS_FILE


def check_login(login: str) -> str:
    """``login`` if it is one: lower-case letters, digits, ``.``, ``_``, ``-``, at most 64 (UsageError otherwise)."""
    if not LOGIN_PATTERN.fullmatch(login or ""):
        raise UsageError("account_login_invalid", login=login)
    return login


def check_text(option: str, value: str) -> str:
    """A name, position or e-mail: one line, not empty, not too long (UsageError otherwise)."""
    value = (value or "").strip()
    if not value:
        raise UsageError("usage_text_empty", option=option)
    if _CONTROL.search(value):
        raise UsageError("usage_text_one_line", option=option)
    if len(value) > MAX_TEXT_LENGTH:
        raise UsageError("usage_text_too_long", option=option, length=len(value), limit=MAX_TEXT_LENGTH)
    return value


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError("account_password_short", minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UsageError("account_password_long", maximum=MAX_PASSWORD_LENGTH)
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(check_password(password))


class AccountStore:
    """The accounts file at ``path``: read whole, changed under its lock, replaced whole."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def for_project(cls, project_root: Path, path: Path | None = None) -> AccountStore:
        """The project's store (``path``, else ``default_store_path``), refused inside ``content/``, which is
        pushed to every clone and published."""
        store = Path(path) if path is not None else default_store_path(project_root)
        content = (Path(project_root) / CONTENT_DIR).resolve()
        if store.resolve().is_relative_to(content):
            raise UsageError("account_store_in_content", path=store)
        return cls(store)

    # --- reading ---

    def accounts(self) -> dict[str, Account]:
        """Every account by login; none when the file does not exist yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise UsageError("account_store_unreadable", path=self.path, reason=str(error)) from error
        try:
            data = json.loads(text)
            if data.get("version") != STORE_VERSION:
                raise ValueError(data.get("version"))
            return {login: Account.from_json(check_login(login), entry)
                    for login, entry in sorted(data["accounts"].items())}  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError, UsageError) as error:
            raise UsageError("account_store_unreadable", path=self.path, reason=repr(error)) from error

    def exists(self) -> bool:
        """Whether any account exists: then the desk asks everyone to sign in."""
        return bool(self.accounts())

    def get(self, login: str) -> Account | None:
        return self.accounts().get(login)

    def verify(self, login: str, password: str) -> Account | None:
        """The account ``login`` if ``password`` is its password, else ``None``: the same answer, and about the same
        time, for an unknown login, an account without a password and a wrong password. A correct password whose
        hash is outdated is rehashed."""
        account = self.accounts().get(login) if LOGIN_PATTERN.fullmatch(login or "") else None
        stored = account.password_hash if account is not None else None
        candidate = password[:MAX_PASSWORD_LENGTH + 1]  # bounded work; longer is never a valid password anyway
        try:
            _HASHER.verify(stored or _DUMMY_HASH, candidate)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if account is None or stored is None or len(password) > MAX_PASSWORD_LENGTH:
            return None
        if _HASHER.check_needs_rehash(stored):
            with contextlib.suppress(UsageError, OSError):
                self._rehash(login, stored, candidate)
        return account

    # --- changing ---

    def add(self, account: Account) -> Account:
        with self._locked() as accounts:
            if account.login in accounts:
                raise UsageError("account_exists", login=account.login)
            accounts[account.login] = stamped = replace(account, changed=_now())
            return stamped

    def update(self, login: str, **changes: object) -> tuple[Account, Account]:
        """Change the fields ``changes`` names (``name``, ``position``, ``email``, ``roles``, ``password_hash``);
        (before, after)."""
        with self._locked() as accounts:
            before = accounts.get(login)
            if before is None:
                raise UsageError("account_unknown", login=login)
            after = replace(before, **changes, changed=_now())  # type: ignore[arg-type]
            accounts[login] = after
            return before, after

    def remove(self, login: str) -> Account:
        with self._locked() as accounts:
            removed = accounts.pop(login, None)
            if removed is None:
                raise UsageError("account_unknown", login=login)
            return removed

    def _rehash(self, login: str, old_hash: str, password: str) -> None:
        with self._locked() as accounts:
            current = accounts.get(login)
            if current is not None and current.password_hash == old_hash:
                accounts[login] = replace(current, password_hash=_HASHER.hash(password))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Account]]:
        """The accounts, read and then written back whole under the store's exclusive lock (if the body raises,
        nothing is written)."""
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_fd = os.open(folder / f".{self.path.name}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            accounts = self.accounts()
            yield accounts
            data = {
                "version": STORE_VERSION,
                "accounts": {login: accounts[login].as_json() for login in sorted(accounts)},
            }
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            replace_file(self.path, text.encode("utf-8"), mode=0o600, durable=True)
            os.chmod(self.path, 0o600)  # whatever the umask
            fsync_folder(folder)
            logger.info(wording.message("log_accounts_written", path=self.path, count=len(accounts)))
        finally:
            os.close(lock_fd)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
