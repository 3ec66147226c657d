"""``reportgen verify``: PDF files → one verdict per file (intact? who signed, when, trusted?), as text or JSON.

Anyone can verify, anywhere: the files may be outside the project and nothing is written. A folder stands for every
``*.pdf`` under it, so CI can pass ``output/pdf`` without relying on the shell's ``**``. The verdicts come from
``reportgen.signing.verify_pdf``; this module reads the files and lays the verdicts out in Thai or English.
The CLI exits 0 only when every file passes (``PASSING``: intact and unmodified, and trusted when ``--trust``
anchors were given).

Every file given gets a verdict, whatever the others are: a file that cannot be opened, is not a regular file (a
folder named ``x.pdf``, a pipe, a device), is larger than any form (``MAX_PDF_BYTES``) or is no PDF is
``unreadable``, and the next file is checked all the same.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen import wording
from reportgen.commands import EXIT_CONTENT, EXIT_OK, Line, Outcome
from reportgen.revisions import Change
from reportgen.signing import SignatureReport, VerifyReport, load_trust_roots, verify_pdf
from reportgen.terminal import one_line
from reportgen.thai import BANGKOK, thai_date
from reportgen.wording import Localized

logger = logging.getLogger(__name__)

FORMATS = ("text", "json")

#: The largest file ``verify`` reads: a signed form is a few hundred kilobytes, a year's book a few megabytes.
MAX_PDF_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileVerdict:
    path: str  # as given (or found under a given folder)
    report: VerifyReport

    @property
    def ok(self) -> bool:
        return self.report.ok


def verify(paths: Sequence[Path], *, trust: Sequence[Path] = ()) -> list[FileVerdict]:
    """The verdict for each PDF in ``paths`` (folders: every PDF under them). ``SigningError`` for a bad --trust."""
    roots = load_trust_roots(trust)
    return [FileVerdict(str(path), _verify_file(path, roots)) for path in _expand(paths)]


def _verify_file(path: Path, roots: Sequence[Any]) -> VerifyReport:
    try:
        data = _read_pdf(path)
    except OSError as error:
        reason = Change("verify_cannot_open", {"reason": error.strerror or type(error).__name__})
        return VerifyReport("unreadable", reason=reason)
    if isinstance(data, Change):
        return VerifyReport("unreadable", reason=data)
    try:
        return verify_pdf(data, roots)
    except Exception:  # verify_pdf answers every file; should it not, the other files still count
        logger.debug("verifying %s failed", path, exc_info=True)
        return VerifyReport("unreadable", reason=Change("verify_damaged"))


def _read_pdf(path: Path) -> bytes | Change:
    """A regular file's bytes, or why ``verify`` does not read it. Opened without blocking (a pipe named
    ``x.pdf`` would otherwise wait for a writer for ever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Change("verify_not_a_file")
        if info.st_size > MAX_PDF_BYTES:
            return Change("verify_too_large", {"size": _megabytes(info.st_size), "limit": _megabytes(MAX_PDF_BYTES)})
        data = file.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:  # it grew while being read
        return Change("verify_too_large", {"size": _megabytes(len(data)), "limit": _megabytes(MAX_PDF_BYTES)})
    return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(_pdfs_under(path))
        else:
            files.append(path)
    return files


def _pdfs_under(folder: Path) -> list[Path]:
    """Every ``*.pdf`` file under ``folder``, in order, never following a symbolic link to a folder (which could
    lead back up, for ever)."""
    found: list[Path] = []
    for directory, folders, names in os.walk(folder):
        folders.sort()
        found.extend(Path(directory, name) for name in names if name.lower().endswith(".pdf"))
    return sorted(path for path in found if path.is_file())


# --- Layout ------------------------------------------------------------------------------------------------------

_MARK = {"trusted": "✓", "intact": "✓"}


def format_verdicts(verdicts: Sequence[FileVerdict], *, fmt: str = "text", lang: str = "th") -> str:
    """``reportgen verify``'s output: one line per file (text), or a JSON array."""
    if fmt == "json":
        return json.dumps([_as_json(verdict, lang) for verdict in verdicts], ensure_ascii=False, indent=2)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return "\n".join(format_line(verdict, lang) for verdict in verdicts)


#: How each of ``signing.STATUSES`` reads at the start of a file's line.
_STATUS_WORDS = {
    "trusted": "verify_status_trusted",
    "intact": "verify_status_intact",
    "untrusted": "verify_status_untrusted",
    "modified": "verify_status_modified",
    "unsigned": "verify_status_unsigned",
    "unreadable": "verify_status_unreadable",
}


def format_line(verdict: FileVerdict, lang: str = "th") -> str:
    """``✓ output/pdf/2564/08.pdf: signature intact, …; signed by …; indicator 2564/08``."""
    lang = wording.normalize(lang)
    report = verdict.report
    parts = [wording.label(_STATUS_WORDS[report.status], lang)]
    parts.extend(_describe(signature, lang) for signature in report.signatures)
    if report.reason is not None:
        parts.append(one_line(wording.render(report.reason.code, report.reason.params, lang)[0]))
    if report.indicator:
        parts.append(wording.message("verify_indicator", lang, indicator=one_line(report.indicator)))
    # Names, paths and details come from the file and its certificates: one field each, never a line of their own.
    return f"{_MARK.get(report.status, '✗')} {one_line(verdict.path)}: " + "; ".join(parts)


def _describe(signature: SignatureReport, lang: str) -> str:
    who = one_line(signature.signer or "?")
    if signature.organization:
        who += f" ({one_line(signature.organization)})"
    text = wording.message("verify_signed_by", lang, who=who)
    if signature.signed_at:
        text += wording.message("verify_signed_at", lang, when=_when(signature.signed_at, lang))
    if signature.timestamp:
        text += wording.message("verify_timestamp", lang, when=_when(signature.timestamp, lang))
        if signature.timestamp_intact is False:
            text += wording.label("verify_timestamp_broken", lang)
        elif signature.timestamp_trusted is False:
            text += wording.label("verify_timestamp_untrusted", lang)
    for reason in _reasons(signature, lang):
        text += f" [{reason}]"
    return text


def _reasons(signature: SignatureReport, lang: str) -> list[str]:
    """Why a signature does not pass: each change a reader could see, then why its issuer is not trusted."""
    found = [change for change in signature.changes]
    if signature.untrusted_reason is not None:
        found.append(signature.untrusted_reason)
    return [one_line(wording.render(change.code, change.params, lang)[0]) for change in found]


def _when(moment: dt.datetime, lang: str) -> str:
    local = moment.astimezone(BANGKOK)
    return wording.message("verify_when", lang, date=Localized(thai_date(local.date()), local.date().isoformat()),
                           time=f"{local:%H:%M:%S}")


def _as_json(verdict: FileVerdict, lang: str) -> dict[str, object]:
    report = verdict.report
    return {
        "file": verdict.path,
        "ok": verdict.ok,
        "status": report.status,
        "indicator": report.indicator,
        "pdfa": report.pdfa,
        "reason": wording.render(report.reason.code, report.reason.params, lang)[0] if report.reason else None,
        "message": format_line(verdict, lang),
        "signatures": [
            {
                "field": signature.field,
                "intact": signature.intact,
                "unmodified": signature.unmodified,
                "trusted": signature.trusted,
                "signer": signature.signer,
                "organization": signature.organization,
                "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
                "timestamp": signature.timestamp.isoformat() if signature.timestamp else None,
                "timestamp_intact": signature.timestamp_intact,
                "timestamp_trusted": signature.timestamp_trusted,
                "reasons": _reasons(signature, lang),
            }
            for signature in report.signatures
        ],
    }


def run(paths: Sequence[Path], *, trust: Sequence[Path] = (), fmt: str = "text", lang: str = "th") -> Outcome:
    """``reportgen verify``: a line per file (or JSON); exit 1 unless every file is signed and intact."""
    verdicts = verify(paths, trust=trust)
    ok = bool(verdicts) and all(verdict.ok for verdict in verdicts)
    return Outcome((Line(format_verdicts(verdicts, fmt=fmt, lang=lang)),), EXIT_OK if ok else EXIT_CONTENT)
