"""The command line's words → the reader's language: which language (``resolve_lang``), and argparse's own words
("usage:", "options:", "the following arguments are required: …") in it (``argparse_speaking``).

The language, first found wins:

1. ``--lang th`` / ``--lang=en`` anywhere on the command line, before or after the command (the last one given,
   as argparse takes it). It is read before the parser is built, so ``--help`` and argument errors honour it;
2. the ``REPORTGEN_LANG`` environment variable (``th`` or ``en``), for a CI job or a shell profile;
3. the locale, as POSIX reads it: ``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``; English when it starts with
   ``en`` (``en_US.UTF-8``);
4. Thai: the people who use reportgen read Thai, and a machine's ``C.UTF-8`` says nothing about its reader.

argparse (CPython 3.11) words its help and errors through ``gettext.gettext`` and ``ngettext``, which it imports
into its module as ``_`` and ``ngettext``: it offers translation through gettext, and ``ArgparseCatalogue`` is a
gettext translation object for argparse's msgids whose texts come from the reportgen catalogue (the
``argparse_*`` entries of ``reportgen/wording/messages.yaml``, read through ``reportgen.wording``).
``argparse_speaking(lang)`` makes argparse look its words up there while the command line builds and runs its
parser, and puts argparse's own functions back afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import os
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

from reportgen import wording
from reportgen.wording import DEFAULT_LANG, LANGS

LANG_ENV = "REPORTGEN_LANG"
LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` before a ``--`` (not checked: argparse reports a bad
    one), or None."""
    found = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--lang="):
            found = arg.removeprefix("--lang=")
    return found


def _language_of(value: str) -> str | None:
    value = value.strip().lower()
    for lang in LANGS:
        if value == lang or value.startswith((lang + "_", lang + "-", lang + ".")):
            return lang
    return None


def environment_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language when no ``--lang`` is given: ``REPORTGEN_LANG``, else the locale, else Thai."""
    environ = os.environ if environ is None else environ
    chosen = _language_of(environ.get(LANG_ENV, ""))
    if chosen:
        return chosen
    for name in LOCALE_ENV:
        value = environ.get(name, "")
        if value:  # the first one set decides, as for every program: LC_ALL=C overrides LANG=en_US
            return "en" if _language_of(value) == "en" else DEFAULT_LANG
    return DEFAULT_LANG


def resolve_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of everything this run prints (see the module docstring for the order)."""
    given = lang_option(argv)
    return given if given in LANGS else environment_lang(environ)


#: argparse's msgids (CPython 3.11 ``argparse.py``) → the catalogue entries that word them.
ARGPARSE_MESSAGES: dict[str, str] = {
    "usage: ": "argparse_usage",
    "positional arguments": "argparse_positionals",
    "options": "argparse_options",
    "show this help message and exit": "argparse_help",
    "show program's version number and exit": "argparse_version",
    "argument %(argument_name)s: %(message)s": "argparse_argument",
    "the following arguments are required: %s": "argparse_required",
    "one of the arguments %s is required": "argparse_one_of_required",
    "unrecognized arguments: %s": "argparse_unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse_invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse_invalid_value",
    "expected one argument": "argparse_expected_one",
    "expected at most one argument": "argparse_expected_at_most_one",
    "expected at least one argument": "argparse_expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse_ambiguous",
    "not allowed with argument %s": "argparse_not_allowed_with",
    "ignored explicit argument %r": "argparse_ignored_explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse_unknown_parser",
    "can't open '%(filename)s': %(error)s": "argparse_cannot_open",
}
ARGPARSE_PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("expected %s argument", "expected %s arguments"): ("argparse_expected_n", "argparse_expected_n_plural"),
}


class ArgparseCatalogue(gettext.NullTranslations):
    """argparse's words in ``lang``, from the reportgen catalogue; a msgid it does not know stays as argparse
    wrote it (English), as gettext does for an untranslated message."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        code = ARGPARSE_MESSAGES.get(message)
        return wording.message(code, self.lang) if code else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        codes = ARGPARSE_PLURALS.get((singular, plural))
        if codes is None:
            return singular if n == 1 else plural
        return wording.message(codes[0] if n == 1 else codes[1], self.lang)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, with the help column straight after a Thai metavar: argparse pads an option's
    invocation (``--root โฟลเดอร์``) by its count of characters, and a Thai vowel or tone mark above or below a
    letter is a character that takes no column on screen."""

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        lead = " " * self._current_indent + self._format_action_invocation(action)
        marks = sum(1 for char in lead if unicodedata.category(char) in ("Mn", "Me", "Cf"))
        if marks and text.startswith(lead + "  "):  # the help starts on the invocation's line: move it over
            text = lead + " " * marks + text[len(lead) :]
        return text


@contextlib.contextmanager
def argparse_speaking(lang: str) -> Iterator[ArgparseCatalogue]:
    """While inside, argparse words its help and errors in ``lang`` (through ``ArgparseCatalogue``)."""
    catalogue = ArgparseCatalogue(lang)
    # argparse words everything through its module's own gettext aliases, which typeshed does not declare.
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]  # not in typeshed
    argparse._, argparse.ngettext = catalogue.gettext, catalogue.ngettext  # type: ignore[attr-defined]  # not in typeshed
    try:
        yield catalogue
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]  # not in typeshed
