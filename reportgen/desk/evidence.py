"""An uploaded evidence file → ``content/evidence/<year>/<safe name>``, checked, never over another file.

- **Safe names**: the name a person gave, in Unicode normal form C (never NFKC: it would change Thai), with Thai and
  Latin letters, digits, ``-``, ``_`` and ``.`` kept, any other run of characters (spaces, slashes, quotes, control
  characters) made one ``-``; no leading dot, at most ``MAX_NAME_CHARS`` characters; a name already taken gets
  ``-2``, ``-3`` … So ``รายงาน สถิติ ต.ค.?.pdf`` is ``รายงาน-สถิติ-ต.ค.pdf``: still readable in the form's section 9.
- **Kinds**: PDF, PNG, JPEG, Word and Excel (OOXML), CSV and plain text; the bytes must be what the extension says
  (a ``.pdf`` starts ``%PDF-``, an ``.xlsx`` is a zip with ``[Content_Types].xml``, a ``.csv`` is UTF-8 text), so a
  renamed program is refused.
- **Size**: at most ``MAX_EVIDENCE_BYTES``; the desk refuses a larger request before reading it.

The file is saved as forms are (``authoring.repository.save``: the one content writer, whole or not at all, never
outside content/, never over a file that exists), committed with the person as author and pushed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen.desk import saving
from reportgen.desk.identity import Person
from reportgen.errors import UsageError
from reportgen.layout import CONTENT_DIR

#: The largest evidence file accepted: a scanned report of a few dozen pages.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

#: The longest file name kept (characters, before the extension).
MAX_NAME_CHARS = 80

EVIDENCE_DIR = "evidence"


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


def _is_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff")


def _is_office(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


#: Each extension accepted → the check its bytes must pass.
KINDS = {
    ".pdf": _is_pdf, ".png": _is_png, ".jpg": _is_jpeg, ".jpeg": _is_jpeg, ".docx": _is_office, ".xlsx": _is_office,
    ".pptx": _is_office, ".csv": _is_text, ".txt": _is_text,
}

def _kept(char: str) -> str:
    """Letters (with Thai vowels and tone marks, which are marks), digits, ``-``, ``_`` and ``.``; else ``-``."""
    return char if unicodedata.category(char)[0] in "LMN" or char in "-_." else "-"


def safe_name(filename: str) -> str:
    """A name given by a browser (perhaps a whole Windows path) → a safe file name, Thai kept; "" if nothing is left."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = re.sub(r"-{2,}", "-", "".join(map(_kept, stem))).strip("-._")[:MAX_NAME_CHARS].strip("-._")
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())
    if not stem:
        return ""
    return f"{stem}.{extension}" if extension else stem


@dataclass(frozen=True)
class Stored:
    """Where the file went (relative to content/, as section 9's ``file`` is written) and a title to start from."""

    path: str
    title: str


def store(root: Path, year: int, filename: str, data: bytes, person: Person, *, max_bytes: int = MAX_EVIDENCE_BYTES
          ) -> Stored:
    """Check and write one uploaded file into ``content/evidence/<year>/`` and commit it; raises ``UsageError``."""
    name = safe_name(filename)
    extension = PurePosixPath(name).suffix.lower()
    if not name or extension not in KINDS:
        raise UsageError("desk_evidence_kind", name=filename[:100], kinds=", ".join(sorted(KINDS)))
    if len(data) > max_bytes:
        raise UsageError("desk_evidence_too_large", name=name, limit=f"{max_bytes // 1024 // 1024} MB")
    if not data:
        raise UsageError("desk_evidence_empty", name=name)
    if not KINDS[extension](data):
        raise UsageError("desk_evidence_mismatch", name=name, kind=extension)
    folder = PurePosixPath(EVIDENCE_DIR, str(year))
    stem = PurePosixPath(name).stem
    for number in range(1, 1000):
        candidate = folder / (name if number == 1 else f"{stem}-{number}{extension}")
        if (Path(root) / CONTENT_DIR / candidate).exists():
            continue
        try:
            saving.save_new_file(root, PurePosixPath(CONTENT_DIR) / candidate, data, person, "desk_commit_evidence")
        except saving.ContentChanged:
            continue  # taken meanwhile by someone else's upload
        return Stored(str(candidate), stem.replace("-", " "))
    raise UsageError("desk_evidence_kind", name=name, kinds=", ".join(sorted(KINDS)))
