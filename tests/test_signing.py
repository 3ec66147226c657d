"""reportgen.signing and the ``sign``/``verify`` commands, end to end through the CLI on real release PDFs.

A throw-away CA, signing keys and a timestamp authority are made with ``cryptography`` (``pki.py``; in tmp folders,
never committed). Release PDFs come from the real pipeline: ``reportgen signoff`` then ``reportgen build --release``,
built once a session (``built``, ``release``, ``draft`` and ``timestamp_authority`` in session_fixtures.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from extract import squeeze
from pdfa import beyond_pdf_a3, preflight_findings
from pki import PASSWORD, SIGNER, SLUG, sign
from projects import run_reportgen
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from reportgen import signing

pytestmark = pytest.mark.e2e  # signing


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``reportgen ARGS`` in ``cwd``, with ``env`` added to the environment (in this process: ``run_reportgen``)."""
    return run_reportgen(*args, cwd=cwd, env=env)


def flip_byte_in_stream(data: bytes) -> bytes:
    """One bit of a content stream of the first (signed) revision changed; the file still parses."""
    start = data.index(b"stream\n", len(data) // 10) + len(b"stream\n") + 20
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr


# --- sign, then verify --------------------------------------------------------------------------------------------


def test_sign_with_a_key_file_then_verify(release, pki):
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    unsigned = pdf.read_bytes()
    result = sign(release, pki)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"output/pdf/{SLUG}.pdf (+ output/html/{SLUG}.pdf): ลงนามโดย {SIGNER}"
    signed = pdf.read_bytes()
    assert signed.startswith(unsigned)  # an incremental update: the release PDF's bytes are kept as they were
    assert (release / "output" / "html" / f"{SLUG}.pdf").read_bytes() == signed  # the site's copy is the same file

    verified = run("verify", f"output/pdf/{SLUG}.pdf", cwd=release)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    line = verified.stdout.strip()
    assert line.startswith(f"✓ output/pdf/{SLUG}.pdf: ลายมือชื่อถูกต้อง ไม่ถูกแก้ไข")
    assert "ไม่ทราบ/ไม่เชื่อถือ" in line  # no --trust: intact, issuer not judged
    assert f"ลงนามโดย {SIGNER} (กรุงเทพมหานคร) เมื่อ " in line
    signed_at = signing.verify_pdf(signed).signatures[0].signed_at.astimezone(signing.BANGKOK)
    assert f"{signed_at.year + 543} เวลา {signed_at:%H:%M:%S} น." in line
    assert line.endswith(f"ตัวชี้วัด {SLUG}")
    assert len(verified.stdout.strip().splitlines()) == 1


def test_sign_with_the_key_in_an_environment_variable(release, pki):
    # `base64` wraps at 76 columns by default; CI secrets pasted that way must work too.
    wrapped = base64.encodebytes(pki["key"].read_bytes()).decode("ascii")
    assert "\n" in wrapped.strip()
    result = run("sign", "--key-env", "TEST_KEY", "--password-env", "TEST_PASSWORD", "--lang", "en", cwd=release,
                 env={"TEST_KEY": wrapped, "TEST_PASSWORD": PASSWORD})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"signed by {SIGNER}")
    verified = run("verify", "--lang", "en", "--trust", str(pki["ca_pem"]), "output/pdf", "output/html", cwd=release)
    assert verified.returncode == 0, verified.stdout
    lines = verified.stdout.strip().splitlines()
    assert len(lines) == 2  # folders stand for the PDFs under them
    for line in lines:
        assert ": signature intact, not modified, trusted issuer; signed by " + SIGNER in line
        assert re.search(r" at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+07:00; indicator 2564/08$", line)


def test_a_flipped_byte_fails_verification(release, pki):
    assert sign(release, pki).returncode == 0
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    pdf.write_bytes(flip_byte_in_stream(pdf.read_bytes()))
    for lang, words in (("th", "ไฟล์ถูกแก้ไขหลังลงนาม"), ("en", "MODIFIED after signing")):
        result = run("verify", "--lang", lang, str(pdf), cwd=release)
        assert result.returncode == 1
        assert result.stdout.startswith(f"✗ {pdf}: {words}")
        assert_no_traceback(result)


def test_a_change_appended_after_signing_fails_verification(release, pki):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    assert sign(release, pki).returncode == 0
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    TextStamp(writer, TextStampStyle(stamp_text="36.00 -> 99.00")).apply(0, 100, 100)
    changed = io.BytesIO()
    writer.write(changed)
    report = signing.verify_pdf(changed.getvalue())
    assert report.status == "modified"
    assert report.signatures[0].intact and not report.signatures[0].unmodified  # signed bytes fine, extra is not


def test_an_unsigned_pdf_fails_verification(release):
    result = run("verify", "--lang", "en", f"output/pdf/{SLUG}.pdf", cwd=release)
    assert result.returncode == 1
    assert result.stdout.strip() == f"✗ output/pdf/{SLUG}.pdf: not signed; indicator {SLUG}"
    missing = run("verify", "no-such.pdf", cwd=release)
    assert missing.returncode == 1 and missing.stdout.startswith("✗ no-such.pdf: อ่านไฟล์ไม่ได้")
    assert_no_traceback(missing)


def test_trust_anchors_decide_trusted_or_not(release, pki):
    assert sign(release, pki).returncode == 0
    other = run("verify", "--trust", str(pki["other_ca_pem"]), f"output/pdf/{SLUG}.pdf", cwd=release)
    assert other.returncode == 1
    assert "ใบรับรองไม่ได้ออกโดยผู้ออกใบรับรองที่เชื่อถือ" in other.stdout
    ours = run("verify", "--format", "json", "--trust", str(pki["ca_pem"]), f"output/pdf/{SLUG}.pdf", cwd=release)
    assert ours.returncode == 0
    [entry] = json.loads(ours.stdout)
    assert entry["status"] == "trusted" and entry["ok"] and entry["indicator"] == SLUG and entry["pdfa"] == "3B"
    [signature] = entry["signatures"]
    assert signature["signer"] == SIGNER and signature["intact"] and signature["trusted"]
    assert dt.datetime.fromisoformat(signature["signed_at"]).tzinfo is not None
    assert signature["timestamp"] is None  # B-B: no timestamp asked for
    bad_trust = run("verify", "--trust", str(pki["key"]), f"output/pdf/{SLUG}.pdf", cwd=release)
    assert bad_trust.returncode == 2 and "ไม่ใช่ใบรับรอง" in bad_trust.stderr


# --- refusals: nothing signed, nothing written, no traceback ----------------------------------------------------


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted((root / "output").rglob("*.pdf"))}


def test_a_wrong_password_is_a_clear_error(release, pki):
    before = _snapshot(release)
    result = sign(release, pki, "--lang", "en", password="wrong")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"reportgen: cannot open the signing key {pki['key']}: wrong password (or none given); "
        "check the variable named by --password-env"
    )
    assert_no_traceback(result)
    assert _snapshot(release) == before


def test_missing_keys_and_passwords_are_clear_errors(release, pki):
    no_variable = run("sign", "--key-env", "NO_SUCH_VARIABLE_SET", "--lang", "en", cwd=release)
    assert no_variable.returncode == 2 and "the variable NO_SUCH_VARIABLE_SET is not set" in no_variable.stderr
    no_file = run("sign", "--key", "missing.p12", cwd=release)
    assert no_file.returncode == 2 and "อ่านไฟล์กุญแจลงนาม missing.p12 ไม่ได้" in no_file.stderr
    no_password = run("sign", "--key", str(pki["key"]), "--lang", "en", cwd=release)
    assert no_password.returncode == 2 and "wrong password (or none given)" in no_password.stderr
    unset_password = run("sign", "--key", str(pki["key"]), "--password-env", "UNSET_PASSWORD_VAR", cwd=release)
    assert unset_password.returncode == 2 and "UNSET_PASSWORD_VAR" in unset_password.stderr
    not_base64 = run("sign", "--key-env", "K", cwd=release, env={"K": "this is not base64!"})
    assert not_base64.returncode == 2 and "ไม่ใช่ base64" in not_base64.stderr
    garbage = release / "not-a-key.p12"
    garbage.write_bytes(b"-----BEGIN NONSENSE-----\n")
    not_pkcs12 = run("sign", "--key", str(garbage), "--lang", "en", cwd=release)
    assert not_pkcs12.returncode == 2 and "is not a readable PKCS#12 (.p12/.pfx) file" in not_pkcs12.stderr
    neither = run("sign", cwd=release)
    assert neither.returncode == 2 and "--key" in neither.stderr
    for result in (no_variable, no_file, no_password, unset_password, not_base64, not_pkcs12):
        assert_no_traceback(result)


def test_an_expired_certificate_is_refused(release, pki):
    before = _snapshot(release)
    result = sign(release, pki, "--lang", "en", key=pki["expired"])
    assert result.returncode == 2
    assert re.fullmatch(
        rf"reportgen: the certificate in {re.escape(str(pki['expired']))} expired on \d{{4}}-\d\d-\d\d; "
        r"get a new one before signing",
        result.stderr.strip(),
    )
    assert _snapshot(release) == before


def test_a_draft_is_refused_and_nothing_is_signed(draft, pki):
    before = _snapshot(draft)
    result = sign(draft, pki)
    assert result.returncode == 2
    assert "ไม่ใช่ไฟล์ฉบับเผยแพร่" in result.stderr and "reportgen build --release" in result.stderr
    assert _snapshot(draft) == before


def test_a_release_pdf_without_signoff_is_refused():
    facts = signing.PdfFacts(pdfa="3B", source={"code": "08", "fiscal_year": 2564}, title=None, signatures=0)
    with pytest.raises(signing.SigningError) as refused:
        signing.check_signable(facts, name="08.pdf")
    assert refused.value.text("en") == "08.pdf is a draft: its indicator has no signoff, so it cannot be signed"


def test_one_refused_file_stops_the_whole_run(release, draft, pki):
    """All or nothing: a draft among the files named leaves the release PDF unsigned too."""
    inside = release / "output" / "pdf" / "2564" / "draft.pdf"
    shutil.copyfile(draft / "output" / "pdf" / f"{SLUG}.pdf", inside)
    before = _snapshot(release)
    result = sign(release, pki, f"output/pdf/{SLUG}.pdf", "output/pdf/2564/draft.pdf")
    assert result.returncode == 2 and "output/pdf/2564/draft.pdf" in result.stderr
    assert _snapshot(release) == before


def test_files_outside_output_are_refused(release, pki, tmp_path):
    outside = tmp_path / "elsewhere.pdf"
    shutil.copyfile(release / "output" / "pdf" / f"{SLUG}.pdf", outside)
    result = sign(release, pki, "--lang", "en", str(outside))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("is outside output/; only the files reportgen built in output/ are signed")
    link = release / "output" / "pdf" / "link.pdf"
    link.symlink_to(outside)
    through_link = sign(release, pki, "output/pdf/link.pdf")
    assert through_link.returncode == 2 and "อยู่นอก output/" in through_link.stderr
    assert signing.verify_pdf(outside.read_bytes()).status == "unsigned"


def test_signing_never_writes_through_hard_links(release, pki):
    """A build may hard-link output/'s PDFs to its cache; signing gives them new files and leaves the cache alone."""
    assert run("build", "--release", cwd=release).returncode == 0
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    cached = {path: path.read_bytes() for path in (release / ".cache").rglob("*") if path.is_file()}
    assert pdf.stat().st_nlink > 1, "the build no longer links output/ to its cache: this test needs rethinking"
    assert sign(release, pki).returncode == 0
    assert {path: path.read_bytes() for path in cached} == cached
    assert pdf.stat().st_ino not in {path.stat().st_ino for path in cached}
    rebuilt = run("build", "--release", cwd=release)
    assert rebuilt.returncode == 0
    assert signing.verify_pdf(pdf.read_bytes()).status == "unsigned"  # a new build is unsigned again, signable


def test_signing_twice_needs_force_and_then_both_signatures_hold(release, pki):
    assert sign(release, pki).returncode == 0
    again = sign(release, pki, "--lang", "en")
    assert again.returncode == 2 and "is already signed; use --force" in again.stderr
    forced = sign(release, pki, "--force", f"output/html/{SLUG}.pdf")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"output/html/{SLUG}.pdf (+ output/pdf/{SLUG}.pdf)")
    report = signing.verify_pdf((release / "output" / "pdf" / f"{SLUG}.pdf").read_bytes())
    assert report.status == "intact"
    assert [s.field for s in report.signatures] == ["Signature1", "Signature2"]
    assert all(s.intact and s.unmodified for s in report.signatures)


# --- what the signature looks like and what it keeps ----------------------------------------------------------------


def _widget(reader: PdfReader, index: int = 0):
    return reader.trailer["/Root"]["/AcroForm"]["/Fields"][index].get_object()


def test_the_visible_signature_sits_in_the_signature_block_in_thai(release, pki, tmp_path):
    assert sign(release, pki).returncode == 0
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    reader = PdfReader(pdf)
    widget = _widget(reader)
    # The stamp's words are drawn as outlines (stamp.py); what they say is the field's name (tests/test_stamp.py).
    words = widget["/TU"].removeprefix(f"{signing.SIGNATURE_FIELD_NAME}: ")
    assert re.fullmatch(rf"ลงนามอิเล็กทรอนิกส์โดย {SIGNER} เมื่อ \d{{1,2}} \S+ 25\d\d เวลา \d\d:\d\d น\.", words), words

    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    page_index = [page.indirect_reference.idnum for page in reader.pages].index(widget.raw_get("/P").idnum)
    height = float(reader.pages[page_index].mediabox.height)
    words = _word_boxes(pdf, page_index + 1)
    sign_here = next(word for word in words if word[0] == "ลงชื่อ")
    assert abs(x1 - sign_here[1]) < 1  # aligned with the block's left edge
    assert 0 < y1 - (height - sign_here[2]) < 10  # right above the signature line, where a pen would sign
    assert (x2 - x1, y2 - y1) == pytest.approx((7 / 2.54 * 72, 2 / 2.54 * 72 - signing.STAMP_CLEARANCE))
    # Nothing of the form under the stamp, and no text in it for an extractor to read twice or garble.
    assert not [word for word in words if y1 < height - word[3] and height - word[2] < y2 and word[1] < x2]
    assert widget["/F"] & 4  # printed (PDF/A requires the print flag)

    image = tmp_path / "signature"
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(page_index + 1), "-l", str(page_index + 1), "-png",
                    "-singlefile", str(pdf), str(image)], check=True)  # fmt: skip
    assert image.with_suffix(".png").stat().st_size > 10_000  # looked at while writing this test: marks stack


def _word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(text, x left, y top, y bottom) of each word poppler finds on a page; y counted from the top."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, float(x), float(top), float(bottom)) for x, top, bottom, text in re.findall(pattern, html)]


def _without_destinations(pdf: bytes, *names: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    dests = writer.root_object["/Names"]["/Dests"]
    kept = list(dests["/Names"])
    for name in names:
        at = kept.index(name)
        del kept[at : at + 2]
    dests[NameObject("/Names")] = ArrayObject(kept)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_placement_falls_back_without_the_reserved_area_or_the_block(release):
    pdf = (release / "output" / "pdf" / f"{SLUG}.pdf").read_bytes()
    reserved = signing.signature_placement(pdf)
    assert reserved.anchor == "signature-stamp"
    block = signing.signature_placement(_without_destinations(pdf, "signature-stamp"))
    assert block.anchor == "signature" and block.page == reserved.page
    assert block.box[0] == pytest.approx(reserved.box[0]) and block.box[3] < reserved.box[1]  # under the block
    fallback = signing.signature_placement(_without_destinations(pdf, "signature-stamp", "signature"))
    assert fallback.anchor is None
    assert fallback.page == len(PdfReader(io.BytesIO(pdf)).pages) - 1
    x1, y1, x2, y2 = fallback.box
    assert x2 == pytest.approx(595.28 - 2 / 2.54 * 72, abs=0.5) and y1 == pytest.approx(2 / 2.54 * 72, abs=0.5)


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def _xmp_value(xmp: str, name: str) -> str | None:
    """A simple XMP property, written as an attribute or an element, or the x-default of a list."""
    found = re.search(rf'{name}="([^"]*)"', xmp) or re.search(
        rf"<{name}(?:\s[^>]*)?>(?:\s*<rdf:(?:Alt|Seq|Bag)>\s*<rdf:li[^>]*>)?([^<]*)<", xmp
    )
    return found.group(1) if found else None


def _pdf_date(text: str) -> dt.datetime:
    found = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'\d\d'?)?", text)
    zone = (found.group(2) or "Z").replace("'", "")
    return dt.datetime.strptime(found.group(1) + ("+0000" if zone == "Z" else zone), "%Y%m%d%H%M%S%z")


def _iso_date(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def pdfa_problems(path: Path) -> list[str]:
    """What can be checked of PDF/A-3b here without veraPDF (not installable from the registries we have)."""
    problems = []
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    if check.returncode != 0:
        problems.append("qpdf --check: " + check.stdout + check.stderr)
    reader = PdfReader(path)
    xmp = _xmp(reader)
    if (_xmp_value(xmp, "pdfaid:part"), _xmp_value(xmp, "pdfaid:conformance")) != ("3", "B"):
        problems.append("XMP does not claim PDF/A-3B")
    info = reader.trailer["/Info"].get_object()
    xmp_of = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
              "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer"}  # fmt: skip
    for key, prop in xmp_of.items():
        if key in info and str(info[key]) != _xmp_value(xmp, prop):
            problems.append(f"Info {key} {info[key]!r} differs from XMP {prop} {_xmp_value(xmp, prop)!r}")
    for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        if key in info and _pdf_date(str(info[key])) != _iso_date(_xmp_value(xmp, prop)):
            problems.append(f"Info {key} {info[key]} is not XMP {prop} {_xmp_value(xmp, prop)}")
    root = reader.trailer["/Root"]
    if "/ID" not in reader.trailer:
        problems.append("trailer without /ID")
    if "/OutputIntents" not in root:
        problems.append("no output intent")
    acroform = root.get("/AcroForm")
    if acroform is not None and acroform.get_object().get("/NeedAppearances"):
        problems.append("/NeedAppearances is set")
    for field in (acroform.get_object()["/Fields"] if acroform is not None else []):
        widget = field.get_object()
        if not widget["/F"] & 4 or widget["/F"] & (1 | 2 | 32):
            problems.append(f"widget {widget['/T']} flags {widget['/F']}")
        appearance = widget["/AP"]
        if set(appearance.keys()) != {"/N"}:
            problems.append(f"widget {widget['/T']} appearance has {sorted(appearance.keys())}")
        problems.extend(_xobject_problems(appearance["/N"].get_object(), str(widget["/T"])))
    return problems


def preflight_errors(pdf: Path) -> list[str]:
    """PDFBox preflight's findings beyond the PDF/A-1-only rules, as tests/render/test_pdf.py runs it on release PDFs."""
    return beyond_pdf_a3(preflight_findings(pdf))


def _xobject_problems(xobject, where: str) -> list[str]:
    problems = []
    if "/Group" in xobject or "/SMask" in xobject:
        problems.append(f"{where}: transparency group or soft mask")
    resources = xobject.get("/Resources", {})
    if "/ExtGState" in resources:
        problems.append(f"{where}: graphics state (possible transparency)")
    for name, font in resources.get("/Font", {}).items():
        font = font.get_object()
        fonts = [font] + [f.get_object() for f in font.get("/DescendantFonts", [])]
        if not any("/FontDescriptor" in f and {"/FontFile", "/FontFile2", "/FontFile3"} & set(f["/FontDescriptor"])
                   for f in fonts):  # fmt: skip
            problems.append(f"{where}: font {name} {font.get('/BaseFont')} is not embedded")
        if font.get("/Subtype") == "/Type0" and "/ToUnicode" not in font:
            problems.append(f"{where}: font {name} has no ToUnicode map")
    for name, child in resources.get("/XObject", {}).items():
        problems.extend(_xobject_problems(child.get_object(), f"{where}/{name}"))
    return problems


def test_signing_keeps_the_pdfa_3b_claim_and_its_rules(release, pki):
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    assert pdfa_problems(pdf) == []
    before = PdfReader(pdf)
    attachments_before = {name: data for name, data in before.attachments.items()}
    assert sign(release, pki).returncode == 0
    assert pdfa_problems(pdf) == []
    assert preflight_errors(pdf) == []
    after = PdfReader(pdf)
    assert {name: data for name, data in after.attachments.items()} == attachments_before  # YAML source kept
    # The stamp's words are drawn as outlines (stamp.py): no font to embed, no text operator.
    appearance = _widget(after)["/AP"]["/N"].get_object()
    assert "/Font" not in appearance.get("/Resources", {}) and b" Tj" not in appearance.get_data()
    value = _widget(after)["/V"].get_object()
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert value["/Reason"].startswith("รับรองแบบรายงาน") and value["/Location"] == "กรุงเทพมหานคร"


def streams_read_short(pdf: bytes) -> list[str]:
    """The streams, in every revision, whose data ends in a CR: with the LF written before ``endstream``, a reader
    takes the two for one end of line and reads the stream a byte shorter than its ``/Length`` (PDF/A 6.1.7)."""
    short = []
    position = 0
    while (found := re.compile(rb"(\d+) \d+ obj\s*<<").search(pdf, position)) is not None:
        start = pdf.find(b"stream", found.end())
        following = pdf.find(b" obj", found.end())
        if start < 0 or -1 < following < start:
            position = found.end()
            continue
        length = re.search(rb"/Length (\d+)\b(?!\s+\d+\s+R)", pdf[found.end():start])
        data = start + len(b"stream\r\n" if pdf.startswith(b"stream\r\n", start) else b"stream\n")
        if length is None:
            position = data
            continue
        end = data + int(length.group(1))
        if pdf[end - 1:end] == b"\r":
            short.append(f"object {int(found.group(1))}")
        position = end
    return short


def test_no_stream_of_a_signed_pdf_reads_short_even_when_compressed_data_ends_in_a_cr(release, pki, monkeypatch):
    """Compressed data ends in its content's checksum: a CR once in 256 signings, and a signed PDF failed PDF/A
    validation so. Here everything pyHanko compresses ends in a CR; what the signing revision holds must not."""
    from pyhanko.pdf_utils import filters

    monkeypatch.setattr(filters, "compress", lambda data, *level: zlib.compress(data, *level) + b"\r")
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    assert streams_read_short(pdf.read_bytes()) == []
    assert sign(release, pki).returncode == 0
    signed = pdf.read_bytes()
    assert streams_read_short(signed) == []
    assert streams_read_short(b"7 0 obj\n<< /Length 3 >>\nstream\nab\r\nendstream\nendobj\n") == ["object 7"]
    assert signing.verify_pdf(signed).signatures[0].intact


def test_signing_adds_under_35_kb_to_form_08(release, pki):
    """The stamp's outlines are compressed, each glyph's the same bytes wherever it is drawn (stamp.py): they were
    72 kB of the 92 kB signing added to the PDF of form 08; now 11 kB."""
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    unsigned = len(pdf.read_bytes())
    assert sign(release, pki).returncode == 0
    assert len(pdf.read_bytes()) - unsigned < 35_000
    appearance = _widget(PdfReader(pdf))["/AP"]["/N"].get_object()
    assert appearance["/Filter"] == "/FlateDecode"


# --- timestamps: a local RFC 3161 authority -------------------------------------------------------------------


def test_a_timestamped_signature_b_t(release, pki, timestamp_authority):
    url, requests = timestamp_authority
    result = sign(release, pki, "--timestamp-url", url)
    assert result.returncode == 0, result.stderr
    # pyHanko asks once for a dummy token to size the signature, then for the real one.
    assert requests and set(requests) == {"application/timestamp-query"}
    verified = run("verify", "--trust", str(pki["ca_pem"]), "--format", "json", f"output/pdf/{SLUG}.pdf", cwd=release)
    assert verified.returncode == 0, verified.stdout
    [signature] = json.loads(verified.stdout)[0]["signatures"]
    assert signature["timestamp_intact"] and signature["timestamp_trusted"]
    stamped = dt.datetime.fromisoformat(signature["timestamp"])
    assert abs(stamped - dt.datetime.fromisoformat(signature["signed_at"])) < dt.timedelta(minutes=5)
    text = run("verify", f"output/pdf/{SLUG}.pdf", cwd=release)
    assert " ตราเวลา " in text.stdout


def test_an_unreachable_timestamp_authority_signs_nothing(release, pki):
    before = _snapshot(release)
    result = sign(release, pki, "--lang", "en", "--timestamp-url", "http://127.0.0.1:9/tsa")
    assert result.returncode == 2
    assert "the timestamp request to http://127.0.0.1:9/tsa failed" in result.stderr
    assert_no_traceback(result)
    assert _snapshot(release) == before


# --- units ------------------------------------------------------------------------------------------------------


def test_thai_signing_time_is_bangkok_time_in_the_buddhist_era():
    moment = dt.datetime(2021, 10, 19, 20, 5, tzinfo=dt.UTC)
    assert signing.thai_signing_time(moment) == "20 ตุลาคม 2564 เวลา 03:05 น."
    assert signing.thai_signing_time(moment, "thai") == "๒๐ ตุลาคม ๒๕๖๔ เวลา ๐๓:๐๕ น."


def test_pdf_facts_of_release_and_draft(built):
    release = signing.pdf_facts((built["release"] / "output" / "pdf" / f"{SLUG}.pdf").read_bytes())
    assert (release.pdfa, release.signed_off, release.indicator, release.signatures) == ("3B", True, SLUG, 0)
    draft = signing.pdf_facts((built["draft"] / "output" / "pdf" / f"{SLUG}.pdf").read_bytes())
    assert draft.source is None and not draft.signed_off
    assert squeeze(draft.indicator or "").startswith("ตัวชี้วัด08")


def test_the_signature_field_is_in_the_structure_tree_and_has_a_name(release, pki):
    """PDF/UA: a form field is announced by name (/TU) and reached through the structure tree (a /Form element
    with an object reference to the widget, and the widget's /StructParent in the parent tree)."""
    pdf = release / "output" / "pdf" / f"{SLUG}.pdf"
    before = PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    assert "/Form" not in [kid.get_object()["/S"] for kid in before["/K"]]
    assert sign(release, pki).returncode == 0
    reader = PdfReader(pdf)
    widget = _widget(reader)
    assert widget["/TU"].startswith(f"{signing.SIGNATURE_FIELD_NAME}: ลงนามอิเล็กทรอนิกส์โดย ")  # and the stamp's words
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    document = tree["/K"][0].get_object()
    [form] = [kid.get_object() for kid in document["/K"] if kid.get_object()["/S"] == "/Form"]
    [objr] = [kid.get_object() for kid in form["/K"]]
    assert objr["/Type"] == "/OBJR" and objr.raw_get("/Obj").idnum == reader.trailer["/Root"]["/AcroForm"][
        "/Fields"][0].idnum
    numbers = tree["/ParentTree"]["/Nums"]
    parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    assert parents[int(widget["/StructParent"])].get_object() == form and form["/Alt"] == widget["/TU"]
    assert int(tree["/ParentTreeNextKey"]) > int(widget["/StructParent"])
    page = widget["/P"].get_object()
    assert page["/Tabs"] == "/S"
    verified = signing.verify_pdf(pdf.read_bytes()).signatures[0]
    assert verified.intact and verified.unmodified
