"""Everything that shapes a form's PDF → a key; a key → the PDF rendered earlier, verified, or nothing.

Rendering is the slow step of a build (about 0.1 s a form's PDF, a millisecond its web page), so a build renders
only the forms whose inputs changed and takes the others from this cache. The forms' web pages are cached the same
way (``FormCache.pages_for_project``), under keys ``site.page_key`` makes of everything the page template is given,
so that a build that changed nothing renders nothing. (Content files are cached as loaded: ``doccache.py``.)

**The key** of a form is the SHA-256 of everything its bytes depend on, split in two:

- the *build fingerprint* (``build_fingerprint``, computed once per build): the cache format, the reportgen
  version and the bytes of its own modules (so an edited, unreleased reportgen never reuses stale PDFs), the
  versions of the Python libraries and of the Pango, HarfBuzz and Fontconfig libraries that lay out and write the
  PDF, every file under ``templates/`` and ``fonts/`` (path and bytes), the site settings, the ``BuildOptions``
  (``--release``, ``--as-of``) and, for drafts, ``SOURCE_DATE_EPOCH`` (which dates them). Change a template, a
  font or an option and every form misses;
- the *form's own inputs* (``form_key``): its source path and the bytes of its YAML file (the model, ``as_of``
  and the release PDF's embedded source are all functions of these), and the path and bytes of every evidence
  ``file:`` it references.

Keys use relative paths and file contents only: no absolute path, inode or modification time, so the cache stays
valid when a CI cache step restores it into another checkout, another folder or another machine.

**Entries** live in ``<project>/.cache/reportgen/forms-v1/<options>/`` (``.gitignore``\\ d; ``<options>`` is e.g.
``year`` or ``release-q2``), one file each, named ``<key>.<sha256 of the PDF>.pdf`` and holding the PDF's bytes
only, so that a build can hard-link it into ``output/`` instead of copying it. Beside each entry, ``<name>.tag``
holds an HMAC-SHA-256 of its name and bytes under the *cache key*, a secret kept outside the cache
(``cache_secret``: ``$REPORTGEN_CACHE_KEY``, else ``~/.config/reportgen/cache-key``, made on first use). Reading an
entry re-hashes its bytes and checks them against the name and the tag: a truncated or altered entry, or one planted
by whoever could write the cache but does not hold the key (a poisoned CI cache, a shared folder), is detected,
deleted and rendered again, never published. CI runners that share a cache share the key through a secret; without
it each runner starts empty. Entries are written to a temporary name, then renamed, so concurrent builds never see a
half-written entry (two builds writing the same key write the same bytes under the same name). They are not fsynced
one by one: an entry torn by a crash fails its hash check, and the entries a build hard-links into ``output/`` are
made durable by the writer's commit, which flushes the whole filesystem before ``output/`` changes.

**Pruning** keeps the cache bounded: after a successful build of all its forms (no FILE named), ``prune`` deletes
the entries of that options folder which the build did not use, so the cache holds about one PDF per form and
option set used. Each option set has its own folder so that, say, ``build`` and ``build --as-of q2`` run in turn
never prune each other. The cache is never needed: delete ``.cache/`` at any time, or build with ``--no-cache``.

Not here: a cache in ``output/``, which is replaced whole by each build, published as is, and written by
``--output`` anywhere; a cache per project root is what CI cache steps (``actions/cache`` on ``.cache/reportgen``)
save and restore.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportgen import layout, linebreak, wording
from reportgen.content.doccache import cache_root, cache_secret, mark_cache_root
from reportgen.errors import os_reason
from reportgen.files import pid_alive, replace_file
from reportgen.fingerprint import code_fingerprint, library_versions, tree_files, update_with_file
from reportgen.model import Entry, SiteSettings
from reportgen.publish.options import BuildOptions

logger = logging.getLogger(__name__)

#: Bumped whenever the key or the entry format changes: entries of another format are simply never found.
CACHE_FORMAT = "reportgen-form-cache-1"


#: The Python distributions whose code turns the model into PDF bytes (layout, fonts, PDF writing, text, Markdown).
LIBRARIES = (
    "weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "brotli", "zopfli", "pillow", "cffi",
    "jinja2", "markupsafe", "markdown-it-py", "pyyaml", "pydantic", "pydantic-core", "pyphen", "pypdf",
    "pythainlp",
)  # fmt: skip

#: System libraries (soname, version function) WeasyPrint lays text out with: an upgrade may move a line break.
SYSTEM_LIBRARIES = (
    ("libpango-1.0.so.0", "pango_version_string"),
    ("libharfbuzz.so.0", "hb_version_string"),
    ("libfontconfig.so.1", "FcGetVersion"),
)

#: The project folders whose every file may change any form.
SHARED_INPUTS = layout.SHARED_INPUTS

_TEMP_NAME = re.compile(r"\.tmp-(\d+)-[0-9a-f]+")


def options_folder(options: BuildOptions) -> str:
    """The folder of an option set's entries: ``year``, ``q2``, ``release-year``, ``release-q3``."""
    period = f"q{options.as_of}" if options.as_of is not None else "year"
    return f"release-{period}" if options.release else period


# --- Keys ----------------------------------------------------------------------------------------------------------


def _library_versions() -> list[str]:
    versions = library_versions(LIBRARIES)
    for soname, function in SYSTEM_LIBRARIES:
        versions.append(f"{soname}={_system_library_version(soname, function)}")
    return versions


def _system_library_version(soname: str, function: str) -> str:
    try:
        library = ctypes.CDLL(soname)
        call = getattr(library, function)
    except (OSError, AttributeError):
        return "absent"
    if function == "FcGetVersion":
        call.restype = ctypes.c_int
        return str(call())
    call.restype = ctypes.c_char_p
    version: bytes = call()
    return version.decode("ascii", "replace")


def build_fingerprint(
    project_root: Path, site: SiteSettings, options: BuildOptions, environ: Mapping[str, str] = os.environ
) -> str:
    """The part of every form's key shared by the whole build (hex SHA-256). Computed once per build."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(f"\0code={code_fingerprint()}".encode())
    for version in _library_versions():
        digest.update(f"\0{version}".encode())
    root = Path(project_root)
    for folder in SHARED_INPUTS:
        for path in tree_files(root / folder):
            update_with_file(digest, path.relative_to(root).as_posix(), path)
    dictionary = root / "content" / linebreak.DICTIONARY_FILE  # the project's words decide the line breaks
    if dictionary.is_file():
        update_with_file(digest, dictionary.relative_to(root).as_posix(), dictionary)
    digest.update(b"\0site\0" + site.model_dump_json().encode())
    digest.update(f"\0options\0release={options.release}\0as_of={options.as_of}".encode())
    if not options.release:  # a draft is dated by SOURCE_DATE_EPOCH when set (release.form_pdf_options)
        digest.update(f"\0SOURCE_DATE_EPOCH={environ.get('SOURCE_DATE_EPOCH', '').strip()}".encode())
    return digest.hexdigest()


def form_key(fingerprint: str, project_root: Path, entry: Entry) -> str:
    """The key of one form's PDF (hex SHA-256): the build fingerprint and the form's own inputs."""
    root = Path(project_root)
    digest = hashlib.sha256(fingerprint.encode())
    update_with_file(digest, entry.source.as_posix(), root / entry.source)
    for item in entry.indicator.evidence:
        file = getattr(item, "file", None)
        if file:
            update_with_file(digest, f"{layout.CONTENT_DIR}/{file}", layout.content_dir(root) / file)
    return digest.hexdigest()


# --- Entries -------------------------------------------------------------------------------------------------------

def _tag(name: str, data: bytes) -> str:
    return hmac.new(cache_secret(), name.encode("utf-8") + b"\0" + data, hashlib.sha256).hexdigest()



@dataclass(frozen=True)
class CachedFile:
    """A verified entry: its bytes and the file holding them (to hard-link rather than copy)."""

    data: bytes
    path: Path


class FormCache:
    """The PDFs (or web pages: ``suffix="html"``) of one option set, by key. Scans its folder once; reads verify,
    writes are atomic."""

    def __init__(self, folder: Path, suffix: str = "pdf"):
        self.folder = Path(folder)
        self.suffix = suffix
        self._entry_name = re.compile(rf"([0-9a-f]{{64}})\.([0-9a-f]{{64}})\.{re.escape(suffix)}")
        self._entries: dict[str, list[str]] = {}  # key → entry file names (normally one)
        self._temporaries: list[tuple[str, int]] = []
        self._folder_ready = False
        try:
            scan = list(os.scandir(self.folder))
        except FileNotFoundError:
            scan = []
        except OSError as error:
            logger.warning(wording.message("cache_unreadable", folder=self.folder, reason=os_reason(error)))
            scan = []
        for item in scan:
            if match := self._entry_name.fullmatch(item.name):
                if item.is_file(follow_symlinks=False):
                    self._entries.setdefault(match.group(1), []).append(item.name)
            elif match := _TEMP_NAME.fullmatch(item.name):
                self._temporaries.append((item.name, int(match.group(1))))

    @classmethod
    def for_project(cls, project_root: Path, options: BuildOptions) -> FormCache:
        return cls(cache_root(project_root) / "forms-v1" / options_folder(options))

    @classmethod
    def pages_for_project(cls, project_root: Path, options: BuildOptions) -> FormCache:
        """The cache of the forms' web pages (``render/site_files.py``'s ``page_key``), beside the PDFs' and alike."""
        return cls(cache_root(project_root) / "pages-v1" / options_folder(options), suffix="html")

    @classmethod
    def search_for_project(cls, project_root: Path, options: BuildOptions) -> FormCache:
        """The cache of the search index (``publish/search.py``: the index's files as a bundle)."""
        return cls(cache_root(project_root) / "search-v1" / options_folder(options), suffix="index")

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CachedFile | None:
        """The file stored under ``key`` if its bytes are intact; a damaged entry is deleted and reported as a miss."""
        for name in list(self._entries.get(key, ())):
            path = self.folder / name
            try:
                data = path.read_bytes()
            except OSError:  # pruned by a concurrent build since the scan
                self._forget(key, name)
                continue
            try:
                tag = (self.folder / f"{name}.tag").read_text(encoding="ascii").strip()
            except (OSError, UnicodeDecodeError):
                tag = ""
            named = self._entry_name.fullmatch(name)  # the scan kept only names that match
            if named and hashlib.sha256(data).hexdigest() == named.group(2) and hmac.compare_digest(tag, _tag(name, data)):
                return CachedFile(data, path)
            logger.warning(wording.message("cache_entry_damaged", path=path))
            self._forget(key, name)
            for stale in (path, self.folder / f"{name}.tag"):
                with contextlib.suppress(OSError):
                    stale.unlink()
        return None

    def put(self, key: str, pdf: bytes) -> Path | None:
        """Store ``pdf`` (or a page's bytes) under ``key``, atomically; return the entry's path, or None if the cache
        is not writable (a build never fails because of its cache)."""
        name = f"{key}.{hashlib.sha256(pdf).hexdigest()}.{self.suffix}"
        path = self.folder / name
        try:
            if not self._folder_ready:
                self.folder.mkdir(parents=True, exist_ok=True)
                mark_cache_root(self.folder.parent.parent)
                self._folder_ready = True
            replace_file(self.folder / f"{name}.tag", _tag(name, pdf).encode("ascii") + b"\n")
            replace_file(path, pdf)
        except OSError as error:
            logger.warning(wording.message("cache_unwritable", folder=self.folder, reason=os_reason(error)))
            return None
        names = self._entries.setdefault(key, [])
        if name not in names:
            names.append(name)
        return path

    # -- Bundles: several files made together, kept as one (the site's pages drawn from the whole project; the
    #    search index). A manifest under the bundle's key lists each file's path and its own key.

    @staticmethod
    def part_key(bundle_key: str, path: str) -> str:
        """The key of the file at ``path`` of the bundle ``bundle_key``."""
        return hashlib.sha256(f"{bundle_key}\0{path}".encode()).hexdigest()

    def get_bundle(self, key: str) -> list[tuple[str, CachedFile]] | None:
        """Every file of the bundle stored under ``key`` (its path, the verified entry), or None unless all are
        there and intact."""
        hit = self.get(key)
        if hit is None:
            return None
        try:
            manifest = json.loads(hit.data)
        except ValueError:
            return None
        if not isinstance(manifest, list) or not all(isinstance(path, str) for path in manifest):
            return None
        files = []
        for path in manifest:
            part = self.get(self.part_key(key, path))
            if part is None:
                return None
            files.append((path, part))
        return files

    def put_bundle(self, key: str, files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes, Path | None]]:
        """Store ``files`` (path, bytes) as the bundle ``key``; return each with its entry's path (None: not
        stored). The manifest goes last, so a bundle cut short is never found."""
        stored = [(path, data, self.put(self.part_key(key, path), data)) for path, data in files]
        if all(entry is not None for _, _, entry in stored):
            self.put(key, json.dumps([path for path, _, _ in stored], ensure_ascii=False).encode("utf-8"))
        return stored

    def bundle_keys(self, key: str, paths: Iterable[str]) -> list[str]:
        """The keys a bundle's manifest and files are stored under (to keep them when pruning)."""
        return [key, *(self.part_key(key, path) for path in paths)]

    def prune(self, keep: Iterable[str]) -> int:
        """Delete every entry whose key is not in ``keep``, and temporaries of builds that died; return how many."""
        keep = set(keep)
        removed = 0
        for key in [key for key in self._entries if key not in keep]:
            for name in self._entries.pop(key):
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / f"{name}.tag").unlink()
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
                    removed += 1
        for name, pid in self._temporaries:
            if not pid_alive(pid):
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
        if removed:
            logger.info(wording.message("log_cache_pruned", count=removed, folder=self.folder))
        return removed

    def _forget(self, key: str, name: str) -> None:
        names = self._entries.get(key, [])
        if name in names:
            names.remove(name)
        if not names:
            self._entries.pop(key, None)
