"""The Thai user guide's pictures and quoted output, from the real build → ``docs/images/*.png`` and the generated
blocks of ``docs/guide-th.md``.

Run ``make guide-images`` (or ``.venv/bin/python docs/make_screenshots.py``; ``--text-only`` skips the pictures).
Everything is made from this repository as it is: the real ``content/`` is copied into a temporary project, the real
``reportgen`` is run on it (``python -m reportgen``, as an officer would), the PDF pages are rasterised with
``pdftoppm``, the web pages are photographed in Debian's headless Chromium, and a terminal's output is rendered as
the terminal shows it (Sarabun for Thai, from ``fonts/``). The desk (``reportgen desk``) is started on a copy of the
project in a temporary git repository with accounts, and an officer's and a signer's visits are played in Chromium
by Playwright at 1366×768, a division PC's screen. PNGs are reduced to a small palette, so the whole set stays a few
hundred kilobytes.

The guide quotes what the commands print between markers, which this script rewrites::

    <!-- output: SCENARIO -->            the command line of SCENARIO and everything it printed
    <!-- file: SCENARIO PATH from "FIRST LINE" to "STOP LINE" -->   lines of a file SCENARIO wrote

so when the wording of a message changes, one run brings the guide and its pictures up to date.
``tests/test_guide.py`` reruns every scenario and fails when a quoted block is no longer what the command prints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "guide-th.md"
IMAGES = REPO / "docs" / "images"
#: How the guide writes the command: the one ``make build`` installs into the project's .venv.
SHOWN_COMMAND = ".venv/bin/reportgen"
REAL_FILE = "content/indicators/2564/08.yaml"
SIGNER = ("--name", "นางสาวสมใจ ใฝ่รู้", "--position", "บรรณารักษ์ชำนาญการ")
CHROMIUM = [
    "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    "--force-device-scale-factor=1",
]  # fmt: skip
PALETTE_COLOURS = 32

OUTPUT_MARK = re.compile(r"(?P<open><!-- output: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(?P<close><!-- /output -->)", re.S)
FILE_MARK = re.compile(
    r'(?P<open><!-- file: (?P<name>[\w-]+) (?P<path>\S+) from "(?P<first>[^"]*)" to "(?P<stop>[^"]*)" -->\n)'
    r"(?P<body>.*?)(?P<close><!-- /file -->)",
    re.S,
)


# --- Scenarios: a project, a change an officer makes, and the command they run -------------------------------------


def edit(old: str, new: str) -> Callable[[Path], None]:
    """A change to the real indicator file: its first ``old`` becomes ``new``."""

    def prepare(root: Path) -> None:
        path = root / REAL_FILE
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"{REAL_FILE} no longer holds {old!r}: update the scenario in {Path(__file__).name}")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return prepare


def saved_as(encoding: str) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        path = root / REAL_FILE
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return prepare


def signed_then(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    """The real file signed off (on 20 October 2021), then changed."""

    def prepare(root: Path) -> None:
        run(root, ("signoff", REAL_FILE, *SIGNER, "--date", "2021-10-20"), check=True)
        for change in changes:
            change(root)

    return prepare


def nothing(root: Path) -> None:
    pass


@dataclass(frozen=True)
class Scenario:
    args: tuple[str, ...]
    prepare: Callable[[Path], None] = nothing
    #: The message code the slip must produce (``check --format json``), so a scenario cannot quietly stop
    #: showing the mistake it describes.
    code: str | None = None
    exit_status: int = 0

    @property
    def command_line(self) -> str:
        return f"$ {SHOWN_COMMAND} {shlex.join(self.args)}"


#: The start of quarter 3's report, a literal block (``|``) whose list the folded-list slip turns into ``>``.
Q3_LIST = (
    "    report: |\n"
    "      ดำเนินการพัฒนาห้องสมุดเพื่อการเรียนรู้ให้เป็นห้องสมุดมีชีวิตผ่านการจัดทำบรรณิทรรศน์ออนไลน์ โดยได้ดำเนินการดังนี้\n"
    "\n"
    "      1."
)

CALCULATION = "calculation: นับจำนวนห้องสมุดเพื่อการเรียนรู้ที่ได้รับการพัฒนาเป็นห้องสมุดมีชีวิต"

SCENARIOS: dict[str, Scenario] = {
    "check-clean": Scenario(("check",)),
    "new-year": Scenario(("new", "--year", "2565", "--from", "2564")),
    "new-one": Scenario(("new", "09", "--year", "2565")),
    "signoff": Scenario(("signoff", REAL_FILE, *SIGNER, "--date", "2021-10-20")),
    "signoff-placeholder": Scenario(("signoff", REAL_FILE, *SIGNER, "--date", "2020-09-30"),
                                    edit("unit: ห้อง", "unit: …กรอกหน่วยนับ…"), "placeholder", 1),
    "signoff-warning": Scenario(("signoff", REAL_FILE, *SIGNER, "--date", "2021-10-20"),
                                edit("url: https://www.bangkoklibrary", "url: http://www.bangkoklibrary"),
                                "evidence_not_https", 1),
    "slip-tab": Scenario(("check",), edit("    result: 36", "\tresult: 36"), "yaml_tab", 1),
    "slip-curly-quotes": Scenario(("check",), edit('code: "08"', "code: “08”"), "yaml_curly_quotes", 1),
    "slip-thai-digits": Scenario(("check",), edit("  value: 3", "  value: ๓"), "number_thai_digits", 1),
    "slip-windows-874": Scenario(("check",), saved_as("cp874"), "legacy_thai_encoding", 1),
    "slip-number-with-unit": Scenario(("check",), edit("\nresult: 36", "\nresult: 1,036 ห้อง"), "number_formatted", 1),
    "slip-unknown-key": Scenario(("check",), edit("result_type:", "result_typ:"), "unknown_key_suggest", 1),
    "slip-dedented": Scenario(("check",), edit("\n  q2:\n", "\nq2:\n"), "yaml_dedented_key", 1),
    "slip-yes": Scenario(("check",), edit("unit: ห้อง", "unit: yes"), "yaml_bool", 1),
    "slip-folded-list": Scenario(
        ("check",), edit(Q3_LIST, Q3_LIST.replace("report: |", "report: >").replace("\n\n      1.", "\n      1.")),
        "folded_list",
    ),
    "slip-comment": Scenario(("check",), edit(CALCULATION, CALCULATION + " #ห้องสมุดมีชีวิต"), "comment_in_text"),
    "slip-edited-after-signoff": Scenario(("check",), signed_then(edit("\nresult: 36", "\nresult: 35"),
                                                                  edit("    result: 36", "    result: 35")),
                                          "signoff_stale"),  # fmt: skip
}


def make_project(where: Path) -> Path:
    """A copy of this repository's project (content, templates, fonts) to run reportgen in."""
    root = where / "project"
    for folder in ("content", "templates", "fonts"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def photographed(root: Path) -> Path:
    """``root`` with its web fonts waited for: the pages say ``font-display: optional`` (no layout shift for a
    reader, who gets the fonts from the cache), which on this machine, busy with other builds, sometimes gives up on
    a font and draws Thai as empty boxes in the picture. ``block`` waits for it; nothing else on the page changes."""
    for stylesheet in (root / "templates" / "css").glob("*.css"):
        text = stylesheet.read_text(encoding="utf-8")
        stylesheet.write_text(text.replace("font-display: optional", "font-display: block"), encoding="utf-8")
    return root


def run(root: Path, args: tuple[str, ...], *, check: bool = False, stderr: int = subprocess.STDOUT):
    """The real command line in a fresh process, in ``root``: its stdout and (by default) stderr, as one text."""
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=root, env=env, text=True, timeout=300,
        stdout=subprocess.PIPE, stderr=stderr,
    )  # fmt: skip
    if check and result.returncode != 0:
        raise SystemExit(f"reportgen {shlex.join(args)} failed ({result.returncode}):\n{result.stdout}")
    return result


@dataclass
class Outcome:
    root: Path
    output: str
    returncode: int
    #: What ``check --format json`` reports in the project (for the slips): each problem's code, field, message.
    problems: list[dict] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [problem["code"] for problem in self.problems]


def play(name: str, where: Path) -> Outcome:
    """Run scenario ``name`` in a fresh project under ``where``: what it printed, and the codes ``check`` found."""
    scenario = SCENARIOS[name]
    root = make_project(where / name)
    scenario.prepare(root)
    problems: list[dict] = []
    if scenario.code is not None:
        problems = json.loads(run(root, ("check", "--format", "json"), stderr=subprocess.DEVNULL).stdout or "[]")
    result = run(root, scenario.args)
    return Outcome(root, result.stdout.rstrip("\n"), result.returncode, problems)


def output_block(name: str, outcome: Outcome) -> str:
    return f"```console\n{SCENARIOS[name].command_line}\n{outcome.output}\n```\n"


def file_lines(path: Path, first: str, stop: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(first)
    end = lines.index(stop, start + 1)
    return lines[start:end]


def file_block(path: Path, first: str, stop: str) -> str:
    return "```yaml\n" + "\n".join(file_lines(path, first, stop)) + "\n```\n"


def refresh_guide(where: Path) -> dict[str, Outcome]:
    """Rewrite every generated block of the guide from the real commands; returns the outcomes by scenario."""
    text = GUIDE.read_text(encoding="utf-8")
    outcomes: dict[str, Outcome] = {}

    def outcome(name: str) -> Outcome:
        if name not in outcomes:
            outcomes[name] = play(name, where)
            found = outcomes[name]
            scenario = SCENARIOS[name]
            if scenario.code is not None and scenario.code not in found.codes:
                raise SystemExit(f"scenario {name}: check no longer reports {scenario.code} (it reports {found.codes})")
            if found.returncode != scenario.exit_status:
                raise SystemExit(f"scenario {name}: exit status {found.returncode}, not {scenario.exit_status}")
        return outcomes[name]

    text = OUTPUT_MARK.sub(lambda m: m["open"] + output_block(m["name"], outcome(m["name"])) + m["close"], text)
    text = FILE_MARK.sub(
        lambda m: m["open"] + file_block(outcome(m["name"]).root / m["path"], m["first"], m["stop"]) + m["close"],
        text,
    )
    GUIDE.write_text(text, encoding="utf-8")
    return outcomes


# --- Pictures ------------------------------------------------------------------------------------------------------


def optimise(path: Path, *, crop_to_content: bool = False, margin: int = 16) -> None:
    """Reduce a screenshot to a small palette PNG (optionally cropped to what is not background)."""
    from PIL import Image, ImageChops

    image = Image.open(path).convert("RGB")
    if crop_to_content:
        background = Image.new("RGB", image.size, image.getpixel((0, 0)))
        box = ImageChops.difference(image, background).getbbox()
        if box:
            left, top, right, bottom = box
            image = image.crop((max(left - margin, 0), max(top - margin, 0),
                                min(right + margin, image.width), min(bottom + margin, image.height)))  # fmt: skip
    image = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)


def chromium_screenshot(url: str, target: Path, width: int, height: int, *, live: bool = False) -> None:
    """A shot of ``url``. The virtual time budget makes it wait until the page and its fonts have loaded (and 5 s
    more of the page's own time), however busy the machine is; a ``live`` page (the preview's, whose reload stream
    never ends) never lets virtual time run out, so it is shot once loaded, its fonts waited for by
    ``font-display: block`` (``photographed``)."""
    budget = [] if live else ["--virtual-time-budget=5000"]
    subprocess.run(
        [*CHROMIUM, f"--window-size={width},{height}", *budget, f"--screenshot={target}", url],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def pdf_page(pdf: Path, page: int, target: Path, resolution: int = 72) -> None:
    """One page of ``pdf`` (1-based; -1 the last) as a PNG at ``resolution`` dpi."""
    if page < 0:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        page = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) + 1 + page
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(stem)], check=True)  # fmt: skip


def terminal_picture(command_line: str, output: str, target: Path, work: Path) -> None:
    """The command and its output as a terminal shows them: light text on dark, monospace, Thai in Sarabun."""
    fonts = (REPO / "fonts").as_uri()
    page = work / "terminal.html"
    page.write_text(
        f"""<!doctype html><meta charset="utf-8"><style>
@font-face {{ font-family: Sarabun; src: url("{fonts}/Sarabun-Regular.ttf"); }}
html, body {{ margin: 0; background: #1e1e1e; }}
pre {{ margin: 0; padding: 14px 18px; color: #e6e6e6; font: 15px/1.45 "DejaVu Sans Mono", Sarabun, monospace;
       white-space: pre-wrap; }}
.prompt {{ color: #8ae234; }}
</style><pre><span class="prompt">{html.escape(command_line)}</span>
{html.escape(output)}</pre>""",
        encoding="utf-8",
    )
    chromium_screenshot(page.as_uri(), target, 900, 60 + 24 * (command_line.count("\n") + output.count("\n") + 6))
    optimise(target, crop_to_content=True, margin=14)


@contextlib.contextmanager
def preview(root: Path) -> Iterator[Callable[[str, Callable[[str], bool]], str]]:
    """``reportgen serve --port 0`` running in ``root``; yields ``fetch(path, until)``: the page at ``path`` once
    ``until(page)`` holds (the preview answers 503 until its first build is done)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "--port", "0"], cwd=root, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip

    def fetch(path: str, until: Callable[[str], bool]) -> str:
        url = base.rstrip("/") + "/" + path
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=10) as response:
                    if until(response.read().decode("utf-8")):
                        return url
            time.sleep(0.3)
        raise SystemExit(f"reportgen serve did not show the expected page at {url}")

    try:
        base = process.stdout.readline().strip()
        if not base.startswith("http://"):
            raise SystemExit(f"reportgen serve did not start: {base!r}")
        yield fetch
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C: the preview removes its temporary folder
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- The desk: an officer's quarter and a signer's visit, as they see them ------------------------------------------

#: The desk's pictures are taken on this day: quarter 1 of fiscal year 2565 has just ended (so the pictures never
#: change with the day they are remade).
DESK_TODAY = dt.date(2022, 1, 12)
DESK_YEAR = 2565
DESK_SCREEN = {"width": 1366, "height": 768}
DESK_PASSWORD = "ห้องสมุด-รหัสผ่าน-สำหรับภาพ"
#: (login, name, position, role): the officer of form 08, the officer of form 09, the one who signs.
DESK_ACCOUNTS = (
    ("somchai.k", "นายสมชาย ใจดี", "บรรณารักษ์ปฏิบัติการ", "officer"),
    ("wipa.r", "นางสาววิภา รักอ่าน", "บรรณารักษ์ชำนาญการ", "officer"),
    ("somjai.f", SIGNER[1], SIGNER[3], "signer"),
)
#: What the officer types as quarter 1's result: a number written in words, which ``check`` refuses at the field.
DESK_SLIP = "สิบสอง"
DESK_REPORT = (
    "จัดกิจกรรมส่งเสริมการอ่านในห้องสมุดเพื่อการเรียนรู้ โดยได้ดำเนินการดังนี้\n\n"
    "1. จัดกิจกรรมเล่านิทานวันเสาร์ 12 ครั้ง ผู้เข้าร่วม 480 คน\n"
    "2. ปรับปรุงมุมอ่านหนังสือสำหรับเด็ก 3 แห่ง\n"
)
NEW_OFFICER = "officer:\n  # name: …กรอกชื่อผู้รับผิดชอบการรายงาน…\n"
NEW_Q1 = "  q1:\n    # report: |\n    #   …กรอกผลการดำเนินงานในไตรมาสนี้…\n"


def replaced(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path.name} no longer holds {old!r}: update the desk's project in {Path(__file__).name}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def desk_project(where: Path) -> Path:
    """The real project's year 2565 started from 2564 (form 08, Somchai's, nothing reported yet) with a second form
    (09, Wipa's, quarter 1 reported), committed in a git working copy with a bare remote, as on the division's
    server."""
    root = photographed(make_project(where / "desk"))
    run(root, ("new", "--year", str(DESK_YEAR), "--from", "2564"), check=True)
    run(root, ("new", "09", "--year", str(DESK_YEAR), "--from", "2564/08"), check=True)
    folder = root / "content" / "indicators" / str(DESK_YEAR)
    replaced(folder / "08.yaml", NEW_OFFICER, f"officer:\n  name: {DESK_ACCOUNTS[0][1]}\n")
    replaced(folder / "09.yaml", NEW_OFFICER, f"officer:\n  name: {DESK_ACCOUNTS[1][1]}\n")
    replaced(folder / "09.yaml", "\nname: ", "\nname: จำนวนผู้เข้าร่วมกิจกรรมส่งเสริมการอ่านของห้องสมุดเพื่อการเรียนรู้ # ")
    replaced(folder / "09.yaml", NEW_Q1, "  q1:\n    report: |\n      จัดกิจกรรมส่งเสริมการอ่านครบทั้ง 36 แห่ง\n")
    run(root, ("fmt",), check=True)  # as the desk would have saved them
    (root / ".gitignore").write_text(".cache/\noutput/\n.reportgen-tmp-*\n", encoding="utf-8")
    remote = where / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "ผู้ดูแลระบบ")
    git(root, "config", "user.email", "admin@library.example")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"เริ่มปีงบประมาณ {DESK_YEAR}")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    return root


def add_desk_accounts(root: Path, accounts_file: Path) -> None:
    """The accounts, made as the guide tells the administrator to: ``reportgen desk user add``, the password on
    standard input."""
    for login, name, position, role in DESK_ACCOUNTS:
        args = ("desk", "user", "add", login, "--accounts", str(accounts_file), "--name", name,
                "--position", position, "--email", f"{login}@library.example", "--role", role)  # fmt: skip
        result = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=root, input=DESK_PASSWORD + "\n",
                                text=True, capture_output=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"reportgen {shlex.join(args)} failed:\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def desk_server(root: Path, where: Path) -> Iterator[str]:
    """The desk of ``root`` (the app ``reportgen desk`` serves) on 127.0.0.1 and a free port, with accounts and the
    date fixed to ``DESK_TODAY``: its URL until the block ends."""
    sys.path.insert(0, str(REPO / "tests"))  # the desk served as its browser tests and benchmark serve it
    from desk_projects import running_desk

    from reportgen.desk.app import DeskSettings
    from reportgen.desk.auth import AuthSettings

    accounts_file = where / "desk-accounts.json"
    add_desk_accounts(root, accounts_file)
    auth = AuthSettings(accounts_file=accounts_file, audit_file=where / "desk-audit.jsonl")
    settings = DeskSettings(secret_file=where / "desk-secret", today=DESK_TODAY, auth=auth)
    with running_desk(root, settings) as url:
        yield url


def sign_in(page, url: str, login: str) -> None:
    page.goto(f"{url}/")
    page.get_by_label("ชื่อผู้ใช้").fill(login)
    page.get_by_label("รหัสผ่าน").fill(DESK_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"{url}/")


def desk_picture(page, target: Path) -> None:
    """What the screen shows now, once the fonts of the page and of the real form beside it are in."""
    # Both faces asked for by name: ``document.fonts.ready`` alone can resolve before a face is even requested (the
    # first page after sign-in was once photographed with its regular text as empty boxes).
    load_faces = ("Promise.all(['400 16px Sarabun', '700 16px Sarabun'].map(face => document.fonts.load(face, 'ภาษาไทย')))"
                  ".then(() => document.fonts.ready).then(() => document.fonts.check('400 16px Sarabun', 'ภาษาไทย')"
                  " && document.fonts.check('700 16px Sarabun', 'ภาษาไทย'))")
    for frame in page.frames:
        if not frame.evaluate(load_faces):
            raise SystemExit(f"Sarabun did not load in {frame.url}: the picture would show Thai as boxes")
    page.wait_for_timeout(300)
    page.screenshot(path=str(target))
    optimise(target)


def preview_shows(page, text: str, section: int = 6) -> None:
    """Wait until the real form beside the editor (refreshed after each check) shows ``text`` in ``section``."""
    found = page.frame_locator("#preview-frame").locator(f"#section-{section}").get_by_text(text).first
    found.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # no refresh still coming
    found.wait_for(timeout=30_000)


def show_quarter_1(page) -> None:
    """Quarter 1's fields at the top of the editor, and the real form beside them at its section 6."""
    page.frame_locator("#preview-frame").locator("#section-6").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, document.getElementById('f-quarters-q1-report').closest('fieldset')"
                  ".getBoundingClientRect().top - 12)")


def desk_pictures(where: Path, picture: Callable[[str], Path]) -> None:
    """An officer signs in and opens form 08 from the overview, types quarter 1 and a result in words (its problem
    appears at the field), corrects it and saves; the real form beside it; then the signer's page for that form."""
    from playwright.sync_api import sync_playwright

    root = desk_project(where)
    form = f"/forms/{DESK_YEAR}/08"
    with desk_server(root, where) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM[0], args=CHROMIUM[2:])
        try:
            officer = browser.new_page(viewport=DESK_SCREEN, locale="th-TH")
            sign_in(officer, url, DESK_ACCOUNTS[0][0])
            desk_picture(officer, picture("desk-overview.png"))

            officer.get_by_role("link", name="ตัวชี้วัด 08").first.click()
            officer.wait_for_url(url + form)
            officer.fill("#f-quarters-q1-report", DESK_REPORT)
            preview_shows(officer, "เล่านิทานวันเสาร์")
            problem = officer.locator('[data-problems-for="quarters.q1.result"] .problem-error')
            officer.fill("#f-quarters-q1-result", DESK_SLIP)
            problem.wait_for(state="visible", timeout=10_000)
            show_quarter_1(officer)
            desk_picture(officer, picture("desk-form-problem.png"))

            officer.fill("#f-quarters-q1-result", "12")
            officer.locator("#check-state[data-errors='0']").wait_for(timeout=10_000)
            preview_shows(officer, "= 12", section=5)
            show_quarter_1(officer)
            desk_picture(officer, picture("desk-preview.png"))

            officer.get_by_role("button", name="บันทึก").click()
            officer.wait_for_url(url + form)
            saved = officer.locator(".flash").first.inner_text()
            if "บันทึกแล้ว" not in saved or git(root, "log", "-1", "--format=%an") != DESK_ACCOUNTS[0][1]:
                raise SystemExit(f"the desk did not save form 08 as {DESK_ACCOUNTS[0][1]}: {saved}")
            officer.close()

            signer = browser.new_page(viewport=DESK_SCREEN, locale="th-TH")
            sign_in(signer, url, DESK_ACCOUNTS[2][0])
            signer.goto(url + form)
            signer.get_by_role("link", name="ลงนามแบบรายงานนี้").click()
            signer.wait_for_url(url + form + "/signoff")
            desk_picture(signer, picture("desk-signoff.png"))
            signer.get_by_role("button", name="ลงนามรับรองแบบรายงาน").click()
            signer.locator(".flash").first.wait_for()
            if git(root, "log", "-1", "--format=%an") != DESK_ACCOUNTS[2][1]:
                raise SystemExit(f"the desk did not sign form 08 as {DESK_ACCOUNTS[2][1]}")
            signer.close()
        finally:
            browser.close()


def make_pictures(where: Path, outcomes: dict[str, Outcome]) -> list[Path]:
    IMAGES.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def picture(name: str) -> Path:
        made.append(IMAGES / name)
        return IMAGES / name

    # The real form as a draft (not signed off) and signed off: the PDF and the web page.
    draft = photographed(make_project(where / "draft"))
    run(draft, ("build",), check=True)
    pdf_page(draft / "output/pdf/2564/08.pdf", 1, picture("form-draft-page1.png"))
    optimise(IMAGES / "form-draft-page1.png")
    site = draft / "output/html"
    chromium_screenshot((site / "2564/08.html").as_uri(), picture("site-indicator.png"), 880, 900)
    optimise(IMAGES / "site-indicator.png")
    chromium_screenshot((site / "2564/index.html").as_uri(), picture("site-year.png"), 880, 980)
    optimise(IMAGES / "site-year.png")

    signed = make_project(where / "signed")
    run(signed, ("signoff", REAL_FILE, *SIGNER, "--date", "2021-10-20"), check=True)
    run(signed, ("build",), check=True)
    pdf_page(signed / "output/pdf/2564/08.pdf", -1, picture("form-signed-last-page.png"))
    optimise(IMAGES / "form-signed-last-page.png", crop_to_content=True, margin=24)

    # A mistake as the terminal and the preview show it.
    slip = outcomes.get("slip-thai-digits") or play("slip-thai-digits", where)
    terminal_picture(SCENARIOS["slip-thai-digits"].command_line, slip.output, picture("check-error.png"), where)
    live = photographed(make_project(where / "preview"))
    with preview(live) as fetch:
        fetch("2564/08.html", lambda page: True)  # the first build is done: there is a last good build to show
        SCENARIOS["slip-thai-digits"].prepare(live)
        url = fetch("2564/08.html", lambda page: "reportgen-preview-error" in page)  # the rebuild found the slip
        chromium_screenshot(url, picture("preview-error-banner.png"), 880, 520, live=True)
    optimise(IMAGES / "preview-error-banner.png")

    desk_pictures(where, picture)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text-only", action="store_true", help="refresh the guide's quoted output, no pictures")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="guide-") as temporary:
        where = Path(temporary)
        outcomes = refresh_guide(where)
        print(f"{GUIDE.relative_to(REPO)}: {len(outcomes)} scenarios quoted")
        if not args.text_only:
            for path in make_pictures(where, outcomes):
                print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
