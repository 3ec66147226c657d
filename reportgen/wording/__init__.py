"""Catalog keys → the words a person reads, in Thai or English: the one way reportgen words anything.

Every message, hint, label and log line of reportgen is an entry of ``messages.yaml`` beside this module (a data
file translators edit; its header says the format), read once. Code names the entry by its key and never holds
the words itself:

- ``message(key, lang, **params)`` and ``hint(key, lang, **params)``: the text and its fix, filled with ``params``
  (``str.format`` fields; a value that is ``Localized`` reads in the same language);
- ``label(key, lang)``: a word or heading without parameters (``วิธีแก้`` / ``fix``);
- ``localized(key, **params)``: both languages at once, as a parameter of another message (what was found, a
  reason), chosen when the outer message is rendered;
- ``plural(key, count, lang, **params)``: ``key_one`` or ``key_other`` (English counts; Thai texts are the same).

``lang`` is ``"th"`` (the default) or ``"en"``; ``None`` means the language of this run, set once by the CLI with
``set_language`` (log lines and library texts that are not handed a language use it). One line, one language.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml

Lang = Literal["th", "en"]
LANGS: tuple[str, ...] = ("th", "en")
DEFAULT_LANG = "th"
#: The key shown when code asks for one the catalog does not have (tests/test_wording.py keeps that from happening).
FALLBACK_KEY = "invalid"
CATALOG_FILE = "messages.yaml"

_language = DEFAULT_LANG

logger = logging.getLogger(__name__)


def set_language(lang: str) -> None:
    """The language of this run (``--lang``): texts asked for without a language read in it."""
    global _language
    _language = normalize(lang)


def language() -> str:
    return _language


def normalize(lang: str | None) -> str:
    """``lang`` if it is one of ``LANGS``; the run's language for ``None``; Thai for anything else."""
    if lang is None:
        return _language
    return lang if lang in LANGS else DEFAULT_LANG


@dataclass(frozen=True)
class Entry:
    """One catalog entry: the message in each language, and its hint (``None`` when it has none)."""

    th: str
    en: str
    hint_th: str | None = None
    hint_en: str | None = None

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.th

    def hint(self, lang: str) -> str | None:
        return self.hint_en if lang == "en" else self.hint_th


@functools.cache
def catalog() -> dict[str, Entry]:
    """Every entry of ``messages.yaml``, read once (the file is package data: found from an installed package)."""
    text = resources.files(__package__).joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    return {key: Entry(**fields) for key, fields in data.items()}


@dataclass(frozen=True)
class Localized:
    """A message parameter that reads differently in each language (e.g. a description of what was found)."""

    th: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return self.en if normalize(lang) == "en" else self.th

    def __str__(self) -> str:
        return self.get()


class _Params(dict[str, object]):
    """Format parameters: a missing one prints as '?' instead of crashing the error report."""

    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, values: _Params) -> str:
    # str.format_map, not string.Formatter: the same format language in C, five times faster (a site's year pages
    # fill ten thousand messages); a missing key is _Params.__missing__'s "?" in both.
    try:
        return template.format_map(values)
    except (IndexError, ValueError, AttributeError, TypeError):  # a broken template must not hide the problem
        return template


def _values(params: dict[str, object], lang: str) -> _Params:
    return _Params({key: value.get(lang) if isinstance(value, Localized) else value for key, value in params.items()})


def entry(key: str) -> Entry:
    """The catalog entry ``key``. A key the catalog lacks is a bug (``tests/test_wording.py`` looks for every key
    the code uses): it is logged as an error naming the key, and the reader gets the generic message, never the key."""
    entries = catalog()
    found = entries.get(key)
    if found is None:
        logger.error(message("log_unknown_catalog_key", key=key))
        return entries[FALLBACK_KEY]
    return found


def render(key: str, params: dict[str, object] | None = None, lang: str | None = None) -> tuple[str, str | None]:
    """(message, hint or None) of ``key`` in ``lang``, filled with ``params``; an unknown key gives the generic
    message rather than an error of its own."""
    lang = normalize(lang)
    found = entry(key)
    values = _values(params or {}, lang)
    hint_template = found.hint(lang)
    return _fill(found.message(lang), values), (_fill(hint_template, values) or None) if hint_template else None


def message(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message of ``key`` in ``lang``, filled with ``params`` (``render`` without the hint)."""
    lang = normalize(lang)
    return _fill(entry(key).message(lang), _values(params, lang))


def hint(key: str, lang: str | None = None, /, **params: object) -> str | None:
    return render(key, params, lang)[1]


def label(key: str, lang: str | None = None) -> str:
    """A word or heading of the catalog, without parameters."""
    return entry(key).message(normalize(lang))


def localized(key: str, /, **params: object) -> Localized:
    """``key``'s message in both languages, as a parameter value of another message."""
    return Localized(message(key, "th", **params), message(key, "en", **params))


def plural(key: str, count: int, lang: str | None = None, /, **params: object) -> str:
    """``key_one`` for a count of 1, else ``key_other``, filled with ``count`` and ``params``."""
    return message(f"{key}_{'one' if count == 1 else 'other'}", lang, count=count, **params)


def with_hint(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message, then ``  วิธีแก้: hint`` on a line of its own when it has one (a usage or environment error)."""
    lang = normalize(lang)
    text, fix = render(key, params, lang)
    return f"{text}\n  {label('label_hint', lang)}: {fix}" if fix else text
