"""A release PDF as WeasyPrint 70 writes it → a valid PDF/A-3 with a structure tree PDF/UA checkers accept.

What WeasyPrint 70 leaves to finish in an archival PDF, done on its ``pydyf`` objects before they are written
(``render/pdf.py`` runs these as WeasyPrint's ``finisher``): every attachment listed once in the catalog's ``/AF``,
and its tagged structure repaired (description lists, empty spans). Both read WeasyPrint's own output, so they are
part of the adapter: a WeasyPrint that writes these right makes them unneeded.
"""

from __future__ import annotations


def list_associated_files_once(pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's ``/AF`` (once from the name tree, once from the
    file specifications); keep the first of each, in order."""
    associated = pdf.catalog.get("AF")
    if associated:
        pdf.catalog["AF"] = type(associated)(dict.fromkeys(associated))


# Operators that put something on the page (text, images and forms, painted paths, shadings).
_PAINTING = {b"TJ", b"Tj", b"'", b'"', b"Do", b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh", b"BI"}


def repair_structure(pdf) -> None:
    """Make WeasyPrint 70's structure tree (``pdf_tags``) a valid one, as PDF/UA checkers read it.

    - A description list (``<dl>`` with a ``<div>`` per term and its description, as the plan block of section 2
      is written) comes out as L > Div > LI: each Div becomes the list item (LI), its term the label (Lbl) and
      its description the body (LBody); the list-item wrappers WeasyPrint put inside become NonStruct.
    - A Span whose marked content paints nothing (the space between a term and its description, which WeasyPrint
      does not draw) is taken out of the tree: a screen reader would announce an empty element.
    """
    import pydyf

    def resolve(reference):
        if isinstance(reference, bytes) and reference.endswith(b" 0 R"):
            return pdf.objects[int(reference.split()[0])]
        return None

    elements = [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"]
    empty = _empty_marked_content(pdf)

    for element in elements:
        kids = element.get("K")
        if not isinstance(kids, list):
            continue
        page = element.get("Pg")
        kept = []
        for kid in kids:
            child = resolve(kid)
            if child is not None and child.get("S") == "/Span" and _is_empty(child, page, empty, resolve):
                continue
            kept.append(kid)
        element["K"] = pydyf.Array(kept)

    for element in elements:
        if element.get("S") != "/L":
            continue
        for item in map(resolve, element["K"]):
            if item is None or item.get("S") != "/Div":
                continue
            parts = [part for part in map(resolve, item["K"]) if part is not None]
            if not parts or any(part.get("S") != "/LI" for part in parts):
                continue
            item["S"] = "/LI"
            for index, part in enumerate(parts):
                part["S"] = "/Lbl" if index == 0 and len(parts) > 1 else "/LBody"
                for inner in map(resolve, part.get("K", ())):
                    if inner is not None and inner.get("S") == "/LBody":
                        inner["S"] = "/NonStruct"


def _is_empty(element, page, empty, resolve) -> bool:
    kids = element.get("K")
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        if isinstance(kid, int):
            if (element.get("Pg", page), kid) not in empty:
                return False
        elif (child := resolve(kid)) is None or not _is_empty(child, element.get("Pg", page), empty, resolve):
            return False
    return True


def _empty_marked_content(pdf) -> set[tuple[bytes, int]]:
    """(page reference, MCID) of every marked-content sequence that paints nothing."""
    import pydyf

    empty = set()
    for page_reference in pdf.page_references:
        page = pdf.objects[int(page_reference.split()[0])]
        contents = pdf.objects[int(page["Contents"].split()[0])]
        operators = contents.stream
        open_sequences: list[list] = []  # [mcid or None, painted]
        for index, operator in enumerate(operators):
            if operator in (b"BDC", b"BMC"):
                properties = operators[index - 1] if operator == b"BDC" else None
                mcid = properties.get("MCID") if isinstance(properties, pydyf.Dictionary) else None
                open_sequences.append([mcid, False])
            elif operator == b"EMC" and open_sequences:
                mcid, painted = open_sequences.pop()
                if mcid is not None and not painted:
                    empty.add((page_reference, mcid))
                if painted and open_sequences:
                    open_sequences[-1][1] = True
            elif isinstance(operator, bytes) and open_sequences and operator.split()[-1:] and \
                    operator.split()[-1] in _PAINTING:
                open_sequences[-1][1] = True
    return empty
