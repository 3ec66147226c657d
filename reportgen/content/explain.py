"""A document's values → the content model, each pydantic error explained in the officer's words at its position.

The values built by ``parse.py`` are validated by the pydantic models of ``reportgen.model``, and each validation
error is turned into a ``Problem`` staff can act on (``errors.MESSAGES``): the field named as the form names it,
the value written, what was expected, a suggestion for a misspelt key or a date written another way, at the line
and column of the value. Nothing stops at the first error: every problem of the file is collected.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import yaml
from pydantic import BaseModel

from reportgen.content.parse import _THAI, _short, describe, model_at, owner_paths
from reportgen.content.positions import SourceDocument, field_path
from reportgen.errors import Problem
from reportgen.model import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    ContentModel,
)
from reportgen.wording import Localized, localized

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_DIGIT = re.compile("[๐-๙]")


def _description(model: type[BaseModel] | None, key: str) -> str:
    if model is None or key not in model.model_fields:
        return ""
    return model.model_fields[key].description or ""


def _thai_phrases(description: str) -> list[str]:
    """The Thai names of a field in its description: "1. ชื่อตัวชี้วัด" → ["ชื่อตัวชี้วัด"]."""
    text = re.sub(r"^[\d.]+\s*", "", description)
    head = re.split(r"\s*(?:\(|เช่น|:|ใส่|ถ้า)\s*", text, maxsplit=1)[0].strip()
    phrases = [head] if head else []
    phrases += [part.strip() for part in re.findall(r"\(([^)]*)\)", text)]
    return [phrase for phrase in phrases if _THAI.search(phrase)]


def suggest_key(model: type[BaseModel] | None, key: str) -> tuple[str | None, bool]:
    """The allowed key an unknown ``key`` most likely meant, and whether it was matched from a Thai name."""
    if model is None:
        return None, False
    allowed = list(model.model_fields)
    if _THAI.search(key):
        best, best_score = None, 0.0
        wanted = key.strip()
        for name in allowed:
            for phrase in _thai_phrases(_description(model, name)):
                score = difflib.SequenceMatcher(None, wanted, phrase).ratio()
                if len(wanted) >= 3 and (wanted in phrase or phrase in wanted):
                    score = max(score, 0.75 + 0.25 * min(len(wanted), len(phrase)) / max(len(wanted), len(phrase)))
                if score > best_score:
                    best, best_score = name, score
        return (best, True) if best_score >= 0.6 else (None, True)
    lowered = key.strip().lower().replace("-", "_").replace(" ", "_")
    if lowered in allowed:
        return lowered, False
    matches = difflib.get_close_matches(lowered, allowed, n=1, cutoff=0.6)
    return (matches[0] if matches else None), False


_EXPECTED = {
    "text": localized("expected_text"),
    "number": localized("expected_number"),
    "integer": localized("expected_integer"),
    "date": localized("expected_date"),
    "mapping": localized("expected_mapping"),
    "list": localized("expected_list"),
    "choice": localized("expected_choice"),
    "value": localized("expected_value"),
}

_EXPECTED_BY_TYPE = {
    "string_type": "text",
    "string_too_short": "text",
    "int_type": "integer",
    "is_instance_of": "number",
    "decimal_type": "number",
    "float_type": "number",
    "date_type": "date",
    "model_type": "mapping",
    "dict_type": "mapping",
    "model_attributes_type": "mapping",
    "list_type": "list",
    "literal_error": "choice",
}


def _as_number_text(text: str) -> str | None:
    """A number hidden in text ("1,000", "๓", "36 ห้อง", "ร้อยละ 100") as plain digits, or None."""
    candidate = text.strip().translate(_THAI_DIGITS).replace(",", "")
    candidate = re.sub(r"^[\u0e01-\u0e4eA-Za-z]+\s*(?=\d)", "", candidate)  # a word first: "ร้อยละ 100", "ประมาณ 36"
    candidate = re.sub(r"\s*[^\d.\s+-].*$", "", candidate) if re.match(r"^[\d.]+\s*\D", candidate) else candidate
    try:
        number = Decimal(candidate)
    except (InvalidOperation, ValueError):
        return None
    return candidate if number.is_finite() else None


def _date_suggestion(text: str) -> str | None:
    """An ISO Christian-Era date for "20/10/2564", "2564-10-20", "20-10-2021"..., or None."""
    text = text.strip().translate(_THAI_DIGITS)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})", text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    if year > 2400:
        year -= 543
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


_IMPLICIT_NUMBERS = {
    "hex": localized("implicit_number_hex"),
    "binary": localized("implicit_number_binary"),
    "sexagesimal": localized("implicit_number_sexagesimal"),
}


class ErrorExplainer:
    """pydantic validation errors → Problems in the catalogue's words, located in the source."""

    def __init__(self, doc: SourceDocument, model: type[ContentModel]):
        self.doc = doc
        self.model = model

    def problems(self, errors: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
        missing: dict[tuple, list[str]] = {}
        renamed: set[tuple] = set()  # (parent, key) an unknown key was suggested for: "missing" would repeat it
        for error in errors:
            loc = tuple(part for part in error.get("loc", ()) if isinstance(part, (str, int)))
            if error.get("type") == "missing" and loc:
                missing.setdefault(loc[:-1], []).append(str(loc[-1]))
                continue
            if error.get("type") == "extra_forbidden" and loc:
                suggestion, _ = suggest_key(model_at(self.model, loc[:-1]), str(loc[-1]))
                if suggestion:
                    renamed.add((loc[:-1], suggestion))
            try:
                yield self.problem(error, loc)
            except Exception as failure:  # noqa: BLE001 - a message must never hide the problem it reports
                yield self.doc.problem(
                    "invalid", self._known_prefix(loc), found=Localized("?", "?"), detail=f"{error.get('msg')} ({failure})"
                )
        for parent, keys in missing.items():
            keys = [key for key in keys if (parent, key) not in renamed]
            if keys:
                yield self.missing(parent, keys)

    def _known_prefix(self, loc: tuple) -> tuple:
        for length in range(len(loc), -1, -1):
            if loc[:length] in self.doc.positions:
                return loc[:length]
        return ()

    def missing(self, parent: tuple, keys: list[str]) -> Problem:
        parent_model = model_at(self.model, parent)
        parent_name = field_path(parent)
        where = localized("where_in", parent=parent_name) if parent_name else Localized("", "")
        listed_th = ", ".join(f"{key} ({_description(parent_model, key)})" if _description(parent_model, key) else key for key in keys)
        listed_en = ", ".join(keys)
        example = (
            localized("missing_example_under", key=keys[0], parent=parent_name)
            if parent_name
            else localized("missing_example", key=keys[0])
        )
        field_name = field_path(parent + (keys[0],)) if len(keys) == 1 else (parent_name or None)
        path = parent if parent in self.doc.positions else ()
        return self.doc.problem(
            "missing",
            path,
            at="key",
            field_name=field_name,
            keys=Localized(listed_th, listed_en),
            where=where,
            example=example,
            missing=keys,
        )

    def problem(self, error: Mapping[str, Any], loc: tuple) -> Problem:
        kind = error.get("type", "")
        ctx = error.get("ctx") or {}
        path = self._known_prefix(loc)
        located = self.doc.positions.get(path)
        node = located.node if located else None
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        value = error.get("input")
        key = next((str(part) for part in reversed(path) if isinstance(part, str)), "value")
        found = describe(value, node)
        common: dict[str, Any] = {"key": key, "found": found, "raw": raw if raw is not None else _short(str(value))}

        def problem(code: str, **params: Any) -> Problem:
            return self.doc.problem(code, path, **{**common, **params})

        if kind == "extra_forbidden":
            return self.unknown_key(path)
        if path in self.doc.curly_quoted:
            return problem("yaml_curly_quotes", inner=str(raw or "").strip()[1:-1])
        if path in self.doc.implicit:
            return problem("yaml_implicit_number", how=_IMPLICIT_NUMBERS[self.doc.implicit[path]])
        if kind == "number_too_precise":
            places = ctx.get("places", 2)
            # Officers round half up (36.125 → 36.13), not to even as Decimal does by default.
            rounded = format(Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP), "f")
            return problem("number_too_precise", places=places, suggestion=rounded)
        if value is None and kind in _EXPECTED_BY_TYPE:
            return self.doc.problem(
                "empty_value", path, at="key", **{**common, "expected": _EXPECTED[_EXPECTED_BY_TYPE[kind]]}
            )

        if kind == "string_type":
            if path == ("code",) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                suggestion = raw if raw and raw.startswith("0") else str(value).zfill(2)
                return problem("code_not_text", value=value, suggestion=suggestion)
            if isinstance(value, bool):
                return problem("yaml_bool", expected=_EXPECTED["text"], value=str(value).lower())
            if isinstance(value, (dt.date, dt.datetime)):
                return problem("yaml_date_as_text")
            if isinstance(value, (int, float, Decimal)) and raw is not None and raw.strip() != str(value):
                return problem("yaml_number_as_text", value=value)
            if isinstance(value, (list, dict)):
                fix = localized("fix_text_not_structure", key=key)
            else:
                fix = localized("fix_quote_text", key=key, raw=raw)
            return problem("not_text", fix=fix)

        if kind in ("int_type", "int_parsing", "int_from_float"):
            return self.integer(problem, path, value, raw, quoted)

        if kind in ("is_instance_of", "decimal_type", "decimal_parsing", "float_type", "float_parsing", "number_type"):
            return self.number(problem, value, raw, quoted)
        if kind == "finite_number":
            return problem("not_finite")
        if kind in ("greater_than_equal", "greater_than"):
            limit = ctx.get("ge", ctx.get("gt"))
            if path == ("fiscal_year",):
                return self.fiscal_year(problem, value)
            if limit == 0:
                return problem("negative", value=raw if raw is not None else value)
            return problem("too_small", value=value, limit=limit)
        if kind in ("less_than_equal", "less_than"):
            if path == ("fiscal_year",):
                return self.fiscal_year(problem, value)
            limit = ctx.get("le", ctx.get("lt"))
            with contextlib.suppress(InvalidOperation, ValueError):
                limit = format(Decimal(re.sub(r"^Decimal\('(.*)'\)$", r"\1", str(limit))), ",f")
            return problem("too_large", value=raw if raw is not None else value, limit=limit)
        if kind == "literal_error":
            return self.choice(problem, path, value, ctx)
        if kind == "string_too_short":
            return problem("too_short")
        if kind == "string_too_long":
            return problem("too_long", length=f"{len(value or ''):,}", limit=f"{ctx.get('max_length', 0):,}")
        if kind == "too_long":
            return problem("too_many_items", length=ctx.get("actual_length", "?"), limit=ctx.get("max_length", "?"))
        if kind == "too_short":
            return problem("too_few_items", length=ctx.get("actual_length", "?"), limit=ctx.get("min_length", "?"))
        if kind == "string_pattern_mismatch":
            if path == ("code",):
                return problem("code_pattern")
            if path == ("bma_pid",):
                return problem("bma_pid_pattern")
            if path == ("publisher", "email"):
                return problem("email_invalid")
            return problem("invalid", detail=error.get("msg", ""))
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            return self.not_mapping(problem, path, value)
        if kind == "list_type":
            return problem("not_list")
        if kind == "url_bad_char":
            return problem("url_bad_char", url=ctx.get("url", ""), char=ctx.get("char", "?"))
        if kind in ("unsafe_url", "image_in_text"):
            url = str(ctx.get("url", ""))
            spot = self.doc.find(path, url) if url else None
            line, column = spot if spot else self.doc.position(path)
            return self.doc.problem(kind, path, line=line, column=column, url=url or localized("url_empty"), **common)
        if kind == "buddhist_era_date":
            year = ctx.get("year", "?")
            suggestion = _date_suggestion(str(value)) if not isinstance(value, dt.date) else None
            if isinstance(value, dt.date):
                try:
                    suggestion = value.replace(year=value.year - 543).isoformat()
                except ValueError:
                    suggestion = None
            return problem("date_buddhist_era", year=year, suggestion=suggestion or "2021-10-20")
        if kind.startswith("date_") or kind.startswith("datetime_"):
            return self.date(problem, value, raw)
        return problem("invalid", detail=error.get("msg", kind))

    def unknown_key(self, path: tuple) -> Problem:
        key = str(path[-1])
        parent = path[:-1]
        parent_model = model_at(self.model, parent)
        allowed = ", ".join(parent_model.model_fields) if parent_model else ""
        parent_name = field_path(parent)
        where = localized("where_in", parent=parent_name) if parent_name else Localized("", "")
        suggestion, from_thai = suggest_key(parent_model, key)
        params: dict[str, Any] = {"key": key, "where": where, "allowed": allowed, "suggestion": suggestion or ""}
        if not suggestion and parent_model is not None:
            placed = self.misplaced_key(path, parent_model)
            if placed is not None:
                return placed
        if suggestion and from_thai:
            description = re.sub(r"^[\d.]+\s*", "", _description(parent_model, suggestion))
            return self.doc.problem("unknown_key_thai", path, at="key", description=description, **params)
        if suggestion:
            return self.doc.problem("unknown_key_suggest", path, at="key", **params)
        return self.doc.problem("unknown_key", path, at="key", **params)

    def misplaced_key(self, path: tuple, parent_model: type[BaseModel]) -> Problem | None:
        """A known key at the wrong level: indented too little under the key above it (``result:`` under ``q1:``),
        or written at a level above its own (``summary:`` at the top instead of under ``quarters:``)."""
        key, parent = str(path[-1]), path[:-1]
        siblings = [part for part in self.doc.positions if len(part) == len(path) and part[:-1] == parent]
        key_line, _ = self.doc.position(path, "key")
        above = [
            sibling
            for sibling in siblings
            if sibling != path and (self.doc.position(sibling, "key")[0] or 0) < (key_line or 0)
        ]
        if above:
            previous = max(above, key=lambda sibling: self.doc.position(sibling, "key")[0] or 0)
            previous_model = model_at(self.model, previous)
            if previous_model is not None and key in previous_model.model_fields:
                children = [part for part in self.doc.positions if len(part) == len(previous) + 1 and part[:-1] == previous]
                columns = [self.doc.position(child, "key")[1] or 0 for child in children]
                previous_column = self.doc.position(previous, "key")[1] or 1
                spaces = (min(columns) - 1) if columns else previous_column + 1
                return self.doc.problem(
                    "key_under_indented",
                    path,
                    at="key",
                    field_name=field_path(previous + (key,)),
                    key=key,
                    parent=str(previous[-1]),
                    spaces=spaces,
                )
        owners = owner_paths(parent_model, key)
        if owners:
            owner = owners[0]
            return self.doc.problem(
                "key_misplaced",
                path,
                at="key",
                field_name=field_path(parent + owner + (key,)),
                key=key,
                parent=str(owner[-1]),
                spaces=2 * len(parent + owner),
            )
        return None

    def integer(self, problem, path: tuple, value: Any, raw: str | None, quoted: bool) -> Problem:
        if isinstance(value, bool):
            return problem("yaml_bool", expected=_EXPECTED["integer"], value=str(value).lower())
        extra = localized("expected_extra_fiscal_year") if path == ("fiscal_year",) else Localized("", "")
        if (as_text := self.number_as_text(problem, value, quoted)) is not None:
            return as_text
        fix = localized("fix_whole_number")
        return problem("not_integer", expected_extra=extra, fix=fix)

    def number(self, problem, value: Any, raw: str | None, quoted: bool) -> Problem:
        if isinstance(value, bool):
            return problem("yaml_bool", expected=_EXPECTED["number"], value=str(value).lower())
        if (as_text := self.number_as_text(problem, value, quoted)) is not None:
            return as_text
        return problem("not_number")

    @staticmethod
    def number_as_text(problem, value: Any, quoted: bool) -> Problem | None:
        """A number written as text: in quotes ("3"), or with commas or Thai digits (1,036, ๓๖)."""
        if not isinstance(value, str) or (number := _as_number_text(value)) is None:
            return None
        if _THAI_DIGIT.search(value) and number == value.strip().translate(_THAI_DIGITS):
            return problem("number_thai_digits", suggestion=number)
        if quoted and number == value.strip():
            return problem("number_quoted", suggestion=number)
        return problem("number_formatted", suggestion=number)

    def fiscal_year(self, problem, value: Any) -> Problem:
        if isinstance(value, int) and 1900 <= value <= 2200:
            return problem("fiscal_year_ce", value=value, suggestion=value + 543)
        return problem("fiscal_year_range", value=value, low=MIN_FISCAL_YEAR, high=MAX_FISCAL_YEAR)

    def choice(self, problem, path: tuple, value: Any, ctx: dict) -> Problem:
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        expected = ", ".join(options)
        if isinstance(value, bool):
            return problem("yaml_bool", expected=localized("expected_one_of", options=expected), value=str(value).lower())
        suggestion = None
        if isinstance(value, str) and value.strip():
            parent_model = model_at(self.model, path[:-1])
            description = _description(parent_model, str(path[-1])) if path else ""
            for option in options:
                if re.search(rf"\b{re.escape(option)}\s*\({re.escape(value.strip())}\)", description):
                    suggestion = option
            if suggestion is None:
                close = difflib.get_close_matches(value.strip().lower(), options, n=1, cutoff=0.6)
                suggestion = close[0] if close else None
        key = str(path[-1]) if path else "value"
        fix = (
            localized("fix_change_to", key=key, suggestion=suggestion)
            if suggestion
            else localized("fix_choose_one", options=expected)
        )
        return problem("choice", expected=expected, fix=fix)

    def not_mapping(self, problem, path: tuple, value: Any) -> Problem:
        key = next((str(part) for part in reversed(path) if isinstance(part, str)), "")
        sub_model = model_at(self.model, path)
        first = next(iter(sub_model.model_fields), "...") if sub_model else "..."
        if isinstance(value, list):
            fix = localized("fix_mapping_not_list", key=key)
        else:
            fix = localized("fix_mapping_indent", key=key, first=first)
        return problem("not_mapping", fix=fix)

    def date(self, problem, value: Any, raw: str | None) -> Problem:
        if isinstance(value, dt.datetime):
            return problem("date_with_time", suggestion=value.date().isoformat())
        text = value if isinstance(value, str) else (raw or str(value))
        match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text.translate(_THAI_DIGITS))
        if match:
            year, month, day = (int(part) for part in match.groups())
            if year > 2400:
                suggestion = _date_suggestion(text) or f"{year - 543}-{month:02d}-{day:02d}"
                return problem("date_buddhist_era", year=year, suggestion=suggestion)
            if not 1 <= month <= 12:
                reason = localized("date_reason_month")
            else:
                days = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day if year >= 1 else 31
                reason = localized("date_reason_days", month=month, year=year, days=days)
            return problem("date_invalid", raw=text.strip(), reason=reason)
        date_suggestion = _date_suggestion(text)
        fix = (
            localized("fix_change_to", key="date", suggestion=date_suggestion)
            if date_suggestion
            else localized("fix_date_format")
        )
        return problem("date_format", fix=fix)
