"""What a person may do with a form: ``may(person, action, indicator)``, the one place the desk asks, on the server,
for every route that touches a form (the page only hides what the server refuses anyway).

The rules of issue 29:

- an **officer** opens, edits and uploads evidence to the forms whose ``officer:`` names them (names compared
  without surrounding or doubled spaces), and to a form that names no officer yet (one just started: whoever
  saves it first with their name makes it theirs); starts new forms. Another officer's form is refused (403), by
  its URL, its preview, its check and its evidence alike;
- a **coordinator** opens and edits every form of the division, starts a year, imports exports;
- a **signer** opens every form, signs it off and revokes a sign-off; a signer edits nothing (unless also officer
  or coordinator): what is signed is what the officer wrote;
- an **admin** keeps the accounts and reads the audit log; an admin without another role sees no form.

A form whose file has errors has no ``Indicator``; its officer is then read from the file's raw values
(``officer_name``), so a broken file is not everyone's to edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from reportgen.desk.identity import Person, Role
from reportgen.model import Indicator


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    UPLOAD_EVIDENCE = "upload_evidence"
    CREATE = "create"
    START_YEAR = "start_year"
    IMPORT = "import"
    SIGN = "sign"
    REVOKE = "revoke"
    MANAGE_ACCOUNTS = "manage_accounts"
    READ_AUDIT = "read_audit"


#: The actions on one form (the others are about the division or the desk).
FORM_ACTIONS = frozenset({Action.VIEW, Action.EDIT, Action.UPLOAD_EVIDENCE, Action.SIGN, Action.REVOKE})


def _folded(name: str) -> str:
    return " ".join(name.split())


def officer_name(form: Indicator | Mapping[str, Any] | None) -> str | None:
    """The name in a form's ``officer:`` (from its model, or the raw values of a file with errors), or ``None``."""
    if isinstance(form, Indicator):
        return form.officer.name if form.officer is not None else None
    if isinstance(form, Mapping):
        officer = form.get("officer")
        name = officer.get("name") if isinstance(officer, Mapping) else None
        return name if isinstance(name, str) and name.strip() else None
    return None


def is_own(person: Person, indicator: Indicator | Mapping[str, Any] | None) -> bool:
    """The form names ``person`` as its officer."""
    name = officer_name(indicator)
    return name is not None and _folded(name) == _folded(person.name)


def _officers(person: Person, form: Indicator | Mapping[str, Any] | None) -> bool:
    """An officer's own form, or a form that names no officer yet."""
    return Role.OFFICER in person.roles and (is_own(person, form) or officer_name(form) is None)


def may(person: Person | None, action: Action, indicator: Indicator | Mapping[str, Any] | None = None) -> bool:
    """Whether ``person`` may do ``action`` (to the form ``indicator``, its model or its raw values, for the actions
    on one form). Nobody signed in may do nothing."""
    if person is None:
        return False
    roles = person.roles
    if action is Action.VIEW:
        return bool(roles & {Role.COORDINATOR, Role.SIGNER}) or _officers(person, indicator)
    if action in (Action.EDIT, Action.UPLOAD_EVIDENCE):
        return Role.COORDINATOR in roles or _officers(person, indicator)
    if action is Action.CREATE:
        return bool(roles & {Role.OFFICER, Role.COORDINATOR})
    if action in (Action.START_YEAR, Action.IMPORT):
        return Role.COORDINATOR in roles
    if action in (Action.SIGN, Action.REVOKE):
        return Role.SIGNER in roles
    return Role.ADMIN in roles  # MANAGE_ACCOUNTS, READ_AUDIT
