"""Any PDF as WeasyPrint 70 writes it → the same PDF with each distinct form XObject written once.

WeasyPrint writes a form XObject (a group: an SVG image, a background) every time it draws one: a draft form's
diagonal mark, a background of every page, is written once per page, the same bytes each time (2.7 kB on each page
of form 08). Forms with the same content and the same dictionary, their resources compared by what they hold
rather than by their object numbers, are given one object that every resources dictionary then refers to. The
copies, and what only they referred to (their resources), are left as ``null`` objects: pydyf numbers objects by
their place in its list, so none can be removed. What a page shows does not change, only how often it is stored.
Done on WeasyPrint's ``pydyf`` objects before they are written (``render/pdf.py`` runs it as part of WeasyPrint's
``finisher``, for drafts and releases alike), so it is part of the adapter.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pydyf

_REFERENCE = re.compile(rb"(\d+) 0 R")


def share_identical_forms(pdf: Any) -> int:
    """Make every resources dictionary of ``pdf`` (a ``pydyf.PDF``) refer to one object per distinct form XObject;
    return how many copies were dropped."""
    objects = pdf.objects
    digests: dict[int, bytes] = {}
    in_progress: set[int] = set()

    def number_of(value: Any) -> int | None:
        if isinstance(value, bytes) and (match := _REFERENCE.fullmatch(value)):
            number = int(match.group(1))
            return number if number < len(objects) else None
        return None

    def digest(number: int) -> bytes:
        # What the object holds, references replaced by what their objects hold. A cycle (a page and its parent)
        # keeps the object's own number: never equal to another object, never wrongly merged.
        if number in digests:
            return digests[number]
        if number in in_progress:
            return b"#%d" % number
        in_progress.add(number)
        found = hashlib.sha256(canonical(objects[number])).digest()
        in_progress.discard(number)
        digests[number] = found
        return found

    def canonical(value: Any) -> bytes:
        if isinstance(value, pydyf.Stream):
            content = b"\n".join(canonical(item) if isinstance(item, (dict, list, tuple)) else pydyf._to_bytes(item)
                                 for item in value.stream)
            return b"S%d" % bool(value.compress) + canonical(value.extra) + b"\0" + content
        if isinstance(value, dict):
            return b"<<" + b"".join(b"/" + pydyf._to_bytes(key) + b" " + canonical(item)
                                    for key, item in value.items()) + b">>"
        if isinstance(value, (list, tuple)):
            return b"[" + b" ".join(canonical(item) for item in value) + b"]"
        if (number := number_of(value)) is not None:
            return b"@" + digest(number)
        written: bytes = pydyf._to_bytes(value)
        return written

    kept: dict[bytes, int] = {}
    replaced: dict[bytes, bytes] = {}  # reference of a copy → reference of the form kept
    for obj in objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/Form" and obj.number is not None:
            first = kept.setdefault(digest(obj.number), obj.number)
            if first != obj.number:
                replaced[obj.reference] = objects[first].reference
    if not replaced:
        return 0

    def rewire(value: Any) -> Any:
        if isinstance(value, bytes):
            return replaced.get(value, value)
        if isinstance(value, pydyf.Stream):
            rewire(value.extra)
        elif isinstance(value, dict):
            for key, item in value.items():
                value[key] = rewire(item)
        elif isinstance(value, list):
            value[:] = [rewire(item) for item in value]
        return value

    copies = {int(reference.split()[0]) for reference in replaced}
    held_by_copies = copies | _reachable([objects[number] for number in copies], objects, number_of)
    for obj in objects:
        rewire(obj)
    rewire(pdf.info)
    # Still used: what any other object refers to (pages list their kids as numbers, not references, so the
    # catalog alone would not reach them).
    others = [obj for number, obj in enumerate(objects) if number not in held_by_copies]
    still_used = _reachable([*others, pdf.info], objects, number_of)
    for number in held_by_copies - still_used:
        placeholder = _Null()
        placeholder.number = number
        objects[number] = placeholder
    return len(copies)


def _reachable(roots: list[Any], objects: list[Any], number_of: Callable[[Any], int | None]) -> set[int]:
    """The numbers of the objects ``roots`` refer to, directly or not."""
    seen: set[int] = set()
    pending = list(roots)
    while pending:
        value = pending.pop()
        if isinstance(value, pydyf.Stream):
            pending.append(value.extra)
            pending.extend(item for item in value.stream if isinstance(item, (dict, list, tuple)))
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, (list, tuple)):
            pending.extend(value)
        elif (number := number_of(value)) is not None and number not in seen:
            seen.add(number)
            pending.append(objects[number])
    return seen


class _Null(pydyf.Object):  # type: ignore[misc]  # pydyf has no type hints
    """An object nothing refers to any more, written as ``null`` in the object stream (a few bytes)."""

    @property
    def data(self) -> bytes:
        return b"null"
