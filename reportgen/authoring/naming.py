"""A code and a fiscal year → the indicator file they name, checked: ``content/indicators/<year>/<code>.yaml``.

What ``new`` and ``import`` check before they write a file: a code the model accepts (``code_pattern``, read from
the model), a year in the Buddhist Era within the model's range (a Christian-Era year is refused with the
Buddhist-Era one to type), and a numeric code given the project's leading zeros (``padded_code``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from reportgen import thai, wording
from reportgen.errors import UsageError
from reportgen.layout import YAML_SUFFIXES
from reportgen.model import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, Indicator

logger = logging.getLogger(__name__)


def code_pattern() -> str:
    """The pattern the model gives codes, read from the model so that both always agree."""
    for metadata in Indicator.model_fields["code"].metadata:
        pattern = getattr(metadata, "pattern", None)
        if isinstance(pattern, str) and pattern:
            return pattern
    raise AssertionError("the model's code field has no pattern")


def check_code(code: str) -> str:
    code = code.strip()
    if not re.fullmatch(code_pattern(), code):
        raise UsageError("usage_bad_code", code=repr(code))
    return code


#: Digits of a numeric code when no other file says otherwise: the department's codes are two digits (``08``).
CODE_DIGITS = 2


def padded_code(code: str, indicators: Path, year: int) -> str:
    """A numeric code with the leading zeros of the project's other codes: ``9`` → ``09`` (YAML and people drop
    the zero; the file name, the form and the open data must not). The width is the most common one among the
    numeric codes of the year's folder, else of every year, else ``CODE_DIGITS``; other codes are left as given."""
    if not (code.isascii() and code.isdigit()):
        return code

    def widths(folder: Path) -> list[int]:
        stems = (path.stem for path in folder.glob("*") if path.suffix in YAML_SUFFIXES) if folder.is_dir() else ()
        return [len(stem) for stem in stems if stem.isascii() and stem.isdigit()]

    found = widths(indicators / str(year)) or [
        width for folder in (indicators.iterdir() if indicators.is_dir() else ()) for width in widths(folder)
    ]
    width = max(set(found), key=lambda each: (found.count(each), each)) if found else CODE_DIGITS
    if len(code) < width:
        logger.info(wording.message("log_code_padded", code=code, padded=code.zfill(width)))
    return code.zfill(width)


def check_year(year: int) -> None:
    if MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        return
    buddhist = year + thai.BUDDHIST_ERA_OFFSET
    if MIN_FISCAL_YEAR <= buddhist <= MAX_FISCAL_YEAR:
        raise UsageError("usage_year_christian_era", year=year, suggestion=buddhist)
    raise UsageError("usage_year_out_of_range", year=year, low=MIN_FISCAL_YEAR, high=MAX_FISCAL_YEAR)
