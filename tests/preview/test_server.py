"""preview/server.py and commands/serve.py: `reportgen serve` builds into a temporary folder, serves it, rebuilds on edits,
shows errors.

Every wait polls with a generous limit and asserts on what was served, never on how long it took.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from chromium import CHROMIUM
from linebreaks import unmark
from projects import REAL_INDICATOR, write_project

from reportgen.cli import build_parser
from reportgen.errors import UsageError
from reportgen.preview.server import EVENTS_PATH, SCRIPT_PATH, PreviewServer, inject

REAL_TEXT = REAL_INDICATOR.read_text(encoding="utf-8")
REAL_NAME = "จำนวนห้องสมุดเพื่อการเรียนรู้ที่ได้รับการพัฒนาเป็นห้องสมุดมีชีวิต"
NEW_NAME = "ชื่อตัวชี้วัดที่แก้ระหว่างดูตัวอย่าง"
FILE = "content/indicators/2564/08.yaml"
PATIENCE = 120  # seconds: a limit for a machine under load, not a measurement



def poll(probe: Callable[[], object], what: str, timeout: float = PATIENCE) -> object:
    """``probe()`` once it returns something true; fails naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def get(url: str, method: str = "GET") -> tuple[int, dict, str]:
    """(status, headers, body) of a request; error statuses are answers too."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def raw_get(url: str, path: str) -> tuple[int, str]:
    """A GET with ``path`` sent exactly as given (urllib would normalise dots)."""
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def page_shows(url: str, *texts: str, absent: tuple[str, ...] = ()) -> Callable[[], str | None]:
    def probe() -> str | None:
        status, _, body = get(url)
        body = unmark(body)  # the site's headings and names are marked for line breaks (linebreak.mark_titles)
        if status == 200 and all(text in body for text in texts) and not any(text in body for text in absent):
            return body
        return None

    return probe


class EventStream:
    """The Server-Sent-Events stream of the preview, read line by line."""

    def __init__(self, url: str):
        self.response = urllib.request.urlopen(url.rstrip("/") + EVENTS_PATH, timeout=PATIENCE)
        assert self.response.headers["Content-Type"].startswith("text/event-stream")

    def next_generation(self) -> int:
        while True:
            line = self.response.readline().decode("utf-8")
            assert line, "the event stream ended"
            if line.startswith("data: "):
                return int(line.removeprefix("data: "))

    def close(self) -> None:
        self.response.close()


def edit(root: Path, old: str, new: str) -> None:
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def serve_tmp(tmp_path) -> Iterator[Path]:
    """The temporary folder of a ``reportgen serve`` process, seen as ``tmp_path/tmp``: made under the system's own,
    since the process's fork server puts its socket in it, and a socket's path may hold at most 107 bytes (a folder
    inside pytest's tmp_path can be longer). Removed once the test is done."""
    folder = Path(tempfile.mkdtemp(prefix="rg-serve-"))
    (tmp_path / "tmp").symlink_to(folder, target_is_directory=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def serve_folders(tmp: Path) -> list[Path]:
    """The preview's build folders in ``tmp`` (WeasyPrint keeps its own there until the process ends)."""
    return sorted(tmp.glob("reportgen-serve-*"))


@pytest.fixture
def project(tmp_path) -> Path:
    return write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_TEXT})


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The temporary folder the preview builds in is made here, so that the tests can see it go."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def preview(project, private_tmp) -> Iterator[PreviewServer]:
    """A preview of ``project`` on a free port, in this process, its first build done."""
    server = PreviewServer(project, port=0, quiet_period=0.1)
    server.start()
    try:
        assert server.wait_for_generation(1, PATIENCE)
        yield server
    finally:
        server.stop()
    assert serve_folders(private_tmp) == []


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[PreviewServer]:
    """One preview, as ``preview`` makes it, for the tests that only read what it serves (paths, hosts, headers):
    its first build is the costly part. Its temporary folder must be gone once it stops."""
    folder = tmp_path_factory.mktemp("served")
    root = write_project(folder / "project", {"indicators/2564/08.yaml": REAL_TEXT})
    (folder / "tmp").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder / "tmp"))
        server = PreviewServer(root, port=0, quiet_period=0.1)
        server.start()
        try:
            assert server.wait_for_generation(1, PATIENCE)
            yield server
        finally:
            server.stop()
    assert serve_folders(folder / "tmp") == []


# --- The command line, as a user runs it -------------------------------------------------------------------------


@contextlib.contextmanager
def serve_process(root: Path, tmp: Path) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``python -m reportgen serve --port 0`` in ``root``, its temporary folder ``tmp/tmp`` (``serve_tmp``); yields the
    process, the URL it printed, its stderr file."""
    stderr = tmp / "serve-stderr.txt"
    env = dict(os.environ, TMPDIR=str((tmp / "tmp").resolve()))  # the serve_tmp fixture's
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "serve", "--port", "0"],
            cwd=root, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
        )  # fmt: skip
    try:
        readable, _, _ = select.select([process.stdout], [], [], PATIENCE)
        assert readable, "serve printed no URL"
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
        yield process, url, stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.e2e
def test_serve_rebuilds_on_edits_shows_errors_in_the_page_and_stops_cleanly_on_sigterm(project, tmp_path, serve_tmp):
    with serve_process(project, tmp_path) as (process, url, stderr):
        page = url + "2564/08.html"
        body = poll(page_shows(page, REAL_NAME), "the first build")
        assert SCRIPT_PATH in body
        assert poll(page_shows(url, REAL_NAME), "the home page")

        events = EventStream(url)
        try:
            first = events.next_generation()
            edit(project, "name: จำนวนห้องสมุด", f"name: {NEW_NAME} จำนวนห้องสมุด")
            assert events.next_generation() > first  # the open pages are told to reload
        finally:
            events.close()
        poll(page_shows(page, NEW_NAME), "the edited name")

        # An invalid edit: the server stays up; each page shows the Thai error over the last good build.
        edit(project, "fiscal_year: 2564", "fiscal_year: abc")
        body = poll(page_shows(page, "reportgen-preview-error"), "the error banner")
        banner = body.split('<section class="reportgen-preview-error"', 1)[1].split("</section>", 1)[0]
        assert f"{FILE}:4:14" in banner and "fiscal_year" in banner
        assert "ต้องเป็นจำนวนเต็ม" in banner and "&quot;abc&quot;" in banner
        assert NEW_NAME in body  # the last good build, under the banner
        assert "reportgen-preview-error" in get(url)[2]  # every page, not only the one edited
        assert process.poll() is None
        poll(lambda: "fiscal_year" in stderr.read_text(encoding="utf-8"), "the problem in the terminal")

        edit(project, "fiscal_year: abc", "fiscal_year: 2564")
        poll(page_shows(page, NEW_NAME, absent=("reportgen-preview-error",)), "the error to go away")

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PATIENCE) == 0
    assert serve_folders(tmp_path / "tmp") == []  # the temporary build folder is gone
    assert not (project / "output").exists()  # the project's own output/ is never touched


@pytest.mark.e2e
def test_ctrl_c_stops_the_server_with_status_0_and_removes_its_folder(project, tmp_path, serve_tmp):
    with serve_process(project, tmp_path) as (process, url, _):
        poll(page_shows(url, REAL_NAME), "the first build")
        assert len(serve_folders(tmp_path / "tmp")) == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 0
        with pytest.raises(OSError):
            get(url)
    assert serve_folders(tmp_path / "tmp") == []


def test_the_command_line_listens_on_127_0_0_1_by_default():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)


# --- The server, in process --------------------------------------------------------------------------------------


def test_listens_on_127_0_0_1_by_default(project, private_tmp):
    server = PreviewServer(project, port=0)
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.stop()


def test_built_files_stay_free_of_preview_code_which_only_the_served_pages_get(served):
    pages = sorted(served.html_dir.rglob("*.html"))
    assert pages
    for path in pages:
        assert "__reportgen__" not in path.read_text(encoding="utf-8"), path
        relative = path.relative_to(served.html_dir).as_posix()
        status, headers, body = get(served.url + relative)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert body.count(SCRIPT_PATH) == 1 and body.index(SCRIPT_PATH) > body.index("<body")
        assert headers["Cache-Control"] == "no-store"
    for path in served.output_dir.rglob("*"):
        if path.suffix in (".css", ".js", ".json", ".csv", ".xml", ".txt"):
            assert b"__reportgen__" not in path.read_bytes(), path
    status, _, script = get(served.url + SCRIPT_PATH.lstrip("/"))
    assert status == 200 and "EventSource" in script and "location.reload" in script


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/assets/..%2f..%2f..%2f..%2f..%2fetc/passwd",
        "/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/__reportgen__/fonts/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/__reportgen__/fonts/..%2fOFL.txt",
    ],
)
def test_paths_outside_the_site_are_refused(served, path):
    status, body = raw_get(served.url, path)
    assert status in (403, 404)
    assert "root:" not in body


def test_a_symbolic_link_out_of_the_site_is_not_followed(preview, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    (preview.html_dir / "leak.txt").symlink_to(secret)
    status, body = raw_get(preview.url, "/leak.txt")
    assert status == 404 and "the secret" not in body


def test_the_banner_gets_the_projects_own_thai_font_even_before_any_build(served):
    status, headers, _ = get(served.url + "__reportgen__/fonts/Sarabun-Regular.woff2")
    assert status == 200 and headers["Content-Type"] == "font/woff2"
    assert int(headers["Content-Length"]) == (served.root / "fonts" / "Sarabun-Regular.woff2").stat().st_size
    status, _, style = get(served.url + "__reportgen__/preview.css")
    assert status == 200 and "/__reportgen__/fonts/Sarabun-Regular.woff2" in style


def test_folders_redirect_to_their_slash_and_head_sends_no_body(served):
    connection = http.client.HTTPConnection(*re.match(r"http://([^:/]+):(\d+)/", served.url).groups(), timeout=30)
    connection.request("GET", "/2564")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/2564/"
    response.read()
    connection.close()
    status, headers, body = get(served.url, method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 0 and body == ""
    assert get(served.url + "no-such-page.html")[0] == 404


def test_an_edit_while_serving_is_rebuilt_and_announced(preview, project):
    events = EventStream(preview.url)
    try:
        assert events.next_generation() == 1
        edit(project, "name: จำนวนห้องสมุด", f"name: {NEW_NAME} จำนวนห้องสมุด")
        assert events.next_generation() == 2
    finally:
        events.close()
    assert NEW_NAME in get(preview.url + "2564/08.html")[2]
    assert NEW_NAME in (preview.html_dir / "2564" / "08.html").read_text(encoding="utf-8")


def test_when_the_first_build_fails_every_path_shows_the_error_until_it_is_fixed(project, private_tmp):
    edit(project, "fiscal_year: 2564", 'fiscal_year: "<b>2564</b>"')
    outcomes = []
    server = PreviewServer(project, port=0, quiet_period=0.1, on_build=outcomes.append)
    server.start()
    try:
        assert server.wait_for_generation(1, PATIENCE)
        assert not outcomes[0].ok and [p.field for p in outcomes[0].problems] == ["fiscal_year"]
        for path in ("", "2564/08.html", "assets/css/form.css", "no/such/page"):
            status, headers, body = get(server.url + path)
            assert status == 503 and headers["Content-Type"].startswith("text/html")
            assert FILE in body and "fiscal_year" in body and "ต้องเป็นจำนวนเต็ม" in body
            assert "&lt;b&gt;2564&lt;/b&gt;" in body and "<b>2564</b>" not in body  # shown, never markup
            assert SCRIPT_PATH in body  # and it reloads by itself once fixed

        edit(project, 'fiscal_year: "<b>2564</b>"', "fiscal_year: 2564")
        assert server.wait_for_generation(2, PATIENCE)
        assert outcomes[-1].ok
        status, _, body = get(server.url + "2564/08.html")
        assert status == 200 and REAL_NAME in body and "reportgen-preview-error" not in body
    finally:
        server.stop()
    assert serve_folders(private_tmp) == []


def test_an_editor_swap_file_triggers_no_rebuild_and_a_burst_of_saves_triggers_one(project, private_tmp):
    outcomes = []
    server = PreviewServer(project, port=0, quiet_period=0.3, on_build=outcomes.append)
    server.start()
    try:
        assert server.wait_for_generation(1, PATIENCE)
        folder = project / FILE
        # what Vim, Emacs and others write beside a file while it is edited, and a folder of their own
        for name in (".08.yaml.swp", ".08.yaml.swx", "08.yaml~", "#08.yaml#", "4913"):
            (folder.parent / name).write_text("editor state", encoding="utf-8")
        (folder.parent / "4913").unlink()
        (folder.parent / ".#08.yaml").symlink_to("officer@desk.4242:1700000000")  # Emacs' lock: a dangling link
        (project / "content" / ".hidden").mkdir()
        (project / "content" / ".hidden" / "notes.yaml").write_text("x: 1", encoding="utf-8")
        assert not server.wait_for_generation(2, 2.0), "an editor's file made a rebuild"
        # then one real save: the watcher is still watching
        edit(project, REAL_NAME, NEW_NAME)
        assert server.wait_for_generation(2, PATIENCE)
        assert NEW_NAME in get(server.url + "2564/08.html")[2]

        # a burst of saves (an editor writing several times, a formatter saving again) makes one rebuild
        for number in range(8):
            edit(project, NEW_NAME if number == 0 else f"{NEW_NAME} {number - 1}", f"{NEW_NAME} {number}")
            time.sleep(0.02)
        assert server.wait_for_generation(3, PATIENCE)
        assert f"{NEW_NAME} 7" in get(server.url + "2564/08.html")[2]
        assert not server.wait_for_generation(4, 2.0), "one burst of saves made more than one rebuild"
        assert len(outcomes) == 3 and all(outcome.ok for outcome in outcomes)
    finally:
        server.stop()
    assert serve_folders(private_tmp) == []


def test_a_busy_port_is_a_usage_error_and_leaves_nothing_behind(preview, private_tmp):
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    other = PreviewServer(preview.root, port=port)
    with pytest.raises(UsageError, match="--port 0"):
        other.start()
    assert len(serve_folders(private_tmp)) == 1  # only the running preview's folder


def test_no_content_folder_is_a_usage_error(tmp_path, private_tmp):
    with pytest.raises(UsageError, match="content/"):
        PreviewServer(tmp_path, port=0).start()
    assert serve_folders(private_tmp) == []


def test_injection_keeps_the_page_and_places_each_part():
    page = b'<!DOCTYPE html><html lang="th"><head><title>x</title></head><BODY class="a">text</body></html>'
    result = inject(page, "<link>", "<section>", "<script></script>")
    assert result == (
        b'<!DOCTYPE html><html lang="th"><head><title>x</title><link></head><BODY class="a"><section>text'
        b"<script></script></body></html>"
    )
    assert inject(b"no markup", "", "", "<script></script>") == b"no markup<script></script>"


# --- In a real browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_chromium_reloads_the_open_page_by_itself_after_an_edit(preview, project, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="reportgen.preview.server")
    page = preview.url + "2564/08.html"

    def page_loads() -> int:
        return sum(1 for record in caplog.records if '"GET /2564/08.html HTTP/1.1" 200' in record.getMessage())

    def listening() -> int:
        return sum(1 for record in caplog.records if f'"GET {EVENTS_PATH} HTTP/1.1" 200' in record.getMessage())

    browser = subprocess.Popen(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", "--remote-debugging-port=0", page,
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        poll(lambda: page_loads() == 1 and listening() == 1, "Chromium to open the page and listen for builds")
        edit(project, "name: จำนวนห้องสมุด", f"name: {NEW_NAME} จำนวนห้องสมุด")
        assert preview.wait_for_generation(2, PATIENCE)
        poll(lambda: page_loads() == 2 and listening() == 2, "Chromium to reload the page by itself")
    finally:
        browser.terminate()
        browser.wait(timeout=60)


# --- hostile clients: long names, idle connections, other hosts (all on 127.0.0.1, every loop bounded) ------------


def _raw_request(url: str, request: bytes, timeout: float = 30) -> bytes:
    import socket

    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize("length", [255, 256, 1000, 4000])
def test_a_very_long_path_segment_is_not_found_without_a_traceback(served, caplog, length):
    status, body = raw_get(served.url, "/" + "a" * length + "/x.html")
    assert status == 404 and "ไม่พบหน้านี้" in body
    from urllib.parse import quote

    status, _ = raw_get(served.url, "/" + quote("ก" * length))  # 3 bytes a character in UTF-8
    assert status == 404
    assert "Traceback" not in caplog.text


def test_an_idle_connection_is_closed_after_the_timeout(project, private_tmp):
    import socket

    server = PreviewServer(project, port=0, quiet_period=0.1, idle_timeout=0.5)
    server.start()
    try:
        host, port = re.match(r"http://([^:/]+):(\d+)/", server.url).groups()
        idle = [socket.create_connection((host, int(port)), timeout=PATIENCE) for _ in range(20)]
        for connection in idle:  # the server hangs up on each: recv returns b"" (end of stream), never blocks
            assert connection.recv(1) == b""
            connection.close()
        half = socket.create_connection((host, int(port)), timeout=PATIENCE)
        half.sendall(b"GET / HTTP/1.1\r\n")  # a request never finished
        assert half.recv(65536) == b""  # closed, not held
        half.close()
        assert get(server.url)[0] in (200, 503)  # still serving
    finally:
        server.stop()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""])
def test_a_request_for_another_host_is_refused(served, host):
    header = f"Host: {host}\r\n" if host else ""
    reply = _raw_request(served.url, f"GET / HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.0 403") or reply.startswith(b"HTTP/1.1 403"), reply[:200]
    assert "ไม่ตอบคำขอที่ส่งมาในชื่อ".encode() in reply


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "192.168.1.20:{port}"])
def test_loopback_names_and_addresses_are_served(served, host):
    port = re.match(r"http://[^:/]+:(\d+)/", served.url).group(1)
    reply = _raw_request(served.url, f"GET / HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n".encode())
    assert reply.split(b"\r\n", 1)[0].endswith(b"200 OK"), reply[:200]


def test_host_rules():
    from reportgen.preview.server import host_allowed, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback("example.org")
    assert host_allowed("preview.lan:8000", "preview.lan") and not host_allowed("preview.lan:8000", "127.0.0.1")
    assert not host_allowed(None, "127.0.0.1") and not host_allowed("localhost.evil.example", "127.0.0.1")


def test_the_overview_of_officers_is_served_to_this_computer_only(preview, monkeypatch):
    """/_status names officers and their contacts: a client from another computer gets a refusal page (the site
    itself is still served), unless the preview was started with --share-status. No other computer can be used
    here, so the client's address is judged as another computer's by replacing the check, as if it came from one."""
    from reportgen.preview import server as server_module

    assert get(preview.url + "_status")[0] == 200  # from 127.0.0.1
    monkeypatch.setattr(server_module, "client_is_local", lambda address: False)
    status, _, page = get(preview.url + "_status")
    assert status == 403 and "เปิดดูได้เฉพาะบนเครื่องที่รันหน้าตัวอย่าง" in page and "--share-status" in page
    assert "somjai" not in page and "ผู้รับผิดชอบ" not in page
    assert get(preview.url)[0] == 200
    preview.share_status = True
    assert get(preview.url + "_status")[0] == 200


def test_client_addresses_from_this_computer():
    from reportgen.preview.server import client_is_local

    assert client_is_local("127.0.0.1") and client_is_local("127.8.9.1") and client_is_local("::1")
    assert client_is_local("::ffff:127.0.0.1")  # a local IPv4 client of a server listening on ::
    assert not client_is_local("192.168.1.20") and not client_is_local("::ffff:10.0.0.2")
    assert not client_is_local("2001:db8::1") and not client_is_local("") and not client_is_local("localhost")


@pytest.mark.e2e
def test_listening_beyond_loopback_warns(project, tmp_path, serve_tmp):
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "serve", "--port", "0", "--host", "0.0.0.0", "--lang", "en"],
            cwd=project, stdout=subprocess.PIPE, stderr=err, text=True, env=dict(os.environ, TMPDIR=str(serve_tmp)),
        )  # fmt: skip
    try:
        readable, _, _ = select.select([process.stdout], [], [], PATIENCE)
        assert readable and process.stdout.readline().startswith("http://0.0.0.0:")
        poll(lambda: "open to other computers" in stderr.read_text(), "the warning", timeout=60)
        poll(lambda: "(/_status), which names officers, stays on this computer" in stderr.read_text(),
             "the overview kept local", timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=PATIENCE)


# --- One form's problem is that form's (issue 23) ----------------------------------------------------------------

OTHER_FILE = "content/indicators/2564/09.yaml"
OTHER_TEXT = REAL_TEXT.replace('code: "08"', 'code: "09"')


def test_a_broken_form_shows_its_problems_on_its_own_page_while_the_others_are_built(tmp_path, private_tmp):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_TEXT, "indicators/2564/09.yaml":
                                                OTHER_TEXT})  # fmt: skip
    outcomes = []
    server = PreviewServer(root, port=0, quiet_period=0.1, on_build=outcomes.append)
    server.start()
    try:
        assert server.wait_for_generation(1, PATIENCE)
        broken = root / OTHER_FILE
        broken.write_text(OTHER_TEXT.replace("result_type: output", "result_type output"), encoding="utf-8")
        edit(root, "name: จำนวนห้องสมุด", f"name: {NEW_NAME} จำนวนห้องสมุด")  # my own edit, meanwhile
        assert poll(lambda: server.state.generation >= 2 and outcomes[-1].broken, "a build that left 09 out")
        assert outcomes[-1].ok and [form.slug for form in outcomes[-1].broken] == ["2564/09"]
        line = OTHER_TEXT.splitlines().index("result_type: output") + 1
        status, _, mine = get(server.url + "2564/08.html")  # my form: built as it is now, with the banner
        assert status == 200 and NEW_NAME in mine and "ยังไม่มีผลที่สร้างสำเร็จ" not in mine
        assert "reportgen-preview-error" in mine and f"{OTHER_FILE}:{line}:" in mine
        status, _, theirs = get(server.url + "2564/09.html")  # the broken form's own page: its problems
        assert status == 200 and f"{OTHER_FILE}:{line}:" in theirs and REAL_NAME not in theirs
        assert "มีข้อผิดพลาด จึงยังสร้างไม่ได้" in theirs and SCRIPT_PATH in theirs
        status, _, home = get(server.url)
        assert status == 200 and "08.html" in home and "09.html" not in home
    finally:
        server.stop()
    assert serve_folders(private_tmp) == []


def test_a_form_edited_after_its_sign_off_is_a_draft_in_the_preview(project, private_tmp):
    import datetime as dt

    from linebreaks import unmark

    from reportgen.commands.signoff import signoff

    signoff(project, project / FILE, name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์", date=dt.date(2021, 10, 20))
    server = PreviewServer(project, port=0, quiet_period=0.1)
    server.start()
    try:
        assert server.wait_for_generation(1, PATIENCE)
        assert "นางสาวสมใจ ใฝ่รู้" in unmark(get(server.url + "2564/08.html")[2])
        edit(project, "ห้องสมุดมีชีวิต หมายถึง", "ห้องสมุดมีชีวิต คือ")
        assert server.wait_for_generation(2, PATIENCE)
        page = unmark(get(server.url + "2564/08.html")[2])
        form = re.search(r"<article.*</article>", page, re.S).group()  # the banner above quotes the warning
        assert 'class="draft-mark"' in form and "ต้องลงนามใหม่" in form and "นางสาวสมใจ ใฝ่รู้" not in form
    finally:
        server.stop()


def test_a_table_pasted_while_serving_is_shown_as_a_table(preview, project):
    # Issue 25: what an officer pastes from Excel into quarter 1 is, on the next preview, a real table on the page.
    events = EventStream(preview.url)
    try:
        assert events.next_generation() == 1
        edit(project, "    report: อยู่ระหว่างจัดทำหนังสือประสานงานกับหน่วยงานร่วมจัดกิจกรรม",
             "    report: |\n      เดือน\tการเข้าชม (ครั้ง)\n      พฤษภาคม\t52,310\n      ๑. จัดกิจกรรม\n      ๒. อบรม")
        assert events.next_generation() == 2
    finally:
        events.close()
    page = get(preview.url + "2564/08.html")[2]
    assert '<th scope="col">' in page and '<td class="number">' in page
    assert page.count('<span class="item-number">') == 2
