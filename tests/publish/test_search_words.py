"""search.py and search.js cut Thai into the same words (issue 27): what the indexer is given for a page, the word
list the search page cuts a query with, and the parts of compound words (linebreak.word_parts). The queries
themselves, in Chromium: tests/publish/test_search_queries.py."""

from __future__ import annotations

import json
import re

from projects import build_site
from search_corpus import search_site_files

from reportgen.linebreak import thai_words, word_parts
from reportgen.publish.search import INDEX_FOLDER, WORDS_FILE, as_compared, english_keywords, indexed_page


def test_a_compound_word_gives_its_parts_at_every_level_and_a_plain_word_none():
    assert word_parts("ผู้ใช้บริการ") == ["ผู้ใช้", "ผู้", "ใช้", "บริการ"]
    assert "เยาวชน" in word_parts("ศูนย์เยาวชน") and "พึงพอใจ" in word_parts("ความพึงพอใจ")
    assert word_parts("บริการ") == [] and word_parts("ใช้") == []
    assert all(len(part) >= 3 for part in word_parts("ความพึงพอใจ"))  # no ใจ, ชน: they match too much


def test_the_indexer_gets_each_thai_word_apart_with_its_parts_and_the_page_keeps_its_words():
    page = ('<html><body><header>หัว</header><main><h1>ผู้ใช้บริการห้องสมุด</h1>'
            '<p><span class="w">ห้องสมุด</span><wbr><span class="w">มีชีวิต</span> ยืม/คืน ก|ข https://x.th/a</p>'
            '<script>var s = "ห้องสมุด";</script></main></body></html>')  # fmt: skip
    indexed = indexed_page(page)
    main = re.search(r"<main>.*</main>", indexed.html, re.S).group()
    # The words of the forms' segmenter, "|" between two, each compound followed by its parts after "/".
    cut = "|".join(word + "".join("/" + part for part in word_parts(word)) for word in thai_words("ผู้ใช้บริการห้องสมุด"))
    assert f"<h1>{cut}</h1>" in main and "ผู้ใช้บริการ/ผู้ใช้/ผู้/ใช้/บริการ" in main
    assert '<span class="w">ห้องสมุด/ห้อง/สมุด</span>|<span class="w">มีชีวิต' in main  # <wbr>: the page's own cut
    # What the page itself writes with "|" or a Thai "/" comes back as look-alikes, so search.js can tell them apart.
    assert "ยืม\u2215คืน" in main and "ก\u00a6ข" in main and "https://x.th/a" in main
    assert 'var s = "ห้องสมุด";' in main, "a script is not text"
    assert indexed.html.startswith("<html><body><header>หัว</header>")  # outside <main>: as it was
    block = re.search(r'<div data-pagefind-weight="0.5">\u2042 ([^<]*)</div></main>', indexed.html).group(1)
    assert {"library", "libraries", "living"} <= set(block.split())
    assert set(indexed.words) == set(thai_words("ผู้ใช้บริการห้องสมุด")) | {"ห้องสมุด", "มีชีวิต", "ยืม", "คืน", "ก", "ข"}


def test_every_keyword_term_is_thai_and_its_english_words_are_plain_lower_case():
    keywords = english_keywords()
    assert len(keywords) >= 30 and keywords["ห้องสมุด"].split()[0] == "library"
    for term, english in keywords.items():
        assert re.fullmatch("[\u0e01-\u0e4e]+", term), term
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", english), english


def test_words_are_compared_as_pagefind_compares_them_without_marks_and_sara_am_kept():
    assert as_compared("ห้องสมุด") == "หองสมด" and as_compared("ผู้ใช้บริการ") == "ผใชบรการ"
    assert as_compared("จำนวน") == "จำนวน"  # SARA AM has no canonical decomposition: never taken apart
    assert as_compared("Library") == "library"


def test_a_build_publishes_the_words_a_query_is_cut_with(tmp_path):
    html = build_site(tmp_path / "p", search_site_files())
    words = json.loads((html / "pagefind" / WORDS_FILE).read_text(encoding="utf-8"))
    assert words == sorted(set(words)) and all(word == as_compared(word) for word in words)
    assert {"ผใชบรการ", "ผใช", "บรการ", "เยาวชน", "ศนยเยาวชน", "หองสมดมชวต"} <= set(words)
    assert not any(re.search("[a-z0-9]", word) for word in words), "Thai words only: the rest Pagefind splits itself"
    assert INDEX_FOLDER == "html/pagefind"
