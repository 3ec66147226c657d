"""The ``reportgen`` subcommands: one module per command, each owning its orchestration.

Each command module has the operation itself (``build``, ``check``, ``signoff``, …: what tests, the preview and the
desk call, returning a report) and ``run``, what the command line calls with the parsed arguments: the operation,
then what its report means for the reader, as an ``Outcome``: the lines and problems to show, in order, on stdout
or stderr, and the exit status. The CLI prints an outcome and nothing else (``cli.py``); no command prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.errors import Problem

#: Exit statuses: success; content errors (or a form that cannot be rendered, a signature that does not verify).
EXIT_OK, EXIT_CONTENT = 0, 1


@dataclass(frozen=True)
class Line:
    """A line of text for the reader, on stdout (the command's result) or stderr (warnings, summaries, progress)."""

    text: str
    to_stderr: bool = False
    flush: bool = False
    end: str = "\n"


@dataclass(frozen=True)
class Problems:
    """Problems to show, laid out by ``problems.format_problems`` in ``fmt`` (text, json, github)."""

    problems: tuple[Problem, ...]
    fmt: str = "text"
    to_stderr: bool = True


Shown = Line | Problems


@dataclass(frozen=True)
class Outcome:
    """What a command's run shows the reader, in order, and the exit status it ends with."""

    shown: tuple[Shown, ...] = ()
    exit_code: int = EXIT_OK
