"""A project's root → where each of its folders and files is: the one declaration of the folder contract.

A project is a folder holding ``content/`` (``site.yaml`` and ``indicators/``, the YAML staff edit),
``templates/`` (the form and the site), ``fonts/`` (embedded in every PDF and served to the site), and what
reportgen makes: ``output/`` (``html/``, the published site; ``pdf/``, the forms; ``book/``, the report books;
the ``.reportgen-output`` marker) and ``.cache/reportgen/`` (caches, deletable at any time). Every module that
needs one of these names takes it from here, so that the contract is read in one place and changed in one place.
This module imports nothing of reportgen: every layer may use it.
"""

from __future__ import annotations

from pathlib import Path

#: The folder staff edit: ``site.yaml`` and the indicator files.
CONTENT_DIR = "content"
#: The site's settings, inside ``content/``.
SITE_FILE = "site.yaml"
#: One YAML file per indicator and fiscal year, inside ``content/``.
INDICATORS_DIR = "indicators"
#: The suffixes of content files.
YAML_SUFFIXES = (".yaml", ".yml")
#: The Jinja templates of the form and the site, and their stylesheets and scripts.
TEMPLATES_DIR = "templates"
#: The fonts every PDF embeds and the site serves.
FONTS_DIR = "fonts"
#: The output folder a build writes when no ``--output`` is given.
OUTPUT_DIR = "output"
#: Inside the output: the published site, the forms' PDFs, the report books.
HTML_DIR = "html"
PDF_DIR = "pdf"
BOOK_DIR = "book"
#: The file every committed output holds: the sign that reportgen made the folder and may replace it.
OUTPUT_MARKER = ".reportgen-output"
#: Written at the top of a shard's output; read by ``reportgen merge``. Not under html/, so never published.
SHARD_MANIFEST = "reportgen-shard.json"
#: The folder, under a project, of every cache of reportgen.
CACHE_DIR = Path(".cache") / "reportgen"
#: The desk's own state, not content: accounts and the audit log (git-ignored; never in content/, never pushed).
DESK_STATE_DIR = ".reportgen-desk"
#: The project folders whose every file may change any form (hashed into every cache key).
SHARED_INPUTS = (TEMPLATES_DIR, FONTS_DIR)


def content_dir(root: Path) -> Path:
    return Path(root) / CONTENT_DIR


def indicators_dir(root: Path) -> Path:
    return Path(root) / CONTENT_DIR / INDICATORS_DIR


def site_file(root: Path) -> Path:
    return Path(root) / CONTENT_DIR / SITE_FILE


def templates_dir(root: Path) -> Path:
    return Path(root) / TEMPLATES_DIR


def fonts_dir(root: Path) -> Path:
    return Path(root) / FONTS_DIR


def cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_DIR


def output_dir(root: Path, given: Path | str | None = None) -> Path:
    """The output folder: ``given`` (``--output``) when there is one, else ``root/output``."""
    return Path(given) if given is not None else Path(root) / OUTPUT_DIR
