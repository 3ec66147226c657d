"""The per-form cost of reportgen's text layer, before and after a change: `python benchmarks/textlayer_cost.py`.

Makes N synthetic forms (benchmarks/synthetic.py), lays each out once with WeasyPrint, then writes the same layout
three ways in one process, in rotating order: bare WeasyPrint (``Document.write_pdf``), the text layer as it is
now (``reportgen.render.weasyprint_adapter.textlayer``), and the text layer of another commit (``--before``, default the commit before
issue 12's work: per-glyph codes with empty ToUnicode entries, no reading order). The cost of a text layer is
its write time minus bare WeasyPrint's, for the same form; the table gives medians over all forms, in ms.
Release forms are written as release PDFs (tagged PDF/A-3b), drafts as drafts, as the build does.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

BEFORE = "4caa86f"  # the last commit before issue 12's text layer


def module_at(commit: str):
    """The text layer as it was at ``commit`` (``reportgen/render/weasyprint_adapter/textlayer.py``, before the
    adapter was walled off ``reportgen/render/textlayer.py``), imported under another name."""
    for place in ("render/weasyprint_adapter/textlayer.py", "render/textlayer.py"):
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:reportgen/{place}"],
                               capture_output=True, text=True)
        if shown.returncode == 0:
            break
    shown.check_returncode()
    source = shown.stdout
    folder = Path(tempfile.mkdtemp())
    path = folder / f"textlayer_{commit}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"textlayer_{commit}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--forms", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", default=BEFORE, help="the commit whose text layer is compared")
    args = parser.parse_args()

    import synthetic
    import weasyprint
    from extract import form_document

    from reportgen.content.project import load_project
    from reportgen.render.weasyprint_adapter import textlayer

    old = module_at(args.before)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        synthetic.make_project(root, args.forms, seed=args.seed)
        project = load_project(root)
        writers = {
            "bare WeasyPrint": lambda document, options: document.write_pdf(**options()),
            f"text layer at {args.before}": lambda document, options: old.write_pdf(document, **options()),
            "text layer now": lambda document, options: textlayer.write_pdf(document, **options()),
        }
        times = {name: [] for name in writers}
        sizes = {name: [] for name in writers}
        pages = 0
        names = list(writers)
        for index, entry in enumerate(project.entries):
            release = entry.indicator.signoff is not None
            document, options = form_document(root, release=release, entry=entry, project=project)
            pages += len(document.pages)
            for name in writers:  # warm-up: the first write of a font is slower
                writers[name](document, options) if index == 0 else None
            order = names[index % 3:] + names[:index % 3]
            for name in order:
                start = time.perf_counter()
                pdf = writers[name](document, options)
                times[name].append((time.perf_counter() - start) * 1000)
                sizes[name].append(len(pdf))
    bare = times["bare WeasyPrint"]
    print(f"{len(bare)} forms, {pages / len(bare):.2f} pages a form, WeasyPrint {weasyprint.__version__}, "
          f"HarfBuzz subsetting: {textlayer.harfbuzz_subsetting()}")
    print(f"{'writer':28}{'write ms (median)':>20}{'text layer ms (median of differences)':>40}{'PDF kB':>9}")
    for name, values in times.items():
        cost = "" if name == "bare WeasyPrint" else f"{statistics.median(v - b for v, b in zip(values, bare)):.1f}"
        size = statistics.median(sizes[name]) / 1000
        print(f"{name:28}{statistics.median(values):>20.1f}{cost:>40}{size:>9.1f}")


if __name__ == "__main__":
    main()
