"""Release PDF bytes + a PKCS#12 key → PAdES-signed PDF bytes; signed PDF bytes → who signed, when, and intact or not.

Signing (``sign_release_pdf``) adds a PAdES baseline signature with pyHanko as an *incremental update*: the bytes of
the release PDF are kept as they are and the signature is appended, so the PDF/A-3b file stays PDF/A-3b (pyHanko
updates the XMP packet it finds instead of adding a second metadata source, and the appearance's font is embedded).
It is B-B, or B-T when a timestamp authority (RFC 3161) countersigns the signature.

Only release PDFs are signed: a PDF that declares PDF/A (XMP ``pdfaid:part``) and carries its indicator's YAML
source, with a ``signoff``, as an attachment (``reportgen build --release`` makes those). A draft has no sign-off, so
nobody may sign it. A file already signed is refused unless ``force`` asks for one more signature (a co-signature).

The visible signature is drawn in the form's signature block, in Thai, in the form's Sarabun, shaped by HarfBuzz
(pyHanko's ``GlyphAccumulator``) so that marks stack: in the blank area the template reserves above the signature
line (named destination ``signature-stamp``, which WeasyPrint writes for the element's ``id``), where a pen
signature would go. Older forms without that area get the box under the block (destination ``signature``), and a
PDF with neither at the bottom right of its last page. A co-signature (``force``) is invisible: the form has room
for one, and PDF readers list every signature in their signature panel.

Verification (``verify_pdf``) checks every signature: the digest over the signed byte range (``intact``), the
cryptographic signature, what was appended after it (only signatures and validation data are allowed), and, given
trust anchors, the certificate chain. It never reaches the network.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from asn1crypto import pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import pkcs12 as pyca_pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import (
    DocumentTimestampStatus,
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from reportgen import wording
from reportgen.errors import ReportgenError
from reportgen.revisions import (
    Budget,
    Change,
    TooComplex,
    budget_for,
    changes_after,
    check_structure,
    decoded_data,
    trailing_bytes,
)
from reportgen.stamp import outlined_stamp_class
from reportgen.thai import BANGKOK, apply_digits, thai_date
from reportgen.xmp import namespaces_on_descriptions

logger = logging.getLogger(__name__)


#: Named destinations WeasyPrint writes for ids of the form. ``signature-stamp`` is the blank area the template
#: reserves above the signature line for the visible signature (print.css: 7 cm × 2 cm, only on signed-off forms);
#: ``signature`` is the whole signature block.
STAMP_ANCHOR = "signature-stamp"
BLOCK_ANCHOR = "signature"
STAMP_WIDTH = 7 / 2.54 * 72
STAMP_HEIGHT = 2 / 2.54 * 72
#: Without the reserved area, the stamp goes under the block's four lines (ลงชื่อ, name, position, date) of
#: 10.67 pt Sarabun at line-height 1.6 (print.css).
SIGNATURE_BLOCK_HEIGHT = 4 * 10.67 * 1.6
#: A4 margins of the form (print.css): the stamp never enters them.
PAGE_MARGIN_BOTTOM = 2 / 2.54 * 72
PAGE_MARGIN_RIGHT = 2 / 2.54 * 72
BOX_GAP = 6.0
#: The reserved area ends right above the signature line, whose Thai marks rise close to it: keep the frame clear.
STAMP_CLEARANCE = 3.0
STAMP_FONT_SIZE = 9
#: The stamp's words, in the form's language (pyHanko fills ``signer``; ``when`` is ``thai_signing_time``).
STAMP_TEXT = wording.label("signature_stamp_text", "th")
#: Dark blue: reads as "signed" next to the black print, like a pen signature.
STAMP_COLOR = (0.05, 0.15, 0.45)

REASON = wording.label("signature_reason", "th")
LOCATION = wording.label("signature_location", "th")
#: The signature field's name for screen readers (/TU): PDF/UA requires one on every form field.
SIGNATURE_FIELD_NAME = wording.label("signature_field_name", "th")


# --- Errors ------------------------------------------------------------------------------------------------------


class SigningError(ReportgenError):
    """Nothing was signed: a missing or unusable key, or a PDF that must not be signed. ``SigningError(key,
    **params)``; its text is the message and its hint on one line."""

    exit_code = 2

    def text(self, lang: str | None = "th") -> str:
        return " — ".join(part for part in wording.render(self.code, self.params, lang) if part)

    @classmethod
    def from_message(cls, code: str, **params: object) -> SigningError:
        return cls(code, **params)


# --- The key ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """A private key and its certificate (and chain) from a PKCS#12 file, checked to be usable now."""

    signer: Any  # pyhanko.sign.signers.SimpleSigner
    common_name: str
    organization: str | None


def load_signing_key(pkcs12: bytes, password: str | None, *, source: str, now: dt.datetime | None = None) -> SigningKey:
    """Open a PKCS#12 archive; refuse (``SigningError``) a wrong password, an archive without key, an expired cert."""
    secret = password.encode("utf-8") if password else None
    try:
        _ = asn1_pkcs12.Pfx.load(pkcs12)["auth_safe"].native  # the structure, readable without the password
    except Exception:  # noqa: BLE001 - asn1crypto raises ValueError, TypeError or its own on malformed DER
        raise SigningError("sign_key_not_pkcs12", source=source) from None
    try:
        key, cert, _chain = pyca_pkcs12.load_key_and_certificates(pkcs12, secret)
    except ValueError:  # the archive is well formed, so what fails is decrypting it
        raise SigningError("sign_key_password", source=source) from None
    if key is None or cert is None:
        raise SigningError("sign_key_no_key", source=source)
    now = now or dt.datetime.now(dt.UTC)
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    if now > not_after:
        raise SigningError("sign_cert_expired", source=source, date=f"{not_after:%Y-%m-%d}")
    if now < not_before:
        raise SigningError("sign_cert_not_yet_valid", source=source, date=f"{not_before:%Y-%m-%d}")
    refusal = unfit_for_signing(cert, key)
    if refusal is not None:
        code, params = refusal
        raise SigningError(code, source=source, **params)
    signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=(), passphrase=secret)
    return SigningKey(
        signer=signer,
        common_name=_name_part(cert.subject, "CN") or cert.subject.rfc4514_string(),
        organization=_name_part(cert.subject, "O"),
    )


#: The smallest RSA modulus accepted for a signing key: below 2048 bits, NIST (SP 800-131A) and ETSI (TS 119 312)
#: no longer accept RSA signatures.
MIN_RSA_BITS = 2048
#: Extended key usages under which a certificate may sign documents, when it lists any at all: any purpose, e-mail
#: protection (S/MIME: what many CAs issue for personal signatures), RFC 9336's, Adobe's and Microsoft's document
#: signing. A certificate listing only others (TLS server or client, code signing, timestamping) is refused.
DOCUMENT_SIGNING_EKUS = frozenset({
    "2.5.29.37.0",  # anyExtendedKeyUsage
    "1.3.6.1.5.5.7.3.4",  # emailProtection
    "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
    "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
    "1.3.6.1.4.1.311.10.3.12",  # Microsoft document signing
})  # fmt: skip


def unfit_for_signing(cert, key) -> tuple[str, dict] | None:
    """Why a certificate (``cryptography``) and its key must not sign a form, as a ``MESSAGES`` code and its
    parameters; None when fit. Refused: a CA certificate (a CA's key signs certificates, not documents), a key
    usage without digitalSignature and nonRepudiation, extended key usages that exclude document signing (a TLS
    server certificate), and RSA keys shorter than ``MIN_RSA_BITS``."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from reportgen.terminal import one_line

    name = one_line(cert.subject.rfc4514_string())  # printed in the refusal: a name may hold control characters
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "sign_key_is_ca", {"subject": name}
    except x509.ExtensionNotFound:
        pass
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        return "sign_key_no_signing_usage", {"subject": name}
    try:
        purposes = {oid.dotted_string for oid in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
    except x509.ExtensionNotFound:
        purposes = None
    if purposes is not None and not purposes & DOCUMENT_SIGNING_EKUS:
        listed = ", ".join(sorted(_EKU_NAMES.get(oid, oid) for oid in purposes))
        return "sign_key_wrong_purpose", {"subject": name, "purposes": listed}
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < MIN_RSA_BITS:
        return "sign_key_too_short", {"subject": name, "bits": key.key_size, "minimum": MIN_RSA_BITS}
    return None


_EKU_NAMES = {
    "1.3.6.1.5.5.7.3.1": "serverAuth (TLS)",
    "1.3.6.1.5.5.7.3.2": "clientAuth (TLS)",
    "1.3.6.1.5.5.7.3.3": "codeSigning",
    "1.3.6.1.5.5.7.3.8": "timeStamping",
    "1.3.6.1.5.5.7.3.9": "OCSPSigning",
}


def _name_part(name: Any, short: str) -> str | None:
    oid = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME}[short]
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


# --- What a PDF is -----------------------------------------------------------------------------------------------


#: The longest indicator or title ``verify`` prints from a file.
MAX_SHOWN = 200


@dataclass(frozen=True)
class PdfFacts:
    """What ``sign`` and ``verify`` need to know about a PDF before touching its signatures."""

    pdfa: str | None  # e.g. "3B", from the XMP pdfaid:part and pdfaid:conformance
    source: dict | None  # the embedded indicator YAML, parsed (None: no YAML attachment)
    title: str | None
    signatures: int

    @property
    def signed_off(self) -> bool:
        return bool(self.source and self.source.get("signoff"))

    @property
    def indicator(self) -> str | None:
        """``2564/08`` from the embedded source, else the PDF's title (shortened)."""
        if self.source and all(isinstance(self.source.get(key), str | int) for key in _SOURCE_KEYS):
            return f"{self.source['fiscal_year']}/{self.source['code']}"[:MAX_SHOWN]
        return self.title[:MAX_SHOWN] if self.title else None


def _reader(pdf: bytes):
    return PdfFileReader(io.BytesIO(pdf), strict=False)


def pdf_facts(pdf: bytes, *, reader=None, budget: Budget | None = None) -> PdfFacts:
    """Read a PDF's PDF/A claim, embedded YAML source, title and signature count. ``SigningError`` if unreadable,
    ``TooComplex`` past ``budget`` (default: ``budget_for`` its size)."""
    budget = budget if budget is not None else budget_for(len(pdf))
    try:
        reader = reader if reader is not None else _reader(pdf)
        root = reader.root
        pdfa = _pdfa_claim(root)
        source = _embedded_source(root, budget)
        info = reader.trailer_view.get("/Info")
        title = str(info.get_object().get("/Title")) if info is not None and "/Title" in info.get_object() else None
        check_structure(reader, budget)  # pyHanko walks the form fields path by path to list the signatures
        signatures = len(reader.embedded_signatures)
    except (SigningError, TooComplex):
        raise
    except Exception:  # a damaged file: pyHanko raises its own and Python's errors
        logger.debug("cannot read PDF", exc_info=True)
        raise SigningError("sign_pdf_unreadable") from None
    return PdfFacts(pdfa=pdfa, source=source, title=title, signatures=signatures)


def _pdfa_claim(root) -> str | None:
    metadata = root.get("/Metadata")
    if metadata is None:
        return None
    xmp = decoded_data(metadata.get_object()).decode("utf-8", "replace")
    part = re.search(r"pdfaid:part(?:=\"|>)\s*(\d)", xmp)
    conformance = re.search(r"pdfaid:conformance(?:=\"|>)\s*([ABUabu])", xmp)
    if not part:
        return None
    return part.group(1) + (conformance.group(1).upper() if conformance else "")


def _name_tree_items(node, budget: Budget) -> list[tuple[str, Any]]:
    """(name, value) of every leaf of a name tree, in order; a node listed twice is ``TooComplex``."""
    items: list[tuple[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    pending = [node]
    while pending:
        node = pending.pop()
        budget.spend()
        if isinstance(node, generic.IndirectObject):
            if (node.idnum, node.generation) in seen:
                raise TooComplex("a name tree node listed twice")
            seen.add((node.idnum, node.generation))
        node = node.get_object()
        if not isinstance(node, generic.DictionaryObject):
            continue
        names = node.get("/Names")
        if isinstance(names, generic.ArrayObject):
            budget.spend(len(names))
            items.extend((str(names[i]), names.raw_get(i + 1)) for i in range(0, len(names) - 1, 2))
        kids = node.get("/Kids")
        if isinstance(kids, generic.ArrayObject):
            pending.extend(kids.raw_get(index) for index in reversed(range(len(kids))))
    return items


#: The embedded source of an indicator: what ``verify`` reports as the form's indicator.
_SOURCE_KEYS = ("code", "fiscal_year")


def _embedded_source(root, budget: Budget) -> dict | None:
    """The first embedded ``.yaml``/``.yml`` file that parses to an indicator (a mapping with ``code``), read as
    reportgen reads content files (``content.parse``: no anchors or aliases, at most 1 MB, no control characters),
    so a hostile source cannot make ``verify`` unfold it."""
    from reportgen.content.parse import parse_document

    names = root.get("/Names")
    if names is None or "/EmbeddedFiles" not in names.get_object():
        return None
    for name, spec in _name_tree_items(names.get_object().raw_get("/EmbeddedFiles"), budget):
        spec = spec.get_object()
        if not isinstance(spec, generic.DictionaryObject):
            continue
        filename = str(spec.get("/UF", spec.get("/F", name)))
        if not filename.lower().endswith((".yaml", ".yml")):
            continue
        files = spec.get("/EF")
        stream = files.get("/F") if isinstance(files, generic.DictionaryObject) else None
        if stream is None:
            continue
        try:
            data = decoded_data(stream.get_object())
        except TooComplex:
            continue  # a source larger than any form's is no form's source
        document = parse_document(data, PurePosixPath(filename[-100:]))
        if isinstance(document.data, dict) and "code" in document.data:
            return document.data
    return None


# --- Signing -----------------------------------------------------------------------------------------------------


def check_signable(facts: PdfFacts, *, name: str, force: bool = False) -> None:
    """Refuse (``SigningError``) a PDF that is not a signed-off release, or is already signed without ``force``."""
    if facts.pdfa is None or facts.source is None:
        raise SigningError("sign_not_release", name=name)
    if not facts.signed_off:
        raise SigningError("sign_draft", name=name)
    if facts.signatures and not force:
        raise SigningError("sign_already_signed", name=name)


@dataclass(frozen=True)
class Placement:
    """Where the visible signature goes: a 0-based page index and a box (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]
    anchor: str | None  # the named destination it was placed by; None: bottom right of the last page


def signature_placement(pdf: bytes) -> Placement:
    """The box for the visible signature: the reserved area, else under the signature block, else the last page."""
    reader = _reader(pdf)
    page_refs = [reader.find_page_for_modification(i)[0] for i in range(int(reader.root["/Pages"]["/Count"]))]
    pages = [ref.get_object() for ref in page_refs]

    def page_of(reference) -> int | None:
        return next((i for i, ref in enumerate(page_refs) if ref.idnum == reference.idnum), None)

    found = _named_destination(reader.root, STAMP_ANCHOR)
    on_page = page_of(found[0]) if found is not None else None
    if found is not None and on_page is not None:
        _, left, top = found
        bottom = top - STAMP_HEIGHT + STAMP_CLEARANCE
        return Placement(on_page, (left, bottom, left + STAMP_WIDTH, top), STAMP_ANCHOR)
    found = _named_destination(reader.root, BLOCK_ANCHOR)
    on_page = page_of(found[0]) if found is not None else None
    if found is not None and on_page is not None:
        index, (_, left, top) = on_page, found
        right = min(left + STAMP_WIDTH, _media_width(pages[index]) - PAGE_MARGIN_RIGHT)
        below = top - SIGNATURE_BLOCK_HEIGHT - BOX_GAP
        if below - STAMP_HEIGHT >= PAGE_MARGIN_BOTTOM:
            return Placement(index, (left, below - STAMP_HEIGHT, right, below), BLOCK_ANCHOR)
        above = top + BOX_GAP  # the block sits at the foot of the page: use the space over it
        return Placement(index, (left, above, right, above + STAMP_HEIGHT), BLOCK_ANCHOR)
    index = len(pages) - 1
    right = _media_width(pages[index]) - PAGE_MARGIN_RIGHT
    return Placement(
        index, (right - STAMP_WIDTH, PAGE_MARGIN_BOTTOM, right, PAGE_MARGIN_BOTTOM + STAMP_HEIGHT), None
    )


def _media_width(page) -> float:
    box = page.get("/MediaBox", [0, 0, 595.28, 841.89])
    return float(box[2]) - float(box[0])


def _named_destination(root, name: str):
    """(page reference, left, top) of a named destination, from the catalog's /Names /Dests tree or /Dests."""
    candidates = []
    names = root.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        tree = names.get_object().raw_get("/Dests")
        candidates = [value for key, value in _name_tree_items(tree, budget_for(0)) if key == name]
    elif "/Dests" in root:
        dests = root["/Dests"].get_object()
        if "/" + name in dests:
            candidates = [dests["/" + name]]
    for value in candidates:
        value = value.get_object()
        if hasattr(value, "get") and "/D" in value:
            value = value["/D"].get_object()
        try:
            if str(value[1]) == "/XYZ":
                return value.raw_get(0), float(value[2]), float(value[3])
        except (IndexError, TypeError, ValueError, AttributeError):
            continue
    return None


def _stamp_style(font: Path, digits: str, field_name: str) -> ThaiTextStampStyle:
    # The words are drawn as outlines (stamp.py): the text style gives their size, leading and colour, no font.
    text_style = TextBoxStyle(
        font_size=STAMP_FONT_SIZE,
        leading=round(STAMP_FONT_SIZE * 1.5),  # Thai needs room for stacked marks above and below
        text_color=STAMP_COLOR,
    )
    return ThaiTextStampStyle(
        digits=digits,
        outline_font=str(font),
        field_name=field_name,
        stamp_text=STAMP_TEXT,
        text_box_style=text_style,
        border_width=1,
        border_color=STAMP_COLOR,
        background=None,  # pyHanko's default art is drawn half transparent; an official form needs none
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=8, right=8, top=4, bottom=4),
        ),
    )


def thai_signing_time(when: dt.datetime, digits: str = "arabic") -> str:
    """``20 ตุลาคม 2564 เวลา 14:05 น.`` in Bangkok time."""
    local = when.astimezone(BANGKOK)
    when_text = wording.message("signature_time", "th", date=thai_date(local.date()), time=f"{local:%H:%M}")
    return apply_digits(when_text, digits)


def sign_release_pdf(
    pdf: bytes,
    key: SigningKey,
    *,
    font: Path,
    timestamp_url: str | None = None,
    timestamper: Any = None,
    digits: str = "arabic",
    force: bool = False,
    name: str = "PDF",
) -> bytes:
    """The PDF with a PAdES signature appended (B-T with ``timestamp_url`` or a pyHanko ``timestamper``, else B-B)."""
    facts = pdf_facts(pdf)
    check_signable(facts, name=name, force=force)
    field_name = f"Signature{facts.signatures + 1}"
    if facts.signatures:  # the form has room for one visible signature; a co-signature shows in the reader's panel
        field = fields.SigFieldSpec(sig_field_name=field_name, readable_field_name=SIGNATURE_FIELD_NAME)
    else:
        placement = signature_placement(pdf)
        if placement.anchor is None:
            logger.warning(wording.message("sign_no_signature_block", name=name))
        field = fields.SigFieldSpec(sig_field_name=field_name, on_page=placement.page,
                                    box=placement.box,  # type: ignore[arg-type]  # pyHanko's annotation says int; it takes any number
                                    readable_field_name=SIGNATURE_FIELD_NAME)
    if timestamper is None and timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url, timeout=30)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=REASON,
        location=LOCATION,
    )
    style = _stamp_style(font, digits, field_name if not facts.signatures else "")
    writer = _PdfAIncrementalWriter(io.BytesIO(pdf), strict=False)
    _align_info_with_xmp(writer)
    # The field is made first, in the signing revision, so that it can join the structure tree before pyHanko signs it.
    fields.append_signature_field(writer, field)
    if not facts.signatures:  # after a signature, changes to the structure tree would break it (pyHanko's diff policy)
        _tag_signature_field(writer, field_name)
    pdf_signer = signers.PdfSigner(meta, key.signer, timestamper=timestamper, stamp_style=style)
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output)
    except TimestampRequestError as error:
        raise SigningError("sign_timestamp_failed", url=timestamp_url, error=error) from None
    except OSError as error:  # aiohttp's connection errors are OSErrors
        raise SigningError("sign_timestamp_unreachable", url=timestamp_url, error=error) from None
    except PyHankoSigningError as error:
        raise SigningError("sign_failed", name=name, error=error) from None
    return output.getvalue()


def _tag_signature_field(writer, field_name: str) -> None:
    """Put the signature field of a tagged PDF into its structure tree, as PDF/UA asks of every form field.

    The field is also its widget annotation (pyHanko combines them): a ``/Form`` structure element holding an object
    reference to it joins the document element, the annotation gets its ``/StructParent`` key in the parent tree,
    and its page the ``/Tabs /S`` order (annotations in structure order). Untagged PDFs are left as they are.
    """
    root = writer.root
    if "/StructTreeRoot" not in root:
        return
    tree_root = root["/StructTreeRoot"]
    form = root["/AcroForm"]
    field_ref = next(ref for ref in form["/Fields"] if ref.get_object().get("/T") == field_name)
    field = field_ref.get_object()
    page_ref = field.raw_get("/P") if "/P" in field else None
    document_ref = tree_root.raw_get("/K")
    if isinstance(document_ref, generic.ArrayObject):
        document_ref = document_ref.raw_get(0)
    document = document_ref.get_object()
    parent_tree = tree_root["/ParentTree"]
    numbers = parent_tree["/Nums"]
    keys = [int(numbers.raw_get(index)) for index in range(0, len(numbers), 2)]
    key = int(tree_root.get("/ParentTreeNextKey", max(keys, default=-1) + 1))

    reference = generic.DictionaryObject({generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                                          generic.NameObject("/Obj"): field_ref})
    element = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): document_ref,
        generic.NameObject("/Alt"): generic.TextStringObject(SIGNATURE_FIELD_NAME),
    })
    if page_ref is not None:
        reference[generic.NameObject("/Pg")] = page_ref
        element[generic.NameObject("/Pg")] = page_ref
        page = page_ref.get_object()
        page[generic.NameObject("/Tabs")] = generic.NameObject("/S")
        writer.update_container(page)
    element[generic.NameObject("/K")] = generic.ArrayObject([writer.add_object(reference)])
    element_ref = writer.add_object(element)
    kids = document.get("/K")
    if not isinstance(kids, generic.ArrayObject):
        kids = generic.ArrayObject([] if kids is None else [document.raw_get("/K")])
        document[generic.NameObject("/K")] = kids
    kids.append(element_ref)
    writer.update_container(document)
    field[generic.NameObject("/StructParent")] = generic.NumberObject(key)
    writer.update_container(field)
    numbers.extend([generic.NumberObject(key), element_ref])
    nums_ref = parent_tree.raw_get("/Nums")
    writer.update_container(nums_ref if isinstance(nums_ref, generic.IndirectObject) else parent_tree)
    writer.update_container(parent_tree)
    tree_root[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree_root)


class _PdfAIncrementalWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, keeping the rules of PDF/A that it would break in the signing revision: the XMP
    packet is rewritten with each schema's namespace declared on its ``rdf:Description`` (pyHanko declares them on
    the first property that uses them), what PDF/A validators such as PDFBox's preflight expect of an XMP schema
    (rule 7.3, "Schema is not set"), now that the packet is uncompressed and read (issue 27); and every stream's
    data ends where its ``/Length`` says (``_populate_trailer``)."""

    def _update_meta(self):
        super()._update_meta()
        metadata = self.root["/Metadata"] if "/Metadata" in self.root else None
        data = getattr(metadata, "_data", None)
        if metadata is not None and isinstance(data, bytes):
            metadata._data = namespaces_on_descriptions(data)
            metadata._encoded_data = None

    def _populate_trailer(self, trailer):
        """The revision's cross-reference stream, left uncompressed: compressed, it ends in its content's checksum,
        a CR once in 256 signings, which a reader takes with the LF before ``endstream`` for one end of line: the
        stream is then a byte shorter than its ``/Length`` (a PDF/A failure). Uncompressed, it ends in the
        generation number of its own entry, the last one: zero (and it is 90 bytes longer)."""
        super()._populate_trailer(trailer)
        if isinstance(trailer, generic.StreamObject):
            trailer.pop(generic.NameObject("/Filter"), None)
            trailer.pop(generic.NameObject("/DecodeParms"), None)


def _align_info_with_xmp(writer) -> None:
    """Keep the Info dictionary equivalent to the XMP packet, as PDF/A requires, through pyHanko's metadata update.

    pyHanko sets the XMP ``pdf:Producer`` to its own name but *appends* its name to an existing Info /Producer
    ("WeasyPrint 70.0; pyHanko …"), leaving an Info value that already holds its name alone: so the Info value
    becomes pyHanko's name. It also stamps "now" into Info /ModDate and XMP ``xmp:ModifyDate`` with two separate
    clock readings, which can fall on either side of a second: Info /ModDate is dropped (it only updates existing
    entries), and the XMP date alone says when the file was last changed. The earlier revision, with WeasyPrint's
    values, stays in the file under the signature.
    """
    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if not isinstance(info_ref, generic.IndirectObject):
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    info.pop("/ModDate", None)
    writer.mark_update(info_ref)


@dataclass(frozen=True)
class ThaiTextStampStyle(TextStampStyle):
    """pyHanko's text stamp, with the signing time written the Thai way (พ.ศ., Thai month, Bangkok time), its words
    drawn as outlines in ``outline_font`` (stamp.py: an artifact, no text to garble), and the signature field
    ``field_name`` named after them (``/TU``, and ``/Alt`` of its structure element): what a screen reader says.

    pyHanko formats the signing time it also puts in the signature with ``strftime`` (no Buddhist Era, no Thai
    month names); this style asks it for ISO 8601 and rewrites that into ``when`` just before the text is laid out.
    """

    timestamp_format: str = "%Y-%m-%dT%H:%M:%S%z"
    digits: str = "arabic"
    outline_font: str = ""
    field_name: str = ""

    def create_stamp(self, writer, box, text_params):
        params = dict(text_params)
        params["when"] = thai_signing_time(dt.datetime.fromisoformat(params["ts"]), self.digits)
        stamp = outlined_stamp_class()(writer=writer, style=self, box=box, text_params=params)
        if self.field_name:
            _name_signature_field(writer, self.field_name, " ".join(stamp.stamp_text().split()))
        return stamp


def _name_signature_field(writer, field_name: str, words: str) -> None:
    """The signature field's name for screen readers (``/TU``) and its structure element's ``/Alt``: what it is,
    then the stamp's words, exactly as drawn."""
    name = generic.TextStringObject(f"{SIGNATURE_FIELD_NAME}: {words}")
    field_ref = next(ref for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object().get("/T") == field_name)
    field = field_ref.get_object()
    field[generic.NameObject("/TU")] = name
    writer.update_container(field)
    if "/StructTreeRoot" not in writer.root or "/StructParent" not in field:
        return
    numbers = writer.root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    for index in range(0, len(numbers), 2):
        if int(numbers.raw_get(index)) == int(field["/StructParent"]):
            element = numbers[index + 1].get_object()
            element[generic.NameObject("/Alt")] = name
            writer.update_container(element)


# --- Verification ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF as ``verify`` reports it. ``trusted`` fields are None when no anchors were given."""

    field: str
    intact: bool  # the signed bytes hash to what was signed, and the signature value checks out
    unmodified: bool  # nothing but signatures and validation data was appended after it
    trusted: bool | None
    signer: str | None = None
    organization: str | None = None
    signed_at: dt.datetime | None = None  # the signer's clock (the signed signing-time attribute)
    timestamp: dt.datetime | None = None  # the time a TSA certified (RFC 3161), for B-T signatures
    timestamp_intact: bool | None = None
    timestamp_trusted: bool | None = None
    #: What was appended after the signature that a reader could see (``revisions.changes_after``).
    changes: tuple[Change, ...] = ()
    #: Why the chain is not trusted: a ``MESSAGES`` code (``verify_untrusted_*``) and its parameters, or None.
    untrusted_reason: Change | None = None


#: ``verify``'s verdicts. Only the first two pass: a signature that is intact and unmodified, with a chain either
#: checked against the given trust anchors (``trusted``) or not checked because none were given (``intact``).
#: ``unreadable``: not a PDF, or one too damaged to read.
STATUSES = ("trusted", "intact", "untrusted", "modified", "unsigned", "unreadable")
PASSING = ("trusted", "intact")
#: The bytes a PDF must start with (readers accept them anywhere in the first kilobyte) and end with.
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"


@dataclass(frozen=True)
class VerifyReport:
    """``verify``'s finding for one PDF: its status (one of ``STATUSES``), each signature's details, and why a file
    could not be judged (``reason``: a ``MESSAGES`` code and its parameters)."""

    status: str
    indicator: str | None = None
    pdfa: str | None = None
    signatures: tuple[SignatureReport, ...] = ()
    reason: Change | None = None

    @property
    def ok(self) -> bool:
        return self.status in PASSING


def load_trust_roots(paths: Sequence[Path]) -> list:
    """PEM or DER certificates from files (a PEM file may hold several) → asn1crypto certificates."""
    roots = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise SigningError("sign_cert_unreadable", path=path, reason=error.strerror) from None
        try:
            ders = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            certificates = [asn1_x509.Certificate.load(der) for der in ders]
            for certificate in certificates:
                _ = certificate.native  # parse now: a broken file fails here, not deep inside validation
        except Exception:  # noqa: BLE001 - asn1crypto raises ValueError, TypeError or its own on malformed input
            raise SigningError("sign_not_certificate", path=path) from None
        roots.extend(certificates)
    return roots


def verify_pdf(pdf: bytes, trust_roots: Sequence[Any] = ()) -> VerifyReport:
    """Check every signature in ``pdf``. Without ``trust_roots`` the chain is not judged (status ``intact``).

    Always a verdict, within a time proportional to the file's size (``revisions.Budget``): a file that is no PDF
    or too damaged to read is ``unreadable``, one whose structure asks for more work than its size justifies is
    ``modified`` (too complex to compare)."""
    try:
        return _verify(pdf, trust_roots)
    except TooComplex as error:
        logger.debug("too complex to compare: %s", error)
        return VerifyReport("modified", reason=Change("verify_too_complex"))
    except RecursionError:
        logger.debug("too deep to read", exc_info=True)
        return VerifyReport("modified", reason=Change("verify_too_complex"))
    except Exception:  # a damaged file: pyHanko raises its own and Python's errors
        logger.debug("cannot read PDF", exc_info=True)
        return VerifyReport("unreadable", reason=Change("verify_damaged"))


def _verify(pdf: bytes, trust_roots: Sequence[Any]) -> VerifyReport:
    if PDF_HEADER not in pdf[:1024]:
        return VerifyReport("unreadable", reason=Change("verify_not_pdf"))
    if PDF_END not in pdf:
        return VerifyReport("unreadable", reason=Change("verify_truncated"))
    budget = budget_for(len(pdf))
    try:
        reader = _reader(pdf)
        facts = pdf_facts(pdf, reader=reader, budget=budget)
        embedded = list(reader.embedded_signatures)
    except SigningError:
        return VerifyReport("unreadable", reason=Change("verify_damaged"))
    if not embedded:
        return VerifyReport("unsigned", facts.indicator, facts.pdfa)
    trailing = trailing_bytes(pdf)
    states: dict = {}  # each revision's state, compared once for all signatures
    reports = tuple(_check_signature(reader, signature, trust_roots, budget, states, trailing) for signature in embedded)
    if not all(r.intact and r.unmodified and r.timestamp_intact is not False for r in reports):
        status = "modified"
    elif not trust_roots:
        status = "intact"
    elif all(r.trusted and r.timestamp_trusted is not False for r in reports):
        status = "trusted"
    else:
        status = "untrusted"
    return VerifyReport(status, facts.indicator, facts.pdfa, reports)


def _check_signature(reader, signature, trust_roots: Sequence[Any], budget: Budget, states: dict,
                     trailing: int) -> SignatureReport:
    judged = bool(trust_roots)
    # An empty trust list still checks the digest and the signature value; the chain then simply does not validate.
    # No fetching: verification must work offline and never leak which documents are being checked.
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    document_timestamp = signature.sig_object_type == "/DocTimeStamp"  # PAdES B-LTA: a TSA stamps the file
    result: PdfSignatureStatus | DocumentTimestampStatus
    try:
        if document_timestamp:
            result = validate_pdf_timestamp(signature, context)
        else:
            result = validate_pdf_signature(signature, context, key_usage_settings=_key_usage())
    except RecursionError:  # pyHanko's own walks recurse: a structure nested deeper than Python's stack
        raise TooComplex("nested too deep") from None
    except Exception as error:  # a damaged signature dictionary or CMS blob: pyHanko raises many kinds
        logger.debug("validation of %s failed", signature.field_name, exc_info=True)
        detail = " ".join((str(error) or type(error).__name__).split())[:MAX_SHOWN]
        return SignatureReport(
            str(signature.field_name)[:MAX_SHOWN], False, False, False if judged else None,
            changes=(Change("verify_signature_damaged", {"detail": detail}),),
        )
    # Allowed after a signature: nothing (it covers the whole file), validation data and document timestamps
    # (LTA_UPDATES), or further signatures (FORM_FILLING: the form has no other fields to fill). pyHanko's rating
    # is necessary, not sufficient: it rates a new signature field with an appearance (a shadow attack) as form
    # filling and never looks at the information dictionary, so what a reader is shown is compared too. Bytes after
    # the last %%EOF are no revision to pyHanko, but a reader that looks for the last cross-reference table from
    # the end of the file shows them.
    changes: tuple[Change, ...] = ()
    if result.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        unmodified = True
    else:
        unmodified = (
            result.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and result.modification_level
            in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
            and result.docmdp_ok is not False
        )
        try:
            changes = tuple(changes_after(reader, signature.signed_revision, budget=budget, states=states))
        except TooComplex:
            raise
        except RecursionError:
            raise TooComplex("nested too deep") from None
        except Exception:  # a revision that cannot be read: nothing shows that it is harmless
            logger.debug("comparing the revisions of %s failed", signature.field_name, exc_info=True)
            changes = (Change("verify_changed_unreadable"),)
        if trailing:
            changes += (Change("verify_changed_trailing", {"bytes": trailing}),)
        unmodified = unmodified and not changes
    subject = result.signing_cert.subject.native
    common = dict(
        field=signature.field_name,
        intact=bool(result.intact and result.valid),
        unmodified=unmodified,
        trusted=bool(result.trusted) if judged else None,
        signer=subject.get("common_name"),
        organization=subject.get("organization_name"),
        changes=changes,
        untrusted_reason=_untrusted_reason(result, trust_roots) if judged and not result.trusted else None,
    )
    if isinstance(result, DocumentTimestampStatus):  # the time the TSA certified is the timestamp: no signer's clock
        return SignatureReport(
            **common,
            timestamp=result.timestamp,
            timestamp_intact=bool(result.intact and result.valid),
            timestamp_trusted=bool(result.trusted) if judged else None,
        )
    stamp = result.timestamp_validity
    return SignatureReport(
        **common,
        signed_at=result.signer_reported_dt,
        timestamp=stamp.timestamp if stamp is not None else None,
        timestamp_intact=bool(stamp.intact and stamp.valid) if stamp is not None else None,
        timestamp_trusted=bool(stamp.trusted) if stamp is not None and judged else None,
    )


_UNTRUSTED_CODES = {
    "NO_CERTIFICATE_CHAIN_FOUND": "verify_untrusted_no_chain",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "verify_untrusted_no_chain",
    "CHAIN_CONSTRAINTS_FAILURE": "verify_untrusted_chain_rules",
    "SIG_CONSTRAINTS_FAILURE": "verify_untrusted_key_usage",
    "EXPIRED": "verify_untrusted_expired",
    "OUT_OF_BOUNDS_NO_POE": "verify_untrusted_expired",
    "OUT_OF_BOUNDS_NOT_REVOKED": "verify_untrusted_expired",
    "NOT_YET_VALID": "verify_untrusted_expired",
    "REVOKED": "verify_untrusted_revoked",
    "REVOKED_NO_POE": "verify_untrusted_revoked",
    "REVOKED_CA_NO_POE": "verify_untrusted_revoked",
    "CRYPTO_CONSTRAINTS_FAILURE": "verify_untrusted_weak",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "verify_untrusted_weak",
}


def _untrusted_reason(result, trust_roots: Sequence[Any]) -> Change:
    """Why pyHanko did not trust a signature's chain, as a ``MESSAGES`` code and its parameters."""
    indication = getattr(result.trust_problem_indic, "name", None)
    certificate = result.signing_cert
    issuer = certificate.issuer.human_friendly
    self_signed = certificate.issuer == certificate.subject
    if self_signed and all(root.sha256 != certificate.sha256 for root in trust_roots):
        indication = "NO_CERTIFICATE_CHAIN_FOUND"  # pyHanko rates a self-signed stranger a broken chain
    if indication is None and not result.valid:
        indication = "SIG_CRYPTO_FAILURE"
    code = _UNTRUSTED_CODES.get(indication or "", "verify_untrusted_other")
    return Change(code, {"issuer": issuer, "indication": indication or "?"})


def _key_usage():
    # A signing certificate must allow signatures; CAs issue either usage for document signing.
    return KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
