"""The site's indicator pages (in the writer's staging folder) → a Pagefind search index under ``html/pagefind/``.

The published site is static, so its search is too: Pagefind (PyPI ``pagefind[extended]``) indexes the built pages
and writes a compact index in fragments, which the search page (``search.html``, ``templates/js/search.js``) loads
in the reader's browser, only the fragments a query needs.

Only the indicator pages are indexed (``html/<year>/<code>.html``), from their ``<main>``: the year pages repeat
every indicator's name, and the header and footer are the same on every page.

**The same words on both sides.** Thai has no spaces between words, and a query finds a page only if every word of
the query is (the start of) a word of the index. Pagefind's own Thai segmentation at indexing and the browser's
(``Intl.Segmenter``) at query time cut differently ("ผู้ใช้" found nothing on a page saying "ผู้ใช้บริการ"), so
neither is used: the index's language is one Pagefind does not segment (``INDEX_LANGUAGE``), the indexer is given
each Thai run already cut into words by the forms' own segmenter (``linebreak.thai_words``, with the project's
dictionary: the very cuts of the pages' line breaks), and the search page cuts a query with the index's own words
(``WORDS_FILE``, the index's Thai words as Pagefind compares them: without marks) by maximal matching, the last
word possibly a beginning (a word being typed). Between two words the indexer sees ``WORD_SEPARATOR``: Pagefind
indexes each word, and the whole run too (a query typed as a run the segmenter did not know still finds its
beginning), and keeps the run whole in the text it cuts excerpts from (whole words, never "วัด 08" for "ตัวชี้วัด
08"); the search page takes the separators out of an excerpt.

**Extra terms** (``extra_terms``), in a block at the end of ``<main>`` that excerpts never show (it starts with
``EXTRA_TERMS_MARK``): the parts of each compound word (``ผู้ใช้บริการ`` → ``ผู้ใช้``, ``ใช้``, ``บริการ``, so
that "ใช้บริการ" and "เยาวชน" in "ศูนย์เยาวชน" are found), English words for the site's main terms
(``reportgen/wording/search_keywords.yaml``: "library", "satisfaction"), and the folded form of each word that
folding changes: two spellings that look or mean the same must find each other, and Pagefind folds neither:
SARA AM ``ำ`` (U+0E33) and NIKHAHIT + SARA AA ``ํา`` (U+0E4D U+0E32, how some keyboards and PDFs give it), and Thai
and Arabic digits (``๐๘`` and ``08``; a site may print either, ``site.digits``). So both sides are brought to one
form (``fold``): the query by the same folding in the search page's script, each page by its extra terms (the page
on disk is not changed). Nothing is NFKC-normalised: the visible text keeps the spelling it was written in.
Pagefind itself compares words without their marks (a query typed without tone marks finds them).

The index is built from the staging folder once every page is there (a partial build's carried-over pages too),
one index per fiscal year (``html/pagefind/2564/``, ``YEAR_INDEX``), merged in the browser by ``pagefind.js``
(``merged_module``, Pagefind's ``mergeIndex``): Pagefind has no incremental update, and its time and
memory grow faster than its pages (1,000 pages at once: 11 s and 710 MB; four years of 250: 8 s, 190 MB each, one
after the other), so a year's index is made again only when a page of that year changed. Pagefind's command line
(the extended binary from PyPI) indexes copies of a year's pages in a temporary folder outside ``output/``, and the
index's files then go through the writer like every other file, so a failed indexing fails the build before
anything is committed. Each year's index is kept in the build's cache (``.cache/reportgen/search-v1/``) under the
key of the pages it indexes (``index_key``: their paths and bytes, the project's words, reportgen's code, the
indexer's version), each file tagged and verified like a cached PDF: a year whose indicator pages did not change is
linked from there instead of indexed again. Each page as it is given to Pagefind (``prepared_page``: its Thai cut
into words, its extra terms) is kept there too under the key of the page's bytes, so only the changed pages are
cut again (cutting was half of an indexing).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from importlib import resources
from pathlib import Path

import yaml

from reportgen import wording
from reportgen.errors import NO_SPACE, NoSpaceError, SearchIndexError
from reportgen.fingerprint import code_fingerprint, library_versions
from reportgen.linebreak import thai_words, word_parts
from reportgen.publish.cache import FormCache
from reportgen.publish.writer import OutputWriter
from reportgen.wording import localized

logger = logging.getLogger(__name__)

#: Where the indexes go inside ``output/``; the search page loads ``MODULE_FILE`` from here.
INDEX_FOLDER = "html/pagefind"
#: Pagefind's ready-made search interfaces: the site has its own search page, so these are not published.
UNUSED_BUNDLE_FILES = re.compile(r"pagefind-(?:component-|modular-)?ui\.(?:js|css)|pagefind-highlight\.js")
#: An indicator's page inside html/: ``2564/08.html`` (a year, then a code; the year pages are ``index.html``).
INDICATOR_PAGE = re.compile(r"(\d{4})/(?!index\.html$)[^/]+\.html")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: NIKHAHIT, then perhaps a tone mark, then SARA AA: SARA AM after the tone mark (``น ํ ้ า`` → ``น ้ ำ``).
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_WORD = re.compile(r"\S+")
_TAG = re.compile(r"(<[^>]*>)")
_THAI_RUN = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e]+")
_THAI_SLASH = re.compile("(?<=[\u0e01-\u0e3a\u0e40-\u0e4e])/(?=[\u0e01-\u0e3a\u0e40-\u0e4e])")

#: The index's language: one whose words Pagefind does not cut, neither at indexing nor in the browser (for Thai it
#: would, differently on each side); the cutting is done here and in search.js instead.
INDEX_LANGUAGE = "und"
#: What the indexer sees between two Thai words. Pagefind indexes each word on either side and the two joined, and
#: keeps it in the text excerpts come from, where search.js removes it; a "|" the page itself has becomes
#: ``SEPARATOR_LOOKALIKE`` there, so that every "|" of an excerpt is a separator.
WORD_SEPARATOR = "|"
SEPARATOR_LOOKALIKE = "\u00a6"
#: After a compound word, each of its parts (``linebreak.word_parts``): ``ผู้ใช้บริการ/ผู้ใช้/บริการ``, so that a
#: part is found as often as the page says it; search.js removes them from an excerpt. A "/" the page has between two
#: Thai letters becomes ``PART_SEPARATOR_LOOKALIKE`` there (every "/" followed by Thai is then a part's).
PART_SEPARATOR = "/"
PART_SEPARATOR_LOOKALIKE = "\u2215"
#: The start of the extra terms: search.js cuts an excerpt there (they are for finding, not for reading).
EXTRA_TERMS_MARK = "\u2042"
#: The index's Thai words as Pagefind compares them (``as_compared``), sorted, in ``INDEX_FOLDER``: search.js cuts a
#: query with them.
WORDS_FILE = "reportgen-words.json"
#: Each fiscal year's pages have an index of their own in ``INDEX_FOLDER`` (``html/pagefind/2564/``), merged in the
#: reader's browser by ``MODULE_FILE`` (why: the module's docstring).
YEAR_INDEX = "{year}"
#: The module the search page loads from ``INDEX_FOLDER`` (``merged_module``): Pagefind's own API, over the indexes
#: of every year. The search page neither knows nor cares that there is one index per year, so a page or a script
#: a reader's browser kept from before the split works with the new indexes, and the other way round.
MODULE_FILE = "pagefind.js"
#: Thai terms and their English words, in the wording package.
KEYWORDS_FILE = "search_keywords.yaml"
#: The start of every index's key (``index_key``): bumped when how an index is made changes in a way the key misses.
INDEX_CACHE_FORMAT = "reportgen-search-index-2"
#: The distributions of the indexer, whose versions are part of an index's key.
INDEXER_LIBRARIES = ("pagefind", "pagefind-bin", "pagefind-bin-extended")


def fold(text: str) -> str:
    """The one form search compares: Thai digits as Arabic digits, NIKHAHIT + SARA AA as SARA AM.

    ``search.js`` does exactly this to a query (``foldQuery``); keep the two the same."""
    return _NIKHAHIT_AA.sub("\\1\u0e33", text.translate(_THAI_DIGITS))


def folded_terms(text: str) -> list[str]:
    """The folded form of each word of ``text`` that folding changes, once each, in order of appearance."""
    terms: dict[str, None] = {}
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded != word:
            terms.setdefault(folded, None)
    return list(terms)


def as_compared(word: str) -> str:
    """``word`` as Pagefind compares it: decomposed (NFD), without combining marks, in lower case; what its script
    does to a query (``normalizeDiacritics``), so ``ห้องสมุด`` is ``หองสมด``. For the index's word list only, never
    for text a reader sees; SARA AM has no canonical decomposition, so NFD keeps it."""
    return "".join(char for char in unicodedata.normalize("NFD", word) if not unicodedata.category(char).startswith("M")).lower()


@lru_cache(maxsize=1)
def english_keywords() -> dict[str, str]:
    """Thai term → its English words, from ``reportgen/wording/search_keywords.yaml``."""
    text = resources.files("reportgen.wording").joinpath(KEYWORDS_FILE).read_text(encoding="utf-8")
    return {str(term): str(words) for term, words in (yaml.safe_load(text) or {}).items()}


@dataclass(frozen=True)
class IndexedPage:
    """A page as the indexer gets it (``html``), and the Thai words of its ``<main>`` it was cut into."""

    html: str
    words: tuple[str, ...]


def indexed_page(html: str, dictionary: Iterable[str] = ()) -> IndexedPage:
    """``html`` as given to the indexer: the Thai runs of its ``<main>`` cut into words (``WORD_SEPARATOR`` between
    two words, where the page has ``<wbr>`` or nothing), and the extra terms in a block at the end of ``<main>``."""
    dictionary = frozenset(dictionary)
    main = re.search(r"<main\b.*?</main>", html, re.S)
    if main is None:
        return IndexedPage(html, ())
    words: dict[str, None] = {}

    def cut(run: re.Match[str]) -> str:
        tokens = thai_words(run.group(), dictionary)
        words.update(dict.fromkeys(tokens))
        return WORD_SEPARATOR.join(
            token + "".join(PART_SEPARATOR + part for part in word_parts(token, dictionary)) for token in tokens
        )

    pieces = _TAG.split(main.group())
    skipping = None
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            match = re.match(r"</?([a-zA-Z0-9-]+)", piece)
            name = match.group(1).lower() if match else ""
            if skipping is None and name in ("script", "style") and not piece.startswith("</"):
                skipping = name
            elif skipping == name and piece.startswith("</"):
                skipping = None
            elif name == "wbr":  # the page's own break between two Thai words: the same cut
                pieces[index] = WORD_SEPARATOR
        elif skipping is None:
            piece = _THAI_SLASH.sub(PART_SEPARATOR_LOOKALIKE, piece.replace(WORD_SEPARATOR, SEPARATOR_LOOKALIKE))
            pieces[index] = _THAI_RUN.sub(cut, piece)
    text = _visible_text(html)
    terms = extra_terms(text)
    block = f'<div data-pagefind-weight="0.5">{EXTRA_TERMS_MARK} {escape(" ".join(terms))}</div>' if terms else ""
    indexed = "".join(pieces)
    indexed = indexed[: indexed.rindex("</main>")] + block + "</main>"
    return IndexedPage(html[: main.start()] + indexed + html[main.end():], tuple(words))


def extra_terms(text: str) -> list[str]:
    """What a page is also found by, once each: the English words of the Thai terms in its ``text``
    (``english_keywords``), and the folded form of its words that folding changes."""
    terms: dict[str, None] = {}
    for term, english in english_keywords().items():
        if term in text:
            terms.update(dict.fromkeys(english.split()))
    terms.update(dict.fromkeys(folded_terms(text)))
    return list(terms)


def _visible_text(html: str) -> str:
    main = re.search(r"<main\b.*?</main>", html, re.S)
    text = main.group() if main else html
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<wbr>|</?span\b[^>]*>", "", text)  # inside a line: no space, so words stay whole
    return unescape(re.sub(r"<[^>]+>", " ", text))


def indicator_pages(html_root: Path) -> list[Path]:
    """The indicator pages under ``html_root``, in path order (so the index comes out the same every time)."""
    return sorted(
        path for path in html_root.glob("*/*.html")
        if INDICATOR_PAGE.fullmatch(path.relative_to(html_root).as_posix()) and not path.is_symlink()
    )


def pagefind_binary() -> str:
    """The extended Pagefind binary from PyPI (``pagefind[extended]``), or ``$PAGEFIND_BINARY_PATH`` as Pagefind's own
    Python API honours it. The extended one, never the plain one: only it segments Thai words at indexing."""
    if configured := os.environ.get("PAGEFIND_BINARY_PATH"):
        return configured
    from pagefind_bin_extended import get_executable

    return str(get_executable())


def _run_pagefind(site: Path, index: Path) -> None:
    """Pagefind's command line on ``site``, writing the index into ``index``; raises SearchIndexError. The command,
    not the Python API's service: that took 0.1 s a page, five times longer."""
    command = [pagefind_binary(), "--site", str(site), "--output-path", str(index), "--root-selector", "main",
               "--force-language", INDEX_LANGUAGE, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError("search_index_failed", error=str(exc)) from exc
    no_room = _no_room(done)
    if no_room is not None:  # a full disk or a file-size limit, not a broken Pagefind
        raise NoSpaceError.of(OSError(no_room, os.strerror(no_room)), localized("what_search_index", folder=index))
    if done.returncode != 0 or not (index / "pagefind-entry.json").is_file():
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError("search_index_failed", error=lines[-1] if lines else done.returncode)


#: How Pagefind (Rust) reports the errors of ``NO_SPACE``: "No space left on device (os error 28)".
_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def _no_room(done: subprocess.CompletedProcess[str]) -> int | None:
    """The ``NO_SPACE`` errno Pagefind failed with, if it did: killed by SIGXFSZ past a file-size limit, or an OS
    error it printed."""
    if done.returncode == -signal.SIGXFSZ:
        return errno.EFBIG
    if done.returncode != 0:
        for match in _OS_ERROR.finditer((done.stderr or "") + (done.stdout or "")):
            if int(match.group(1)) in NO_SPACE:
                return int(match.group(1))
    return None


def index_key(html_root: Path, pages: dict[Path, bytes], dictionary: Iterable[str] = ()) -> str:
    """The key of the index of ``pages`` (each page's path and bytes; hex SHA-256): everything the index is made
    from, the pages' paths and bytes, the project's own words, and how it is made (reportgen's code, the indexer's
    versions and binary)."""
    digest = hashlib.sha256(f"{INDEX_CACHE_FORMAT}\0code={code_fingerprint()}".encode())
    for version in library_versions(INDEXER_LIBRARIES):
        digest.update(f"\0{version}".encode())
    digest.update(f"\0binary={os.environ.get('PAGEFIND_BINARY_PATH', '')}".encode())
    digest.update(("\0words\0" + "\n".join(sorted(dictionary))).encode("utf-8"))
    for page, data in pages.items():
        digest.update(f"\0page\0{page.relative_to(html_root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def write_search_index(
    out: OutputWriter, dictionary: Iterable[str] = (), cache: FormCache | None = None, keys: set[str] | None = None
) -> int:
    """Index the indicator pages now in ``out``'s staging folder, one index per fiscal year (``YEAR_INDEX``), and
    write the indexes through ``out``, replacing those carried over from the previous output, with the module that
    searches them all (``MODULE_FILE``) and the words of them all (``WORDS_FILE``); ``dictionary``: the
    project's own words (content/dictionary.txt). Returns the number of pages indexed.

    With a ``cache``, each year's index is kept under ``index_key`` of its pages (the files of the index as a
    bundle, each verified when read), and a year whose indicator pages are the ones indexed before is linked from
    there instead of being indexed again; the keys used are added to ``keys`` (for pruning the cache)."""
    staging = out.staging_dir
    if staging is None:
        raise RuntimeError("write_search_index needs an open OutputWriter")
    html_root = staging / "html"
    pages = indicator_pages(html_root)
    out.remove_carried_over(INDEX_FOLDER)
    if not pages:  # a project without indicators yet: nothing to find (Pagefind refuses a site without pages)
        logger.info(wording.message("search_index_none"))
        return 0
    dictionary = frozenset(dictionary)
    years: dict[str, list[Path]] = {}
    for page in pages:
        years.setdefault(page.relative_to(html_root).parts[0], []).append(page)
    words: set[str] = set()
    indexes: list[str] = []  # the newest year first
    for year, year_pages in sorted(years.items(), reverse=True):
        folder = f"{YEAR_INDEX.format(year=year)}/"
        indexes.append(folder)
        # Read once (for the key, then for the indexer), one year at a time: a year's pages are in memory while
        # Pagefind indexes them, not the whole site's (44 MB at 1,000 forms).
        contents = {page: page.read_bytes() for page in year_pages}
        for path, data, source in _year_index(html_root, contents, dictionary, cache, keys):
            if path == WORDS_FILE:
                words.update(json.loads(data))
            else:
                out.link_or_write(f"{INDEX_FOLDER}/{folder}{path}", source, data)
    out.write_bytes(f"{INDEX_FOLDER}/{MODULE_FILE}", merged_module(indexes).encode("utf-8"))
    out.write_bytes(f"{INDEX_FOLDER}/{WORDS_FILE}", json.dumps(sorted(words), ensure_ascii=False).encode("utf-8"))
    logger.info(wording.message("search_index_pages", count=len(pages)))
    return len(pages)


def merged_module(indexes: list[str]) -> str:
    """``MODULE_FILE``: an ES module with Pagefind's API (``init``, ``options``, ``search``) over ``indexes`` (folders
    beside it, the newest year first): the first one's Pagefind, each other one merged into it on ``init``
    (``mergeIndex``; they share its code and its WebAssembly, and load only the parts of their index a query needs)."""
    newest, *others = indexes
    merged = json.dumps([f"./{folder}" for folder in others])
    return f"""// reportgen (publish/search.py): the site's search indexes, one per fiscal year, as one Pagefind.
import * as pagefind from "./{newest}pagefind.js";

const merged = {merged};
let ready = null;

export function init() {{
  if (!ready) {{
    ready = pagefind.init().then(() =>
      Promise.all(merged.map((folder) => pagefind.mergeIndex(new URL(folder, import.meta.url).href))));
  }}
  return ready;
}}

export function options(settings) {{
  return pagefind.options(settings);
}}

export async function search(term, settings) {{
  await init();
  return pagefind.search(term, settings);
}}
"""


def _year_index(
    html_root: Path,
    pages: dict[Path, bytes],
    dictionary: frozenset[str],
    cache: FormCache | None,
    keys: set[str] | None,
) -> list[tuple[str, bytes, Path | None]]:
    """The files of the index of one year's ``pages`` as (path inside the index, bytes, the cached file or None),
    its words (``WORDS_FILE``) among them: taken from ``cache`` under ``index_key`` of the pages, else made."""
    key = index_key(html_root, pages, dictionary) if cache is not None else None
    cached = cache.get_bundle(key) if cache is not None and key is not None else None
    files: list[tuple[str, bytes, Path | None]]
    if cached is not None:
        files = [(path, hit.data, hit.path) for path, hit in cached]
        logger.debug("search index of %d pages taken from the cache", len(pages))
        if keys is not None:  # the pages as prepared for the indexer stay too, for the next build that changes one
            prefix = _prepared_key_prefix(dictionary)
            keys.update(hashlib.sha256(prefix + data).hexdigest() for data in pages.values())
    else:
        made = _make_index(html_root, pages, dictionary, cache, keys)
        if cache is not None and key is not None:
            files = cache.put_bundle(key, made)
        else:
            files = [(path, data, None) for path, data in made]
    if cache is not None and key is not None and keys is not None:
        keys.update(cache.bundle_keys(key, [path for path, _, _ in files]))
    return files


def _make_index(
    html_root: Path,
    pages: dict[Path, bytes],
    dictionary: frozenset[str],
    cache: FormCache | None = None,
    keys: set[str] | None = None,
) -> list[tuple[str, bytes]]:
    """The files of the index of ``pages`` (each page's path and bytes) as (path inside the index folder, bytes),
    made by Pagefind; each page as the indexer gets it is taken from ``cache`` when its bytes were indexed before
    (``prepared_page``)."""
    made: list[tuple[str, bytes]] = []
    prefix = _prepared_key_prefix(dictionary) if cache is not None else b""
    with tempfile.TemporaryDirectory(prefix="reportgen-search-") as scratch_name:
        # The pages as the indexer sees them (with their extra terms) go to a scratch folder, never into output/.
        site = Path(scratch_name) / "site"
        site.mkdir()
        words: set[str] = set()
        for page, data in pages.items():
            copy = site / page.relative_to(html_root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            indexed = prepared_page(data, dictionary, cache, keys, prefix)
            copy.write_text(indexed.html, encoding="utf-8")
            words.update(indexed.words)
            words.update(part for word in indexed.words for part in word_parts(word, dictionary))
        index = Path(scratch_name) / "pagefind"
        _run_pagefind(site, index)
        for path in sorted(index.rglob("*")):
            if path.is_file() and not UNUSED_BUNDLE_FILES.fullmatch(path.name):
                made.append((path.relative_to(index).as_posix(), path.read_bytes()))
        compared = sorted({as_compared(word) for word in words} - {""})
        made.append((WORDS_FILE, json.dumps(compared, ensure_ascii=False).encode("utf-8")))
    return made


def _prepared_key_prefix(dictionary: frozenset[str]) -> bytes:
    """What every prepared page's key starts with: how pages are prepared (reportgen's code) and the project's words."""
    words = "\n".join(sorted(dictionary))
    return f"{INDEX_CACHE_FORMAT}\0prepared\0code={code_fingerprint()}\0words\0{words}\0".encode()


def prepared_page(
    data: bytes,
    dictionary: frozenset[str],
    cache: FormCache | None = None,
    keys: set[str] | None = None,
    key_prefix: bytes = b"",
) -> IndexedPage:
    """``indexed_page`` of a page's bytes, kept in ``cache`` under the key of those bytes (and of ``key_prefix``):
    a change to one form re-cuts that form's page, not all of them (cutting every Thai run of 1,000 pages takes
    about 5 s, as long as Pagefind's own indexing). The key used is added to ``keys`` (for pruning the cache)."""
    if cache is None:
        return indexed_page(data.decode("utf-8"), dictionary)
    key = hashlib.sha256(key_prefix + data).hexdigest()
    if keys is not None:
        keys.add(key)
    hit = cache.get(key)
    if hit is not None:
        try:
            kept = json.loads(hit.data)
        except ValueError:
            kept = None
        if (isinstance(kept, dict) and isinstance(kept.get("html"), str) and isinstance(kept.get("words"), list)
                and all(isinstance(word, str) for word in kept["words"])):  # fmt: skip
            return IndexedPage(kept["html"], tuple(kept["words"]))
    indexed = indexed_page(data.decode("utf-8"), dictionary)
    cache.put(key, json.dumps({"html": indexed.html, "words": list(indexed.words)}, ensure_ascii=False).encode())
    return indexed
