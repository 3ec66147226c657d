"""The document cache: an unchanged file loads from it exactly as it loads from its YAML; anything else is parsed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from projects import indicator_yaml, real_indicator

import reportgen.content.project as load
from reportgen.content.doccache import DOCUMENTS_FILE, DocumentCache, cache_root
from reportgen.content.project import load_project
from reportgen.errors import ContentError
from reportgen.problems import format_problem

TODAY = dt.date(2021, 12, 1)  # in quarter 1 of 2565: the real 08 (2564) is past; a 2565 file with q3 is ahead


def _files() -> dict:
    ahead = real_indicator() | {"code": "09", "fiscal_year": 2565}  # q2-q4 reported early: dated warnings
    placeholder = real_indicator() | {"code": "10", "obstacles": "…กรอกอุปสรรค…"}  # a file's own warning
    return {
        "indicators/2564/08.yaml": indicator_yaml(),
        "indicators/2565/09.yaml": ahead,
        "indicators/2564/10.yaml": placeholder,
    }


def _outcome(root: Path, **kwargs) -> tuple:
    """What a load gives, in every detail a user sees: the models and every warning, formatted."""
    project = load_project(root, today=TODAY, **kwargs)
    return (
        [(entry.source, entry.indicator) for entry in project.entries],
        [format_problem(problem, "en") for problem in project.warnings],
        [format_problem(problem, "th") for problem in project.warnings],
    )


def _parses(monkeypatch) -> list[str]:
    """The files the loader parses from here on (the others come from the cache)."""
    parsed: list[str] = []
    original = load.parse_document

    def counting(data, file, doc=None):
        parsed.append(str(file))
        return original(data, file, doc)

    monkeypatch.setattr(load, "parse_document", counting)
    return parsed


def test_unchanged_files_load_from_the_cache_exactly_as_from_yaml(project, monkeypatch):
    root = project(_files())
    without = _outcome(root, use_cache=False)
    assert not (cache_root(root) / DOCUMENTS_FILE).exists(), "use_cache=False writes nothing"
    first = _outcome(root)
    parsed = _parses(monkeypatch)
    second = _outcome(root)
    assert parsed == []
    assert first == second == without
    assert any("placeholder" in text or "…กรอก" in text for text in second[1])  # the file's own warning, cached
    assert any("quarter" in text for text in second[1])  # the dated warning, found anew


def test_a_trusted_entry_is_not_checked_again(project, monkeypatch):
    """Once the cache's keyed tag holds, its models are not re-checked: the narrative check ran when the file was
    loaded from its YAML, and running it again on every warm load was two thirds of a ``check``."""
    import reportgen.model as model

    with_links = real_indicator() | {"code": "11", "obstacles": "ดู [รายงาน](https://example.org/r) ประกอบ"}
    root = project(_files() | {"indicators/2564/11.yaml": with_links})
    first = _outcome(root)
    checked: list[str] = []  # each narrative the content model checks
    original = model.check_narrative
    monkeypatch.setattr(model, "check_narrative", lambda text: checked.append(text) or original(text))
    parsed = _parses(monkeypatch)
    assert _outcome(root) == first
    assert parsed == [] and checked == []
    _outcome(root, use_cache=False)
    assert checked, "a file loaded from its YAML is checked"


def test_dated_warnings_are_never_cached(project):
    root = project(_files())
    load_project(root, today=TODAY)
    later = load_project(root, today=dt.date(2023, 1, 1))  # every quarter of 2565 has ended by then
    assert not any(problem.code == "future_quarter" for problem in later.warnings)


def test_a_changed_file_is_parsed_again(project, monkeypatch):
    root = project(_files())
    load_project(root, today=TODAY)
    path = root / "content" / "indicators" / "2564" / "08.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit: ห้อง", "unit: แห่ง"), encoding="utf-8")
    parsed = _parses(monkeypatch)
    project_ = load_project(root, today=TODAY)
    assert parsed == ["content/indicators/2564/08.yaml"]
    assert {entry.indicator.code: entry.indicator.target.unit for entry in project_.entries}["08"] == "แห่ง"


def test_invalid_files_are_never_cached_and_always_reported(project, monkeypatch):
    files = _files() | {"indicators/2564/11.yaml": indicator_yaml(code="11", fiscal_year="สองพัน")}
    root = project(files)
    with pytest.raises(ContentError) as first:
        load_project(root, today=TODAY)
    parsed = _parses(monkeypatch)
    with pytest.raises(ContentError) as second:
        load_project(root, today=TODAY)
    assert parsed == ["content/indicators/2564/11.yaml"]
    assert [format_problem(p, "en") for p in first.value.problems] == [format_problem(p, "en") for p in second.value.problems]


@pytest.mark.parametrize("damage", ["truncate", "flip a byte", "garbage"])
def test_a_damaged_cache_is_ignored_and_rebuilt(project, monkeypatch, damage: str):
    root = project(_files())
    expected = _outcome(root)
    path = cache_root(root) / DOCUMENTS_FILE
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip a byte":
        path.write_bytes(blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:])
    else:
        path.write_bytes(b"not a cache at all")
    parsed = _parses(monkeypatch)
    assert _outcome(root) == expected
    assert len(parsed) == 4  # site.yaml and the three indicators
    assert len(DocumentCache(path)) == 4, "the cache was written again, whole"


def test_another_reportgen_starts_from_an_empty_cache(project, monkeypatch):
    root = project(_files())
    load_project(root, today=TODAY)
    path = cache_root(root) / DOCUMENTS_FILE
    assert len(DocumentCache(path)) == 4
    assert len(DocumentCache(path, fingerprint="0" * 64)) == 0


def test_entries_of_deleted_files_are_dropped(project):
    root = project(_files())
    load_project(root, today=TODAY)
    (root / "content" / "indicators" / "2564" / "10.yaml").unlink()
    load_project(root, today=TODAY)
    assert len(DocumentCache(cache_root(root) / DOCUMENTS_FILE)) == 3


def test_loading_some_files_keeps_the_others_entries(project):
    root = project(_files())
    load_project(root, today=TODAY)
    load_project(root, [root / "content" / "indicators" / "2564" / "08.yaml"], today=TODAY)
    assert len(DocumentCache(cache_root(root) / DOCUMENTS_FILE)) == 4


def test_an_unwritable_cache_never_fails_a_load(project):
    root = project(_files())
    cache_root(root).parent.mkdir(parents=True)
    cache_root(root).write_text("a file where the cache folder should be")
    assert _outcome(root) == _outcome(root, use_cache=False)


# --- a crafted cache never runs code ------------------------------------------------------------------------------


class _WritesAFile:
    """A pickle that, when loaded, writes a file: what a poisoned CI cache would hold."""

    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):
        return (Path.write_text, (self.target, "pwned"))


def test_a_crafted_pickle_in_the_cache_never_runs(project, tmp_path):
    import hashlib
    import pickle

    from reportgen.commands.check import check
    from reportgen.content.doccache import MAGIC, loader_fingerprint, payload_tag

    root = project(_files())
    victim = tmp_path / "pwned.txt"
    payload = pickle.dumps({"content/indicators/2564/08.yaml": _WritesAFile(victim)})
    assert not victim.exists()
    cache = cache_root(root)
    cache.mkdir(parents=True)
    fingerprint = loader_fingerprint()
    for name, magic in ((DOCUMENTS_FILE, MAGIC), ("documents-v1.pickle", b"reportgen-documents-2\n")):
        for tag in (payload_tag(magic, payload), hashlib.sha256(payload).hexdigest()):
            header = magic + f"{fingerprint}\n{tag}\n".encode()
            (cache / name).write_bytes(header + payload)  # a well-formed header: only the payload is hostile
            assert check(root, today=TODAY) == check(root, today=TODAY, use_cache=False)
    assert check(root, today=TODAY) == check(root, today=TODAY, use_cache=False)
    assert not victim.exists()
    pickle.loads(payload)  # the same bytes do run code when unpickled: the test would notice a pickle.loads
    assert victim.exists()


def test_a_valid_model_planted_without_the_cache_key_is_never_used(project, monkeypatch):
    """Someone who can write .cache/ (a shared CI cache) but has not the key plants a valid model under the file's
    hash, with a correct SHA-256 of the payload: the planted figure must not reach the form."""
    import hashlib
    import json

    from reportgen.content.doccache import MAGIC

    root = project(_files())
    _outcome(root)  # fills the cache
    path = cache_root(root) / DOCUMENTS_FILE
    cache = DocumentCache(path)
    name = "content/indicators/2564/08.yaml"
    digest, model, text = cache._entries[name]
    body = json.loads(text)
    model_data = json.loads(body["model"])
    assert Decimal(str(model_data["result"])) == Decimal("36")
    model_data["result"] = "99.00"  # valid: a figure the officer never wrote
    body["model"] = json.dumps(model_data, ensure_ascii=False)
    planted = {name: [digest, model, json.dumps(body, ensure_ascii=False)]}
    payload = json.dumps(planted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = MAGIC + f"{cache.fingerprint}\n{hashlib.sha256(payload).hexdigest()}\n".encode()
    path.write_bytes(header + payload)
    parsed = _parses(monkeypatch)
    project_model = load_project(root)
    assert name in parsed  # parsed again from its YAML, not taken from the planted entry
    assert {entry.indicator.result for entry in project_model.entries} == {Decimal("36")}


def test_a_crafted_entry_that_does_not_rebuild_is_a_miss(project, monkeypatch):
    import json

    root = project(_files())
    expected = _outcome(root)
    path = cache_root(root) / DOCUMENTS_FILE
    cache = DocumentCache(path)
    name = "content/indicators/2564/08.yaml"
    digest, model, text = cache._entries[name]
    body = json.loads(text)
    body["model"] = body["model"].replace('"fiscal_year":2564', '"fiscal_year":"__import__(\'os\')"')
    cache._entries[name] = (digest, model, json.dumps(body))
    cache._changed = True
    cache.save(complete=False)
    parsed = _parses(monkeypatch)
    assert _outcome(root) == expected
    assert parsed == [name]  # not taken from the cache: parsed again


# --- the cache key file ---------------------------------------------------------------------------------------------


@pytest.fixture
def key_home(tmp_path, monkeypatch) -> Path:
    """A fresh configuration folder and no key known yet (as in a new process)."""
    import reportgen.content.doccache as doccache

    monkeypatch.setattr(doccache, "_secret", None)
    monkeypatch.delenv(doccache.CACHE_KEY_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "reportgen" / "cache-key"


def _new_process(monkeypatch) -> None:
    import reportgen.content.doccache as doccache

    monkeypatch.setattr(doccache, "_secret", None)


@pytest.mark.parametrize("content", [b"", b"\n", b"not hexadecimal\n", b"abcd\n", "๑๒๓".encode()])
def test_an_unusable_key_file_is_replaced_with_a_warning(key_home, monkeypatch, caplog, content):
    """An empty key file (a run killed while creating it) turned the caches off for good, silently: every run
    made a key of its own. Now it is replaced, once, with a warning, and the next run uses the same key."""
    from reportgen.content.doccache import cache_secret

    key_home.parent.mkdir(parents=True)
    key_home.write_bytes(content)
    with caplog.at_level("WARNING"):
        first = cache_secret()
    assert "was unusable (empty or damaged) and has been replaced" in caplog.text or "ใช้ไม่ได้" in caplog.text
    assert bytes.fromhex(key_home.read_text().strip()) == first and len(first) == 32
    assert key_home.stat().st_mode & 0o777 == 0o600
    caplog.clear()
    _new_process(monkeypatch)
    with caplog.at_level("WARNING"):
        assert cache_secret() == first
    assert caplog.text == ""


def test_the_key_file_is_never_left_empty(key_home, monkeypatch):
    """A run that fails while making the key (killed, a full disk) leaves no key file at all, nor a temporary:
    the next run makes one. (Created empty, then written, it stayed empty.)"""
    import reportgen.content.doccache as doccache
    import reportgen.files as files

    real_fdopen = files.os.fdopen

    def fail_while_writing(fd, *args, **kwargs):
        stream = real_fdopen(fd, *args, **kwargs)
        stream.write = lambda data: (_ for _ in ()).throw(OSError(28, "No space left on device"))
        return stream

    monkeypatch.setattr(files.os, "fdopen", fail_while_writing)
    monkeypatch.setattr(doccache.os, "fdopen", fail_while_writing)
    doccache.cache_secret()  # a key for this run only
    monkeypatch.undo()
    key_home.parent.mkdir(parents=True, exist_ok=True)
    assert [path.name for path in key_home.parent.iterdir()] == []
    monkeypatch.setenv("XDG_CONFIG_HOME", str(key_home.parent.parent))
    monkeypatch.setattr(doccache, "_secret", None)
    key = doccache.cache_secret()
    assert bytes.fromhex(key_home.read_text().strip()) == key


def test_two_first_runs_agree_on_one_key(key_home, monkeypatch):
    """The key file is linked into place whole: a second run creating it at the same moment keeps the first's."""
    import reportgen.content.doccache as doccache

    key_home.parent.mkdir(parents=True)
    real_link = doccache.os.link

    def other_run_first(source, target):
        key_home.write_text("ab" * 32 + "\n")  # another run linked its key in between
        return real_link(source, target)

    monkeypatch.setattr(doccache.os, "link", other_run_first)
    assert doccache.cache_secret() == bytes.fromhex("ab" * 32)
    assert [path.name for path in key_home.parent.iterdir()] == ["cache-key"]
