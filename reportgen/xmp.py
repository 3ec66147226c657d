"""An XMP packet → the same packet with each schema's namespace declared on the ``rdf:Description`` that uses it.

XMP allows a namespace to be declared anywhere; PDF/A validators read it per description (PDFBox's preflight,
rule 7.3: "Schema is not set"): WeasyPrint declares every namespace on ``rdf:RDF``, pyHanko on the first property
that uses it. Both are brought to the form validators read, by the PDF writer (render/pdf.py) and the signer
(signing.py), now that release PDFs keep their XMP uncompressed, where such tools read it (issue 27).
"""

from __future__ import annotations

from typing import Any

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def namespaces_on_descriptions(packet: bytes) -> bytes:
    """``packet`` with the namespaces of each ``rdf:Description`` (of its properties and attributes) declared on it,
    and nowhere below; ``rdf`` stays on ``rdf:RDF``. The text, the processing instructions and the order are kept."""
    from lxml import etree  # pyHanko's dependency; loaded only by the code that writes release PDFs

    root = etree.fromstring(packet)
    for rdf in list(root.iter(f"{{{RDF}}}RDF")):
        # lxml cannot move a declaration: rdf:RDF and each description are made anew, each declaring what it uses.
        bare = etree.Element(rdf.tag, attrib=dict(rdf.attrib), nsmap={"rdf": RDF})
        bare.text, bare.tail = rdf.text, rdf.tail
        for child in rdf:
            bare.append(_declaring(child) if child.tag == f"{{{RDF}}}Description" else child)
        rdf.getparent().replace(rdf, bare)
    return bytes(etree.tostring(root.getroottree(), encoding="utf-8"))


def _declaring(description: Any) -> Any:
    from lxml import etree

    used: dict[str, str] = {}
    for element in description.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        for name in (element.tag, *element.attrib):
            namespace = name[1:].split("}")[0] if name.startswith("{") else None
            used.update({prefix: uri for prefix, uri in element.nsmap.items() if prefix and uri == namespace})
    used.pop("rdf", None)
    declared = etree.Element(description.tag, attrib=dict(description.attrib), nsmap={"rdf": RDF, **used})
    declared.text, declared.tail = description.text, description.tail
    declared.extend(list(description))
    return declared
