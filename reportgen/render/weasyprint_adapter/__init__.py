"""The adapter to WeasyPrint's internals: what reportgen changes in how WeasyPrint 70 writes a PDF, in one place.

reportgen renders through WeasyPrint's public API (``render/pdf.py``: ``HTML``, ``CSS``, ``write_pdf``, a URL
fetcher, a finisher). Where WeasyPrint 70 writes something wrong for a Thai form, this package corrects it by
reaching into WeasyPrint's private functions and the ``pydyf`` objects it builds:

- ``textlayer``: the exact Thai text layer (WeasyPrint's ``/ToUnicode`` maps garble ``ำ`` and the stacked marks;
  Kozea/WeasyPrint#2841), painted margin boxes first and list markers in reading order, page furniture as
  artifacts, fonts reproducible without HarfBuzz's subsetter;
- ``archival``: a release PDF's associated files listed once and its structure tree made valid PDF/UA;
- ``plain_metadata``: every PDF's bookmarks and document information without line-break marks, its XMP uncompressed with
  each schema declared on its description;
- ``shared_forms``: every form XObject WeasyPrint writes once per drawing (the draft mark on each page) stored once;
- ``drawn_once``: an SVG image (the draft mark) drawn once per size, its operators replayed on every other page;
- ``line_breaks``: whether Pango, asked as WeasyPrint asks it, would break a line inside a word.

Nothing else in reportgen touches WeasyPrint's internals, and nothing here knows about forms, content or releases.
The adapter is written for the WeasyPrint versions in ``TESTED_WEASYPRINT_VERSIONS`` (pyproject.toml pins the last
one): ``require_tested_weasyprint`` refuses any other before a PDF is made, in words (``textlayer`` also checks,
on every use, that the internals it patches still have the signatures and source lines it relies on). Moving to a
new WeasyPrint, or dropping a patch once upstream fixes what it corrects, is a change of this package, its tests
(``tests/render/weasyprint_adapter/``) and the pin: see ``textlayer``'s "Pin".
"""

from __future__ import annotations

from importlib import metadata

from reportgen.errors import UsageError

#: The WeasyPrint versions this adapter was written and tested for; pyproject.toml pins the last.
TESTED_WEASYPRINT_VERSIONS: tuple[str, ...] = ("70.0",)


def installed_version() -> str:
    """The version of the WeasyPrint installed (read from its metadata, without importing it)."""
    return metadata.version("weasyprint")


def require_tested_weasyprint() -> None:
    """Refuse, as an environment error the reader can act on, a WeasyPrint this adapter was not written for: its
    internals may differ, and a PDF with a wrong text layer must never be made."""
    found = installed_version()
    if found not in TESTED_WEASYPRINT_VERSIONS:
        raise UsageError("usage_weasyprint_untested", found=found, tested=TESTED_WEASYPRINT_VERSIONS[-1])
