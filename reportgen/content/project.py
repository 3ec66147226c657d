"""The project folder → its content files found, read (or taken from the document cache), parsed, explained and
validated across files: ``load_project`` returns the ``Project`` or raises one ``ContentError`` with every problem.

``load_file`` reads one file inside ``content/`` (a symbolic link leading out of it is refused unread),
``load_documents`` the site settings and every indicator file, ``load_document`` parses and validates bytes given
directly (``new``, ``import``, tests).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from reportgen.content.doccache import DocumentCache
from reportgen.content.explain import ErrorExplainer
from reportgen.content.parse import _read_bytes, parse_document
from reportgen.content.positions import SourceDocument
from reportgen.content.validate import build_project, file_warnings
from reportgen.errors import ContentError, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, SITE_FILE, YAML_SUFFIXES
from reportgen.model import (
    ContentModel,
    Indicator,
    Project,
    SiteSettings,
)
from reportgen.wording import localized

# --- Validation against the models ------------------------------------------------------------------------------


def validate_document(doc: SourceDocument, model: type[ContentModel]) -> SourceDocument:
    """Validate ``doc.data`` against ``model``; sets ``doc.model`` or adds one problem per mistake."""
    if doc.data is None:
        return doc
    try:
        doc.model = model.model_validate(doc.data)
    except ValidationError as error:
        doc.problems.extend(ErrorExplainer(doc, model).problems(error.errors(include_url=False)))
    if doc.ok:
        doc.problems.extend(file_warnings(doc))
    return doc


def load_document(data: bytes | str, model: type[ContentModel], file: PurePosixPath) -> SourceDocument:
    """Parse and validate one file's bytes: the document, with ``model`` set or ``problems`` filled."""
    return validate_document(parse_document(data, file), model)


def load_indicator(
    data: bytes | str, file: PurePosixPath | str = "content/indicators/2564/08.yaml"
) -> Indicator:
    """One indicator file's bytes → ``Indicator``; raises ``ContentError`` with every problem found."""
    doc = load_document(data, Indicator, PurePosixPath(file))
    if not doc.ok:
        raise ContentError(doc.problems)
    assert isinstance(doc.model, Indicator)
    return doc.model


# --- Projects ----------------------------------------------------------------------------------------------------


def _relative(path: Path, root: Path) -> PurePosixPath:
    return PurePosixPath(path.relative_to(root).as_posix())


def _indicator_files(root: Path, paths: Sequence[Path] | None) -> list[Path]:
    """The indicator files to load: all of content/indicators/, or the given ones (checked to be in content/)."""
    content = root / CONTENT_DIR
    if paths is None:
        indicators = content / INDICATORS_DIR
        found = [path for path in indicators.rglob("*") if path.suffix in YAML_SUFFIXES and path.is_file()]
        return sorted(found, key=lambda path: path.as_posix())
    selected: list[Path] = []
    for given in paths:
        path = Path(given)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.is_relative_to(content):
            raise UsageError("usage_not_in_content", path=given)
        if path.is_dir():
            selected.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()))
        elif not path.exists():
            raise UsageError("usage_no_such_file", path=given)
        elif path == content / SITE_FILE:
            continue  # always loaded
        else:
            selected.append(path)
    return sorted(dict.fromkeys(selected), key=lambda path: path.as_posix())


#: A file meant as an indicator file but not read as one: ``13.YAML``, ``14.yaml.txt`` (Notepad), ``15.Yml``.
_MISNAMED = re.compile(r"^(?P<stem>.+?)\.(?:ya?ml)(?:\.txt)?$", re.IGNORECASE)


def _misnamed_files(root: Path) -> list[SourceDocument]:
    """Every file in content/indicators/ that looks like an indicator file but is not named ``<code>.yaml``, each a
    document with one error naming what to rename it to: none is left out without a word."""
    found = []
    indicators = root / CONTENT_DIR / INDICATORS_DIR
    for path in sorted(indicators.rglob("*"), key=lambda path: path.as_posix()):
        if not path.is_file() or path.suffix in YAML_SUFFIXES:
            continue
        named = _MISNAMED.match(path.name)
        if named:
            doc = SourceDocument(_relative(path, root))
            doc.add("file_name_not_yaml", name=path.name, rename=f"{named['stem']}.yaml")
            found.append(doc)
    return found


def load_file(
    path: Path, root: Path, model: type[ContentModel], cache: DocumentCache | None = None,
    content_dir: Path | None = None,
) -> SourceDocument:
    """Read, parse and validate one file of the project; with a ``cache``, a valid file whose bytes were loaded
    before is taken from it instead. ``content_dir``: ``content/`` resolved, when the caller resolved it already."""
    doc = SourceDocument(_relative(path, root))
    if not path.resolve().is_relative_to(content_dir or (root / CONTENT_DIR).resolve()):
        doc.add("symlink_outside")  # neither read nor shown: it may be any file of the machine
        return doc
    data = _read_bytes(path, doc)
    if data is None:
        return doc
    if cache is not None and (cached := cache.get(doc.file, model, data)) is not None:
        return cached.with_text(_text_of(data))
    doc = validate_document(parse_document(data, doc.file, doc), model)
    if cache is not None and doc.ok:
        cache.put(doc.file, model, data, doc.compact())
    return doc


def _text_of(data: bytes) -> str:
    """The text of bytes that decoded once already (a cached file's)."""
    return data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")


class DocumentMemo:
    """Documents loaded before in this process, each kept while its file is unchanged (same size, times and inode):
    what a long-running process (the desk, checking a form at every keystroke) reloads instead of every file. Safe to
    share between threads."""

    def __init__(self) -> None:
        self._documents: dict[Path, tuple[tuple[int, ...], SourceDocument]] = {}
        self._lock = threading.Lock()

    def load(self, path: Path, root: Path, model: type[ContentModel]) -> SourceDocument:
        try:
            status = path.stat()
        except OSError:
            return load_file(path, root, model)
        key = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        with self._lock:
            known = self._documents.get(path)
        if known is not None and known[0] == key:
            return known[1]
        doc = load_file(path, root, model)
        with self._lock:
            self._documents[path] = (key, doc)
        return doc


def load_documents(
    root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True, memo: DocumentMemo | None = None
) -> tuple[SourceDocument, list[SourceDocument]]:
    """The site document and the indicator documents, each parsed and validated on its own (or taken from the
    project's document cache, ``doccache.py``, when ``use_cache`` and its bytes have not changed; or from ``memo``,
    this process's own, instead of that cache, when given)."""
    root = Path(root).resolve()
    content = root / CONTENT_DIR
    if not content.is_dir():
        raise UsageError("usage_no_content_folder", root=root)
    cache = DocumentCache.for_project(root) if use_cache and memo is None else None
    resolved = content.resolve()

    def load(path: Path, model: type[ContentModel]) -> SourceDocument:
        return memo.load(path, root, model) if memo is not None else load_file(path, root, model, cache, resolved)

    site_path = content / SITE_FILE
    if site_path.is_file():
        site = load(site_path, SiteSettings)
    else:
        site = SourceDocument(_relative(site_path, root))
        site.add("file_unreadable", reason=localized("reason_no_site_file"))
    indicators = [load(path, Indicator) for path in _indicator_files(root, paths)]
    if paths is None:
        indicators.extend(_misnamed_files(root))
    if cache is not None:
        cache.save(complete=paths is None)
    return site, indicators


def load_project(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    use_cache: bool = True,
    per_form: bool = False,
) -> Project:
    """Load and validate content/; return the ``Project`` or raise one ``ContentError`` with every problem.

    ``paths`` limits the indicator files loaded (absolute or relative to the current directory, inside
    ``root/content``); site.yaml is always loaded. ``strict`` turns warnings into errors; ``today`` (default: the
    real date) decides which fiscal quarters have ended. ``use_cache=False`` neither reads nor writes the document
    cache (``doccache.py``). ``per_form``: an indicator file with errors is left out and kept in
    ``Project.broken`` instead of stopping the load (an error in site.yaml still does).
    """
    site, indicators = load_documents(root, paths, use_cache=use_cache)
    return build_project(Path(root).resolve(), site, indicators, strict=strict, today=today, per_form=per_form)
