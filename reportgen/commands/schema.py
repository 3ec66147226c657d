"""``reportgen schema``: the JSON Schema of the content files, generated from the pydantic models.

The schema is what gives editors autocomplete and live errors (VS Code's YAML extension reads the
``# yaml-language-server: $schema=...`` line at the top of each content file). It is shipped in the repository as
``indicator.schema.json`` and ``site.schema.json``; a test keeps them equal to what this command prints.
Regenerate them with::

    .venv/bin/python -m reportgen schema > indicator.schema.json
    .venv/bin/python -m reportgen schema --site > site.schema.json
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from reportgen import wording
from reportgen.commands import Line, Outcome
from reportgen.model import Indicator, SiteSettings

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: Each schema: its model, its ``$id``, and the catalog key of its title (Thai: the editors' language).
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "indicator": (Indicator, "urn:reportgen:schema:indicator", "schema_indicator_title"),
    "site": (SiteSettings, "urn:reportgen:schema:site", "schema_site_title"),
}


def schema(kind: str = "indicator") -> str:
    """The JSON Schema text of ``kind`` ("indicator" or "site"): 2-space indent, UTF-8 text, trailing newline."""
    try:
        model, schema_id, title_key = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown schema {kind!r}; expected one of {', '.join(KINDS)}") from None
    body = model.model_json_schema()
    document = {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_id, "title": wording.label(title_key, "th")}
    document.update((key, value) for key, value in body.items() if key != "title")
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def run(*, site: bool = False) -> Outcome:
    """``reportgen schema [--site]``: the schema's text on stdout, as it is (it ends with its own newline)."""
    return Outcome((Line(schema("site" if site else "indicator"), end=""),))
