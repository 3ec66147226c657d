"""PDF/A checks shared by the tests of release PDFs and of signed PDFs: Debian's PDFBox preflight.

PDFBox 2 (Debian's libpdfbox2-java, installed by ``make test``) is the only PDF/A validator installable here, and it
checks PDF/A-1b. Its findings under the rules PDF/A-3 dropped are expected; anything else is a real error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

#: PDF/A-1 rules that PDF/A-3 no longer has: embedded files (1.4.7, 1.2.9), cross-reference streams (1.4),
#: CIDSet (3.1.11) and compressed metadata (1.2.7).
PDF_A1_ONLY = {"1.4.7", "1.2.9", "1.4", "3.1.11", "1.2.7"}
PREFLIGHT_JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api")


def preflight_findings(pdf: Path) -> list[str]:
    """Every finding of PDFBox preflight on ``pdf`` ("3.1.11 : …" lines); skips (fails under CI) without PDFBox."""
    jars = [Path("/usr/share/java") / f"{name}.jar" for name in PREFLIGHT_JARS]
    if shutil.which("java") is None or not all(jar.exists() for jar in jars):
        if os.environ.get("CI"):
            pytest.fail("PDFBox preflight is missing: make test installs libpdfbox2-java and its dependencies")
        pytest.skip("PDFBox preflight (Debian libpdfbox2-java) is not installed")
    result = subprocess.run(
        ["java", "-cp", ":".join(map(str, jars)), "org.apache.pdfbox.preflight.Validator_A1b", str(pdf)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return [line for line in result.stdout.splitlines() if re.match(r"^\d+(\.\d+)* : ", line)]


#: The identification a PDF/A-1 validator wants (pdfaid:part 1): ours says 3. It reads it since the metadata is no
#: longer compressed (issue 27).
PDF_A1_PART = "7.11.2 : Error on MetaData, part must be 1"


def beyond_pdf_a3(findings: list[str]) -> list[str]:
    """The findings that are errors for PDF/A-3 too."""
    return [line for line in findings if line.split(" : ")[0] not in PDF_A1_ONLY and line != PDF_A1_PART]
