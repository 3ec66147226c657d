"""A whole-site build of the last build's inputs touches nothing (``publish/unchanged.py``); any change builds."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import yaml
from projects import many_indicators, tree_digest

from reportgen.publish.options import BuildRequest
from reportgen.publish.pipeline import build
from reportgen.publish.unchanged import tree_listing
from reportgen.standing import Reporting


def files_as_they_are(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file's (inode, modification time, size): what "touched nothing" means, the folder's own inode too."""
    found = {str(path.relative_to(folder)): path.lstat() for path in folder.rglob("*") if path.is_file()}
    found["."] = folder.stat()
    return {name: (info.st_ino, info.st_mtime_ns, info.st_size) for name, info in found.items()}


def test_a_build_of_the_same_inputs_touches_nothing_and_says_every_form_is_unchanged(project):
    root = project(many_indicators(3))
    first = build(root, BuildRequest(jobs=1))
    assert first.built == 3 and first.written
    before = files_as_they_are(root / "output")
    beside = sorted(path.name for path in root.iterdir())

    again = build(root, BuildRequest(jobs=1))

    assert (again.built, again.unchanged, again.failed, again.written) == (0, 3, 0, ())
    assert files_as_they_are(root / "output") == before  # no file written, linked or swapped: the same inodes
    assert sorted(path.name for path in root.iterdir()) == beside  # no staging folder was made, none thrown away
    assert not list((root / "output").rglob("*state*"))  # the state is the cache's, never published


def test_a_changed_indicator_evidence_or_date_builds_again(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    tree = tree_digest(root / "output")

    path = root / "content/indicators/2564/02.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment changes no field, but the file\n", encoding="utf-8")
    changed = build(root, BuildRequest(jobs=1))
    assert changed.written and changed.built == 1  # the file changed: its form is made again (the same bytes)
    assert tree_digest(root / "output") == tree

    (root / "content/evidence").mkdir(exist_ok=True)
    (root / "content/evidence/photo.txt").write_text("ภาพกิจกรรม", encoding="utf-8")
    assert build(root, BuildRequest(jobs=1)).written
    assert not build(root, BuildRequest(jobs=1)).written

    later = Reporting(dt.date(2031, 1, 5))  # pages say as of when: another date is another output
    assert build(root, BuildRequest(jobs=1, reporting=later)).written
    assert not build(root, BuildRequest(jobs=1, reporting=later)).written


def test_an_output_file_changed_removed_or_added_by_hand_is_made_again(project):
    root = project(many_indicators(2))
    build(root, BuildRequest(jobs=1))
    tree = tree_digest(root / "output")
    page = root / "output/html/2564/01.html"

    page.unlink()
    assert build(root, BuildRequest(jobs=1)).written
    assert tree_digest(root / "output") == tree

    stale = page.read_bytes()
    page.unlink()  # not written through: the file is a hard link to its cache entry
    page.write_bytes(stale.replace("ตัวชี้วัด".encode(), "ตัวชี้วัดที่แก้ด้วยมือ".encode(), 1))
    assert build(root, BuildRequest(jobs=1)).written
    assert tree_digest(root / "output") == tree

    (root / "output/html/extra.html").write_text("<p>left by hand</p>", encoding="utf-8")
    assert build(root, BuildRequest(jobs=1)).written
    assert tree_digest(root / "output") == tree


def test_a_cache_entry_damaged_in_place_is_seen_through_its_link_in_the_output(project):
    root = project(many_indicators(2))
    build(root, BuildRequest(jobs=1))
    tree = tree_digest(root / "output")
    entry = sorted((root / ".cache/reportgen/forms-v1/year").glob("*.pdf"))[0]
    with open(entry, "r+b") as file:  # a failing disk: the output's hard link shares the inode
        file.seek(100)
        file.write(b"\xff")
    report = build(root, BuildRequest(jobs=1))
    assert report.built == 1 and report.written
    assert tree_digest(root / "output") == tree


def test_a_build_of_named_files_leaves_the_next_whole_build_to_check_everything(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    named = root / "content/indicators/2564/01.yaml"
    data = yaml.safe_load(named.read_text(encoding="utf-8")) | {"name": "ชื่อใหม่"}
    named.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    other = root / "content/indicators/2564/03.yaml"
    data = yaml.safe_load(other.read_text(encoding="utf-8")) | {"name": "อีกชื่อหนึ่ง"}
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    assert build(root, BuildRequest(paths=(named,), jobs=1)).built == 1
    whole = build(root, BuildRequest(jobs=1))
    assert whole.built == 1 and whole.written  # 03, which the named build did not make
    assert "อีกชื่อหนึ่ง" in (root / "output/html/2564/03.html").read_text(encoding="utf-8")


def test_another_output_folder_and_no_cache_keep_their_own_way(project, tmp_path):
    root = project(many_indicators(2))
    build(root, BuildRequest(jobs=1))
    elsewhere = tmp_path / "site"
    assert build(root, BuildRequest(jobs=1, output_dir=elsewhere)).written  # its own state, made once
    assert not build(root, BuildRequest(jobs=1, output_dir=elsewhere)).written
    assert not build(root, BuildRequest(jobs=1)).written
    assert build(root, BuildRequest(jobs=1, use_cache=False)).built == 2  # --no-cache trusts nothing
    assert build(root, BuildRequest(jobs=1)).written  # its tree is not the recorded one


def test_the_listing_sees_links_as_links_and_leaves_out_the_writers_marker(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/page.html").write_text("x", encoding="utf-8")
    (tmp_path / ".reportgen-output").write_text("marker", encoding="utf-8")
    os.symlink("a/page.html", tmp_path / "link.html")
    listing = tree_listing(tmp_path)
    assert set(listing) == {"a/page.html", "link.html"}
    assert listing["link.html"][2] == (tmp_path / "link.html").lstat().st_ino


def test_a_file_in_content_named_in_no_known_encoding_never_stops_the_build(project):
    root = project(many_indicators(2))
    (root / "content/evidence").mkdir(exist_ok=True)
    (root / os.fsdecode(b"content/evidence/\xe0\xb8\xa1\xff.txt")).write_text("x", encoding="utf-8")  # an old zip's
    assert build(root, BuildRequest(jobs=1)).built == 2
    assert not build(root, BuildRequest(jobs=1)).written


def test_what_a_killed_build_left_beside_the_output_is_cleared_even_when_nothing_changed(project):
    root = project(many_indicators(2))
    build(root, BuildRequest(jobs=1))
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    left = root / f".output.staging-{finished.pid}-0badc0de"  # as kill -9 leaves a build's staging folder
    (left / "pdf").mkdir(parents=True)
    assert not build(root, BuildRequest(jobs=1)).written
    assert not left.exists()
