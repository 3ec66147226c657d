"""An SVG image WeasyPrint draws again and again (the draft mark, on every page of every draft) → the operators of
its first drawing, replayed.

WeasyPrint 70 draws an SVG image every time a box shows it: it walks the image's tree and parses each path's ``d``
attribute again. The draft mark (``templates/draft-mark.svg``, a background of every page of a draft) took 6.6 ms
a page that way, 16 ms of a draft form's 365 ms (2026-12-07).

``ImageCache`` is a dictionary for WeasyPrint's ``cache`` rendering option (its public way of sharing loaded
images), one per document: each SVG image WeasyPrint stores there draws through ``DrawnOnce``, so that its
drawing at a size is looked up in ``Drawings`` that outlive the document (a ``PdfPrinter`` keeps one record
for all the documents it lays out), and replayed when found: the operators the first drawing wrote, and the
graphics states they use (its fill's opacity), the same bytes in the PDF. The record is keyed by the image's
content (its XML and URL) and size, never by a document's objects: nothing of one document is kept for the next.

Only a drawing made of operators alone, into a stream that remembers no graphics state before or after it (the
group WeasyPrint makes for a background image), is replayed: WeasyPrint's ``Stream`` leaves out an operator that
would set a colour or an opacity it remembers as set, so elsewhere the same drawing writes other operators. A
drawing that adds any other resource (an image, a font, a pattern, a shading, a group: objects of one PDF) or names
any resource but a graphics state is drawn every time, as WeasyPrint draws it; so is an image whose XML cannot be
read (WeasyPrint's ``SVGImage`` changed).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from xml.etree import ElementTree

#: A graphics state used by a drawing: ``/a1 gs``.
_STATE_USED = re.compile(rb"/([^\s/<>\[\]()]+) gs")
#: The one resource category a replayed drawing may use.
_GRAPHICS_STATES = "ExtGState"

#: What replays a drawing: its operators, and the graphics states they use by name.
Recorded = tuple[tuple[bytes, ...], dict[str, dict[str, Any]]]


#: The drawings of SVG images, by (content key, width, height): ``Recorded``, or None (drawn every time).
Drawings = dict[tuple[str, float, float], Recorded | None]


class ImageCache(dict[str, Any]):
    """The ``cache`` given to ``weasyprint.HTML.render`` for one document: WeasyPrint stores each image it loads
    here by URL (and a raster image's encoded data by its own key); each SVG image's ``draw`` becomes a
    ``DrawnOnce`` (on the image itself: WeasyPrint uses the image it stores as well as the one it finds here)."""

    def __init__(self, drawings: Drawings) -> None:
        super().__init__()
        self.drawings = drawings

    def __setitem__(self, key: str, value: Any) -> None:
        if type(value).__name__ == "SVGImage" and (content := _content_key(value)) is not None:
            value.draw = DrawnOnce(value.draw, content, self.drawings)
        super().__setitem__(key, value)


def _content_key(image: Any) -> str | None:
    """The SHA-256 of a WeasyPrint ``SVGImage``'s URL and XML, or None if it cannot be read."""
    root = getattr(getattr(getattr(image, "_svg", None), "tree", None), "_etree_node", None)
    if not isinstance(root, ElementTree.Element):
        return None
    url = str(getattr(image, "_base_url", ""))
    return hashlib.sha256(url.encode("utf-8") + b"\0" + ElementTree.tostring(root)).hexdigest()


class DrawnOnce:
    """An SVG image's ``draw(stream, width, height, style)`` (WeasyPrint's, ``draw``), its drawings recorded in
    ``drawings`` under the image's ``content`` key and replayed (see the module)."""

    def __init__(self, draw: Any, content: str, drawings: Drawings) -> None:
        self._draw = draw
        self._content = content
        self._drawings = drawings

    def __call__(self, stream: Any, concrete_width: float, concrete_height: float, style: Any) -> None:
        key = (self._content, concrete_width, concrete_height)
        if not _fresh(stream):  # what the drawing writes depends on what the stream set before it
            self._draw(stream, concrete_width, concrete_height, style)
            return
        if key not in self._drawings:
            self._drawings[key] = self._recorded_drawing(stream, concrete_width, concrete_height, style)
            return
        recorded = self._drawings[key]
        if recorded is None:
            self._draw(stream, concrete_width, concrete_height, style)
            return
        operators, states = recorded
        for name, state in states.items():
            stream._resources[_GRAPHICS_STATES].setdefault(name, _dictionary(state))
        stream.stream.extend(operators)

    def _recorded_drawing(self, stream: Any, concrete_width: float, concrete_height: float, style: Any) -> Recorded | None:
        """Draw the image into ``stream``; return what replays the drawing, or None if it cannot be replayed."""
        first = len(stream.stream)
        resources = stream._resources
        before = {category: set(entries) for category, entries in resources.items() if isinstance(entries, dict)}
        self._draw(stream, concrete_width, concrete_height, style)
        operators = stream.stream[first:]
        if not _fresh(stream) or not all(isinstance(operator, bytes) for operator in operators):
            return None  # it left a colour, an opacity, a font or a transformation set for what follows
        added = [category for category, entries in resources.items() if isinstance(entries, dict)
                 and category != _GRAPHICS_STATES and set(entries) - before.get(category, set())]  # fmt: skip
        text = b"\n".join(operators)
        used = [found.decode("latin-1") for found in _STATE_USED.findall(text)]
        if added or text.count(b"/") != len(used):
            return None
        states: dict[str, dict[str, Any]] = {}
        for name in dict.fromkeys(used):  # in the order the drawing added them to its fresh stream's resources
            state = resources[_GRAPHICS_STATES].get(name)
            if not isinstance(state, dict) or not all(isinstance(value, (int, float)) for value in state.values()):
                return None
            states[name] = dict(state)
        return tuple(operators), states


#: What WeasyPrint's ``Stream`` remembers of the graphics state, to leave out an operator that would set it again.
_TRACKED_STATE = ("_current_color", "_current_color_stroke", "_current_alpha", "_current_alpha_stroke", "_current_font")


def _fresh(stream: Any) -> bool:
    """Whether ``stream`` remembers no graphics state and no transformation (a group WeasyPrint just made for an
    image, as for every background): only there is a drawing the same operators wherever it is made. False too for
    a stream without the resources and operators this module reads (WeasyPrint's ``Stream`` changed)."""
    missing = object()
    ctm = getattr(stream, "_ctm_stack", missing)
    return (all(getattr(stream, name, missing) is None for name in _TRACKED_STATE)
            and isinstance(ctm, list) and len(ctm) == 1
            and isinstance(getattr(stream, "_resources", None), dict)
            and isinstance(getattr(stream, "stream", None), list))  # fmt: skip


def _dictionary(entries: dict[str, Any]) -> Any:
    import pydyf

    return pydyf.Dictionary(entries)
