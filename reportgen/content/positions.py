"""A content file's values → where each was written: ``SourceDocument``, the document every stage passes on.

A document holds a file's path, its text, the values built from it with the line and column of each key and value
(``Located``; ``CompactPositions`` when taken from the document cache), the model once validated, and every
problem found so far. It imports nothing of the content package: the parser, the explainer, validation and the
document cache all share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from reportgen.errors import Problem, Severity

_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # exactly the line breaks PyYAML counts


# --- Source documents --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where a value came from: its key's mark (None for list items and the document) and its node."""

    key_mark: yaml.Mark | None
    node: yaml.Node


class _Placed:
    """Where a node was, without what it held: what a cached document keeps of each node (``CompactPositions``)."""

    __slots__ = ("start_mark", "end_mark")
    value = None

    def __init__(self, start_mark: yaml.Mark, end_mark: yaml.Mark):
        self.start_mark, self.end_mark = start_mark, end_mark


def _mark(line: int, column: int) -> yaml.Mark:
    return yaml.Mark("", 0, line, column, None, None)


class CompactPositions(Mapping):
    """A document's positions as six numbers per path (key line and column, or -1, then the value's start and
    end), turned into ``Located`` only when asked for. A thousand documents' worth unpickle in a few hundredths of
    a second, where their node trees take seconds."""

    def __init__(self, positions: Mapping[tuple, Located]):
        self._table: dict[tuple[Any, ...], tuple[int, ...]] = {
            path: (
                located.key_mark.line if located.key_mark else -1,
                located.key_mark.column if located.key_mark else -1,
                located.node.start_mark.line,
                located.node.start_mark.column,
                located.node.end_mark.line,
                located.node.end_mark.column,
            )
            for path, located in positions.items()
        }

    def __getitem__(self, path: tuple) -> Located:
        key_line, key_column, start_line, start_column, end_line, end_column = self._table[path]
        key_mark = _mark(key_line, key_column) if key_line >= 0 else None
        return Located(key_mark, _Placed(_mark(start_line, start_column), _mark(end_line, end_column)))

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


@dataclass
class SourceDocument:
    """One content file: its text, the position of every value, what it holds, and the problems found in it."""

    file: PurePosixPath
    lines: list[str] = field(default_factory=list)
    positions: Mapping[tuple, Located] = field(default_factory=dict)
    data: Any = None
    model: Any = None
    problems: list[Problem] = field(default_factory=list)
    #: What YAML's rules did to values, found while building them (kept only until the file is validated): paths
    #: of numbers YAML would have reinterpreted (hexadecimal, base 60) → their kind, and of text in curly quotes.
    implicit: dict[tuple, str] = field(default_factory=dict)
    curly_quoted: set[tuple] = field(default_factory=set)

    def compact(self) -> SourceDocument:
        """This document as a cache keeps it: model, problems and positions, without its text, values and nodes
        (nothing after validation reads them: the file's own warnings are among its problems already)."""
        return SourceDocument(self.file, [], CompactPositions(self.positions), None, self.model, list(self.problems))

    def with_text(self, text: str) -> SourceDocument:
        """This (compact) document with its source lines again, for the problems found after loading."""
        self.lines = _LINE_BREAKS.split(text)
        return self

    @property
    def ok(self) -> bool:
        """True when the file validated and nothing in it is an error."""
        return self.model is not None and not any(problem.severity == "error" for problem in self.problems)

    def source_line(self, line: int | None) -> str | None:
        """The text of 1-based ``line``, without its line break."""
        if line is None or not 1 <= line <= len(self.lines):
            return None
        return self.lines[line - 1]

    def position(self, path: tuple, at: str = "value") -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at ``path``; ``at="key"`` gives its key's position instead."""
        located = self.positions.get(path)
        if located is None:
            return None, None
        mark = located.key_mark if at == "key" and located.key_mark is not None else located.node.start_mark
        return mark.line + 1, mark.column + 1

    def find(self, path: tuple, pattern: str | re.Pattern) -> tuple[int, int] | None:
        """1-based (line, column) of the first match of ``pattern`` in the source text of the value at ``path``."""
        located = self.positions.get(path)
        if located is None:
            return None
        start, end = located.node.start_mark, located.node.end_mark
        for index in range(start.line, min(end.line, len(self.lines) - 1) + 1):
            text = self.lines[index]
            offset = start.column if index == start.line else 0
            if isinstance(pattern, str):
                column = text.find(pattern, offset)
            else:
                match = pattern.search(text, offset)
                column = match.start() if match else -1
            if column >= 0:
                return index + 1, column + 1
        return None

    def problem(
        self,
        code: str,
        path: tuple | None = None,
        *,
        at: str = "value",
        line: int | None = None,
        column: int | None = None,
        severity: Severity = "error",
        field_name: str | None = None,
        **params: object,
    ) -> Problem:
        """A problem located at ``path`` (or at an explicit line and column), with the source line attached."""
        if line is None and path is not None:
            line, column = self.position(path, at)
        if field_name is None and path:
            field_name = field_path(path)
        return Problem.create(
            code,
            Path(self.file),
            field=field_name or None,
            line=line,
            column=column,
            severity=severity,
            source_line=self.source_line(line),
            **params,
        )

    def add(self, code: str, path: tuple | None = None, **kwargs: Any) -> Problem:
        problem = self.problem(code, path, **kwargs)
        self.problems.append(problem)
        return problem


def field_path(path: Sequence) -> str:
    """A key path as written in YAML: ``("evidence", 1, "url")`` → ``evidence[2].url`` (items counted from 1)."""
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element + 1}]"
        else:
            text += ("." if text else "") + str(element)
    return text
