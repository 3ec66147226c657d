"""The desk's values → the canonical text of a form, and a form saved into git by a person: the desk's side of
``authoring.canonical`` (the one writer of canonical YAML) and ``authoring.repository`` (version check, atomic write,
commit, push). Nothing here writes YAML or runs git itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reportgen import wording
from reportgen.authoring.canonical import text_from_values
from reportgen.authoring.repository import Author, ContentChanged, SaveResult, commit_message, file_version, save
from reportgen.desk.identity import Person
from reportgen.errors import ContentError

if TYPE_CHECKING:
    from reportgen.desk.app import Saved

__all__ = ["ContentChanged", "ContentError", "commit_new", "form_text", "save_form", "save_new_file", "version_of"]


def author_of(person: Person) -> Author:
    return Author(name=person.name, email=person.email)


def form_text(values: dict[str, Any], saved: Saved) -> str:
    """The canonical text of ``values`` for the form in ``saved`` (its comments kept with their fields); values that
    are no valid form raise ``ContentError`` with check's problems at their fields."""
    year = values.get("fiscal_year")
    fiscal_year = year if isinstance(year, int) else int(saved.relative.parent.name)
    return text_from_values(values, year=fiscal_year, source=saved.relative, previous_text=saved.text)


def version_of(root: Path, relative: PurePosixPath) -> str | None:
    return file_version(root, relative)


def save_form(
    root: Path, relative: PurePosixPath, text: str, expected: str | None, person: Person, *, push: bool = True
) -> SaveResult:
    """Save ``text`` as the form at ``relative`` if it is still at version ``expected`` (else ``ContentChanged``),
    committed with ``person`` as author and a Thai message naming the form; pushed at once, or (``push=False``)
    left for the desk's background pusher."""
    return save(root, relative, text, expected_version=expected, author=author_of(person),
                message=commit_message(relative), push=push)


def commit_new(root: Path, files: Sequence[PurePosixPath], person: Person, message_key: str) -> None:
    """Commit forms just written by ``new`` or ``import`` (each as written: saving it again is the same bytes)."""
    for relative in files:
        text = (Path(root) / relative).read_text(encoding="utf-8")
        message = wording.message(message_key, "th", year=relative.parent.name, code=relative.stem, name=person.name)
        save(root, relative, text, expected_version=file_version(root, relative), author=author_of(person),
             message=message)


def save_new_file(root: Path, relative: PurePosixPath, data: bytes, person: Person, message_key: str) -> SaveResult:
    """Write a file that must not exist yet (evidence) and commit it as ``person``; ``ContentChanged`` if it does."""
    message = wording.message(message_key, "th", name=person.name, file=relative.name, year=relative.parent.name)
    return save(root, relative, data, expected_version=None, author=author_of(person), message=message)
