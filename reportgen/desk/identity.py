"""Who is at the desk: a ``Person`` (login, name, e-mail, position, roles).

Until accounts exist (the next issue) there is one person, the one git knows on this computer (``local_person``:
``git config user.name`` and ``user.email``), with the officer's and coordinator's roles; the desk then listens on
127.0.0.1 only, so that nobody else can act as that person. Every change the desk makes is made by a ``Person``, so
that accounts slot in by setting another one on the request (``request.state.person``).
"""

from __future__ import annotations

import getpass
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Role(StrEnum):
    """What a person does at the division: writes forms, coordinates the year, signs, or keeps the accounts."""

    OFFICER = "officer"
    COORDINATOR = "coordinator"
    SIGNER = "signer"
    ADMIN = "admin"


@dataclass(frozen=True)
class Person:
    """Someone at the desk. ``name`` is matched against a form's ``officer.name`` (whose forms are theirs)."""

    login: str
    name: str
    email: str
    position: str
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return role in self.roles


def _git_config(project_root: Path, key: str) -> str:
    try:
        done = subprocess.run(
            ["git", "config", "--get", key], cwd=project_root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def local_person(project_root: Path) -> Person:
    """The person git knows in ``project_root`` (``user.name``, ``user.email``), an officer and coordinator; the
    login of the account running the desk when git knows no name."""
    login = getpass.getuser()
    name = _git_config(project_root, "user.name") or login
    email = _git_config(project_root, "user.email") or f"{login}@localhost"
    return Person(login=login, name=name, email=email, position="", roles=frozenset({Role.OFFICER, Role.COORDINATOR}))
