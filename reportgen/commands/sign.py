"""``reportgen sign``: release PDFs in output/ + a PKCS#12 key → the same PDFs with a PAdES signature, all or none.

The key comes from a file (``--key``) or from an environment variable holding its base64 (``--key-env``, how CI
secrets are passed); its password only ever from an environment variable (``--password-env``), never from the
command line, where other users and the shell history would see it. Neither is ever written anywhere.

Every PDF is checked and signed in memory first (``reportgen.signing``); a single refusal (a draft, a file already
signed, a file outside output/) or a key problem stops the command before anything is written. The signed files
then replace the old ones through ``OutputWriter`` (a copy of output/ by hard links, the signed files written into
it, one atomic swap), so output/ is either all unsigned or all signed, never half. The site's copy of a form,
``output/html/<year>/<code>.pdf``, gets the same signed bytes as ``output/pdf/<year>/<code>.pdf``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen import layout, wording
from reportgen.commands import Line, Outcome
from reportgen.content.project import load_file
from reportgen.model import SiteSettings
from reportgen.publish.writer import OutputWriter
from reportgen.signing import SigningError, SigningKey, load_signing_key, sign_release_pdf
from reportgen.terminal import one_line

logger = logging.getLogger(__name__)

#: The form's font, used for the visible signature too.
STAMP_FONT = PurePosixPath("fonts/Sarabun-Regular.ttf")
#: Folders of output/ that hold the same PDFs: a form signed in one gets the same bytes in the other.
MIRRORED_FOLDERS = (layout.PDF_DIR, layout.HTML_DIR)


@dataclass(frozen=True)
class SignedFile:
    path: str  # relative to output/, e.g. "pdf/2564/08.pdf"
    copies: tuple[str, ...]  # the other files given the same signed bytes, e.g. ("html/2564/08.pdf",)


@dataclass(frozen=True)
class SignReport:
    output_dir: Path
    signer: str
    files: tuple[SignedFile, ...]
    timestamped: bool


def sign(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    key_path: Path | None = None,
    key_env: str | None = None,
    password_env: str | None = None,
    timestamp_url: str | None = None,
    force: bool = False,
    timestamper: Any = None,
) -> SignReport:
    """Sign ``paths`` (default: every ``output/pdf/**/*.pdf``) in place, atomically. ``SigningError`` if refused."""
    root = Path(root).resolve()
    output_dir = layout.output_dir(root)
    key = _load_key(key_path, key_env, password_env)
    font = root / STAMP_FONT
    if not font.is_file():
        raise SigningError("sign_font_missing", font=STAMP_FONT)
    targets = _targets(output_dir, paths)
    digits = _site_digits(root)
    signed: dict[str, bytes] = {}
    for rel in targets:
        pdf = (output_dir / rel).read_bytes()
        signed[rel] = sign_release_pdf(
            pdf,
            key,
            font=font,
            timestamp_url=timestamp_url,
            timestamper=timestamper,
            digits=digits,
            force=force,
            name=f"output/{rel}",
        )
        logger.info(wording.message("log_signed", path=f"output/{rel}"))
    files = []
    with OutputWriter(output_dir, keep_existing=True) as out:
        for rel, data in signed.items():
            copies = tuple(copy for copy in _mirrors(rel) if (output_dir / copy).is_file())
            for target in (rel, *copies):
                out.write_bytes(target, data)
            files.append(SignedFile(rel, copies))
        out.commit()
    return SignReport(output_dir, key.common_name, tuple(files), bool(timestamp_url or timestamper))


def _load_key(key_path: Path | None, key_env: str | None, password_env: str | None) -> SigningKey:
    if (key_path is None) == (key_env is None):
        raise SigningError("sign_key_one_way")
    if key_path is not None:
        source = str(key_path)
        try:
            data = Path(key_path).read_bytes()
        except OSError as error:
            raise SigningError("sign_key_unreadable", path=key_path, reason=error.strerror) from None
    else:
        source = f"${key_env}"
        encoded = os.environ.get(key_env or "")
        if not encoded:
            raise SigningError("sign_key_env_unset", variable=key_env)
        try:
            data = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise SigningError("sign_key_env_not_base64", variable=key_env) from None
    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise SigningError("sign_password_env_unset", variable=password_env)
    return load_signing_key(data, password, source=source)


def _targets(output_dir: Path, paths: Sequence[Path] | None) -> list[str]:
    """The PDFs to sign, relative to output/ (POSIX), once each: a form named by both its copies is signed once."""
    if not paths:
        found = sorted(output_dir.glob(f"{layout.PDF_DIR}/**/*.pdf"))
        if not found:
            raise SigningError("sign_no_pdf")
        paths = found
    targets: list[str] = []
    for path in paths:
        absolute = Path(path).absolute()
        resolved = absolute.resolve()
        if not resolved.is_relative_to(output_dir) or absolute.is_symlink():
            raise SigningError("sign_outside_output", path=path)
        if not resolved.is_file() or resolved.suffix.lower() != ".pdf":
            raise SigningError("sign_not_pdf", path=path)
        rel = resolved.relative_to(output_dir).as_posix()
        if rel not in targets and not any(rel in _mirrors(other) for other in targets):
            targets.append(rel)
    return targets


def _mirrors(rel: str) -> list[str]:
    """``pdf/2564/08.pdf`` → ``["html/2564/08.pdf"]`` and back."""
    first, _, rest = rel.partition("/")
    if first not in MIRRORED_FOLDERS or not rest:
        return []
    return [f"{folder}/{rest}" for folder in MIRRORED_FOLDERS if folder != first]


def _site_digits(root: Path) -> str:
    """The site's digit setting, so the signature's date uses the digits the form prints (default Arabic). Read by
    the loader every command uses; a site.yaml that does not load gives the default (the build refused it anyway)."""
    site = load_file(layout.site_file(root), root, SiteSettings).model
    return site.digits if isinstance(site, SiteSettings) else "arabic"


def run(
    root: Path, paths: Sequence[Path] = (), *, key_path: Path | None = None, key_env: str | None = None,
    password_env: str | None = None, timestamp_url: str | None = None, force: bool = False, lang: str = "th",
) -> Outcome:
    """``reportgen sign``: one line per file signed, with the copies given the same bytes, and the signer."""
    report = sign(
        root, paths or None, key_path=key_path, key_env=key_env, password_env=password_env,
        timestamp_url=timestamp_url, force=force,
    )  # fmt: skip
    lines = []
    for file in report.files:
        also = "".join(f" (+ output/{one_line(copy)})" for copy in file.copies)
        lines.append(Line(wording.message("sign_done", lang, path=f"output/{one_line(file.path)}{also}",
                                          signer=one_line(report.signer))))  # fmt: skip
    return Outcome(tuple(lines))
