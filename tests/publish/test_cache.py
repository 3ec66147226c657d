"""publish/cache.py: what a form's key depends on (and what it must not), and entries that are verified, atomic, pruned."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from projects import real_indicator, real_site, write_project

from reportgen.content.project import load_project
from reportgen.publish.cache import CachedFile, FormCache, build_fingerprint, form_key, options_folder
from reportgen.publish.options import BuildOptions


def two_forms(**first) -> dict:
    return {
        "indicators/2564/01.yaml": real_indicator() | {"code": "01"} | first,
        "indicators/2564/02.yaml": real_indicator() | {"code": "02", "name": "ตัวชี้วัดที่สอง"},
    }


def keys_of(root, options=BuildOptions()) -> dict[str, str]:
    loaded = load_project(root)
    fingerprint = build_fingerprint(root, loaded.site, options)
    return {entry.slug: form_key(fingerprint, root, entry) for entry in loaded.entries}


def test_keys_do_not_depend_on_where_the_project_is_nor_on_file_times(tmp_path):
    first = write_project(tmp_path / "checkout-a", two_forms())
    second = tmp_path / "somewhere" / "else"
    shutil.copytree(first, second)  # new inodes and modification times, as a CI cache restore makes
    for path in second.rglob("*.yaml"):
        os.utime(path, (1, 1))
    assert keys_of(first) == keys_of(second)


def test_editing_one_indicator_changes_only_its_key(tmp_path):
    root = write_project(tmp_path / "p", two_forms())
    before = keys_of(root)
    path = root / "content/indicators/2564/01.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ตัวชี้วัด", "ตัวชี้วัดใหม่", 1), encoding="utf-8")
    after = keys_of(root)
    assert after["2564/01"] != before["2564/01"]
    assert after["2564/02"] == before["2564/02"]


@pytest.mark.parametrize(
    "change",
    ["template", "stylesheet", "font", "new template file", "site settings", "as of", "release"],
)
def test_anything_shared_by_every_form_changes_every_key(tmp_path, change):
    root = write_project(tmp_path / "p", two_forms())
    before = keys_of(root)
    options = BuildOptions()
    if change == "template":
        (root / "templates/form.html.j2").write_text(
            (root / "templates/form.html.j2").read_text(encoding="utf-8") + "\n", encoding="utf-8"
        )
    elif change == "stylesheet":
        with open(root / "templates/css/print.css", "a", encoding="utf-8") as css:
            css.write("\n/* a comment */\n")
    elif change == "font":
        font = root / "fonts/Sarabun-Regular.ttf"
        data = bytearray(font.read_bytes())
        data[-1] ^= 1
        font.write_bytes(bytes(data))
    elif change == "new template file":
        (root / "templates/extra.html.j2").write_text("{{ 1 }}", encoding="utf-8")
    elif change == "site settings":
        write_project(root, {}, site=real_site() | {"digits": "thai"})
    elif change == "as of":
        options = BuildOptions(as_of=2)
    elif change == "release":
        options = BuildOptions(release=True)
    after = keys_of(root, options)
    assert all(after[slug] != before[slug] for slug in before), change


def test_an_evidence_file_is_part_of_its_form_key(tmp_path):
    evidence = [{"title": "รายงานการประชุม", "file": "evidence/2564/01-report.pdf"}]
    files = two_forms(evidence=evidence) | {"evidence/2564/01-report.pdf": b"%PDF-1.4 one"}
    root = write_project(tmp_path / "p", files)
    before = keys_of(root)
    (root / "content/evidence/2564/01-report.pdf").write_bytes(b"%PDF-1.4 two")
    after = keys_of(root)
    assert after["2564/01"] != before["2564/01"]
    assert after["2564/02"] == before["2564/02"]


def test_each_option_set_has_its_own_folder():
    folders = {options_folder(BuildOptions(release=r, as_of=q)) for r in (False, True) for q in (None, 1, 2, 3, 4)}
    assert len(folders) == 10 and "year" in folders and "release-q2" in folders


# --- entries ------------------------------------------------------------------------------------------------------

KEY = hashlib.sha256(b"a form").hexdigest()
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def test_an_entry_comes_back_intact_from_a_fresh_scan(tmp_path):
    FormCache(tmp_path / "c").put(KEY, PDF)
    hit = FormCache(tmp_path / "c").get(KEY)
    assert isinstance(hit, CachedFile) and hit.data == PDF and hit.path.read_bytes() == PDF
    assert FormCache(tmp_path / "c").get(hashlib.sha256(b"another").hexdigest()) is None
    assert not [p for p in (tmp_path / "c").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "emptied", "appended"])
def test_a_damaged_entry_is_a_miss_and_is_deleted(tmp_path, damage):
    path = FormCache(tmp_path / "c").put(KEY, PDF)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped byte":
        data[len(data) // 3] ^= 0x20
    elif damage == "emptied":
        data = bytearray()
    else:
        data += b"junk"
    path.write_bytes(bytes(data))
    cache = FormCache(tmp_path / "c")
    assert cache.get(KEY) is None
    assert not path.exists()
    assert len(cache) == 0


def test_prune_keeps_the_keys_used_and_removes_the_rest_and_dead_temporaries(tmp_path):
    cache = FormCache(tmp_path / "c")
    keys = [hashlib.sha256(bytes([n])).hexdigest() for n in range(4)]
    for n, key in enumerate(keys):
        cache.put(key, PDF + bytes([n]))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / "c" / f".tmp-{int(dead.stdout)}-abcdef"
    leftover.write_bytes(b"half a PDF")
    cache = FormCache(tmp_path / "c")
    assert cache.prune(keys[:2]) == 2
    again = FormCache(tmp_path / "c")
    assert [again.get(key) is not None for key in keys] == [True, True, False, False]
    assert not leftover.exists()


def test_writers_of_the_same_key_in_parallel_leave_one_intact_entry(tmp_path):
    folder = tmp_path / "c"
    script = (
        "import sys; from pathlib import Path; from reportgen.publish.cache import FormCache\n"
        "for _ in range(200): FormCache(Path(sys.argv[1])).put(sys.argv[2], bytes.fromhex(sys.argv[3]))\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(folder), KEY, PDF.hex()]) for _ in range(3)
    ]
    reads = 0
    while any(writer.poll() is None for writer in writers):
        hit = FormCache(folder).get(KEY)
        if hit is not None:
            assert hit.data == PDF
            reads += 1
    assert all(writer.wait() == 0 for writer in writers)
    assert FormCache(folder).get(KEY).data == PDF
    entry = f"{KEY}.{hashlib.sha256(PDF).hexdigest()}.pdf"
    assert sorted(p.name for p in folder.iterdir()) == [entry, f"{entry}.tag"]


def test_an_unwritable_cache_never_fails_the_caller(tmp_path):
    blocker = tmp_path / "c"
    blocker.write_text("a file where the cache folder should be")
    cache = FormCache(blocker / "forms")
    assert cache.put(KEY, PDF) is None
    assert cache.get(KEY) is None


def test_source_date_epoch_dates_drafts_so_it_is_in_their_keys_only(tmp_path):
    root = write_project(tmp_path / "p", two_forms())
    site = load_project(root).site
    for options, differs in ((BuildOptions(), True), (BuildOptions(release=True), False)):
        unset = build_fingerprint(root, site, options, environ={})
        dated = build_fingerprint(root, site, options, environ={"SOURCE_DATE_EPOCH": "1634688000"})
        assert (unset != dated) is differs


def test_the_projects_thai_dictionary_is_in_every_key(tmp_path):
    """content/dictionary.txt decides where lines break (linebreak.py): a word added there re-renders the forms."""
    root = write_project(tmp_path / "p", two_forms())
    without = keys_of(root)
    (root / "content" / "dictionary.txt").write_text("ชมรมนักอ่าน\n", encoding="utf-8")
    with_word = keys_of(root)
    (root / "content" / "dictionary.txt").write_text("ชมรมนักอ่าน\nตัวชี้วัด\n", encoding="utf-8")
    assert len({tuple(without.values()), tuple(with_word.values()), tuple(keys_of(root).values())}) == 3


def test_an_entry_planted_without_the_cache_key_is_never_used(tmp_path, monkeypatch):
    """A poisoned cache (restored from a shared CI cache, say): a forged PDF under the right key and a name that
    carries its own hash, even with a tag, made without this machine's cache key."""
    import reportgen.content.doccache as doccache_module
    import reportgen.publish.cache as cache_module

    folder = tmp_path / "c"
    FormCache(folder).put(KEY, PDF)
    forged = b"%PDF-1.7 forged form: 99.00"
    name = f"{KEY}.{hashlib.sha256(forged).hexdigest()}.pdf"
    for entry in folder.iterdir():
        entry.unlink()
    (folder / name).write_bytes(forged)
    assert FormCache(folder).get(KEY) is None  # no tag at all
    assert not (folder / name).exists()
    (folder / name).write_bytes(forged)
    monkeypatch.setattr(doccache_module, "_secret", b"the attacker's own key, not ours")
    monkeypatch.delenv(doccache_module.CACHE_KEY_VARIABLE, raising=False)
    (folder / f"{name}.tag").write_text(cache_module._tag(name, forged))
    monkeypatch.undo()
    assert FormCache(folder).get(KEY) is None
    FormCache(folder).put(KEY, PDF)
    assert FormCache(folder).get(KEY).data == PDF


def test_the_cache_key_comes_from_the_environment_when_given(tmp_path, monkeypatch):
    """CI runners sharing a cache share its key through a secret: an entry made with it verifies on another
    machine (here: another process without the user's key file)."""
    monkeypatch.setenv("REPORTGEN_CACHE_KEY", "a CI secret")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "first-machine"))
    FormCache(tmp_path / "c").put(KEY, PDF)
    script = "import sys; from pathlib import Path; from reportgen.publish.cache import FormCache\n" \
        "print(FormCache(Path(sys.argv[1])).get(sys.argv[2]) is not None)"
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "second-machine"))
    same = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c"), KEY], env=env, capture_output=True, text=True)
    assert same.stdout.strip() == "True", same.stderr
    env["REPORTGEN_CACHE_KEY"] = "another secret"
    other = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c"), KEY], env=env, capture_output=True, text=True)
    assert other.stdout.strip() == "False", other.stderr
