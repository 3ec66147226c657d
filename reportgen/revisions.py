"""A signed PDF's revisions → what changed after a signature that a reader could see, or nothing.

A signature covers the bytes of the revision it was made in; anything appended later (an *incremental update*) is
outside it. pyHanko rates such updates by kind, and rates "form filling" (which includes adding a new signature
field *with an appearance*) as harmless: that is the shadow attack, an empty field whose appearance paints "99.00"
over the signed "36.00". pyHanko also never looks at the document information dictionary (``/Title``). So
``verify`` does not ask what kind of update it was; it compares what a reader is shown in the signed revision and
in the file as it is now (``changes_after``), and any difference means the file was modified:

- **the pages**: their number and order, and each page's dictionary (content streams, resources, boxes, rotation,
  and everything they reference) with its annotations compared apart;
- **the annotations**: every annotation of the signed revision must still be there, unchanged; an annotation added
  later is accepted only if it is the widget of a *signature* field with a zero-area rectangle, which no reader
  draws (a co-signature by ``reportgen sign --force``, a document timestamp);
- **the document**: every entry of the catalog (outlines, attachments such as the embedded YAML source, open
  actions, names, the structure tree, …) except ``/DSS`` (validation data), ``/Extensions`` (a declaration of
  features used) and ``/Metadata`` and ``/Pages`` (compared as described), and in ``/AcroForm`` everything but its
  list of fields and the entries adding a signature field rewrites (new signature fields are judged by their
  widgets; an ``/XFA`` form is not);
- **the metadata**: every entry of the information dictionary except ``/ModDate`` and ``/Producer``, and every
  property of the XMP packet except the dates and tool names every update rewrites (``xmp:ModifyDate``,
  ``xmp:MetadataDate``, ``pdf:Producer``, ``xmpMM:InstanceID``/``VersionID``/``History``).

Legitimate later changes therefore still verify: a second, invisible signature (its signer is listed by ``verify``,
and with ``--trust`` it must be trusted too) and long-term-validation updates (DSS, document timestamps). A visible
co-signature by anyone, a new annotation, a changed title or attachment, or a changed page does not.

Objects are compared by a SHA-256 over their canonical form (keys sorted, indirect references followed, streams by
their encoded bytes), never by object numbers, which an update may reuse. A page's attributes inherited from the page
tree (``/Resources``, ``/MediaBox``, ``/CropBox``, ``/Rotate``, which an update can set on ``/Pages`` without touching
the page) count as the page's own.

**Bounded work.** A hostile update can make a small file unfold into an enormous one: a chain of arrays ``[next
next]`` is 3 KB and 2^40 paths. So each object is fingerprinted once per comparison (a reference to an object
already done reuses its digest; a reference back to an object being fingerprinted is a marker saying how far back),
the walks of the page tree and of the form field tree (which pyHanko walks on its own, path by path) refuse a node
listed twice, and every step is counted against a ``Budget`` proportional to the file's size. Past it, or past
``MAX_REVISIONS`` updates, or nesting deeper than ``MAX_NESTING``, the file is ``TooComplex``: ``verify`` then calls it
modified, too complex to compare, which no legitimate form is. ``trailing_bytes`` counts what follows the last
``%%EOF``: an update cut off before it is invisible to pyHanko but not to every reader.
"""

from __future__ import annotations

import hashlib
import logging
import re
import xml.etree.ElementTree as ElementTree
import zlib
from dataclasses import dataclass, field
from typing import Any

from pyhanko.pdf_utils import generic

logger = logging.getLogger(__name__)

#: Catalog entries compared on their own (pages, metadata), or that an update adding signatures or validation data
#: rewrites without changing what is shown (new signature fields are judged by their widgets).
CATALOG_EXEMPT = frozenset({"/AcroForm", "/DSS", "/Extensions", "/Metadata", "/Pages"})
#: Entries of ``/AcroForm`` that adding a signature field rewrites; the rest (``/XFA``, a whole form of its own that
#: some readers show instead of the pages, ``/NeedAppearances``, …) must stay as signed.
ACROFORM_EXEMPT = frozenset({"/Fields", "/SigFlags", "/DR", "/DA"})
#: Information dictionary entries every incremental writer updates.
INFO_EXEMPT = frozenset({"/ModDate", "/Producer"})
#: Page attributes a page inherits from its ancestors in the page tree when it has none of its own (PDF 32000-1,
#: 7.7.3.4).
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_XMP_NS = {
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
#: XMP properties every incremental writer rewrites (dates, the producing tool, the instance identifiers).
XMP_EXEMPT = frozenset(
    f"{{{_XMP_NS[prefix]}}}{name}"
    for prefix, name in (
        ("xmp", "ModifyDate"), ("xmp", "MetadataDate"), ("pdf", "Producer"),
        ("xmpMM", "InstanceID"), ("xmpMM", "VersionID"), ("xmpMM", "History"),
    )
)  # fmt: skip
#: Back-references that would make every object's fingerprint depend on the whole document.
_BACK_REFERENCES = frozenset({"/Parent", "/P"})

#: Steps (objects and values visited) a file may cost: a fixed allowance, and so many per byte of the file. A
#: co-signed release form (107 KB) costs about 24,000 of its 3,100,000; a hostile file stops at its allowance, a
#: few seconds at most.
BASE_STEPS = 1_000_000
STEPS_PER_BYTE = 20
#: Incremental updates after the first revision a file may have: a signed form has one or two (the signature, a
#: co-signature, validation data, a timestamp).
MAX_REVISIONS = 64
#: Values nested in one another inside one object (a dictionary in an array in a dictionary …): the form's deepest
#: is under ten.
MAX_NESTING = 100
#: Bytes a stream read for its meaning (the XMP packet, the embedded YAML source) may decode to: the real ones are
#: a few kilobytes, and a compressed stream of a few kilobytes can decode to gigabytes.
MAX_DECODED_BYTES = 4 * 1024 * 1024
#: What may follow the last ``%%EOF`` of a file: line ends and padding.
_PADDING = b"\x00\t\n\x0c\r "


class TooComplex(Exception):
    """The file asks for more work than its size justifies: a structure no legitimate form has (``verify`` calls it
    modified, too complex to compare)."""


@dataclass
class Budget:
    """The steps one file may still cost (``budget_for``): ``spend`` raises ``TooComplex`` past the limit."""

    limit: int
    spent: int = 0

    def spend(self, steps: int = 1) -> None:
        self.spent += steps
        if self.spent > self.limit:
            raise TooComplex(f"more than {self.limit} steps")


def budget_for(size: int) -> Budget:
    """The budget of a file of ``size`` bytes."""
    return Budget(BASE_STEPS + STEPS_PER_BYTE * size)


@dataclass(frozen=True)
class Change:
    """One change a reader could see: a ``MESSAGES`` code (``verify_changed_*``) and its parameters."""

    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


def trailing_bytes(pdf: bytes) -> int:
    """How many bytes other than line ends and padding follow the file's last ``%%EOF`` (all of them if none)."""
    end = pdf.rfind(b"%%EOF")
    rest = pdf if end < 0 else pdf[end + len(b"%%EOF") :]
    return len(rest.strip(_PADDING))


def check_structure(reader, budget: Budget) -> None:
    """Refuse (``TooComplex``) what would make pyHanko or this module walk a file for ever: more than
    ``MAX_REVISIONS`` updates, and in any revision a page tree or form field tree that lists a node twice (a loop,
    or a DAG whose paths double at every level)."""
    revisions = reader.xrefs.total_revisions
    if revisions > MAX_REVISIONS + 1:
        raise TooComplex(f"{revisions} revisions")
    for revision in range(revisions):
        resolver = reader.get_historical_resolver(revision)
        root = resolver.root
        if "/Pages" in root:
            for _ in _pages(root.raw_get("/Pages"), budget):
                pass
        form = _resolved(root.get("/AcroForm"))
        if isinstance(form, generic.DictionaryObject) and "/Fields" in form:
            _check_tree(form.raw_get("/Fields"), budget)


def _check_tree(fields, budget: Budget) -> None:
    """Every node of a form field tree (``/Kids``) is listed once."""
    seen: set[tuple[int, int]] = set()
    pending = [fields]
    while pending:
        kids = _resolved(pending.pop())
        if not isinstance(kids, generic.ArrayObject):
            continue
        for index in range(len(kids)):
            budget.spend()
            reference = kids.raw_get(index)
            if isinstance(reference, generic.IndirectObject):
                if (reference.idnum, reference.generation) in seen:
                    raise TooComplex("a form field listed twice")
                seen.add((reference.idnum, reference.generation))
            node = _resolved(reference)
            if isinstance(node, generic.DictionaryObject) and "/Kids" in node:
                pending.append(node.raw_get("/Kids"))


def _resolved(value):
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def changes_after(reader, signed_revision: int, *, budget: Budget | None = None,
                  states: dict | None = None) -> list[Change]:
    """What differs, for a reader, between ``signed_revision`` of ``reader`` (a pyHanko ``PdfFileReader``) and the
    file's last revision. Empty: nothing a reader sees or the metadata says changed. ``TooComplex`` past ``budget``
    (default: ``budget_for`` the file's size); ``states`` (revision → its state) lets several signatures of one
    file share the work."""
    last = reader.xrefs.total_revisions - 1
    if signed_revision >= last:
        return []
    budget = budget if budget is not None else Budget(BASE_STEPS)
    states = {} if states is None else states
    for revision in (signed_revision, last):
        if revision not in states:
            states[revision] = _State.of(reader.get_historical_resolver(revision), budget)
    before, after = states[signed_revision], states[last]
    changes: list[Change] = []
    if len(before.pages) != len(after.pages):
        changes.append(Change("verify_changed_pages", {"before": len(before.pages), "after": len(after.pages)}))
    for number, (old, new) in enumerate(zip(before.pages, after.pages), start=1):
        if old.body != new.body:
            changes.append(Change("verify_changed_page", {"page": number}))
        remaining = list(new.annotations)
        for annotation in old.annotations:
            if annotation in remaining:
                remaining.remove(annotation)
            else:
                changes.append(Change("verify_changed_annotation", {"page": number}))
                break
        if any(not annotation.invisible_signature for annotation in remaining):
            changes.append(Change("verify_added_annotation", {"page": number}))
    keys = sorted(before.catalog.keys() | after.catalog.keys())
    changed = [key for key in keys if before.catalog.get(key) != after.catalog.get(key)]
    if changed:
        changes.append(Change("verify_changed_document", {"entries": ", ".join(changed)}))
    keys = sorted(before.info.keys() | after.info.keys())
    changed = [key for key in keys if before.info.get(key) != after.info.get(key)]
    if changed:
        changes.append(Change("verify_changed_metadata", {"entries": ", ".join(changed)}))
    if before.xmp != after.xmp:
        changes.append(Change("verify_changed_metadata", {"entries": "XMP"}))
    return changes


# --- What a reader is shown, by fingerprints ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Annotation:
    fingerprint: str
    invisible_signature: bool = field(compare=False)


@dataclass(frozen=True)
class _Page:
    body: str
    annotations: tuple[_Annotation, ...]


@dataclass(frozen=True)
class _State:
    pages: tuple[_Page, ...]
    catalog: dict
    info: dict
    xmp: tuple

    @classmethod
    def of(cls, resolver, budget: Budget) -> _State:
        root = resolver.root
        page_objects = list(_pages(root.raw_get("/Pages"), budget))
        # A reference to a page from elsewhere (an outline's or a named destination, the structure tree) stands for
        # the page's position: the page itself is compared on its own, with its annotations apart.
        positions = {reference.idnum: index for index, (reference, _, _) in enumerate(page_objects)}
        plain = Fingerprinter(budget, pages=positions)
        page_body = Fingerprinter(budget, skip=_BACK_REFERENCES | {"/Annots"}, pages=positions)
        pages = tuple(_page(page, inherited, page_body, plain) for _, page, inherited in page_objects)
        catalog = {
            str(key): plain.fingerprint(root.raw_get(key)) for key in root.keys() if key not in CATALOG_EXEMPT
        }
        form = root.get("/AcroForm")
        if form is not None:
            form_fields = Fingerprinter(budget, skip=_BACK_REFERENCES | ACROFORM_EXEMPT, pages=positions)
            catalog["/AcroForm"] = form_fields.fingerprint(form)
        # The trailer's references resolve in the newest revision; the information dictionary of *this* revision is
        # looked up through the resolver.
        info_ref = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
        if isinstance(info_ref, generic.IndirectObject):
            info_dict = resolver.get_object(generic.Reference(info_ref.idnum, info_ref.generation, resolver))
        else:
            info_dict = info_ref
        metadata = Fingerprinter(budget)
        info = {
            str(key): metadata.fingerprint(info_dict.raw_get(key)) for key in info_dict.keys() if key not in INFO_EXEMPT
        } if isinstance(info_dict, generic.DictionaryObject) else {}
        stream = root.get("/Metadata")
        xmp = _xmp_properties(decoded_data(stream.get_object())) if stream is not None else ()
        return cls(pages, catalog, info, xmp)


def _pages(reference, budget: Budget):
    """(reference, page, attributes it inherits) of each leaf page of a page tree, in order. A node listed twice is
    ``TooComplex`` (a loop, or a tree whose paths double at every level)."""
    seen: set[tuple[int, int]] = set()
    pending: list[tuple[Any, dict[Any, Any]]] = [(reference, {})]
    while pending:
        reference, inherited = pending.pop()
        budget.spend()
        if isinstance(reference, generic.IndirectObject):
            if (reference.idnum, reference.generation) in seen:
                raise TooComplex("a page tree node listed twice")
            seen.add((reference.idnum, reference.generation))
        node = _resolved(reference)
        if not isinstance(node, generic.DictionaryObject):
            continue
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            yield reference, node, inherited
            continue
        passed_on = dict(inherited)
        passed_on.update((key, node.raw_get(key)) for key in INHERITED if key in node)
        kids = _resolved(node.raw_get("/Kids"))
        if isinstance(kids, generic.ArrayObject):
            pending.extend((kids.raw_get(index), passed_on) for index in reversed(range(len(kids))))


def _page(page, inherited: dict, body: Fingerprinter, plain: Fingerprinter) -> _Page:
    digest = body.fingerprint(page)
    taken = [f"{key}={body.fingerprint(value)}" for key, value in sorted(inherited.items()) if key not in page]
    if taken:  # a page without inherited attributes keeps the fingerprint it always had
        digest = hashlib.sha256(";".join([digest, *taken]).encode()).hexdigest()
    annotations = _resolved(page.raw_get("/Annots")) if "/Annots" in page else None
    if not isinstance(annotations, generic.ArrayObject):
        return _Page(digest, ())
    return _Page(digest, tuple(_annotation(annotations.raw_get(i), plain) for i in range(len(annotations))))


def _annotation(reference, plain: Fingerprinter) -> _Annotation:
    return _Annotation(plain.fingerprint(reference), _is_invisible_signature(_resolved(reference)))


def _is_invisible_signature(annotation) -> bool:
    """A signature field's widget that no reader draws: a zero-area /Rect."""
    if not isinstance(annotation, generic.DictionaryObject) or annotation.get("/Subtype") != "/Widget":
        return False
    node, field_type = annotation, None
    for _ in range(32):  # a widget's field type may be inherited from its parent fields
        field_type = node.get("/FT")
        if field_type is not None or "/Parent" not in node:
            break
        node = node["/Parent"].get_object()
    if field_type != "/Sig":
        return False
    try:
        x1, y1, x2, y2 = (float(value) for value in annotation.get("/Rect", (0, 0, 0, 0)))
    except (TypeError, ValueError):
        return False
    return abs(x2 - x1) * abs(y2 - y1) == 0


def fingerprint(value, *, skip: frozenset = _BACK_REFERENCES, pages: dict | None = None,
                budget: Budget | None = None) -> str:
    """Hex SHA-256 of a PDF object's canonical form (see ``Fingerprinter``)."""
    return Fingerprinter(budget or Budget(BASE_STEPS), skip=skip, pages=pages).fingerprint(value)


class Fingerprinter:
    """Hex SHA-256 of PDF objects' canonical form, following indirect references, leaving out the dictionary keys
    in ``skip``; a reference to one of ``pages`` (object number → position) below the top counts as that position.

    Each indirect object is digested once (its digest then stands for it wherever it is referred to again), in a
    walk that keeps its own stack, so neither a DAG nor a chain thousands of objects long costs more than its size;
    a reference to an object whose digest is being made (a loop) counts as a marker of how far up it is. Every step
    is spent from ``budget``.
    """

    def __init__(self, budget: Budget, *, skip: frozenset = _BACK_REFERENCES, pages: dict | None = None):
        self.budget, self.skip, self.pages = budget, skip, pages or {}
        self.done: dict[tuple[int, int], bytes] = {}

    def fingerprint(self, value) -> str:
        if isinstance(value, generic.IndirectObject):
            return self._digest(value).hex()
        for reference in self._references(value):
            if reference.idnum not in self.pages:
                self._digest(reference)
        return hashlib.sha256(self._canonical(value, {})).hexdigest()

    def _digest(self, top: generic.IndirectObject) -> bytes:
        """The digest of an indirect object, its references digested first (depth first, without recursion)."""
        on_stack: dict[tuple[int, int], int] = {}
        stack: list[tuple[tuple[int, int], Any, bool]] = [(_key(top), top, False)]
        while stack:
            key, reference, expanded = stack.pop()
            if key in self.done:
                continue
            if expanded:
                value = reference.get_object()
                self.done[key] = hashlib.sha256(self._canonical(value, on_stack)).digest()
                del on_stack[key]
                continue
            on_stack[key] = len(on_stack)
            stack.append((key, reference, True))
            for child in self._references(reference.get_object()):
                child_key = _key(child)
                if child_key not in self.done and child_key not in on_stack and child.idnum not in self.pages:
                    stack.append((child_key, child, False))
        return self.done[_key(top)]

    def _references(self, value) -> list[generic.IndirectObject]:
        """The indirect references held in ``value`` (not following them), in order."""
        found: list[generic.IndirectObject] = []
        pending = [(value, 0)]
        while pending:
            value, depth = pending.pop()
            self.budget.spend()
            if depth > MAX_NESTING:
                raise TooComplex(f"values nested more than {MAX_NESTING} deep")
            if isinstance(value, generic.IndirectObject):
                found.append(value)
            elif isinstance(value, generic.DictionaryObject):
                pending.extend((value.raw_get(key), depth + 1) for key in value.keys() if key not in self.skip)
            elif isinstance(value, generic.ArrayObject):
                pending.extend((value.raw_get(index), depth + 1) for index in range(len(value)))
        found.reverse()
        return found

    def _canonical(self, value, on_stack: dict) -> bytes:
        """The bytes a value is digested from: referenced objects by their digests (or markers), the rest written
        out. ``on_stack`` maps the objects being digested to their depth in the walk."""
        out: list[bytes] = []
        pending: list = [value]
        while pending:
            value = pending.pop()
            if isinstance(value, bytes):  # a closing bracket queued below
                out.append(value)
                continue
            self.budget.spend()
            if isinstance(value, generic.IndirectObject):
                key = _key(value)
                if value.idnum in self.pages:
                    out.append(f"<page {self.pages[value.idnum]}>".encode())
                elif key in self.done:
                    out.append(b"<" + self.done[key] + b">")
                else:  # a loop: how far up the object is, so that a loop to another object differs
                    out.append(f"<loop {len(on_stack) - on_stack.get(key, 0)}>".encode())
            elif isinstance(value, generic.StreamObject):
                out.append(b"stream")
                pending.append(hashlib.sha256(value.encoded_data or b"").digest())
                pending.extend(self._dictionary_items(value))
            elif isinstance(value, generic.DictionaryObject):
                pending.extend(self._dictionary_items(value))
            elif isinstance(value, generic.ArrayObject):
                out.append(b"[")
                pending.append(b"]")
                pending.extend(value.raw_get(index) for index in reversed(range(len(value))))
            else:
                out.append(f"{type(value).__name__}:{value!r};".encode("utf-8", "surrogatepass"))
        return b"".join(out)

    def _dictionary_items(self, dictionary) -> list:
        """What a dictionary is written as, reversed for the stack: ``{``, each ``key=`` and value, ``}``."""
        items: list = [b"{"]
        for key in sorted(dictionary.keys()):
            if key not in self.skip:
                items.append(f"{key}=".encode("utf-8", "surrogatepass"))
                items.append(dictionary.raw_get(key))
        items.append(b"}")
        items.reverse()
        return items


def _key(reference: generic.IndirectObject) -> tuple[int, int]:
    return reference.idnum, reference.generation


def decoded_data(stream, limit: int = MAX_DECODED_BYTES) -> bytes:
    """A stream's decoded bytes, at most ``limit`` of them (``TooComplex`` past it): unfiltered or ``FlateDecode``
    (what PDF writers use for metadata and attachments) decoded here, within the limit; any other filter by pyHanko
    after checking that its encoded size is within the limit too."""
    if not isinstance(stream, generic.StreamObject):
        raise TooComplex("not a stream")
    encoded = stream.encoded_data or b""
    filters = stream.get("/Filter")
    if isinstance(filters, generic.ArrayObject) and len(filters) == 1:
        filters = filters[0]
    if filters is None or filters == "/FlateDecode" and "/DecodeParms" not in stream:
        if filters is None:
            data = encoded
        else:
            inflater = zlib.decompressobj()
            try:
                data = inflater.decompress(encoded, limit + 1)
            except zlib.error as error:
                raise TooComplex(f"a damaged stream: {error}") from None
        if len(data) > limit:
            raise TooComplex(f"a stream of more than {limit} bytes")
        return data
    if len(encoded) > limit // 16:
        raise TooComplex("a large stream under a filter that cannot be bounded")
    data = stream.data
    if len(data) > limit:
        raise TooComplex(f"a stream of more than {limit} bytes")
    return data


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _xmp_properties(data: bytes) -> tuple:
    """The XMP packet's properties but the exempt ones, as sorted (name, canonical value) pairs. A packet that does
    not parse, or declares a document type (entities: XMP has none), is kept as its bytes, so that any change of it
    counts."""
    if _DOCTYPE.search(data):
        return (("unparsed", hashlib.sha256(data).hexdigest()),)
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return (("unparsed", hashlib.sha256(data).hexdigest()),)
    about = f"{{{_XMP_NS['rdf']}}}about"
    found = []
    for description in tree.iter(f"{{{_XMP_NS['rdf']}}}Description"):
        for name, value in description.attrib.items():
            if name != about and name not in XMP_EXEMPT:
                found.append((name, value))
        for child in description:
            if child.tag not in XMP_EXEMPT:
                found.append((child.tag, ElementTree.tostring(child, encoding="unicode").strip()))
    return tuple(sorted(found))
