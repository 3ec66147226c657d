"""The Thai user guide (docs/guide-th.md) against the real code: its pictures exist, its commands parse with the real
command line, its YAML excerpts load and validate with the real loader, and every message it quotes is still what
the real command prints for the slip it describes.

Each check is a function that lists what is wrong with a guide's text, so the tests run it on the real guide
(nothing wrong) and on deliberately broken copies (each breakage found). The quoted blocks are remade by
``make guide-images`` (docs/make_screenshots.py); a failure here after a wording change means: run it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import sys
import unicodedata
from pathlib import Path

import pytest
from projects import REAL_INDICATOR, REPO_ROOT, run_reportgen, write_project

from reportgen import wording
from reportgen.cli import build_parser

GUIDE = REPO_ROOT / "docs" / "guide-th.md"
IMAGES = REPO_ROOT / "docs" / "images"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: "A few hundred KB in total": the guide is read on GitHub, and cloned with the repository.
IMAGES_BUDGET = 400 * 1024
REGENERATE = "run `make guide-images` and commit docs/guide-th.md with docs/images/"

_spec = importlib.util.spec_from_file_location("make_screenshots", REPO_ROOT / "docs" / "make_screenshots.py")
screenshots = importlib.util.module_from_spec(_spec)
sys.modules["make_screenshots"] = screenshots
_spec.loader.exec_module(screenshots)

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]+)\)")
INLINE_COMMAND = re.compile(r"`((?:\.venv/bin/)?reportgen(?: [^`]*)?)`")
COMMAND_START = re.compile(r"^(?:\.venv/bin/)?reportgen(?:\s|$)")
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_]\w*):")
SITE_KEYS = {"site_title", "base_url", "digits", "data_license", "publisher", "release_strict", "show_officers"}


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block."""
    return [(match["info"].strip().split(" ")[0], match["body"]) for match in FENCE.finditer(text)]


# --- pictures --------------------------------------------------------------------------------------------------------


def image_problems(text: str, base: Path) -> list[str]:
    problems = []
    for match in IMAGE.finditer(text):
        path = base / match["target"]
        if not match["alt"].strip():
            problems.append(f"{match['target']}: no description (alt text) for readers who cannot see it")
        if not path.is_file():
            problems.append(f"{match['target']}: no such file")
        elif path.read_bytes()[:8] != PNG_SIGNATURE:
            problems.append(f"{match['target']}: not a PNG")
    if not IMAGE.search(text):
        problems.append("the guide shows no picture")
    return problems


def test_every_picture_the_guide_shows_exists():
    assert image_problems(guide_text(), GUIDE.parent) == []


def test_a_missing_picture_is_found():
    broken = guide_text().replace("images/check-error.png", "images/no-such-picture.png")
    assert image_problems(broken, GUIDE.parent) == ["images/no-such-picture.png: no such file"]
    assert image_problems("![](images/check-error.png)", GUIDE.parent) == [
        "images/check-error.png: no description (alt text) for readers who cannot see it"
    ]


def test_the_pictures_are_few_small_and_all_used():
    shown = {(GUIDE.parent / match["target"]).resolve() for match in IMAGE.finditer(guide_text())}
    assert sum(path.stat().st_size for path in shown) <= IMAGES_BUDGET
    pages = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
    used = {(page.parent / m["target"]).resolve() for page in pages for m in IMAGE.finditer(page.read_text("utf-8"))}
    unused = [path.name for path in sorted(IMAGES.glob("*.png")) if path.resolve() not in used]
    assert unused == [], "pictures in docs/images/ that no page shows (make guide-images leaves old ones behind)"


# --- commands --------------------------------------------------------------------------------------------------------


def command_lines(text: str) -> tuple[list[str], list[str]]:
    """(full command lines in code blocks, commands named inline in the prose), each starting with reportgen."""
    full: list[str] = []
    for language, body in fenced_blocks(text):
        for line in body.splitlines():
            if language == "console":
                if not line.startswith("$ "):
                    continue  # what the command printed
                line = line[2:]
            elif language not in ("sh", "shell", "bash"):
                continue
            if COMMAND_START.match(line.strip()):
                full.append(line.strip())
    prose = FENCE.sub("", text)
    return full, [match.group(1) for match in INLINE_COMMAND.finditer(prose)]


def _parse(argv: list[str]) -> str | None:
    """None if the real parser accepts ``argv``; else what it printed."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
            build_parser().parse_args(argv)
    except SystemExit as exit:
        return None if exit.code == 0 else errors.getvalue().strip() or f"exit {exit.code}"
    return None


def command_problems(text: str) -> list[str]:
    full, inline = command_lines(text)
    problems = []
    for line in full:
        refused = _parse(shlex.split(line, comments=True)[1:])
        if refused:
            problems.append(f"{line}: {refused}")
    for mention in inline:  # may leave out what is required (`reportgen new`): only the command and its options
        refused = _parse([*shlex.split(mention)[1:], "--help"])
        if refused:
            problems.append(f"`{mention}`: {refused}")
    if not full:
        problems.append("the guide shows no command line")
    return problems


def test_every_command_line_of_the_guide_parses_with_the_real_command_line():
    full, inline = command_lines(guide_text())
    assert {line.split()[1] for line in full} >= {"new", "check", "serve", "signoff", "status"}
    assert len(inline) >= 5
    assert command_problems(guide_text()) == []


def test_a_command_the_real_command_line_refuses_is_found():
    broken = guide_text() + "\n```sh\n.venv/bin/reportgen check --formt json\n```\n\nแล้วสั่ง `reportgen chek`\n"
    problems = command_problems(broken)
    assert len(problems) == 2, problems
    assert problems[0].startswith(".venv/bin/reportgen check --formt json: ") and "--formt" in problems[0]
    assert problems[1].startswith("`reportgen chek`: ")
    missing_year = "```console\n$ .venv/bin/reportgen new --from 2564\n```\n"
    assert "--year" in command_problems(missing_year)[0]


def test_every_make_target_the_guide_names_exists():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    named = set(re.findall(r"make ([\w-]+)", guide_text()))
    assert named and named <= targets


# --- YAML excerpts ---------------------------------------------------------------------------------------------------


def top_level_blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """The file's lines grouped by top-level key (what comes before the first key under None)."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.split("\n"):
        match = TOP_LEVEL_KEY.match(line)
        if match:
            blocks.append((match.group(1), []))
        blocks[-1][1].append(line)
    return blocks


def splice(base: str, excerpt: str) -> str:
    """``base`` with each top-level key of ``excerpt`` replaced by the excerpt's (or added at the end)."""
    blocks = top_level_blocks(base)
    for key, lines in top_level_blocks(excerpt.rstrip("\n")):
        if key is None:
            continue
        keys = [name for name, _ in blocks]
        if key in keys:
            blocks[keys.index(key)] = (key, lines + [""])
        else:
            blocks.append((key, lines + [""]))
    return "\n".join(line for _, lines in blocks for line in lines)


def yaml_problems(text: str, where: Path) -> list[str]:
    """Each YAML excerpt put into the real file it belongs to (indicator 08, or site.yaml), then checked by the real
    ``reportgen check``: every error it reports."""
    problems = []
    excerpts = [body for language, body in fenced_blocks(text) if language in ("yaml", "yml")]
    for number, excerpt in enumerate(excerpts, start=1):
        keys = {key for key, _ in top_level_blocks(excerpt) if key}
        if not keys:
            problems.append(f"YAML excerpt {number}: no key")
            continue
        site = keys <= SITE_KEYS
        base = REPO_ROOT / "content" / "site.yaml" if site else REAL_INDICATOR
        target = "site.yaml" if site else "indicators/2564/08.yaml"
        root = write_project(where / f"excerpt-{number}", {target: splice(base.read_text(encoding="utf-8"), excerpt)})
        result = run_reportgen("check", "--format", "json", "--lang", "en", cwd=root)
        errors = [p for p in json.loads(result.stdout or "[]") if p["severity"] == "error"]
        problems += [f"YAML excerpt {number} ({', '.join(sorted(keys))}): {p['message']}" for p in errors]
        if result.returncode not in (0, 1) or (result.returncode == 1) != bool(errors):
            problems.append(f"YAML excerpt {number}: check exited {result.returncode}: {result.stderr}")
    if not excerpts:
        problems.append("the guide shows no YAML")
    return problems


def test_every_yaml_excerpt_of_the_guide_loads_and_validates(tmp_path):
    excerpts = [body for language, body in fenced_blocks(guide_text()) if language == "yaml"]
    assert len(excerpts) >= 3
    assert yaml_problems(guide_text(), tmp_path) == []


def test_an_invalid_yaml_excerpt_is_found(tmp_path):
    broken = "```yaml\nquarters:\n  q4:\n    report: |\n      ดำเนินการ\n    result: ๓๖\n```\n"
    problems = yaml_problems(broken, tmp_path)
    assert len(problems) == 1 and "Arabic digits" in problems[0], problems


def test_splicing_keeps_the_rest_of_the_file():
    spliced = splice(REAL_INDICATOR.read_text(encoding="utf-8"), "result: 35\n")
    assert "\nresult: 35\n" in spliced and "\nresult: 36\n" not in spliced
    assert spliced.count("\nquarters:\n") == 1 and spliced.startswith("# yaml-language-server")


# --- quoted output ---------------------------------------------------------------------------------------------------


def _lines(body: str) -> list[str]:
    """The lines of a fenced block's body (its fences removed)."""
    match = FENCE.search(body)
    return match["body"].rstrip("\n").split("\n") if match else []


def quoted_output_problems(text: str, where: Path) -> list[str]:
    """Each ``<!-- output: … -->`` block against what its scenario prints now, each ``<!-- file: … -->`` block
    against the file it writes; a slip must still be reported with the message quoted."""
    problems = []
    outcomes: dict[str, object] = {}

    def outcome(name: str):
        if name not in outcomes:
            outcomes[name] = screenshots.play(name, where)
        return outcomes[name]

    for match in screenshots.OUTPUT_MARK.finditer(text):
        name = match["name"]
        scenario = screenshots.SCENARIOS.get(name)
        if scenario is None:
            problems.append(f"output {name}: no such scenario in docs/make_screenshots.py")
            continue
        command, *quoted = _lines(match["body"]) or [""]
        if command != scenario.command_line:
            problems.append(f"output {name}: shows {command!r}, the scenario runs {scenario.command_line!r}")
        found = outcome(name)
        printed = found.output.split("\n")
        for line in quoted:
            if line not in printed:
                problems.append(f"output {name}: the command no longer prints {line!r}; {REGENERATE}")
        if found.returncode != scenario.exit_status:
            problems.append(f"output {name}: exit status {found.returncode}, not {scenario.exit_status}")
        if scenario.code is not None:
            slip = [problem for problem in found.problems if problem["code"] == scenario.code]
            if not slip:
                problems.append(f"output {name}: check no longer reports {scenario.code} for this slip ({found.codes})")
            elif slip[0]["message"].split("\n")[0].strip() not in "\n".join(quoted):
                problems.append(f"output {name}: the message of {scenario.code} is not quoted; {REGENERATE}")
    for match in screenshots.FILE_MARK.finditer(text):
        path = outcome(match["name"]).root / match["path"]
        if _lines(match["body"]) != screenshots.file_lines(path, match["first"], match["stop"]):
            problems.append(f"file {match['name']} {match['path']}: not what the command writes; {REGENERATE}")
    if not outcomes:
        problems.append("the guide quotes no command output")
    return problems


@pytest.mark.e2e  # the guide's scenarios run reportgen in fresh processes
def test_every_quoted_message_is_what_the_real_command_prints_for_that_slip(tmp_path):
    text = guide_text()
    names = [match["name"] for match in screenshots.OUTPUT_MARK.finditer(text)]
    slips = {screenshots.SCENARIOS[name].code for name in names if screenshots.SCENARIOS[name].code}
    assert {"yaml_tab", "yaml_curly_quotes", "number_thai_digits", "legacy_thai_encoding"} <= slips
    assert quoted_output_problems(text, tmp_path) == []


def test_every_console_block_is_generated():
    """A terminal excerpt typed by hand would go stale unnoticed: each must be between output markers."""
    outside = screenshots.OUTPUT_MARK.sub("", guide_text())
    assert [language for language, _ in fenced_blocks(outside) if language == "console"] == []


THAI_QUOTE = re.compile(r'"([^"\n]*[\u0e00-\u0e7f][^"\n]*)"')


def prose_quote_problems(text: str) -> list[str]:
    """A Thai phrase quoted in the prose ("…") is what the program shows: it must appear in a generated block of
    the guide (what the commands print), in the templates of the site and the desk (what the pages say) or in what the
    desk's code shows (its flashes and error pages); … stands for a value."""
    generated = "\n".join(m["body"] for m in screenshots.OUTPUT_MARK.finditer(text))
    generated += "\n".join(m["body"] for m in screenshots.FILE_MARK.finditer(text))
    pages = "\n".join(path.read_text(encoding="utf-8") for path in sorted((REPO_ROOT / "templates").rglob("*.j2")))
    shown = set(re.findall(r"""message\(["']([a-z0-9_]+)["']""", pages))
    # the desk's pages also say what its code puts on them: flashes, error pages, refusals ("desk_saved", …)
    for code in sorted((REPO_ROOT / "reportgen" / "desk").glob("*.py")):
        shown |= set(re.findall(r"""["'](desk_[a-z0-9_]+)["']""", code.read_text(encoding="utf-8")))
    pages += "\n".join(wording.message(key, "th") for key in sorted(shown) if key in wording.catalog())
    prose = re.sub(r"<!--.*?-->", "", FENCE.sub("", text), flags=re.S)  # the markers name lines, they quote none
    problems = []
    for quote in THAI_QUOTE.findall(prose):
        parts = [part.strip() for part in quote.split("…") if part.strip()]
        if not all(part in generated or part in pages for part in parts):
            problems.append(f"{quote!r} is neither printed by a quoted command nor shown by a template")
    return problems


def test_every_thai_phrase_quoted_in_the_prose_is_what_the_program_shows():
    assert len(THAI_QUOTE.findall(FENCE.sub("", guide_text()))) >= 5
    assert prose_quote_problems(guide_text()) == []
    broken = guide_text().replace('"ไม่พบข้อผิดพลาด"', '"ไม่พบปัญหา"')
    assert prose_quote_problems(broken) == [
        "'ไม่พบปัญหา' is neither printed by a quoted command nor shown by a template"
    ]


def _block(name: str) -> str:
    match = next(m for m in screenshots.OUTPUT_MARK.finditer(guide_text()) if m["name"] == name)
    return match.group(0)


@pytest.mark.e2e  # the guide's scenarios run reportgen in fresh processes
def test_a_message_the_command_no_longer_prints_is_found(tmp_path):
    block = _block("slip-thai-digits")
    reworded = block.replace("เขียนด้วยเลขไทย", "เขียนเป็นเลขไทย")
    assert reworded != block
    problems = quoted_output_problems(reworded, tmp_path)
    assert any("no longer prints" in problem and "เขียนเป็นเลขไทย" in problem for problem in problems), problems
    assert any("is not quoted" in problem for problem in problems), problems


@pytest.mark.e2e  # the guide's scenarios run reportgen in fresh processes
def test_a_block_quoting_another_slip_is_found(tmp_path):
    """The Tab message under the name of the curly-quotes slip: the scenario prints something else."""
    wrong = _block("slip-tab").replace("<!-- output: slip-tab -->", "<!-- output: slip-curly-quotes -->")
    problems = quoted_output_problems(wrong, tmp_path)
    assert any("no longer prints" in problem for problem in problems), problems


@pytest.mark.e2e  # the guide's scenarios run reportgen in fresh processes
def test_a_scenario_that_no_longer_makes_its_slip_is_found(tmp_path, monkeypatch):
    block = _block("slip-tab")
    harmless = screenshots.Scenario(("check",), screenshots.nothing, "yaml_tab", 1)
    monkeypatch.setitem(screenshots.SCENARIOS, "slip-tab", harmless)
    problems = quoted_output_problems(block, tmp_path)
    assert any("check no longer reports yaml_tab" in problem for problem in problems), problems


@pytest.mark.e2e  # the guide's scenarios run reportgen in fresh processes
def test_a_stale_file_excerpt_is_found(tmp_path):
    match = next(screenshots.FILE_MARK.finditer(guide_text()))
    stale = match.group(0).replace("\n```\n<!-- /file -->", "\n  extra: line\n```\n<!-- /file -->")
    assert stale != match.group(0)
    assert any("not what the command writes" in problem for problem in quoted_output_problems(stale, tmp_path))


# --- the README: who it is for first, the guide linked, the developer material on its own page ------------------------

README = REPO_ROOT / "README.md"
DEVELOPMENT = REPO_ROOT / "docs" / "development.md"
THAI = re.compile(r"[\u0e00-\u0e7f]")
LINK = re.compile(r"\]\((?P<target>[^)\s#]*)(?:#(?P<anchor>[^)\s]*))?\)")
#: Written on another branch of the same issue (the architecture page): lands with the merge.
PENDING_PAGES: set[str] = set()  # pages linked before they exist (none now)


def test_the_readme_starts_with_who_it_is_for_in_thai_and_links_the_guide():
    text = README.read_text(encoding="utf-8")
    before_quick_start = text.split("\n## Quick start\n", 1)[0]
    first_line = next(line for line in before_quick_start.splitlines()[1:] if line.strip())
    assert THAI.search(first_line) and "สำหรับเจ้าหน้าที่" in before_quick_start
    assert "](docs/guide-th.md)" in before_quick_start and "](docs/development.md)" in before_quick_start
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    order = ["## Quick start", "## Adding an indicator", "## Publishing", "## For developers"]
    assert [heading for heading in headings if heading in order] == order
    assert "make build" in text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    for moved in ("## Large builds", "## Digital signature", "## CI for the department", "## How it works"):
        assert moved not in headings
    development = DEVELOPMENT.read_text(encoding="utf-8")
    for section in ("## Large builds", "## Digital signature", "## CI for the department", "## Development"):
        assert f"\n{section}\n" in development, section
    assert "\n### Libraries\n" in text  # each library's one-line justification stays in the README (the brief)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped (Thai vowel and tone marks
    kept), spaces as hyphens."""
    kept = "".join(c for c in heading.strip().lower() if c in "-_ " or unicodedata.category(c)[0] not in "PS")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {github_anchor(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def test_every_relative_link_of_the_readme_and_the_docs_leads_to_a_file_and_heading():
    assert github_anchor("1. เริ่มปีงบประมาณใหม่") == "1-เริ่มปีงบประมาณใหม่"
    pdfa = "Reproducible release PDFs and the PDF/A check"
    assert github_anchor(pdfa) == "reproducible-release-pdfs-and-the-pdfa-check"
    for page in (README, GUIDE, DEVELOPMENT):
        for match in LINK.finditer(FENCE.sub("", page.read_text(encoding="utf-8"))):
            target, anchor = match["target"], match["anchor"]
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (page.parent / target).resolve() if target else page
            if resolved.relative_to(REPO_ROOT).as_posix() in PENDING_PAGES:
                continue
            assert resolved.exists(), f"{page.relative_to(REPO_ROOT)}: {target}"
            if anchor and resolved.suffix == ".md":
                assert anchor in anchors(resolved), f"{page.relative_to(REPO_ROOT)}: {target}#{anchor}"
