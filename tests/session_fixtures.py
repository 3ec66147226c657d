"""The expensive fixtures, made once a test session: built projects, the throw-away PKI, release PDFs built and
signed, the timestamp authority.

A pytest plugin (``conftest.py`` registers it with ``pytest_plugins``): test modules ask for these fixtures by name
and never import them. Under pytest-xdist each thing is made once for the whole run, by the first worker that needs
it, in the run's shared temporary folder (``projects.shared_folder``); the other workers wait for it and use the same
files.
What a session fixture returns is read, never changed: a test that changes files works on a copy (``release``,
``draft``, ``signed_release``).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pki import SIGNER, SLUG, Pki, sign, signed_off_project
from projects import REPO_ROOT, build_site, indicator_data, run_reportgen, shared_folder, write_project

# --- built projects ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The real content/ built once by `reportgen build`; returns the project root (outputs under output/)."""

    def make(root: Path) -> None:
        write_project(root, {})
        shutil.copytree(REPO_ROOT / "content", root / "content", dirs_exist_ok=True)
        run_reportgen("build", cwd=root, check=True)

    return shared_folder(tmp_path_factory, "real-project", make)


@pytest.fixture(scope="session")
def multi_year_html(tmp_path_factory) -> Path:
    """The site (output/html) of the multi-year project (``projects.multi_year_files``), built once."""
    return shared_folder(tmp_path_factory, "multi-year", build_site) / "output" / "html"


# --- signing: a throw-away PKI, release projects built and signed once --------------------------------------------


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> dict:
    """The session's CA (``ca``), a signing key it issued (``key``, PKCS#12 with ``pki.PASSWORD``), an expired one
    (``expired``), its certificate (``ca_pem``) and another CA's (``other_ca_pem``)."""

    def make(folder: Path) -> None:
        ca = Pki()
        ca.save(folder)
        (folder / "signer.p12").write_bytes(ca.pkcs12(SIGNER))
        (folder / "expired.p12").write_bytes(ca.pkcs12("หมดอายุ แล้ว", valid_days=(-60, -1)))
        (folder / "other-ca.pem").write_bytes(Pki("Someone Else's CA").pem())

    folder = shared_folder(tmp_path_factory, "pki", make)
    return {
        "ca": Pki.load(folder),
        "key": folder / "signer.p12",
        "expired": folder / "expired.p12",
        "ca_pem": folder / "ca.pem",
        "other_ca_pem": folder / "other-ca.pem",
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Two projects built once: ``release`` (signed off, ``build --release``) and ``draft`` (plain ``build``)."""

    def make_release(folder: Path) -> None:
        release = signed_off_project(folder / "project")
        done = run_reportgen("build", "--release", cwd=release)
        assert done.returncode == 0, done.stderr

    def make_draft(folder: Path) -> None:
        draft = write_project(folder / "project", {f"indicators/{SLUG}.yaml": indicator_data()})
        done = run_reportgen("build", cwd=draft)
        assert done.returncode == 0, done.stderr

    return {
        "release": shared_folder(tmp_path_factory, "release", make_release) / "project",
        "draft": shared_folder(tmp_path_factory, "draft", make_draft) / "project",
    }


@pytest.fixture
def release(built, tmp_path) -> Path:
    """A fresh copy of the release project (each test may sign its output/)."""
    return Path(shutil.copytree(built["release"], tmp_path / "release", symlinks=True))


@pytest.fixture
def draft(built, tmp_path) -> Path:
    return Path(shutil.copytree(built["draft"], tmp_path / "draft", symlinks=True))


@pytest.fixture(scope="session")
def signed_release_project(built, pki, tmp_path_factory) -> Path:
    """The release project, its PDFs signed once by ``reportgen sign`` with the session's key."""

    def make(folder: Path) -> None:
        root = Path(shutil.copytree(built["release"], folder / "project", symlinks=True))
        done = sign(root, pki)
        assert done.returncode == 0, done.stderr

    return shared_folder(tmp_path_factory, "signed", make) / "project"


@pytest.fixture(scope="session")
def signed(signed_release_project) -> bytes:
    """The signed release PDF's bytes."""
    return (signed_release_project / "output" / "pdf" / f"{SLUG}.pdf").read_bytes()


@pytest.fixture
def signed_release(signed_release_project, tmp_path) -> Path:
    """A fresh copy of the signed release project (each test may sign it again)."""
    return Path(shutil.copytree(signed_release_project, tmp_path / "signed", symlinks=True))


@pytest.fixture
def timestamp_authority(pki) -> Iterator[tuple[str, list[str]]]:
    """An RFC 3161 TSA on 127.0.0.1 (a free port), signing with a certificate of the test CA (pyHanko's
    DummyTimeStamper); yields its URL and the content types of the requests it answered."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import DummyTimeStamper

    ca: Pki = pki["ca"]
    key, cert = ca.issue("Test TSA", tsa=True)

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    stamper = DummyTimeStamper(
        tsa_cert=der(cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())  # fmt: skip
        ),
        certs_to_embed=[der(ca.cert)],
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers["Content-Type"])
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa", requests
    server.shutdown()
    server.server_close()
