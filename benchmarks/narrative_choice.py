"""Which narrative syntax prints what officers type (issue 25): markdown-it-py with its risky rules switched off,
against reportgen's own grammar (reportgen/narrative.py). Prints, for each, how many of the officers' cases come
out as typed (the right blocks, every character kept) and the time to render the division's narratives.

    .venv/bin/python benchmarks/narrative_choice.py
"""

from __future__ import annotations

import re
import timeit
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from reportgen.narrative import render_narrative

ROOT = Path(__file__).resolve().parents[1]

#: (case, typed, a regular expression the HTML must match to print as typed)
CASES = [
    ("excel table", "เดือน\tยอด\nพฤษภาคม\t180", r"<table"),
    ("thai numbers", "ดังนี้\n๑. ก\n๒. ข", r"<li>.*๑\.?.*ก</li>"),
    ("1. without a space", "1.ก\n2.ข", r"<li>ก</li>"),
    ("list after a line, from 3", "ดังนี้\n3. ก\n4. ข", r"<li>.*ก</li>"),
    ("formula *", "a*100/(b*1)", r"a\*100/\(b\*1\)"),
    ("indent", "    ย่อหน้า", r"<p>(?!<code>).*ย่อหน้า"),
    ("> more than", ">ร้อยละ 85", r"&gt;ร้อยละ 85"),
    ("# and _", "# ก _ข_", r"# ก _ข_"),
    ("backslash", "C:\\งาน\\*", r"C:\\งาน\\\*"),
    ("line break", "ก\nข", r"ก<br />\nข"),
    ("word bullets", "•\tก\no\tข\n\uf0b7\tค", r"(<li>.*){3}"),
    ("line after an item", "1. ก\nหมายเหตุ", r"</ol>\n<p>หมายเหตุ"),
    ("bare link", "ดู https://a.example", r'<a href="https://a.example">'),
]


def commonmark_restricted() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "breaks": True})
    parser.disable(["emphasis", "blockquote", "heading", "lheading", "code", "fence", "hr", "html_block",
                    "html_inline", "backticks", "escape", "entity", "reference", "image"])
    return parser


def main() -> None:
    parser = commonmark_restricted()
    renderers = {"markdown-it-py, risky rules off": parser.render, "reportgen/narrative.py": render_narrative}
    data = yaml.safe_load((ROOT / "content/indicators/2564/08.yaml").read_text(encoding="utf-8"))
    texts = [data["definition"], data["supporting_factors"], data["quarters"]["summary"]]
    texts += [quarter["report"] for name, quarter in data["quarters"].items() if name.startswith("q")]
    for name, render in renderers.items():
        good = [case for case, typed, wanted in CASES if re.search(wanted, render(typed), re.S)]
        seconds = min(timeit.repeat(lambda render=render: [render(text) for text in texts], number=200, repeat=5)) / 200
        print(f"{name}: {len(good)}/{len(CASES)} cases as typed; {seconds * 1e3:.2f} ms for form 08's narratives")
        missed = [case for case, _typed, _wanted in CASES if case not in good]
        if missed:
            print("  not as typed:", ", ".join(missed))


if __name__ == "__main__":
    main()
