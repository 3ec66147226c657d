"""Thai line breaks before and after linebreak.py, PDF and Chromium: `python benchmarks/linebreaks.py`.

For the real form (content/indicators/2564/08.yaml) and a stress text of long names and compounds
(tests/linebreaks.STRESS_PHRASES in the narratives of the same form), prints per layout the lines and the line
ends inside a dictionary word or a glued stretch (tests/linebreaks.py says how they are found):

- the PDF at three page widths (A4: 16 cm of text; 120 mm wide: 7 cm; A5: 9.8 cm), reportgen's own PDF writer;
- the web page in headless Chromium at 360, 412, 768 and 1280 px;
- "same breaks": the print HTML laid out by Chromium at the PDF's A4 text width (160 mm) against the A4 PDF, the
  share of the PDF's line ends that Chromium also ends a line at;
- the cost: median time to render the real form's print HTML to PDF (5 runs) and the PDF's size.

"Before" is the same HTML with linebreak.py's markup taken out (tests/linebreaks.unmark): what libthai and ICU do
on their own.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import linebreaks as lb

PAGE_SIZES = {"A4": "A4", "120mm": "120mm 297mm", "A5": "A5"}
WIDTHS = (360, 412, 768, 1280)
A4_TEXT_WIDTH = "160mm"


def with_page_size(html: str, size: str) -> str:
    return html.replace("</head>", f"<style>@page {{ size: {size} }}</style></head>", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="renders timed per variant (default 5)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from reportgen.content.project import load_project
    from reportgen.render.form_pdf import FormPrinter
    from reportgen.render.html import PRINT_STYLESHEETS

    with tempfile.TemporaryDirectory() as folder:
        projects = {
            name: lb.build_project(Path(folder) / name.replace(" ", "-"), stress=name == "stress text")
            for name in ("real form", "stress text")
        }

        browser_context = sync_playwright().start()
        browser = browser_context.chromium.launch(executable_path=shutil.which("chromium"),
                                                  args=["--no-sandbox", "--disable-gpu"])
        cost = {}
        for name, root in projects.items():
            project = load_project(root)
            words = lb.load_words(root)
            forms = FormPrinter(root, project.site)
            entry = project.entries[0]
            print_html = forms.renderer.print_document(entry.indicator, css_url=forms.pdf.css_url,
                                                       link_stylesheets=False)
            print(f"\n== {name} ({entry.source}) ==")
            print(f"{'layout':<34}{'before':<50}after")
            a4 = {}
            for label, html in (("before", lb.unmark(print_html)), ("after", print_html)):
                for size_name, size in PAGE_SIZES.items():
                    sized = with_page_size(html, size)
                    pdf = forms.pdf.render(sized, source=str(entry.source), stylesheets=PRINT_STYLESHEETS)
                    counts = lb.pdf_counts(sized, pdf, words)
                    a4.setdefault(size_name, {})[label] = counts
                if name == "real form":
                    from reportgen import linebreak

                    if label == "after":
                        html_timings = []
                        for _ in range(args.runs):
                            linebreak._cut.cache_clear()  # segment afresh, as a build's first form does
                            start = time.perf_counter()
                            forms.renderer.print_document(entry.indicator, css_url=forms.pdf.css_url,
                                                          link_stylesheets=False)
                            html_timings.append(time.perf_counter() - start)
                        cost["html"] = statistics.median(html_timings)
                    timings = []
                    for _ in range(args.runs):
                        start = time.perf_counter()
                        pdf = forms.pdf.render(html, source=str(entry.source), stylesheets=PRINT_STYLESHEETS)
                        timings.append(time.perf_counter() - start)
                    cost[label] = (statistics.median(timings), len(pdf))
            for size_name, both in a4.items():
                print(f"{'PDF ' + size_name:<34}{both['before'].row():<50}{both['after'].row()}")
                for label in ("before", "after"):
                    examples = both[label].inside_words[:4] + both[label].inside_glued[:2]
                    if examples:
                        print(f"    {label}: {' · '.join(examples)}")
            page_file = root / "output" / "html" / entry.source.parent.name / f"{entry.source.stem}.html"
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(page_file.as_uri())
                page.evaluate("document.fonts.ready")
                after = lb.chromium_counts(page, words)
                page.evaluate(lb.CHROMIUM_UNMARK)
                before = lb.chromium_counts(page, words)
                page.close()
                print(f"{f'Chromium {width} px':<34}{before.row():<50}{after.row()}")
                for label, counts in (("before", before), ("after", after)):
                    examples = counts.inside_words[:4] + counts.inside_glued[:2]
                    if examples:
                        print(f"    {label}: {' · '.join(examples)}")
            same = []
            for label in ("before", "after"):
                chromium = lb.chromium_print_counts(browser, root, print_html, A4_TEXT_WIDTH, words,
                                                    marked=label == "after")
                pdf_ends = a4["A4"][label].ends
                shared = len(pdf_ends & chromium.ends)
                same.append(f"{shared}/{len(pdf_ends)} ({100 * shared / max(1, len(pdf_ends)):.0f} %)")
            print(f"{'same line ends, Chromium vs PDF A4':<34}{same[0]:<50}{same[1]}")
        browser.close()
        browser_context.stop()
        print(f"\ncost, real form, median of {args.runs} runs, one process (the segmenter loaded once):")
        print(f"  print HTML with segmentation (Renderer.print_document): {cost['html'] * 1000:.0f} ms")
        print("  print HTML → PDF (PdfPrinter.render):")
        for label in ("before", "after"):
            seconds, size = cost[label]
            print(f"  {label:<7} {seconds * 1000:6.0f} ms   {size / 1000:6.1f} kB")


if __name__ == "__main__":
    main()
