"""Hostile PDFs for ``verify``, made in memory: each is a small file that once made ``verify`` run for years, crash,
or call a changed form intact. Used by ``tests/test_verify.py`` and ``benchmarks/verify_attacks.py``.

The base is a one-page PDF (pypdf) signed by pyHanko with a throw-away self-signed key, which is all ``verify``
needs (a release PDF of the real pipeline is used where the form's own parts matter, in ``test_verify.py``). Every
attack on a signed file is an *incremental update*: the signed bytes stay as they were, so the signature itself
still holds, and only what comes after it decides the verdict.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zlib
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pypdf import PdfWriter

Name = generic.NameObject


@functools.cache
def test_signer() -> signers.SimpleSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Attack Test Signer")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    data = pkcs12.serialize_key_and_certificates(b"k", key, cert, None, serialization.NoEncryption())
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=None)


def blank_pdf(*, attachment: tuple[str, bytes] | None = None) -> bytes:
    """A one-page A4 PDF; ``attachment`` (name, bytes) embeds a file as a release PDF embeds its YAML source."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if attachment is not None:
        name, data = attachment
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(pdf: bytes, field_name: str = "Signature1") -> bytes:
    """``pdf`` with a visible PAdES signature appended (as ``reportgen sign`` appends one)."""
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec(field_name, on_page=0, box=(100, 100, 300, 150))
    out = io.BytesIO()
    signers.PdfSigner(meta, test_signer(), new_field_spec=spec).sign_pdf(_writer(pdf), output=out)
    return out.getvalue()


@functools.cache
def signed_blank() -> bytes:
    return sign(blank_pdf())


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Attacks on the time verify takes ---------------------------------------------------------------------------


def catalog_dag(pdf: bytes, depth: int = 40) -> bytes:
    """A chain of arrays ``[next next]`` added to the catalog: 3 KB that unfold to 2^depth visits."""
    writer = _writer(pdf)
    link: generic.PdfObject = generic.NullObject()
    for _ in range(depth):
        link = writer.add_object(generic.ArrayObject([link, link]))
    writer.root[Name("/Evil")] = link
    writer.update_root()
    return _written(writer)


def page_resources_dag(pdf: bytes, depth: int = 40) -> bytes:
    """The same chain under the first page's resources (compared page by page)."""
    writer = _writer(pdf)
    link: generic.PdfObject = generic.NullObject()
    for _ in range(depth):
        link = writer.add_object(generic.ArrayObject([link, link]))
    page_ref = writer.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    page[Name("/Evil")] = link
    writer.update_container(page)
    return _written(writer)


def page_tree_dag(pdf: bytes, depth: int = 40) -> bytes:
    """A page tree whose every node lists the same child twice: 2^depth pages to walk."""
    writer = _writer(pdf)
    pages_ref = writer.root.raw_get("/Pages")
    leaf = writer.find_page_for_modification(0)[0]
    node: generic.PdfObject = leaf
    for _ in range(depth):
        node = writer.add_object(generic.DictionaryObject({
            Name("/Type"): Name("/Pages"), Name("/Kids"): generic.ArrayObject([node, node]),
            Name("/Count"): generic.NumberObject(2),
        }))  # fmt: skip
    root = pages_ref.get_object()
    root[Name("/Kids")] = generic.ArrayObject([node])
    writer.update_container(root)
    return _written(writer)


def field_tree_dag(pdf: bytes, depth: int = 40) -> bytes:
    """A form field tree whose every field lists the same child twice (pyHanko lists signatures by walking it)."""
    writer = _writer(pdf)
    node: generic.PdfObject = writer.add_object(generic.DictionaryObject({Name("/T"): generic.TextStringObject("x")}))
    for level in range(depth):
        node = writer.add_object(generic.DictionaryObject({
            Name("/T"): generic.TextStringObject(f"f{level}"), Name("/Kids"): generic.ArrayObject([node, node]),
        }))  # fmt: skip
    form = writer.root["/AcroForm"]
    form[Name("/Fields")] = generic.ArrayObject([*form["/Fields"], node])
    writer.update_container(form)
    return _written(writer)


def reference_chain(pdf: bytes, length: int = 5000) -> bytes:
    """A chain of ``length`` arrays each holding a reference to the next: deeper than any recursion allows."""
    writer = _writer(pdf)
    link: generic.PdfObject = generic.NullObject()
    for _ in range(length):
        link = writer.add_object(generic.ArrayObject([link]))
    writer.root[Name("/Evil")] = link
    writer.update_root()
    return _written(writer)


def reference_loop(pdf: bytes) -> bytes:
    """Two objects that refer to each other, and to the catalog."""
    writer = _writer(pdf)
    first = writer.add_object(generic.ArrayObject())
    second = writer.add_object(generic.ArrayObject([first, writer.trailer.raw_get("/Root")]))
    first.get_object().append(second)
    writer.root[Name("/Evil")] = first
    writer.update_root()
    return _written(writer)


def name_tree_dag(depth: int = 40) -> bytes:
    """An unsigned PDF whose attachment name tree lists the same child twice at every level."""
    pdf = blank_pdf(attachment=("08.yaml", b"code: '08'\nfiscal_year: 2564\n"))
    writer = _writer(pdf)
    names = writer.root["/Names"]
    embedded = names["/EmbeddedFiles"]
    node: generic.PdfObject = writer.add_object(generic.DictionaryObject(
        {Name("/Names"): embedded["/Names"], Name("/Limits"): generic.ArrayObject([
            generic.TextStringObject("08.yaml"), generic.TextStringObject("08.yaml")])}
    ))  # fmt: skip
    for _ in range(depth):
        node = writer.add_object(generic.DictionaryObject({Name("/Kids"): generic.ArrayObject([node, node])}))
    names[Name("/EmbeddedFiles")] = node
    writer.update_container(names)
    return _written(writer)


#: A YAML "billion laughs": each anchor is a list of nine aliases of the previous one (9^9 strings unfolded).
ALIAS_BOMB = (
    b"code: &c ['08', '08', '08', '08', '08', '08', '08', '08', '08']\n"
    + b"".join(
        f"l{level}: &l{level} [{', '.join(['*' + ('c' if level == 0 else f'l{level - 1}')] * 9)}]\n".encode()
        for level in range(9)
    )
    + b"fiscal_year: *l8\nsignoff: *l8\n"
)


def alias_bomb() -> bytes:
    """An unsigned PDF carrying a YAML source whose aliases unfold to billions of values."""
    return blank_pdf(attachment=("08.yaml", ALIAS_BOMB))


def deflate_bomb(megabytes: int = 200) -> bytes:
    """An unsigned PDF carrying a YAML attachment of ``megabytes`` MB of spaces, compressed to about 0.1%."""
    data = zlib.compress(b"#" + b" " * (megabytes * 1024 * 1024), 9)
    pdf = blank_pdf(attachment=("08.yaml", b"placeholder"))
    writer = _writer(pdf)
    spec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    stream = generic.StreamObject(
        {Name("/Type"): Name("/EmbeddedFile"), Name("/Filter"): Name("/FlateDecode")}, encoded_data=data
    )
    spec["/EF"] = generic.DictionaryObject({Name("/F"): writer.add_object(stream)})
    writer.update_container(spec)
    return _written(writer)


XMP_BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&h;</dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


def xmp_entity_bomb(pdf: bytes) -> bytes:
    """An XMP packet whose entities unfold to 100 MB, added after signing."""
    writer = _writer(pdf)
    stream = generic.StreamObject(
        {Name("/Type"): Name("/Metadata"), Name("/Subtype"): Name("/XML")}, stream_data=XMP_BILLION_LAUGHS
    )
    writer.root[Name("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    writer._update_meta = lambda: None  # pyHanko would replace the packet with its own on writing
    return _written(writer)


# --- Attacks on what verify compares ----------------------------------------------------------------------------


def inherited(pdf: bytes, key: str, value: generic.PdfObject) -> bytes:
    """``key`` set on the page tree's root, which every page without its own inherits (the page is not touched)."""
    writer = _writer(pdf)
    root = writer.root["/Pages"]
    root[Name(key)] = value
    writer.update_container(root)
    return _written(writer)


def rotated(pdf: bytes) -> bytes:
    return inherited(pdf, "/Rotate", generic.NumberObject(180))


def cropped(pdf: bytes) -> bytes:
    """A crop box on the page tree: every page now shows only a corner (where a "99.00" could stand alone)."""
    return inherited(pdf, "/CropBox", generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 200, 200)]))


def retitled(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    info_ref = writer.trailer.raw_get("/Info")
    info_ref.get_object()[Name("/Title")] = generic.TextStringObject("forged")
    writer.mark_update(info_ref)
    return _written(writer)


def update_without_eof(pdf: bytes) -> bytes:
    """A real update (a changed title) whose closing ``%%EOF`` is cut off: pyHanko then reads only the signed
    revision, while readers that look for ``startxref`` from the end show the update."""
    forged = retitled(pdf)
    assert forged.rstrip().endswith(b"%%EOF")
    return forged.rstrip()[: -len(b"%%EOF")]


def trailing_garbage(pdf: bytes) -> bytes:
    return pdf + b"\n% anything at all after the end\n"


# --- Files that are not (whole) PDFs -----------------------------------------------------------------------------


def _signature_dictionary_edit(pdf: bytes, old: bytes, new: bytes) -> bytes:
    """``old`` replaced by ``new`` (same length) in the signature dictionary: the file still parses."""
    assert len(old) == len(new) and pdf.count(old) == 1, old
    return pdf.replace(old, new)


def null_contents(pdf: bytes) -> bytes:
    start = pdf.index(b"/Contents <") + len(b"/Contents ")
    end = pdf.index(b">", start) + 1
    return pdf[:start] + b"null".ljust(end - start) + pdf[end:]


def no_byte_range(pdf: bytes) -> bytes:
    return _signature_dictionary_edit(pdf, b"/ByteRange", b"/ByteRang_")


def broken_byte_range(pdf: bytes) -> bytes:
    start = pdf.index(b"/ByteRange [") + len(b"/ByteRange [")
    end = pdf.index(b"]", start)
    return pdf[:start] + b"0 1 -5 99999999999999".ljust(end - start) + pdf[end:]


#: Files that are no PDF, or a damaged one: (a function making the file, what verify must answer).
NOT_PDFS: dict[str, tuple[Callable[[], bytes], str]] = {
    "an empty file": (lambda: b"", "unreadable"),
    "a text file": (lambda: "แบบรายงาน ไม่ใช่ PDF\n".encode() * 20, "unreadable"),
    "a PNG": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "unreadable"),
    "a truncated PDF": (lambda: signed_blank()[: len(signed_blank()) // 2], "unreadable"),
    "only a header": (lambda: b"%PDF-1.7\n", "unreadable"),
    "null /Contents": (lambda: null_contents(signed_blank()), "unreadable"),
    "no /ByteRange": (lambda: no_byte_range(signed_blank()), "unreadable"),
    "a /ByteRange out of the file": (lambda: broken_byte_range(signed_blank()), "modified"),
}


#: (name, a function making the file, what verify must answer): the attacks on a signed file and their verdicts.
SIGNED_ATTACKS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "catalog DAG, depth 40": (catalog_dag, "modified"),
    "page DAG, depth 40": (page_resources_dag, "modified"),
    "page tree DAG, depth 40": (page_tree_dag, "modified"),
    "form field tree DAG, depth 40": (field_tree_dag, "modified"),
    "reference chain of 5,000": (reference_chain, "modified"),
    "reference loop": (reference_loop, "modified"),
    "XMP entity bomb": (xmp_entity_bomb, "modified"),
    "inherited /Rotate": (rotated, "modified"),
    "inherited /CropBox": (cropped, "modified"),
    "update without %%EOF": (update_without_eof, "modified"),
    "bytes after %%EOF": (trailing_garbage, "modified"),
}

#: Unsigned files whose embedded source attacks the reading of it.
SOURCE_ATTACKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "YAML alias bomb": (alias_bomb, "unsigned"),
    "attachment name tree DAG, depth 40": (name_tree_dag, "modified"),
    "200 MB deflate bomb as the YAML": (deflate_bomb, "unsigned"),
}
