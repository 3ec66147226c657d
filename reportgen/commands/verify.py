"""``reportgen verify``: PDF files → one verdict per file (intact? who signed, when, trusted?), as text or JSON.

Anyone can verify, anywhere: the files may be outside the project and nothing is written. A folder stands for every
``*.pdf`` under it, so CI can pass ``output/pdf`` without relying on the shell's ``**``. The verdicts come from
``reportgen.signing.verify_pdf``; this module reads the files and lays the verdicts out in Thai or English.
The CLI exits 0 only when every file passes (``PASSING``: intact and unmodified, and trusted when ``--trust``
anchors were given).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import render_message
from reportgen.signing import SignatureReport, VerifyReport, load_trust_roots, verify_pdf
from reportgen.terminal import one_line
from reportgen.thai import BANGKOK, thai_date

FORMATS = ("text", "json")


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
    verdicts = []
    for path in _expand(paths):
        try:
            data = path.read_bytes()
        except OSError as error:
            verdicts.append(FileVerdict(str(path), VerifyReport("unreadable", detail=error.strerror)))
            continue
        verdicts.append(FileVerdict(str(path), verify_pdf(data, roots)))
    return verdicts


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = (item for item in path.rglob("*") if item.suffix.lower() == ".pdf" and item.is_file())
            files.extend(sorted(found))
        else:
            files.append(path)
    return files


# --- Layout ------------------------------------------------------------------------------------------------------

_VERDICT = {
    "th": {
        "trusted": "ลายมือชื่อถูกต้อง ไม่ถูกแก้ไข และออกโดยผู้ออกใบรับรองที่เชื่อถือ",
        "intact": (
            "ลายมือชื่อถูกต้อง ไม่ถูกแก้ไข (ยังไม่ได้ตรวจผู้ออกใบรับรอง: ไม่ทราบ/ไม่เชื่อถือ ใช้ --trust CA.pem เพื่อตรวจ)"
        ),
        "untrusted": "ลายมือชื่อไม่ถูกแก้ไข แต่ใบรับรองไม่ได้ออกโดยผู้ออกใบรับรองที่เชื่อถือ",
        "modified": "ไฟล์ถูกแก้ไขหลังลงนาม ลายมือชื่อใช้ไม่ได้",
        "unsigned": "ไม่มีลายมือชื่ออิเล็กทรอนิกส์",
        "unreadable": "อ่านไฟล์ไม่ได้",
    },
    "en": {
        "trusted": "signature intact, not modified, trusted issuer",
        "intact": "signature intact, not modified (issuer not checked: untrusted/unknown; give --trust CA.pem)",
        "untrusted": "signature intact, not modified, but the issuer is not trusted",
        "modified": "MODIFIED after signing: the signature does not hold",
        "unsigned": "not signed",
        "unreadable": "cannot read the file",
    },
}
_MARK = {"trusted": "✓", "intact": "✓"}


def format_verdicts(verdicts: Sequence[FileVerdict], *, fmt: str = "text", lang: str = "th") -> str:
    """``reportgen verify``'s output: one line per file (text), or a JSON array."""
    if fmt == "json":
        return json.dumps([_as_json(verdict, lang) for verdict in verdicts], ensure_ascii=False, indent=2)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return "\n".join(format_line(verdict, lang) for verdict in verdicts)


def format_line(verdict: FileVerdict, lang: str = "th") -> str:
    """``✓ output/pdf/2564/08.pdf: signature intact, …; signed by …; indicator 2564/08``."""
    lang = "en" if lang == "en" else "th"
    report = verdict.report
    parts = [_VERDICT[lang][report.status]]
    parts.extend(_describe(signature, lang) for signature in report.signatures)
    if report.detail:
        parts.append(one_line(report.detail))
    if report.indicator:
        parts.append(("indicator " if lang == "en" else "ตัวชี้วัด ") + one_line(report.indicator))
    # Names, paths and details come from the file and its certificates: one field each, never a line of their own.
    return f"{_MARK.get(report.status, '✗')} {one_line(verdict.path)}: " + "; ".join(parts)


#: The words of one signature's description, by language; the sentence is built the same way in both.
_SIGNATURE_WORDS = {
    "en": {"signed": "signed by {who}", "at": " at {when}", "timestamp": ", timestamp {when}",
           "broken": " (BROKEN)", "untrusted": " (untrusted TSA)"},
    "th": {"signed": "ลงนามโดย {who}", "at": " เมื่อ {when}", "timestamp": " ตราเวลา {when}",
           "broken": " (ตราเวลาเสีย)", "untrusted": " (ผู้ให้บริการตราเวลาไม่น่าเชื่อถือ)"},
}  # fmt: skip


def _describe(signature: SignatureReport, lang: str) -> str:
    words = _SIGNATURE_WORDS["en" if lang == "en" else "th"]
    who = one_line(signature.signer or "?")
    if signature.organization:
        who += f" ({one_line(signature.organization)})"
    text = words["signed"].format(who=who)
    if signature.signed_at:
        text += words["at"].format(when=_when(signature.signed_at, lang))
    if signature.timestamp:
        text += words["timestamp"].format(when=_when(signature.timestamp, lang))
        if signature.timestamp_intact is False:
            text += words["broken"]
        elif signature.timestamp_trusted is False:
            text += words["untrusted"]
    if signature.problem:
        text += f" [{one_line(signature.problem)}]"
    for reason in _reasons(signature, lang):
        text += f" [{reason}]"
    return text


def _reasons(signature: SignatureReport, lang: str) -> list[str]:
    """Why a signature does not pass: each change a reader could see, then why its issuer is not trusted."""
    found = [change for change in signature.changes]
    if signature.untrusted_reason is not None:
        found.append(signature.untrusted_reason)
    return [one_line(render_message(change.code, change.params, lang)[0]) for change in found]


def _when(moment: dt.datetime, lang: str) -> str:
    local = moment.astimezone(BANGKOK)
    if lang == "en":
        return local.strftime("%Y-%m-%d %H:%M:%S +07:00")
    return f"{thai_date(local.date())} เวลา {local:%H:%M:%S} น."


def _as_json(verdict: FileVerdict, lang: str) -> dict:
    report = verdict.report
    return {
        "file": verdict.path,
        "ok": verdict.ok,
        "status": report.status,
        "indicator": report.indicator,
        "pdfa": report.pdfa,
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
                "problem": signature.problem,
                "reasons": _reasons(signature, lang),
            }
            for signature in report.signatures
        ],
    }
