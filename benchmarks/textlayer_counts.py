"""Wrong characters in the real indicator 08 form, per extractor: `python benchmarks/textlayer_counts.py`.

Renders content/indicators/2564/08.yaml as a draft and as a release (tagged PDF/A-3b) PDF, extracts it with the six
extractors of tests/extract.py (poppler, pdfminer, pypdf, PDFium, MuPDF, pdf.js), and compares each page with what
WeasyPrint laid out there (header, body, footer; tests/extract.laid_out_pages), whitespace aside. With ``--plain``
the same layout is also written by bare WeasyPrint, without reportgen's text layer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from extract import PAGE_EXTRACTORS, form_document, laid_out_pages, wrong_characters
from projects import write_project


def counts(pdf: bytes, expected: list[tuple[str, str, str]]) -> dict[str, int]:
    whole = "".join(header + body + footer for header, body, footer in expected)
    return {name: wrong_characters(whole, "".join(extract(pdf))) for name, extract in PAGE_EXTRACTORS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", action="store_true", help="also count bare WeasyPrint's text layer")
    args = parser.parse_args()
    from reportgen.commands.signoff import signoff
    from reportgen.render.weasyprint_adapter import textlayer

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        write_project(root, {})
        shutil.copytree(ROOT / "content", root / "content", dirs_exist_ok=True)
        rows = []
        for release in (False, True):
            if release:
                signoff(root, root / "content/indicators/2564/08.yaml", name="นางสาวสมใจ ใฝ่รู้",
                        position="บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20))
            document, options = form_document(root, release=release)
            expected = laid_out_pages(document)
            kind = "release" if release else "draft"
            rows.append((f"{kind}, reportgen", counts(textlayer.write_pdf(document, **options()), expected)))
            if args.plain:
                rows.append((f"{kind}, bare WeasyPrint", counts(document.write_pdf(**options()), expected)))
    names = list(PAGE_EXTRACTORS)
    print(f"{'real form 08':28}" + "".join(f"{name:>11}" for name in names))
    for label, found in rows:
        print(f"{label:28}" + "".join(f"{found[name]:>11}" for name in names))


if __name__ == "__main__":
    main()
