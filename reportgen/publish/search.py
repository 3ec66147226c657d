"""The site's indicator pages (in the writer's staging folder) → a Pagefind search index under ``html/pagefind/``.

The published site is static, so its search is too: Pagefind (PyPI ``pagefind[extended]``) indexes the built pages
and writes a compact index in fragments, which the search page (``search.html``, ``templates/js/search.js``) loads
in the reader's browser, only the fragments a query needs. The *extended* Pagefind binary segments Thai into words
at indexing; the browser segments a query with ``Intl.Segmenter``, so a query typed without spaces finds the words.

Only the indicator pages are indexed (``html/<year>/<code>.html``), from their ``<main>``: the year pages repeat
every indicator's name, and the header and footer are the same on every page.

Two spellings that look the same or mean the same must find each other, and Pagefind folds neither: SARA AM ``ำ``
(U+0E33) and NIKHAHIT + SARA AA ``ํา`` (U+0E4D U+0E32, how some keyboards and PDFs give it), and Thai and Arabic
digits (``๐๘`` and ``08``; a site may print either, ``site.digits``). So both sides are brought to one form
(``fold``): the query by the same folding in the search page's script, and each page by extra index terms, the
folded form of each of its words that folding changes, given to Pagefind with the page (the page on disk is not
changed). Nothing is NFKC-normalised: the visible text keeps the spelling it was written in.

The index is built from the staging folder once every page is there (a partial build's carried-over pages too):
Pagefind's command line (the extended binary from PyPI) indexes copies of them in a temporary folder outside
``output/``, and the index's files then go through the writer like every other file, so a failed indexing fails
the build before anything is committed.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import signal
import subprocess
import tempfile
from html import escape, unescape
from pathlib import Path

from reportgen import wording
from reportgen.errors import NO_SPACE, NoSpaceError, SearchIndexError
from reportgen.publish.writer import OutputWriter
from reportgen.wording import localized

logger = logging.getLogger(__name__)

#: Where the index goes inside ``output/``; the search page loads ``pagefind.js`` from here.
INDEX_FOLDER = "html/pagefind"
#: Pagefind's ready-made search interfaces: the site has its own search page, so these are not published.
UNUSED_BUNDLE_FILES = re.compile(r"pagefind-(?:component-|modular-)?ui\.(?:js|css)|pagefind-highlight\.js")
#: An indicator's page inside html/: ``2564/08.html`` (a year, then a code; the year pages are ``index.html``).
INDICATOR_PAGE = re.compile(r"(\d{4})/(?!index\.html$)[^/]+\.html")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: NIKHAHIT, then perhaps a tone mark, then SARA AA: SARA AM after the tone mark (``น ํ ้ า`` → ``น ้ ำ``).
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_WORD = re.compile(r"\S+")


def fold(text: str) -> str:
    """The one form search compares: Thai digits as Arabic digits, NIKHAHIT + SARA AA as SARA AM.

    ``search.js`` does exactly this to a query (``foldQuery``); keep the two the same."""
    return _NIKHAHIT_AA.sub("\\1\u0e33", text.translate(_THAI_DIGITS))


def extra_terms(text: str) -> list[str]:
    """The folded form of each word of ``text`` that folding changes, once each, in order of appearance."""
    terms: dict[str, None] = {}
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded != word:
            terms.setdefault(folded, None)
    return list(terms)


def _visible_text(html: str) -> str:
    main = re.search(r"<main\b.*?</main>", html, re.S)
    return unescape(re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", main.group() if main else html, flags=re.S))


def with_extra_terms(html: str) -> str:
    """``html`` as given to the indexer: its ``<main>`` ends with the folded terms of its words, when any."""
    terms = extra_terms(_visible_text(html))
    if not terms:
        return html
    block = f'<div data-pagefind-weight="0.5">{escape(" ".join(terms))}</div>'
    return re.sub(r"</main>", lambda _: block + "</main>", html, count=1)


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
               "--force-language", "th", "--silent"]
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


def write_search_index(out: OutputWriter) -> int:
    """Index the indicator pages now in ``out``'s staging folder and write the index through ``out``, replacing
    an index carried over from the previous output. Returns the number of pages indexed."""
    staging = out.staging_dir
    if staging is None:
        raise RuntimeError("write_search_index needs an open OutputWriter")
    html_root = staging / "html"
    pages = indicator_pages(html_root)
    out.remove_carried_over(INDEX_FOLDER)
    if not pages:  # a project without indicators yet: nothing to find (Pagefind refuses a site without pages)
        logger.info(wording.message("search_index_none"))
        return 0
    with tempfile.TemporaryDirectory(prefix="reportgen-search-") as scratch_name:
        # The pages as the indexer sees them (with their extra terms) go to a scratch folder, never into output/.
        site = Path(scratch_name) / "site"
        site.mkdir()
        for page in pages:
            copy = site / page.relative_to(html_root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(with_extra_terms(page.read_text(encoding="utf-8")), encoding="utf-8")
        index = Path(scratch_name) / "pagefind"
        _run_pagefind(site, index)
        for path in sorted(index.rglob("*")):
            if path.is_file() and not UNUSED_BUNDLE_FILES.fullmatch(path.name):
                out.copy_file(f"{INDEX_FOLDER}/{path.relative_to(index).as_posix()}", path)
    logger.info(wording.message("search_index_pages", count=len(pages)))
    return len(pages)
