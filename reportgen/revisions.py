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
their encoded bytes), never by object numbers, which an update may reuse.
"""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

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
_MAX_DEPTH = 200


@dataclass(frozen=True)
class Change:
    """One change a reader could see: a ``MESSAGES`` code (``verify_changed_*``) and its parameters."""

    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


def changes_after(reader, signed_revision: int) -> list[Change]:
    """What differs, for a reader, between ``signed_revision`` of ``reader`` (a pyHanko ``PdfFileReader``) and the
    file's last revision. Empty: nothing a reader sees or the metadata says changed."""
    last = reader.xrefs.total_revisions - 1
    if signed_revision >= last:
        return []
    before = _State.of(reader.get_historical_resolver(signed_revision))
    after = _State.of(reader.get_historical_resolver(last))
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
    def of(cls, resolver) -> _State:
        root = resolver.root
        page_objects = list(_pages(root.raw_get("/Pages")))
        # A reference to a page from elsewhere (an outline's or a named destination, the structure tree) stands for
        # the page's position: the page itself is compared on its own, with its annotations apart.
        positions = {reference.idnum: index for index, (reference, _) in enumerate(page_objects)}
        pages = tuple(_page(page, positions) for _, page in page_objects)
        catalog = {
            str(key): fingerprint(root.raw_get(key), pages=positions)
            for key in root.keys()
            if key not in CATALOG_EXEMPT
        }
        form = root.get("/AcroForm")
        if form is not None:
            catalog["/AcroForm"] = fingerprint(form, skip=_BACK_REFERENCES | ACROFORM_EXEMPT, pages=positions)
        # The trailer's references resolve in the newest revision; the information dictionary of *this* revision is
        # looked up through the resolver.
        info_ref = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
        if isinstance(info_ref, generic.IndirectObject):
            info_dict = resolver.get_object(generic.Reference(info_ref.idnum, info_ref.generation, resolver))
        else:
            info_dict = info_ref
        info = {
            str(key): fingerprint(info_dict.raw_get(key)) for key in info_dict.keys() if key not in INFO_EXEMPT
        } if isinstance(info_dict, generic.DictionaryObject) else {}
        metadata = root.get("/Metadata")
        xmp = _xmp_properties(metadata.get_object().data) if metadata is not None else ()
        return cls(pages, catalog, info, xmp)


def _pages(reference, depth: int = 0):
    """(reference, page) of each leaf page of a page tree, in order (a tree deeper than PDF readers accept ends the
    walk)."""
    node = reference.get_object()
    if depth > 64:
        return
    if node.get("/Type") == "/Page" or "/Kids" not in node:
        yield reference, node
        return
    kids = node["/Kids"]
    for index in range(len(kids)):
        yield from _pages(kids.raw_get(index), depth + 1)


def _page(page, positions: dict) -> _Page:
    body = fingerprint(page, skip=_BACK_REFERENCES | {"/Annots"}, pages=positions)
    annotations = page.get("/Annots", ()) or ()
    return _Page(body, tuple(_annotation(annotations.raw_get(i), positions) for i in range(len(annotations))))


def _annotation(reference, positions: dict) -> _Annotation:
    annotation = reference.get_object()
    return _Annotation(fingerprint(reference, pages=positions), _is_invisible_signature(annotation))


def _is_invisible_signature(annotation) -> bool:
    """A signature field's widget that no reader draws: a zero-area /Rect."""
    if annotation.get("/Subtype") != "/Widget":
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


def fingerprint(value, *, skip: frozenset = _BACK_REFERENCES, pages: dict | None = None) -> str:
    """Hex SHA-256 of a PDF object's canonical form, following indirect references (a reference already being
    followed, or beyond ``_MAX_DEPTH``, counts as a marker), leaving out the dictionary keys in ``skip``. A reference
    to one of ``pages`` (object number → position) below the top counts as that position."""
    digest = hashlib.sha256()
    _Feeder(digest, skip, pages or {}).feed(value, frozenset(), 0)
    return digest.hexdigest()


@dataclass
class _Feeder:
    digest: object
    skip: frozenset
    pages: dict

    def feed(self, value, following: frozenset, depth: int) -> None:
        digest = self.digest
        if isinstance(value, generic.IndirectObject):
            if depth > 0 and value.idnum in self.pages:
                digest.update(f"<page {self.pages[value.idnum]}>".encode())
                return
            if value.idnum in following or depth > _MAX_DEPTH:
                digest.update(b"<loop>")
                return
            following = following | {value.idnum}
            value = value.get_object()
        depth += 1
        if isinstance(value, generic.StreamObject):
            digest.update(b"stream")
            self.feed_dictionary(value, following, depth)
            digest.update(hashlib.sha256(value.encoded_data or b"").digest())
        elif isinstance(value, generic.DictionaryObject):
            self.feed_dictionary(value, following, depth)
        elif isinstance(value, generic.ArrayObject):
            digest.update(b"[")
            for index in range(len(value)):
                self.feed(value.raw_get(index), following, depth)
            digest.update(b"]")
        else:
            digest.update(f"{type(value).__name__}:{value!r};".encode("utf-8", "surrogatepass"))

    def feed_dictionary(self, dictionary, following: frozenset, depth: int) -> None:
        self.digest.update(b"{")
        for key in sorted(dictionary.keys()):
            if key in self.skip:
                continue
            self.digest.update(f"{key}=".encode("utf-8", "surrogatepass"))
            self.feed(dictionary.raw_get(key), following, depth)
        self.digest.update(b"}")


def _xmp_properties(data: bytes) -> tuple:
    """The XMP packet's properties but the exempt ones, as sorted (name, canonical value) pairs. A packet that does
    not parse is kept as its bytes, so that any change of it counts."""
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
