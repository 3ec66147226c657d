"""The signing tests' helpers: a throw-away PKI made with ``cryptography`` (in tmp folders, never committed), a
signed-off project, and ``reportgen sign`` with a key and its password.

Imported by test modules (``from pki import Pki``); the expensive fixtures made with them (the PKI of the session,
release projects built and signed once) are in ``session_fixtures.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from projects import indicator_data, run_reportgen, write_project

SIGNER = "นางสาวพิมพ์ใจ ศรีสุข"
PASSWORD = "ทดสอบ correct horse"  # non-ASCII on purpose: passwords are UTF-8
SLUG = "2564/08"


def subject(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "กรุงเทพมหานคร"),
        ]
    )


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not signing, crl_sign=not signing, encipher_only=False,
        decipher_only=False,
    )  # fmt: skip


class Pki:
    """A CA, and certificates it issues, valid from yesterday unless asked otherwise."""

    def __init__(self, common_name: str = "Test Root CA", *, key=None, cert: x509.Certificate | None = None):
        if key is not None and cert is not None:  # a CA made earlier (``load``)
            self.key, self.cert = key, cert
            return
        now = dt.datetime.now(dt.UTC)
        self.key = _key()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject(common_name))
            .issuer_name(subject(common_name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(signing=False), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def save(self, folder: Path) -> None:
        """The CA's key and certificate as PEM files in ``folder``, for ``load`` (another test process)."""
        key = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (folder / "ca-key.pem").write_bytes(key)
        (folder / "ca.pem").write_bytes(self.pem())

    @classmethod
    def load(cls, folder: Path) -> Pki:
        key = serialization.load_pem_private_key((folder / "ca-key.pem").read_bytes(), password=None)
        return cls(key=key, cert=x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes()))

    def issue(self, common_name: str, *, valid_days: tuple[int, int] = (-1, 30), tsa: bool = False):
        now = dt.datetime.now(dt.UTC)
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject(common_name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=valid_days[0]))
            .not_valid_after(now + dt.timedelta(days=valid_days[1]))
            .add_extension(_usage(signing=True), critical=True)
        )
        if tsa:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        return key, builder.sign(self.key, hashes.SHA256())

    def pkcs12(self, common_name: str, password: str = PASSWORD, **kwargs) -> bytes:
        key, cert = self.issue(common_name, **kwargs)
        encryption = serialization.BestAvailableEncryption(password.encode("utf-8"))
        return pkcs12.serialize_key_and_certificates(b"signer", key, cert, [self.cert], encryption)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def signed_off_project(root: Path) -> Path:
    """A project whose indicator 2564/08 was signed off through ``reportgen signoff``."""
    write_project(root, {f"indicators/{SLUG}.yaml": indicator_data(signoff=None)})
    done = run_reportgen("signoff", f"content/indicators/{SLUG}.yaml", "--name", SIGNER, "--position",
                         "ผู้อำนวยการกองห้องสมุด", "--date", "2021-10-20", cwd=root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root


def sign(root: Path, pki: dict, *extra: str, password: str = PASSWORD, key: Path | None = None
         ) -> subprocess.CompletedProcess:  # fmt: skip
    """``reportgen sign`` in ``root`` with the session's signing key (or ``key``), its password in a variable."""
    return run_reportgen("sign", "--key", str(key or pki["key"]), "--password-env", "TEST_SIGNING_PASSWORD", *extra,
                         cwd=root, env={"TEST_SIGNING_PASSWORD": password})  # fmt: skip


def co_signed(pdf: bytes, signer, *, visible: bool) -> bytes:
    """``pdf`` with a second signature by ``signer`` (pyHanko) appended, on page 1 or invisible."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    box = (100, 500, 300, 540) if visible else None
    spec = fields.SigFieldSpec("Cosign", on_page=0, box=box)
    meta = signers.PdfSignatureMetadata(field_name="Cosign", subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signers.PdfSigner(meta, signer, new_field_spec=spec).sign_pdf(writer, output=out)
    return out.getvalue()
