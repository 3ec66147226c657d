"""publish/search.py: the folding both sides of a search agree on, and the Pagefind index a build writes through the
writer (rebuilt whole by a partial build, never half-written). In the browser: tests/test_browser.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projects import REPO_ROOT, build_site, multi_year_files, real_indicator, run_reportgen, write_project

from reportgen.errors import OutputError
from reportgen.publish.search import (
    INDEX_FOLDER,
    MODULE_FILE,
    WORDS_FILE,
    as_compared,
    fold,
    folded_terms,
    indexed_page,
)
from reportgen.publish.writer import OutputWriter


def test_fold_brings_sara_am_and_thai_digits_to_one_form_and_keeps_everything_else():
    assert fold("จ\u0e4d\u0e32นวน") == "จำนวน"
    assert fold("น\u0e4d\u0e49\u0e32") == "น\u0e49\u0e33"  # NIKHAHIT, tone mark, SARA AA: the tone before SARA AM
    assert fold("ตัวชี้วัด ๐๘ ปี ๒๕๖๔") == "ตัวชี้วัด 08 ปี 2564"
    already = "จำนวนห้องสมุด 08 ความทันสมัย"
    assert fold(already) == already
    assert "\u0e33" in fold("ทำ") and fold("ทำ") == "ทำ"  # SARA AM is never taken apart (no NFKC)


def test_the_javascript_query_folding_is_the_same_as_the_python_one():
    script = (REPO_ROOT / "templates" / "js" / "search.js").read_text(encoding="utf-8")
    assert '/\\u0E4D([\\u0E48-\\u0E4B]?)\\u0E32/g, "$1\\u0E33"' in script
    assert "๐๑๒๓๔๕๖๗๘๙" in script and '"NFKC"' not in script and '"NFKD"' not in script
    # Decomposed only to compare as Pagefind does (marks left out), never for text shown: one place.
    assert script.count(".normalize(") == 1 and '.normalize("NFD").replace(/\\p{M}/gu, "")' in script


def test_folded_terms_are_the_folded_words_that_differ_once_each():
    assert folded_terms("ตัวชี้วัด ๐๘ จ\u0e4d\u0e32นวน ๐๘ ห้องสมุด") == ["08", "จำนวน"]
    assert folded_terms("ตัวชี้วัด 08 จำนวน") == []


def test_the_indexer_gets_the_folded_terms_inside_main_and_the_page_is_unchanged_otherwise():
    page = "<html><body><header>๑๒</header><main><h1>ตัวชี้วัด ๐๘</h1></main></body></html>"
    indexed = indexed_page(page, {"ตัวชี้วัด"}).html
    assert indexed == ("<html><body><header>๑๒</header><main><h1>ตัวชี้วัด/ตัว/ชี้/วัด ๐๘</h1>"
                       '<div data-pagefind-weight="0.5">\u2042 indicator indicators kpi 08</div></main></body></html>')


@pytest.fixture
def html(multi_year_html) -> Path:
    return multi_year_html


def test_a_build_publishes_the_search_page_and_an_index_of_each_years_indicator_pages(html):
    index = html / "pagefind"
    # One module with Pagefind's API over every year: the newest year's Pagefind, the others merged into it.
    module = (index / MODULE_FILE).read_text(encoding="utf-8")
    assert 'import * as pagefind from "./2565/pagefind.js";' in module and 'const merged = ["./2564/"];' in module
    assert "pagefind.mergeIndex(" in module
    for year, pages in (("2564", 1), ("2565", 3)):
        bundle = index / year
        assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
        assert list(bundle.glob("wasm.*.pagefind")) and list((bundle / "index").glob("*.pf_index"))
        # One fragment per indicator page of the year: the year pages, the data and search pages are not indexed.
        assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == pages, year
        assert not list(bundle.glob("pagefind-*ui*")), "Pagefind's own interfaces are not published"
        assert not (bundle / WORDS_FILE).exists(), "the words of every year are in one file"
    assert sorted(path.name for path in index.iterdir() if path.is_file()) == [MODULE_FILE, WORDS_FILE]
    search_page = (html / "search.html").read_text(encoding="utf-8")
    assert 'data-index="pagefind/pagefind.js"' in search_page and "assets/js/search.js" in search_page
    assert (html / "assets" / "js" / "search.js").is_file()
    for page in ("index.html", "2564/08.html", "data/index.html", "404.html"):
        text = (html / page).read_text(encoding="utf-8")
        assert 'role="search"' in text and 'name="q"' in text and "ค้นหาตัวชี้วัด" in text, page


def test_a_partial_build_indexes_the_whole_site_anew(tmp_path):
    root = tmp_path / "p"
    html = build_site(root)
    before = {path.relative_to(html / "pagefind").as_posix() for path in (html / "pagefind").rglob("*") if path.is_file()}
    changed = multi_year_files()["indicators/2565/10.yaml"] | {"name": "ชื่อใหม่ของตัวชี้วัดที่สิบ"}
    write_project(root, {"indicators/2565/10.yaml": changed})
    run_reportgen("build", "content/indicators/2565/10.yaml", cwd=root, check=True)
    after = {path.relative_to(html / "pagefind").as_posix() for path in (html / "pagefind").rglob("*") if path.is_file()}
    fragments = [path for path in after if "/fragment/" in path]
    assert len(fragments) == 4, "a fragment of the old index stayed beside the new ones"
    assert after != before
    assert (html / "2564" / "08.html").is_file()


def test_a_rebuild_of_the_same_pages_reuses_their_index_and_a_changed_page_is_indexed_anew(tmp_path, monkeypatch):
    """The index is kept like the forms' PDFs, under the key of the pages it indexes: a build in which no indicator
    page changed links it from the cache (Pagefind took 30 s and most of the memory of a build of 1,000); a changed
    page, or a damaged cached file, has it made again."""
    import reportgen.publish.search as search
    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    runs: list[Path] = []
    original = search._run_pagefind

    def counted(site: Path, index: Path) -> None:
        runs.append(site)
        original(site, index)

    monkeypatch.setattr(search, "_run_pagefind", counted)
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator()})
    build(root, BuildRequest(jobs=1))
    index = root / "output" / INDEX_FOLDER

    def files() -> dict[str, bytes]:
        return {path.relative_to(index).as_posix(): path.read_bytes() for path in index.rglob("*") if path.is_file()}

    first = files()
    assert len(runs) == 1 and "2564/pagefind-entry.json" in first
    build(root, BuildRequest(jobs=1))
    assert len(runs) == 1, "the same pages were indexed again"
    assert files() == first
    assert (index / "2564" / "pagefind-entry.json").stat().st_nlink >= 2  # linked from the cache

    cached = sorted((root / ".cache" / "reportgen" / "search-v1").rglob("*.index"))
    assert cached, "the index is kept in the cache"
    for entry in cached:  # damaged: never published, made again
        entry.write_bytes(entry.read_bytes() + b" ")
    build(root, BuildRequest(jobs=1))
    assert len(runs) == 2 and files() == first

    write_project(root, {"indicators/2564/08.yaml": real_indicator() | {"name": "ชื่อใหม่ของตัวชี้วัด"}})
    build(root, BuildRequest(jobs=1))
    assert len(runs) == 3 and files() != first


def test_a_change_to_one_years_forms_indexes_that_year_alone_and_the_site_is_the_same_as_from_scratch(
    tmp_path, monkeypatch
):
    """Each fiscal year has an index of its own: after a change to a form of 2565, Pagefind indexes 2565's pages and
    2564's index is linked from the cache, and the published indexes are byte for byte those made without cache."""
    import reportgen.publish.search as search
    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    indexed: list[list[str]] = []
    original = search._run_pagefind

    def counted(site: Path, index: Path) -> None:
        indexed.append(sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")))
        original(site, index)

    monkeypatch.setattr(search, "_run_pagefind", counted)
    root = write_project(tmp_path / "p", multi_year_files())
    build(root, BuildRequest(jobs=1))
    assert indexed == [["2565/08.html", "2565/09.html", "2565/10.html"], ["2564/08.html"]]
    changed = multi_year_files()["indicators/2565/10.yaml"] | {"name": "ชื่อใหม่ของตัวชี้วัดที่สิบ"}
    write_project(root, {"indicators/2565/10.yaml": changed})
    build(root, BuildRequest(jobs=1))
    assert indexed[2:] == [["2565/08.html", "2565/09.html", "2565/10.html"]], "2564 was indexed again"
    index = root / "output" / INDEX_FOLDER
    assert (index / "2564" / "pagefind-entry.json").stat().st_nlink >= 2  # linked from the cache
    words = json.loads((index / WORDS_FILE).read_text(encoding="utf-8"))
    assert as_compared("ใหม่") in words and as_compared("ความทันสมัย") in words  # 2565's new name, 2564's cached words

    incremental = {path.relative_to(index).as_posix(): path.read_bytes() for path in index.rglob("*") if path.is_file()}
    build(root, BuildRequest(jobs=1, use_cache=False))
    assert incremental == {path.relative_to(index).as_posix(): path.read_bytes() for path in index.rglob("*")
                           if path.is_file()}  # fmt: skip


def test_a_changed_form_has_only_its_own_page_prepared_again_and_the_index_is_the_same_as_from_scratch(
    tmp_path, monkeypatch
):
    """Each page as the indexer gets it (its Thai cut into words) is kept under the key of the page's bytes: after a
    change to one form of three, one page is cut again, and the index is byte for byte the one made without cache."""
    import reportgen.publish.search as search
    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    prepared: list[str] = []
    original = search.indexed_page

    def counted(html: str, dictionary=()):
        prepared.append(html)
        return original(html, dictionary)

    monkeypatch.setattr(search, "indexed_page", counted)
    forms = {f"indicators/2564/{code}.yaml": real_indicator() | {"code": code} for code in ("08", "09", "10")}
    root = write_project(tmp_path / "p", forms)
    build(root, BuildRequest(jobs=1))
    assert len(prepared) == 3
    build(root, BuildRequest(jobs=1))  # nothing changed: the index itself is linked
    assert len(prepared) == 3
    write_project(root, {"indicators/2564/09.yaml": real_indicator() | {"code": "09", "name": "ชื่อใหม่ของตัวชี้วัด"}})
    build(root, BuildRequest(jobs=1))
    assert len(prepared) == 4 and "ชื่อใหม่ของตัวชี้วัด" in prepared[-1]

    index = root / "output" / INDEX_FOLDER
    incremental = {path.relative_to(index).as_posix(): path.read_bytes() for path in index.rglob("*") if path.is_file()}
    build(root, BuildRequest(jobs=1, use_cache=False))
    assert incremental == {path.relative_to(index).as_posix(): path.read_bytes() for path in index.rglob("*")
                           if path.is_file()}  # fmt: skip


def test_a_failed_indexing_fails_the_build_and_leaves_the_last_good_site(tmp_path):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator()})
    run_reportgen("build", cwd=root, check=True)
    html = root / "output" / "html"
    good = {path: path.read_bytes() for path in html.rglob("*") if path.is_file()}
    write_project(root, {"indicators/2564/08.yaml": real_indicator() | {"name": "ชื่อที่ไม่ควรถูกเผยแพร่"}})
    broken = run_reportgen("build", cwd=root, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-binary")})
    assert broken.returncode == 1
    assert "สร้างดัชนีค้นหาของเว็บไซต์ไม่สำเร็จ" in broken.stderr and "WARNING" not in broken.stderr
    assert {path: path.read_bytes() for path in html.rglob("*") if path.is_file()} == good
    assert not list(root.glob(".output.staging-*")), "the staging folder was left behind"


def test_the_writer_removes_only_what_it_carried_over(tmp_path):
    output = tmp_path / "output"
    with OutputWriter(output) as out:
        out.write_bytes(f"{INDEX_FOLDER}/old.pf_fragment", b"old")
        out.write_bytes("html/index.html", b"<html></html>")
        out.commit()
    with OutputWriter(output, keep_existing=True) as out:
        out.remove_carried_over(INDEX_FOLDER)
        out.write_bytes(f"{INDEX_FOLDER}/new.pf_fragment", b"new")
        with pytest.raises(OutputError, match="เพิ่งเขียนลงไป"):
            out.remove_carried_over(INDEX_FOLDER)
        out.commit()
    assert sorted(path.name for path in (output / INDEX_FOLDER).iterdir()) == ["new.pf_fragment"]
    assert (output / "html" / "index.html").read_bytes() == b"<html></html>"


def test_a_project_without_indicators_builds_without_an_index(tmp_path):
    html = build_site(tmp_path / "p", {})
    assert (html / "search.html").is_file() and not (html / "pagefind").exists()
