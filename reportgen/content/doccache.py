"""Content files' bytes → the documents loaded from them before: the loader's cache, one file in ``.cache/``.

Loading a content file (parse the YAML, build values with positions, validate against the model, check the
Markdown, find the file's own warnings) costs about a millisecond; a thousand files, a second, on every ``check``,
every build and every rebuild of ``reportgen serve``. Most of them have not changed since the last run. This cache
keeps, for each *valid* file, what loading it produced (``SourceDocument.compact``: the model, the problems, which
are warnings only, and the positions of its values) under the SHA-256 of its bytes, so an unchanged file costs a
hash and a JSON parse instead.

- **What invalidates an entry**: the file's bytes (hashed on every load: no modification times), its path, the model
  it was loaded as, and the *loader fingerprint*: the cache format, the bytes of every reportgen module and the
  versions of the libraries that parse and validate (PyYAML and whether it has libyaml, pydantic, markdown-it-py).
  A changed reportgen, even an unreleased edit, starts from an empty cache. Problems that depend on more than the
  file (the date, other files, evidence files, the sign-off digest) are never cached: ``validate.py`` finds them
  on every load.
- **Invalid files are not cached**: they are the ones being edited, and their problems need the full node tree.
- **The file** is ``.cache/reportgen/documents-v2.json``: a header line, the fingerprint, the keyed tag of the
  payload (HMAC-SHA-256 with ``cache_secret``, the key the form and page caches use too), then the payload, JSON:
  for each path, the hash of its bytes, the model's name and the document (the model as pydantic's JSON, the
  problems' fields, the positions as numbers). A file with another header or fingerprint is ignored; one whose
  payload does not match its tag (truncated, altered, or written without the key: a valid-looking model planted
  under a file's hash would change what the form prints) is ignored and overwritten. It is written to a temporary
  name and renamed, so concurrent runs never read half a file (the last to save wins, whole).
- **Data, never code**: reading the cache parses JSON and rebuilds each document explicitly, the model through
  pydantic (``model_validate_json``: lax only to turn JSON's text of a Decimal or a date back into one), every
  other field checked for its type; an entry that does not rebuild is a miss. Once the payload's keyed tag holds,
  reportgen itself wrote it from files that passed every check, so what only re-checks the text (the Markdown of
  the narratives, ``model.TRUSTED``) is not run again: that was two thirds of a warm ``check``.
  (Earlier versions kept a pickle, which runs code when loaded: a crafted ``documents-v1.pickle`` restored from a
  shared CI cache would have run on ``check``. That file is no longer read.)

Delete ``.cache/`` at any time; ``--no-cache`` neither reads nor writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from reportgen import layout, wording
from reportgen.errors import os_reason
from reportgen.files import replace_file, temporary_name, write_new_file
from reportgen.fingerprint import code_fingerprint, library_versions

if TYPE_CHECKING:
    from pydantic import BaseModel

    from reportgen.content.positions import Located, SourceDocument

logger = logging.getLogger(__name__)

#: The folder, under a project, of every cache of reportgen (documents here, forms in ``publish/cache.py``).
CACHE_DIR = layout.CACHE_DIR

DOCUMENTS_FILE = "documents-v2.json"

#: The first line of the file; bumped with the payload's format.
MAGIC = b"reportgen-documents-4\n"

#: The libraries whose behaviour decides what a file loads as.
LIBRARIES = ("pyyaml", "pydantic", "pydantic-core", "markdown-it-py", "mdurl")

_CACHEDIR_TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This folder is reportgen's cache (loaded content files, rendered forms); it can be deleted at any time.\n"
)


# --- The key every cache entry is tagged with ----------------------------------------------------------------------

#: The variable that gives the cache key (CI: from a secret, the same for every runner sharing the cache).
CACHE_KEY_VARIABLE = "REPORTGEN_CACHE_KEY"
_secret: bytes | None = None


def cache_secret(environ: Mapping[str, str] = os.environ) -> bytes:
    """The key the cache's tags are made with: ``$REPORTGEN_CACHE_KEY``, else this user's key file (created, 0600,
    on first use), else (no writable home) a key for this process only, so that nothing from disk is trusted.

    The file is created whole or not at all (written under a temporary name, then linked into place: two first runs
    at once both end up with the one that was linked first), so a run killed while creating it leaves no empty key
    behind; a key file that is there but unusable (empty, not hexadecimal, too short) is replaced, with a warning,
    rather than turning the caches off for good."""
    global _secret
    given = environ.get(CACHE_KEY_VARIABLE, "")
    if given:
        return hashlib.sha256(b"reportgen-cache-key\0" + given.encode("utf-8")).digest()
    if _secret is not None:
        return _secret
    folder = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "reportgen"
    path = folder / "cache-key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        key = _read_key(path)
        if key is None:
            _create_key(path)
            key = _read_key(path)
        if not isinstance(key, bytes):
            if key == UNUSABLE:
                logger.warning(wording.message("cache_key_replaced", path=path))
            text = secrets.token_hex(32) + "\n"
            replace_file(path, text.encode("ascii"), mode=0o600, durable=True)
            key = bytes.fromhex(text)
    except (OSError, RuntimeError) as error:
        logger.debug("no cache key file (%s); the caches hold only this run's entries", error)
        key = secrets.token_bytes(32)
    _secret = key
    return key


#: What ``_read_key`` says of a key file that is there but holds no usable key.
UNUSABLE = "unusable"
#: The shortest key accepted from the key file.
MIN_KEY_BYTES = 16


def _read_key(path: Path) -> bytes | str | None:
    """The key in ``path``; None if there is no such file; ``UNUSABLE`` if it holds no key of at least
    ``MIN_KEY_BYTES``."""
    try:
        text = path.read_bytes()[:4096].decode("ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, ValueError):
        return UNUSABLE
    return key if len(key) >= MIN_KEY_BYTES else UNUSABLE


def _create_key(path: Path) -> None:
    """Put a new key at ``path`` unless another run did first, never leaving it empty or half written."""
    temporary = temporary_name(path)
    write_new_file(temporary, (secrets.token_hex(32) + "\n").encode("ascii"), mode=0o600, durable=True)
    try:
        os.link(temporary, path)
    except FileExistsError:  # another run created it meanwhile: its key is the one
        pass
    except OSError:  # a filesystem without hard links: renamed into place instead (the last run to get here wins)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def payload_tag(kind: bytes, payload: bytes) -> str:
    """The keyed tag (HMAC-SHA-256 with ``cache_secret``) that shows a cache file's ``payload`` was written by
    reportgen for this user or CI (who holds the key), not planted by someone who could only write ``.cache/``."""
    return hmac.new(cache_secret(), kind + b"\0" + payload, hashlib.sha256).hexdigest()


def cache_root(project_root: Path) -> Path:
    return Path(project_root) / CACHE_DIR


def mark_cache_root(root: Path) -> None:
    """Write ``CACHEDIR.TAG`` (the standard mark that backup tools skip) at the cache's root, once."""
    tag = root / "CACHEDIR.TAG"
    if not tag.exists():
        with contextlib.suppress(OSError):
            tag.write_bytes(_CACHEDIR_TAG)


def loader_fingerprint() -> str:
    """What every entry depends on besides its file (hex SHA-256): format, reportgen's code, library versions."""
    digest = hashlib.sha256(MAGIC)
    digest.update(f"\0code={code_fingerprint()}\0libyaml={yaml.__with_libyaml__}".encode())
    for version in library_versions(LIBRARIES):
        digest.update(f"\0{version}".encode())
    return digest.hexdigest()


class DocumentCache:
    """The loaded documents of one project's valid files, by path, each with the hash of the bytes it came from.

    ``get`` and ``put`` during a load, then ``save`` once. Never fails a load: a cache that cannot be read is
    empty, one that cannot be written is skipped (with a log message).
    """

    def __init__(self, path: Path, fingerprint: str | None = None):
        self.path = Path(path)
        self.fingerprint = fingerprint or loader_fingerprint()
        self._changed = False
        self._used: set[str] = set()
        # path → (SHA-256 of the file, model name, the document as JSON text): each document is serialised once,
        # when put, so saving after a few files changed copies text instead of serialising a thousand documents.
        self._entries: dict[str, tuple[str, str, str]] = self._read()

    @classmethod
    def for_project(cls, project_root: Path) -> DocumentCache:
        return cls(cache_root(project_root) / DOCUMENTS_FILE)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, file: PurePosixPath, model: type, data: bytes) -> SourceDocument | None:
        """The document loaded earlier from exactly these bytes at this path as this model, or None."""
        name = str(file)
        entry = self._entries.get(name)
        if entry is None or entry[1] != model.__name__ or entry[0] != hashlib.sha256(data).hexdigest():
            return None
        try:
            doc = document_from_json(entry[2], model, file)
        except Exception as error:  # noqa: BLE001 - a cache must never stop a load
            logger.warning(wording.message("cache_entry_unreadable", name=name, reason=error))
            return None
        self._used.add(name)
        return doc

    def put(self, file: PurePosixPath, model: type, data: bytes, doc: SourceDocument) -> None:
        """Keep ``doc`` (compact, valid) as what ``data`` at ``file`` loads as."""
        name = str(file)
        self._entries[name] = (hashlib.sha256(data).hexdigest(), model.__name__, document_to_json(doc))
        self._used.add(name)
        self._changed = True

    def save(self, *, complete: bool) -> None:
        """Write the cache if anything changed. ``complete``: this load read every file of the project, so the
        entries it did not use (files deleted, renamed or now invalid) are dropped."""
        if complete and self._entries.keys() - self._used:
            self._entries = {name: entry for name, entry in self._entries.items() if name in self._used}
            self._changed = True
        if not self._changed:
            return
        payload = json.dumps(self._entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = MAGIC + f"{self.fingerprint}\n{payload_tag(MAGIC, payload)}\n".encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            mark_cache_root(self.path.parent)
            replace_file(self.path, header + payload)
        except OSError as error:
            logger.warning(wording.message("cache_doc_unwritable", path=self.path, reason=os_reason(error)))
            return
        self._changed = False
        logger.debug("saved %d loaded documents to %s", len(self._entries), self.path)

    def _read(self) -> dict[str, Any]:
        try:
            with open(self.path, "rb") as file:
                blob = file.read()
        except OSError:
            return {}
        magic, _, rest = blob.partition(b"\n")
        fingerprint, _, rest = rest.partition(b"\n")
        tag, _, payload = rest.partition(b"\n")
        if magic + b"\n" != MAGIC or fingerprint.decode("ascii", "replace") != self.fingerprint:
            logger.debug("document cache %s is from another reportgen or format; starting afresh", self.path)
            return {}
        if not hmac.compare_digest(tag.decode("ascii", "replace"), payload_tag(MAGIC, payload)):
            logger.warning(wording.message("cache_doc_damaged", path=self.path))
            self._changed = True
            return {}
        try:
            entries = json.loads(payload.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            logger.warning(wording.message("cache_doc_unreadable", path=self.path, reason=error))
            return {}
        if not isinstance(entries, dict):
            return {}
        return {
            name: tuple(entry)
            for name, entry in entries.items()
            if isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) for part in entry)
        }


# --- Documents as JSON, and back -----------------------------------------------------------------------------------

_PROBLEM_TEXTS = ("message", "field", "source_line", "hint", "code", "message_en", "hint_en")
_PROBLEM_NUMBERS = ("line", "column")


def document_to_json(doc: SourceDocument) -> str:
    """A compact, valid document (``SourceDocument.compact``) as JSON text."""
    positions = [[list(path), list(numbers)] for path, numbers in _position_table(doc.positions).items()]
    problems = [
        {
            "file": str(problem.file),
            "severity": problem.severity,
            **{key: getattr(problem, key) for key in _PROBLEM_TEXTS + _PROBLEM_NUMBERS},
        }
        for problem in doc.problems
    ]
    body = {"positions": positions, "model": doc.model.model_dump_json(), "problems": problems}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def document_from_json(text: str, model: type[BaseModel], file: PurePosixPath) -> SourceDocument:
    """The document ``document_to_json`` wrote, rebuilt field by field; ValueError/TypeError if anything is off."""
    from reportgen.content.positions import CompactPositions, SourceDocument
    from reportgen.errors import Problem
    from reportgen.model import TRUSTED

    body = json.loads(text)
    # The positions are taken as written (the tag held: reportgen wrote them); a malformed one still fails here.
    table = {tuple(path): tuple(numbers) for path, numbers in body["positions"]}
    positions = CompactPositions({})
    positions._table = table  # the table CompactPositions keeps, rebuilt as it was saved
    problems = []
    for item in body["problems"]:
        texts = {key: item[key] for key in _PROBLEM_TEXTS}
        numbers = {key: item[key] for key in _PROBLEM_NUMBERS}
        if not all(value is None or isinstance(value, str) for value in texts.values()):
            raise TypeError("a problem's texts are strings")
        if not all(value is None or (type(value) is int) for value in numbers.values()):
            raise TypeError("a problem's line and column are whole numbers")
        if item["severity"] != "warning" or not isinstance(texts["message"], str) or not isinstance(item["file"], str):
            raise ValueError("a cached document holds warnings only")
        problems.append(Problem(file=Path(item["file"]), severity="warning", **texts, **numbers))
    # Validated as a fresh load's model is, but for JSON's own forms of the values (a Decimal is written as its
    # exact text, "36.00"; a date as ISO text), which only lax mode turns back into them.
    # The Markdown of its narratives is not checked again (the context ``TRUSTED``): the payload's keyed tag held,
    # so reportgen wrote this model from a file that passed every check, and checking it again cost 6.5 ms a file.
    indicator = model.model_validate_json(body["model"], strict=False, context={TRUSTED: True})
    return SourceDocument(file, [], positions, None, indicator, problems)


def _position_table(positions: Mapping[tuple[str | int, ...], Located]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The six numbers of each position (``positions.CompactPositions``' table), made if ``positions`` is not one."""
    from reportgen.content.positions import CompactPositions

    compact = positions if isinstance(positions, CompactPositions) else CompactPositions(positions)
    return compact._table
