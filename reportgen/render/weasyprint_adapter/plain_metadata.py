"""Any PDF as WeasyPrint 70 writes it → its bookmarks and document information without line-break marks, its XMP
metadata uncompressed, each schema declared on its description.

``linebreak.py`` marks the Thai of a heading for the line breaks; WeasyPrint copies a heading's text, marks and all,
into the bookmarks (outline items) and the document information, which are read outside the laid-out lines: a
reader's bookmark panel, a search engine, a validator. They are given the text without the marks
(``linebreak.without_break_marks``). The XMP packet is written uncompressed, as PDF/A requires (ISO 19005-3,
6.6.2.1: no Filter on the metadata stream) and as tools that read the packet without a PDF parser expect, with each
schema declared where validators read it (``xmp.py``). Done on WeasyPrint's ``pydyf`` objects before they are
written (``render/pdf.py`` runs it as WeasyPrint's ``finisher``, for drafts and releases alike), so it is part of
the adapter (issue 27).
"""

from __future__ import annotations

from typing import Any

from reportgen.linebreak import without_break_marks
from reportgen.xmp import namespaces_on_descriptions


def plain_outline_and_metadata(pdf: Any) -> None:
    """Take the line-break marks out of ``pdf``'s outline titles and document information; write its XMP packet
    uncompressed, each schema declared on its ``rdf:Description``."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and "Title" in obj and ("Dest" in obj or "A" in obj):  # an outline item
            obj["Title"] = pydyf.String(without_break_marks(str(obj["Title"].string)))
    for key, value in list(pdf.info.items()):
        if isinstance(value, pydyf.String) and isinstance(value.string, str):
            pdf.info[key] = pydyf.String(without_break_marks(value.string))
    metadata = pdf.catalog.get("Metadata")
    if isinstance(metadata, bytes) and metadata.endswith(b" 0 R"):
        stream = pdf.objects[int(metadata.split()[0])]
        packet = b"".join(chunk if isinstance(chunk, bytes) else str(chunk).encode() for chunk in stream.stream)
        stream.stream = [namespaces_on_descriptions(packet)]  # each schema declared where validators read it
        stream.compress = False
