"""``verify`` judges "not modified" by what the signature covers: attacks appended after the department's signature.

Each attack is built here with pyHanko's incremental writer on a release PDF the real pipeline made and signed
(``signed``, ``release`` and ``pki`` in session_fixtures.py). pyHanko rates several of them harmless (form filling,
or not looking at all); each must be reported modified, with a reason a reader understands. The legitimate later changes (an invisible
co-signature, validation data, a document timestamp) must still verify.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import signal
import subprocess
import sys

import attacks
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from pki import PASSWORD, SLUG, Pki, co_signed, sign, subject
from projects import run_reportgen
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from reportgen import signing
from reportgen.commands.verify import FileVerdict, format_line, verify

pytestmark = pytest.mark.e2e  # signing

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name_object(name: str) -> generic.NameObject:
    return generic.NameObject(name)


def shadow_attack(pdf: bytes) -> bytes:
    """An empty signature field whose appearance paints "99.00" on a white box over the form's first page."""
    writer = _writer(pdf)
    fields.append_signature_field(writer, fields.SigFieldSpec("Shadow", on_page=0, box=(100, 500, 300, 540)))
    field = next(ref.get_object() for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == "Shadow")
    font = writer.add_object(generic.DictionaryObject({
        _name_object("/Type"): _name_object("/Font"), _name_object("/Subtype"): _name_object("/Type1"),
        _name_object("/BaseFont"): _name_object("/Helvetica"),
    }))  # fmt: skip
    appearance = generic.StreamObject(
        {
            _name_object("/Type"): _name_object("/XObject"),
            _name_object("/Subtype"): _name_object("/Form"),
            _name_object("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 200, 40)]),
            _name_object("/Resources"): generic.DictionaryObject(
                {_name_object("/Font"): generic.DictionaryObject({_name_object("/F1"): font})}
            ),
        },
        stream_data=b"1 1 1 rg 0 0 200 40 re f 0 0 0 rg BT /F1 20 Tf 5 10 Td (99.00) Tj ET",
    )
    field["/AP"] = generic.DictionaryObject({_name_object("/N"): writer.add_object(appearance)})
    return _written(writer)


def retitled(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    info_ref = writer.trailer.raw_get("/Info")
    info_ref.get_object()["/Title"] = generic.TextStringObject("ตัวชี้วัด 08 (ฉบับปลอม)")
    writer.mark_update(info_ref)
    return _written(writer)


def with_xmp_title(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    data = writer.root["/Metadata"].data
    forged, count = re.subn(rb"(<dc:title[^>]*><rdf:Alt><rdf:li[^>]*>).*?(</rdf:li>)", rb"\1forged\2", data)
    assert count == 1
    stream = generic.StreamObject(
        {_name_object("/Type"): _name_object("/Metadata"), _name_object("/Subtype"): _name_object("/XML")},
        stream_data=forged,
    )
    writer.root["/Metadata"] = writer.add_object(stream)
    writer.update_root()
    return _written(writer)


def with_note(pdf: bytes) -> bytes:
    """A FreeText annotation (a sticky comment drawn on the page)."""
    writer = _writer(pdf)
    page_ref = writer.find_page_for_modification(0)[0]
    note = writer.add_object(generic.DictionaryObject({
        _name_object("/Type"): _name_object("/Annot"), _name_object("/Subtype"): _name_object("/FreeText"),
        _name_object("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 500, 300, 540)]),
        _name_object("/Contents"): generic.TextStringObject("99.00"),
        _name_object("/DA"): generic.TextStringObject("/Helv 20 Tf 0 g"),
    }))  # fmt: skip
    page = page_ref.get_object()
    annotations = page.get("/Annots", generic.ArrayObject())
    page["/Annots"] = generic.ArrayObject([*annotations, note])
    writer.update_container(page)
    return _written(writer)


def _stranger(common_name: str = "Mallory Stranger"):
    """A self-signed signer nobody trusts, with a usable signing certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject(common_name)).issuer_name(subject(common_name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    data = pkcs12.serialize_key_and_certificates(b"x", key, cert, None, serialization.NoEncryption())
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=None)


def _verdict(pdf: bytes, roots=(), lang: str = "en") -> tuple[signing.VerifyReport, str]:
    report = signing.verify_pdf(pdf, roots)
    return report, format_line(FileVerdict("form.pdf", report), lang)


ATTACKS = {
    "shadow attack": (shadow_attack, "something visible was added on page 1 after signing"),
    "Info /Title": (retitled, "the document's metadata changed after signing (/Title)"),
    "XMP dc:title": (with_xmp_title, "the document's metadata changed after signing (XMP)"),
    "a note on the page": (with_note, "page 1"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_change_a_reader_sees_after_signing_is_modified(signed, pki, attack):
    make, reason = ATTACKS[attack]
    forged = make(signed)
    assert forged.startswith(signed)  # an incremental update: the department's signed bytes are all still there
    roots = signing.load_trust_roots([pki["ca_pem"]])
    for trust in ((), roots):
        report, line = _verdict(forged, trust)
        assert report.status == "modified", line
        assert report.signatures[0].intact  # the signature over its bytes holds: only what came after is wrong
        assert not report.signatures[0].unmodified
        assert line.startswith("✗ form.pdf: MODIFIED after signing") and reason in line
    _, thai = _verdict(forged, roots, "th")
    assert thai.startswith("✗ form.pdf: ไฟล์ถูกแก้ไขหลังลงนาม") and "หลังลงนาม (" in thai or "บนหน้า 1" in thai


def test_the_shadow_attack_through_the_cli(signed, release, pki):
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    pdf.write_bytes(shadow_attack(signed))
    result = run_reportgen("verify", "--trust", str(pki["ca_pem"]), str(pdf), cwd=release)
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith(f"✗ {pdf}: ไฟล์ถูกแก้ไขหลังลงนาม")
    assert "มีการเพิ่มสิ่งที่มองเห็นได้บนหน้า 1 หลังลงนาม" in result.stdout


def test_a_visible_co_signature_by_a_stranger_is_modified(signed, pki):
    forged = co_signed(signed, _stranger(), visible=True)
    report, line = _verdict(forged)  # no --trust: the stranger's own signature is intact
    assert report.status == "modified", line
    assert [s.unmodified for s in report.signatures] == [False, True]
    assert "something visible was added on page 1" in line


def test_an_invisible_co_signature_still_verifies_and_is_listed(signed, pki):
    """A decision: a later signature that shows nothing on the page is a co-signature, not a change. Without
    --trust it passes with every signer named; with --trust, a stranger is not trusted, and says why."""
    forged = co_signed(signed, _stranger(), visible=False)
    report, line = _verdict(forged)
    assert report.status == "intact", line
    assert "signed by Mallory Stranger" in line
    report, line = _verdict(forged, signing.load_trust_roots([pki["ca_pem"]]))
    assert report.status == "untrusted"
    assert "no certificate chain leads from the signer's certificate (issued by" in line


def test_the_departments_co_signature_and_validation_data_still_verify(signed_release, pki, timestamp_authority):
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    forced = sign(signed_release, pki, "--force")
    assert forced.returncode == 0, forced.stderr
    co_signed_pdf = (signed_release / "output" / "pdf" / f"{SLUG}.pdf").read_bytes()
    roots = signing.load_trust_roots([pki["ca_pem"]])
    assert _verdict(co_signed_pdf, roots)[0].status == "trusted"

    # Long-term validation data: the certificates in a DSS (PAdES B-LT).
    out = io.BytesIO(co_signed_pdf)
    certificate = asn1_x509.Certificate.load(pki["ca"].cert.public_bytes(serialization.Encoding.DER))
    DocumentSecurityStore.add_dss(out, _signature_contents(co_signed_pdf), certs=[certificate])
    with_dss = out.getvalue()
    report, line = _verdict(with_dss, roots)
    assert report.status == "trusted", line

    # ... and a document timestamp over all of it (PAdES B-LTA), from the test CA's timestamp authority.
    from pyhanko.sign.timestamps import HTTPTimeStamper

    url, _ = timestamp_authority
    stamped = io.BytesIO()
    signers.PdfTimeStamper(HTTPTimeStamper(url)).timestamp_pdf(_writer(with_dss), md_algorithm="sha256", output=stamped)
    report, line = _verdict(stamped.getvalue(), roots)
    assert report.status == "trusted", line
    assert [s.unmodified for s in report.signatures] == [True, True, True] and "Test TSA" in line


def _signature_contents(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0].pkcs7_content



# --- sign refuses unfit keys, verify says why an issuer is not trusted ---------------------------------------------


def _pkcs12(ca: Pki, *, usage: x509.KeyUsage | None = None, eku=None, bits: int = 2048, ca_key: bool = False):
    now = dt.datetime.now(dt.UTC)
    if ca_key:
        key, cert = ca.key, ca.cert
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        builder = (
            x509.CertificateBuilder().subject_name(subject("Unfit Key")).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        )  # fmt: skip
        if usage is not None:
            builder = builder.add_extension(usage, critical=True)
        if eku is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        cert = builder.sign(ca.key, hashes.SHA256())
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    return pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca.cert], encryption)


def _usage(**allowed) -> x509.KeyUsage:
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
         "key_cert_sign", "crl_sign"), False)  # fmt: skip
    flags.update(allowed)
    return x509.KeyUsage(**flags, encipher_only=False, decipher_only=False)


UNFIT = {
    "no signing key usage": (dict(usage=_usage(key_encipherment=True)), "its key usage has neither digitalSignature"),
    "TLS only": (dict(eku=[ExtendedKeyUsageOID.SERVER_AUTH]), "is for serverAuth (TLS) only"),
    "RSA-1024": (dict(bits=1024), "has 1024 bits, too short: at least 2048"),
    "the CA's own key": (dict(ca_key=True), "is a certificate authority's"),
}


@pytest.mark.parametrize("case", UNFIT)
def test_sign_refuses_unfit_keys_with_the_reason(release, pki, tmp_path, case):
    kwargs, reason = UNFIT[case]
    key = tmp_path / "unfit.p12"
    key.write_bytes(_pkcs12(pki["ca"], **kwargs))
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    before = pdf.read_bytes()
    result = sign(release, pki, "--lang", "en", key=key)
    assert result.returncode == 2, result.stdout + result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert pdf.read_bytes() == before
    thai = sign(release, pki, key=key)
    assert thai.returncode == 2 and "ใบรับรอง" in thai.stderr or "กุญแจ" in thai.stderr


def test_a_usable_key_with_document_signing_purposes_signs(release, pki, tmp_path):
    key = tmp_path / "email.p12"
    key.write_bytes(_pkcs12(pki["ca"], usage=_usage(digital_signature=True),
                            eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION]))  # fmt: skip
    assert sign(release, pki, key=key).returncode == 0


def test_verify_says_why_the_issuer_is_not_trusted(signed, pki):
    report, line = _verdict(signed, signing.load_trust_roots([pki["other_ca_pem"]]))
    assert report.status == "untrusted"
    assert "no certificate chain leads from the signer's certificate (issued by" in line
    assert "Test Root CA" in line


def test_an_xfa_form_added_after_signing_is_modified(signed):
    """Some readers show an XFA form instead of the pages: adding one changes what a reader sees."""
    writer = _writer(signed)
    xfa = writer.add_object(generic.StreamObject(stream_data=b"<xdp:xdp><template>99.00</template></xdp:xdp>"))
    form = writer.root["/AcroForm"]
    form["/XFA"] = xfa
    writer.update_container(form)
    report, line = _verdict(_written(writer))
    assert report.status == "modified" and "/AcroForm" in line, line


# --- verify always answers, within a bound, and sees what pyHanko does not (tests/attacks.py) ----------------------


class Hung(BaseException):
    """Raised by ``hang_guard``: a BaseException, so that no ``except Exception`` in the code under test takes it
    for a damaged file and answers after all."""


@pytest.fixture
def hang_guard():
    """Fail a test that runs past a generous minute instead of hanging the suite (a guard, not a measurement:
    the figures are benchmarks/verify_attacks.py's)."""

    def expire(signum, frame):
        raise Hung("verify ran for more than a minute")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _in_subprocess(pdfs: dict[str, bytes], tmp_path, *extra: str) -> subprocess.CompletedProcess:
    """``reportgen verify`` on the files, in a process of its own with a generous time limit: a hang guard only
    (the figures are benchmarks/verify_attacks.py's), so that a regression fails here instead of running for years."""
    for name, data in pdfs.items():
        (tmp_path / name).write_bytes(data)
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "verify", "--lang", "en", *extra, *(str(tmp_path / name) for name in pdfs)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("attack", attacks.SIGNED_ATTACKS)
def test_a_hostile_update_gets_its_verdict(attack, hang_guard):
    make, expected = attacks.SIGNED_ATTACKS[attack]
    signed = attacks.signed_blank()
    forged = make(signed)
    report, line = _verdict(forged)
    assert report.status == expected, line
    assert "internal error" not in line and "recursion" not in line, line
    assert not report.ok


def test_the_depth_40_dag_answers_in_a_subprocess(tmp_path):
    """The 3 KB chain of ``[next next]`` that cost 2^40 visits: answered, modified, with the entry it added."""
    done = _in_subprocess({"dag.pdf": attacks.catalog_dag(attacks.signed_blank(), 40)}, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "MODIFIED after signing" in done.stdout and "parts of the document changed after signing (/Evil)" in done.stdout


def test_dags_in_the_page_tree_and_the_form_fields_are_too_complex(hang_guard):
    for make in (attacks.page_tree_dag, attacks.field_tree_dag):
        report, line = _verdict(make(attacks.signed_blank(), 40))
        assert report.status == "modified" and "too complex to compare" in line, line


def test_attributes_inherited_from_the_page_tree_count_as_the_pages():
    """A /Rotate or /CropBox set on /Pages turns or crops every page without touching one: the page changed."""
    for make in (attacks.rotated, attacks.cropped):
        report, line = _verdict(make(attacks.signed_blank()))
        assert report.status == "modified", line
        assert "the content of page 1 changed after signing" in line, line


def test_bytes_after_the_last_eof_are_a_modification():
    """An update with its %%EOF cut off is no revision to pyHanko, but readers that look for ``startxref`` from
    the end show it; any other bytes after the end are reported too. Line ends and padding are not."""
    signed = attacks.signed_blank()
    for forged in (attacks.update_without_eof(signed), attacks.trailing_garbage(signed)):
        report, line = _verdict(forged)
        assert report.status == "modified", line
        assert re.search(r"\d+ bytes follow the end of the file \(the last %%EOF\) after signing", line), line
    report, line = _verdict(signed + b"\r\n\x00\x00\n")
    assert report.status == "intact", line


@pytest.mark.parametrize("attack", attacks.SOURCE_ATTACKS)
def test_a_hostile_embedded_source_is_not_unfolded(attack, hang_guard):
    """The YAML source is read as content files are (no aliases, at most 1 MB decoded), so the alias bomb is no
    indicator at all, and a source that decompresses to 200 MB is left unread."""
    make, expected = attacks.SOURCE_ATTACKS[attack]
    report, line = _verdict(make())
    assert report.status == expected, line
    assert report.indicator is None


def test_the_alias_bomb_answers_in_a_subprocess(tmp_path):
    done = _in_subprocess({"bomb.pdf": attacks.alias_bomb()}, tmp_path)
    assert done.returncode == 1 and done.stdout.strip().endswith("bomb.pdf: not signed"), done.stdout + done.stderr


@pytest.mark.parametrize("case", attacks.NOT_PDFS)
def test_a_file_that_is_no_pdf_or_a_damaged_one_gets_a_verdict(case, hang_guard):
    make, expected = attacks.NOT_PDFS[case]
    report, line = _verdict(make())
    assert report.status == expected, line
    assert not report.ok


def test_every_file_of_a_folder_gets_its_verdict(tmp_path):
    """One damaged file among good ones: each file its own line, the run exits 1, no internal error. The damaged
    ones say why in Thai too."""
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "loop").symlink_to(folder)  # a folder that leads back up: walked once
    files = {
        "a-empty.pdf": b"", "b-good.pdf": attacks.signed_blank(), "c-text.pdf": b"not a pdf",
        "d-no-byte-range.pdf": attacks.no_byte_range(attacks.signed_blank()),
        "sub/e-null-contents.pdf": attacks.null_contents(attacks.signed_blank()),
    }  # fmt: skip
    for name, data in files.items():
        (folder / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "reportgen", "verify", "--lang", "en", str(folder)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0].removeprefix("✓ ").removeprefix("✗ ") for line in lines] == [
        str(folder / name) for name in sorted(files)
    ]
    assert lines[1].startswith("✓") and all(line.startswith("✗") for line in lines[:1] + lines[2:])
    assert "cannot read the file: not a PDF, or damaged; the file does not start as a PDF does" in lines[0]
    assert "the PDF's structure is damaged" in lines[3]
    thai = subprocess.run([sys.executable, "-m", "reportgen", "verify", str(folder / "c-text.pdf")],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert thai.returncode == 1 and "อ่านไฟล์ไม่ได้ ไม่ใช่ไฟล์ PDF หรือไฟล์เสียหาย" in thai.stdout


def test_a_pipe_or_a_folder_named_pdf_is_not_read(tmp_path, hang_guard):
    """Named on the command line, a FIFO would block a plain read for ever: it is no regular file."""
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    (tmp_path / "folder.pdf").mkdir()
    verdicts = verify([fifo, tmp_path / "missing.pdf"])
    assert [verdict.report.status for verdict in verdicts] == ["unreadable", "unreadable"]
    assert "not a regular file" in format_line(verdicts[0], "en")
    assert "cannot open the file" in format_line(verdicts[1], "en")
