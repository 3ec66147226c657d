"""What a person may do with a form: ``may(person, action, indicator)``, the one place the desk asks.

The rules of issue 29: an officer edits the forms whose ``officer:`` names them, and starts new forms; a coordinator
edits every form, starts a year and imports exports; a signer signs and revokes; an admin keeps the accounts.
Everyone at the desk may read every form of the division (the overview is the division's).
"""

from __future__ import annotations

from enum import StrEnum

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


def is_own(person: Person, indicator: Indicator | None) -> bool:
    """The form names ``person`` as its officer (names compared without surrounding or doubled spaces)."""
    if indicator is None or indicator.officer is None:
        return False
    return " ".join(indicator.officer.name.split()) == " ".join(person.name.split())


def may(person: Person, action: Action, indicator: Indicator | None = None) -> bool:
    """Whether ``person`` may do ``action`` (to ``indicator``, for the actions on one form)."""
    roles = person.roles
    if action is Action.VIEW:
        return bool(roles)
    if action in (Action.EDIT, Action.UPLOAD_EVIDENCE):
        return Role.COORDINATOR in roles or (Role.OFFICER in roles and is_own(person, indicator))
    if action is Action.CREATE:
        return bool(roles & {Role.OFFICER, Role.COORDINATOR})
    if action in (Action.START_YEAR, Action.IMPORT):
        return Role.COORDINATOR in roles
    if action in (Action.SIGN, Action.REVOKE):
        return Role.SIGNER in roles
    return Role.ADMIN in roles
