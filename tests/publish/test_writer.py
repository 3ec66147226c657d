"""The output writer keeps the product's promise: output/ is always the last complete build, never half-written.

Everything runs on the real filesystem under tmp_path; crashes are real ``kill -9`` of real processes.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from projects import REPO_ROOT

import reportgen.publish.writer as writer_mod
from reportgen import wording
from reportgen.errors import OutputError
from reportgen.publish.writer import MARKER, OutputWriter


@pytest.fixture(autouse=True)
def _english_errors():
    """The refusals below are matched by their English words (``str(error)`` reads in the run's language)."""
    wording.set_language("en")
    yield
    wording.set_language("th")

REPO = REPO_ROOT
FILES = [
    "pdf/2564/08.pdf",
    "pdf/2564/09.pdf",
    "pdf/2565/01.pdf",
    "html/2564/08.html",
    "html/2564/09.html",
    "html/index.html",
    "html/assets/style.css",
    "README.txt",
]


def tree(root: Path) -> dict[str, bytes]:
    """Every regular file under root, by relative POSIX path, but the writer's marker (``MARKER``)."""
    out = {}
    for path in sorted(root.rglob("*")):
        assert not path.is_symlink(), path
        if path.is_file() and path.relative_to(root).as_posix() != MARKER:
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def siblings(base: Path) -> set[str]:
    """What is next to output/, once the old trees thrown away (deleted in the background) are gone."""
    deadline = time.monotonic() + 30
    while any(".trash-" in name for name in os.listdir(base)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return set(os.listdir(base))


def leftovers(base: Path) -> set[str]:
    """What a build left next to output/ besides output/ itself and the lock file."""
    return siblings(base) - {"output", ".output.lock"}


def build(out: Path, label: str, files=FILES, **kwargs) -> None:
    with OutputWriter(out, **kwargs) as w:
        for rel in files:
            w.write_text(rel, f"{label}\n")
        w.commit()


def assert_one_complete_build(out: Path) -> str:
    files = tree(out)
    assert sorted(files) == sorted(FILES), "output/ is not one complete tree"
    labels = set(files.values())
    assert len(labels) == 1, f"output/ mixes builds: {labels}"
    return labels.pop().decode().strip()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def spawn(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def wait_for_line(proc: subprocess.Popen, expected: str, timeout: float = 10) -> None:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"no {expected!r} from the child within {timeout}s"
    line = proc.stdout.readline().strip()
    if line != expected:
        proc.kill()
        raise AssertionError(f"child said {line!r}, stderr: {proc.stderr.read()}")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    d = tmp_path / "site"
    d.mkdir()
    return d


# -- the basic contract -------------------------------------------------------------------------------------------


def test_write_and_commit_produce_exactly_the_files(base: Path, tmp_path: Path, capsys, caplog) -> None:
    out = base / "output"
    font = tmp_path / "Sarabun-Regular.woff2"
    font.write_bytes(b"wOF2\x00\x01font")
    caplog.set_level(logging.DEBUG, logger="reportgen.publish.writer")
    with OutputWriter(out) as w:
        p1 = w.write_bytes("pdf/2564/08.pdf", b"%PDF-1.7\n\x00\xff")
        p2 = w.write_text("html/2564/08.html", "<p>ตัวชี้วัด</p>\r\n")
        p3 = w.copy_file("html/assets/fonts/Sarabun-Regular.woff2", font)
        assert not out.exists()  # nothing visible before commit
        assert w.commit() == out
    assert [p1, p2, p3] == [out / rel for rel in w.written]
    assert w.written == ["pdf/2564/08.pdf", "html/2564/08.html", "html/assets/fonts/Sarabun-Regular.woff2"]
    assert tree(out) == {
        "pdf/2564/08.pdf": b"%PDF-1.7\n\x00\xff",
        "html/2564/08.html": "<p>ตัวชี้วัด</p>\r\n".encode(),
        "html/assets/fonts/Sarabun-Regular.woff2": b"wOF2\x00\x01font",
    }
    assert siblings(base) == {"output", ".output.lock"}
    assert capsys.readouterr() == ("", "")  # logs, never prints
    assert any("committed" in r.getMessage() for r in caplog.records)


def test_link_or_write_links_a_cache_entry_and_writes_the_bytes_when_the_entry_is_gone(base: Path, tmp_path: Path):
    entry = tmp_path / "cache-entry.pdf"
    entry.write_bytes(b"%PDF cached")
    pruned = tmp_path / "pruned-meanwhile.pdf"  # deleted by a concurrent build since it was read
    with OutputWriter(base / "output") as w:
        w.link_or_write("pdf/linked.pdf", entry, b"%PDF cached")
        w.link_or_write("pdf/written.pdf", pruned, b"%PDF held in memory")
        w.link_or_write("html/page.html", None, b"<p>page</p>")
        w.commit()
    out = base / "output"
    assert (out / "pdf/linked.pdf").stat().st_ino == entry.stat().st_ino  # no bytes copied
    assert tree(out) == {"pdf/linked.pdf": b"%PDF cached", "pdf/written.pdf": b"%PDF held in memory",
                         "html/page.html": b"<p>page</p>"}  # fmt: skip


def test_the_old_output_is_deleted_off_the_critical_path(base: Path, monkeypatch) -> None:
    """Deleting the old tree (thousands of files: seconds) is not the build's to wait for: it is renamed out of the
    way and deleted by a process of its own, which outlives the build."""
    out = base / "output"
    build(out, "one", files=[f"html/{n}.html" for n in range(50)])
    removed_here: list[Path] = []
    monkeypatch.setattr(writer_mod, "_remove_tree", removed_here.append)
    build(out, "two", files=["html/index.html"])
    assert removed_here == []
    assert tree(out) == {"html/index.html": b"two\n"}
    assert siblings(base) == {"output", ".output.lock"}  # deleted all the same, in the background


def test_a_trash_folder_left_behind_is_deleted_by_the_next_build(base: Path) -> None:
    out = base / "output"
    build(out, "one")
    left = base / ".output.trash-999999-0badc0de"
    (left / "html").mkdir(parents=True)
    (left / "html" / "old.html").write_text("old")
    build(out, "two")
    assert siblings(base) == {"output", ".output.lock"}


def test_commit_replaces_the_whole_previous_output(base: Path) -> None:
    out = base / "output"
    build(out, "one")
    build(out, "two", files=["html/index.html"])
    assert tree(out) == {"html/index.html": b"two\n"}  # without keep_existing, old files do not linger
    assert siblings(base) == {"output", ".output.lock"}


def test_permissions_of_existing_output_dir_are_kept(base: Path) -> None:
    out = base / "output"
    build(out, "one")
    out.chmod(0o750)
    build(out, "two")
    assert (out.stat().st_mode & 0o777) == 0o750


def test_exception_in_block_leaves_previous_output_intact(base: Path) -> None:
    out = base / "output"
    build(out, "good")
    before = tree(out)
    inode = out.stat().st_ino
    with pytest.raises(ZeroDivisionError):
        with OutputWriter(out) as w:
            w.write_text("pdf/2564/08.pdf", "half")
            w.write_text("new.txt", "new")
            raise ZeroDivisionError  # a failure inside the block
    assert tree(out) == before
    assert out.stat().st_ino == inode
    assert siblings(base) == {"output", ".output.lock"}


def test_leaving_without_commit_discards(base: Path) -> None:
    out = base / "output"
    with OutputWriter(out) as w:
        w.write_text("a.txt", "a")
    assert not out.exists()
    assert leftovers(base) == set()  # no staging dir (and at most the lock file)


def test_refused_write_keeps_build_usable_and_output_untouched(base: Path) -> None:
    out = base / "output"
    build(out, "good")
    with pytest.raises(OutputError):
        with OutputWriter(out) as w:
            w.write_text("a.txt", "a")
            w.write_text("../evil.txt", "x")
    assert assert_one_complete_build(out) == "good"
    assert not (base / "evil.txt").exists()


def test_misuse_is_a_bug(base: Path) -> None:
    w = OutputWriter(base / "output")
    with pytest.raises(RuntimeError):
        w.write_text("a.txt", "a")
    with w:
        w.write_text("a.txt", "a")
        w.commit()
        with pytest.raises(RuntimeError):
            w.write_text("b.txt", "b")
        with pytest.raises(RuntimeError):
            w.commit()
    with pytest.raises(RuntimeError):
        with w:
            pass


# -- paths ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    ["../x", "/etc/passwd", "a/../../x", "a/..", "..", "", "a\\b", "a/\0b", "a//b", "a/", "./x", "."],
)
def test_path_refused(base: Path, rel: str) -> None:
    out = base / "output"
    with OutputWriter(out) as w:
        with pytest.raises(OutputError) as exc:
            w.write_text(rel, "x")
        assert repr(rel) in str(exc.value)
        assert w.written == []
    assert leftovers(base) == set()  # no staging dir (and at most the lock file)


@pytest.mark.parametrize("link_is_dir", [True, False])
def test_symlink_inside_staging_pointing_outside_is_refused(base: Path, tmp_path: Path, link_is_dir: bool) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("precious")
    with OutputWriter(base / "output") as w:
        if link_is_dir:
            os.symlink(outside, w.staging_dir / "link")
            rel = "link/victim.txt"
        else:
            os.symlink(outside / "victim.txt", w.staging_dir / "link")
            rel = "link"
        with pytest.raises(OutputError, match="outside the output directory"):
            w.write_text(rel, "overwritten")
    assert (outside / "victim.txt").read_text() == "precious"
    assert os.listdir(outside) == ["victim.txt"]


def test_same_path_twice_is_refused(base: Path) -> None:
    with OutputWriter(base / "output") as w:
        w.write_text("html/index.html", "one")
        with pytest.raises(OutputError, match="already written"):
            w.write_bytes("html/index.html", b"two")
        assert w.written == ["html/index.html"]


def test_file_in_the_way(base: Path) -> None:
    with OutputWriter(base / "output") as w:
        w.write_text("html", "a file")
        with pytest.raises(OutputError, match="not a directory"):
            w.write_text("html/index.html", "x")


@pytest.mark.parametrize("given", [".", "/", "a/.."])
def test_output_dir_without_a_name_is_refused(given: str) -> None:
    with pytest.raises(OutputError, match="output directory"):
        OutputWriter(given)


def test_output_dir_that_is_a_symlink_or_file_is_refused(base: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (base / "output").symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        with OutputWriter(base / "output"):
            pass
    (base / "output").unlink()
    (base / "output").write_text("not a dir")
    with pytest.raises(OutputError, match="not a directory"):
        with OutputWriter(base / "output"):
            pass
    assert os.listdir(real) == []
    assert leftovers(base) == set()  # no staging dir (and at most the lock file)


def test_output_dir_replaced_by_symlink_during_build_is_refused_at_commit(base: Path, tmp_path: Path) -> None:
    out = base / "output"
    with pytest.raises(OutputError, match="symbolic link"):
        with OutputWriter(out) as w:
            w.write_text("a.txt", "a")
            out.symlink_to(tmp_path)
            w.commit()
    assert out.is_symlink()
    assert siblings(base) == {"output", ".output.lock"}


# -- keep_existing --------------------------------------------------------------------------------------------------


def test_keep_existing_carries_over_and_never_modifies_old_inodes(base: Path, tmp_path: Path) -> None:
    out = base / "output"
    with OutputWriter(out) as w:
        w.write_text("pdf/2564/08.pdf", "old 08")
        w.write_text("pdf/2564/09.pdf", "old 09")
        w.copy_file("fonts/f.woff2", Path(__file__))
        w.commit()
    witness = tmp_path / "witness"
    os.link(out / "pdf/2564/08.pdf", witness)  # the old inode, whatever happens to output/
    kept_inode = (out / "pdf/2564/09.pdf").stat().st_ino

    with OutputWriter(out, keep_existing=True) as w:
        staged = w.staging_dir
        assert (staged / "pdf/2564/08.pdf").stat().st_ino == witness.stat().st_ino  # hard-linked, not copied
        w.write_text("pdf/2564/08.pdf", "new 08")
        w.write_text("html/2564/08.html", "new html")
        assert witness.read_text() == "old 08"  # the write made a new inode
        assert (out / "pdf/2564/08.pdf").read_text() == "old 08"  # output/ untouched before commit
        w.commit()
    assert w.written == ["pdf/2564/08.pdf", "html/2564/08.html"]
    assert tree(out) == {
        "pdf/2564/08.pdf": b"new 08",
        "pdf/2564/09.pdf": b"old 09",
        "html/2564/08.html": b"new html",
        "fonts/f.woff2": Path(__file__).read_bytes(),
    }
    assert (out / "pdf/2564/09.pdf").stat().st_ino == kept_inode
    assert witness.read_text() == "old 08"
    assert siblings(base) == {"output", ".output.lock"}


def test_keep_folders_carries_over_only_those_folders(base: Path) -> None:
    out = base / "output"
    with OutputWriter(out) as w:
        w.write_text("book/2564.pdf", "the book")
        w.write_text("pdf/2564/08.pdf", "old 08")
        w.commit()
    book_inode = (out / "book/2564.pdf").stat().st_ino
    with OutputWriter(out, keep_folders=("book",)) as w:
        w.write_text("pdf/2564/09.pdf", "new 09")
        w.commit()
    assert tree(out) == {"book/2564.pdf": b"the book", "pdf/2564/09.pdf": b"new 09"}
    assert (out / "book/2564.pdf").stat().st_ino == book_inode  # linked, not copied
    with OutputWriter(out, keep_folders=("missing",)) as w:  # nothing to carry over is not an error
        w.write_text("a.txt", "a")
        w.commit()
    assert tree(out) == {"a.txt": b"a"}
    for bad in ("", "a/b", "..", "."):
        with pytest.raises(ValueError):
            OutputWriter(out, keep_folders=(bad,))


def test_keep_existing_failure_leaves_output_intact(base: Path) -> None:
    out = base / "output"
    build(out, "good")
    before = tree(out)
    with pytest.raises(RuntimeError):
        with OutputWriter(out, keep_existing=True) as w:
            w.write_text("pdf/2564/08.pdf", "half")
            raise RuntimeError("render failed")
    assert tree(out) == before


def test_keep_existing_without_previous_output(base: Path) -> None:
    out = base / "output"
    with OutputWriter(out, keep_existing=True) as w:
        w.write_text("a.txt", "a")
        w.commit()
    assert tree(out) == {"a.txt": b"a"}


# -- stale directories ----------------------------------------------------------------------------------------------


def test_tidy_clears_what_dead_builds_left_without_touching_the_output(base: Path) -> None:
    out = base / "output"
    build(out, "one")
    before = (out.stat().st_ino, (out / FILES[0]).stat().st_ino)
    dead = base / f".output.staging-{dead_pid()}-0badc0de"
    live = base / f".output.staging-{os.getppid()}-1234abcd"
    for d in (dead, live):
        (d / "pdf").mkdir(parents=True)
    OutputWriter(out).tidy()
    assert not dead.exists() and live.is_dir()
    assert (out.stat().st_ino, (out / FILES[0]).stat().st_ino) == before
    OutputWriter(base / "nowhere" / "output").tidy()  # a folder not made yet: nothing to clear, nothing made
    assert not (base / "nowhere").exists()


def test_stale_staging_of_dead_process_removed_live_one_kept(base: Path) -> None:
    out = base / "output"
    dead = base / f".output.staging-{dead_pid()}-0badc0de"
    mine_stale = base / f".output.staging-{os.getpid()}-0000beef"  # own pid, but no writer of ours uses it
    live = base / f".output.staging-{os.getppid()}-1234abcd"  # the process that started pytest is alive
    for d in (dead, mine_stale, live):
        (d / "pdf").mkdir(parents=True)
        (d / "pdf" / "x.pdf").write_text("partial")
    build(out, "one")
    assert not dead.exists()
    assert not mine_stale.exists()
    assert (live / "pdf" / "x.pdf").read_text() == "partial"
    assert siblings(base) == {"output", ".output.lock", live.name}


_KILL_MID_BUILD = """
    import sys, time
    from reportgen.publish.writer import OutputWriter
    out = sys.argv[1]
    with OutputWriter(out) as w:
        w.write_bytes("pdf/2564/08.pdf", b"%PDF first")
        w.write_text("html/2564/08.html", "first")
        w.commit()
    with OutputWriter(out) as w:
        w.write_bytes("pdf/2564/08.pdf", b"%PDF second")
        w.write_text("html/2564/09.html", "second")
        print("READY", flush=True)
        time.sleep(60)
        w.commit()
"""


@pytest.mark.e2e
def test_kill_9_mid_build_keeps_previous_output(base: Path) -> None:
    out = base / "output"
    proc = spawn(_KILL_MID_BUILD, str(out))
    try:
        wait_for_line(proc, "READY")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    first = {"pdf/2564/08.pdf": b"%PDF first", "html/2564/08.html": b"first"}
    assert tree(out) == first
    stale = [n for n in siblings(base) if n.startswith(".output.staging-")]
    assert len(stale) == 1 and stale[0].startswith(f".output.staging-{proc.pid}-")  # the killed build's leftovers

    with OutputWriter(out) as w:
        assert not (base / stale[0]).exists()  # cleaned up as the new build starts
        w.write_text("html/index.html", "third")
        w.commit()
    assert tree(out) == {"html/index.html": b"third"}
    assert siblings(base) == {"output", ".output.lock"}


_COMMIT_LOOP = """
    import sys
    import reportgen.publish.writer as writer_mod
    from reportgen.publish.writer import OutputWriter
    out, exchange, files = sys.argv[1], sys.argv[2] == "1", sys.argv[3].split(",")
    n = 0
    while True:
        n += 1
        with OutputWriter(out, _exchange=exchange) as w:
            for rel in files:
                w.write_text(rel, f"build {n}\\n")
            w.commit()
        if n == 2:
            print("STARTED", flush=True)
"""


@pytest.mark.e2e
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "rename-fallback"])
def test_kill_9_during_commit_loop_always_leaves_one_complete_build(base: Path, exchange: bool) -> None:
    out = base / "output"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    last = 0
    for _ in range(8):
        proc = spawn(_COMMIT_LOOP, str(out), "1" if exchange else "0", ",".join(FILES))
        try:
            wait_for_line(proc, "STARTED")
            time.sleep(rng.uniform(0, 0.05))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        if not exchange:
            # The fallback may be killed between its two renames: the next writer must put output/ back.
            with OutputWriter(out, _exchange=False):
                pass
        label = assert_one_complete_build(out)
        assert label.startswith("build "), f"seed {seed}"
        last = int(label.split()[1])
        assert last >= 2, f"seed {seed}"
    # a fresh build cleans every leftover of the killed ones
    build(out, "final")
    assert siblings(base) == {"output", ".output.lock"}, f"seed {seed}"


_CONCURRENT = """
    import os, sys, time
    from reportgen.publish.writer import OutputWriter
    out, ident, go, rounds, keep = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1"
    files, exchange = sys.argv[6].split(","), sys.argv[7] == "1"
    print("READY", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    for i in range(rounds):
        with OutputWriter(out, keep_existing=keep, _exchange=exchange) as w:
            for rel in files:
                w.write_text(rel, f"{ident}:{i}\\n")
                time.sleep(0)
            w.commit()
    print("DONE", flush=True)
"""


@pytest.mark.e2e
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "rename-fallback"])
def test_two_concurrent_builds_end_with_one_complete_tree(base: Path, tmp_path: Path, exchange: bool) -> None:
    """Each build (one of them keep_existing) commits repeatedly while the other does: neither fails, and
    output/ ends as one build's complete tree."""
    out = base / "output"
    go = tmp_path / "go"
    procs = [
        spawn(_CONCURRENT, str(out), ident, str(go), "25", keep, ",".join(FILES), "1" if exchange else "0")
        for ident, keep in (("A", "0"), ("B", "1"))
    ]
    try:
        for p in procs:
            wait_for_line(p, "READY")
        go.touch()
        for p in procs:
            stdout, stderr = p.communicate(timeout=30)
            assert p.returncode == 0, stderr
            assert stdout.strip() == "DONE" and stderr == ""
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    label = assert_one_complete_build(out)
    assert label.split(":")[0] in ("A", "B")
    assert siblings(base) == {"output", ".output.lock"}


def test_lock_is_held_around_the_swap_only(base: Path) -> None:
    out = base / "output"
    build(out, "old")
    with OutputWriter(out) as w:
        w.write_text("html/index.html", "new")
        lock = os.open(base / ".output.lock", os.O_RDWR)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a build in progress does not hold the lock
            committer = threading.Thread(target=w.commit)
            committer.start()
            committer.join(0.2)
            assert committer.is_alive()  # the swap waits for the lock
            assert assert_one_complete_build(out) == "old"
        finally:
            os.close(lock)
        committer.join(5)
        assert not committer.is_alive()
    assert tree(out) == {"html/index.html": b"new"}


def test_keep_existing_copies_under_a_shared_lock(base: Path) -> None:
    """The carried-over copy is never taken from a tree that a concurrent commit is swapping away."""
    out = base / "output"
    build(out, "old")
    lock = os.open(base / ".output.lock", os.O_RDWR)
    result = {}

    def start() -> None:
        with OutputWriter(out, keep_existing=True) as w:
            result["files"] = tree(w.staging_dir)

    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
        starter = threading.Thread(target=start)
        starter.start()
        starter.join(5)  # other readers' shared locks do not block it
        assert not starter.is_alive()
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a committer holds it during its swap
        starter = threading.Thread(target=start)
        starter.start()
        starter.join(0.2)
        assert starter.is_alive()
    finally:
        os.close(lock)
    starter.join(5)
    assert not starter.is_alive()
    assert sorted(result["files"]) == sorted(FILES)


# -- the fallback without RENAME_EXCHANGE ------------------------------------------------------------------------


def test_rename_exchange_swaps_two_directories(tmp_path: Path) -> None:
    if writer_mod._renameat2 is None:
        pytest.skip("no renameat2 in this libc")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "from-a").touch()
    if not writer_mod._rename_exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this filesystem has no RENAME_EXCHANGE")
    assert os.listdir(tmp_path / "b") == ["from-a"]
    assert os.listdir(tmp_path / "a") == []
    with pytest.raises(FileNotFoundError):
        writer_mod._rename_exchange(tmp_path / "missing", tmp_path / "b")


def _enosys_renameat2(*args) -> int:
    ctypes.set_errno(errno.ENOSYS)
    return -1


@pytest.mark.parametrize("how", ["parameter", "no-symbol", "ENOSYS"])
def test_fallback_swap_commits_and_cleans_up(base: Path, monkeypatch, how: str) -> None:
    out = base / "output"
    kwargs = {}
    if how == "parameter":
        kwargs["_exchange"] = False
    elif how == "no-symbol":
        monkeypatch.setattr(writer_mod, "_renameat2", None)
    else:
        monkeypatch.setattr(writer_mod, "_renameat2", _enosys_renameat2)
    build(out, "one", **kwargs)
    inode = out.stat().st_ino
    build(out, "two", **kwargs)
    assert assert_one_complete_build(out) == "two"
    assert out.stat().st_ino != inode  # really swapped, not rewritten in place
    assert siblings(base) == {"output", ".output.lock"}


def test_fallback_interrupted_between_renames_is_recovered(base: Path) -> None:
    out = base / "output"
    build(out, "good")
    before = tree(out)
    # the state a kill between "output → previous" and "staging → output" leaves behind
    previous = base / f".output.previous-{dead_pid()}"
    os.rename(out, previous)
    (base / f".output.staging-{dead_pid()}-00ff00ff").mkdir()
    with OutputWriter(out, _exchange=False) as w:
        assert tree(out) == before  # put back as soon as the next build starts
        w.write_text("html/index.html", "next")
    assert tree(out) == before  # that build was not committed
    assert siblings(base) == {"output", ".output.lock"}


def test_stale_previous_removed_when_output_exists(base: Path) -> None:
    out = base / "output"
    build(out, "current")
    leftover = base / f".output.previous-{dead_pid()}-abcdef01"
    (leftover / "pdf").mkdir(parents=True)
    with OutputWriter(out):
        pass
    assert not leftover.exists()
    assert assert_one_complete_build(out) == "current"


# --- only folders reportgen made are replaced ----------------------------------------------------------------------


def test_a_commit_leaves_the_marker_and_a_marked_folder_is_replaced(tmp_path):
    out = tmp_path / "site"
    build(out, "first")
    assert (out / MARKER).is_file() and b"reportgen" in (out / MARKER).read_bytes()
    build(out, "second")
    assert assert_one_complete_build(out) == "second"


@pytest.mark.parametrize("name", ["site", "output"])
def test_a_folder_reportgen_did_not_make_is_refused_untouched(tmp_path, name):
    from reportgen.errors import OutputRefused

    out = tmp_path / name
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "mine.txt").write_text("precious")
    (out / "html").mkdir()
    before = tree(out)
    with pytest.raises(OutputRefused) as refused:
        build(out, "x")
    assert tree(out) == before and not (out / MARKER).exists()
    assert not [n for n in siblings(tmp_path) if ".staging-" in n]  # no staging folder left behind
    assert "was not made by reportgen" in refused.value.text("en") and str(out) in refused.value.text("en")
    assert "ไม่ได้สร้างโดย reportgen" in refused.value.text("th")


def test_an_empty_or_missing_folder_and_an_old_output_folder_are_used(tmp_path):
    (tmp_path / "empty").mkdir()
    build(tmp_path / "empty", "a")
    build(tmp_path / "missing", "b")
    legacy = tmp_path / "output"  # made by a reportgen older than the marker: only what reportgen writes there
    (legacy / "html").mkdir(parents=True)
    (legacy / "pdf").mkdir()
    build(legacy, "c")
    assert (legacy / MARKER).is_file()


def test_a_marker_that_is_a_link_is_not_a_marker(tmp_path):
    from reportgen.errors import OutputRefused

    out = tmp_path / "site"
    out.mkdir()
    (out / "mine.txt").write_text("precious")
    (tmp_path / "elsewhere").write_text("x")
    (out / MARKER).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputRefused):
        build(out, "x")
    assert (out / "mine.txt").read_text() == "precious"


# --- a full disk or a file-size limit: the reader's words, naming what could not be written; output/ intact -----


def _output_files(root: Path) -> dict[str, bytes]:
    output = root / "output"
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
            if path.is_file()}  # fmt: skip


def _build_limited(root: Path, limit: int, *args: str) -> subprocess.CompletedProcess:
    """``reportgen build`` in a process whose files may not grow past ``limit`` bytes (RLIMIT_FSIZE, ``ulimit -f``):
    every write past it fails with EFBIG, as writes fail with ENOSPC on a full disk."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "reportgen", "build", "-j", "1", *args], cwd=root,
                          capture_output=True, text=True, timeout=300, preexec_fn=limited)  # fmt: skip


@pytest.fixture
def built_project(tmp_path) -> Path:
    from projects import indicator_data, run_reportgen, write_project

    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": indicator_data()})
    run_reportgen("build", "-j", "1", cwd=root, check=True)
    source = root / "content/indicators/2564/08.yaml"  # a change, so that the next build has a form to render
    source.write_text(source.read_text(encoding="utf-8").replace("ห้องสมุด", "ห้องสมุดฯ", 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("limit, what", [
    (20_000, "สำเนาชั่วคราวของฟอนต์ที่ WeasyPrint ใช้"),  # WeasyPrint copies the fonts into /tmp first
    (120_000, "ดัชนีค้นหาของเว็บไซต์"),  # the form renders; Pagefind, killed by SIGXFSZ, cannot write its index
])  # fmt: skip
def test_no_room_is_said_in_thai_naming_what_and_output_stays(built_project, limit, what):
    before = _output_files(built_project)
    result = _build_limited(built_project, limit, "--no-cache")
    assert result.returncode == 2, result.stderr
    assert "เกิดข้อผิดพลาดภายในโปรแกรม" not in result.stderr and "Traceback" not in result.stderr
    assert f"reportgen: เขียน {what}" in result.stderr, result.stderr
    assert "ไฟล์ใหญ่เกินขนาดที่ระบบอนุญาต" in result.stderr and "ทำให้มีพื้นที่ว่างพอ" in result.stderr
    assert _output_files(built_project) == before


def test_a_full_disk_while_writing_output_names_the_file(built_project, monkeypatch):
    """ENOSPC while the writer writes a file of the new output: the file is named, the old output/ stays."""
    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    before = _output_files(built_project)
    real_write_new_file = writer_mod.write_new_file

    def full(path, data, **kwargs):
        if str(path).endswith(".pdf") or ".pdf" in Path(path).name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write_new_file(path, data, **kwargs)

    monkeypatch.setattr(writer_mod, "write_new_file", full)
    with pytest.raises(OutputError) as raised:
        build(built_project, BuildRequest(jobs=1, use_cache=False))
    text = raised.value.text("th")
    assert "2564/08.pdf" in text and "ดิสก์เต็ม" in text, text
    assert "disk is full" in raised.value.text("en")
    assert _output_files(built_project) == before


def test_no_room_anywhere_else_is_no_internal_error(monkeypatch, capsys, tmp_path):
    """A write the commands do not name (a library's temporary file) still gets the reader's words, with the file
    when the error names one; the exit status is an environment error's, not a bug's."""
    from reportgen import cli

    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/somewhere/font.ttf")

    monkeypatch.setattr(cli, "run_check", full)
    assert cli.main(["check", "--root", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "เขียน /tmp/somewhere/font.ttf ไม่ได้: ดิสก์เต็ม" in error and "ภายในโปรแกรม" not in error
