"""``reportgen import FILE.txt --year YEAR``: a form exported as text from the BMA monitoring system → a new
``content/indicators/YEAR/CODE.yaml`` that ``check`` accepts and that renders the same text.

``authoring/bmaimport.py`` reads the export; the file is written as ``reportgen new`` writes one (every key under
its Thai comment, placeholders where staff must still write), loaded back with the project's own loader before
anything is written, then written atomically by ``authoring/writer.py``, never over an existing file.
The warnings (each with the export's line) say what was unclear and was left as a placeholder.

An export larger than ``MAX_EXPORT_BYTES`` is refused before it is read (a form's export is about 10 KB); one whose
text the form cannot take (a name longer than a form prints, more evidence than a form lists) is refused with the
loader's own explanation of each field, and nothing is written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from reportgen import wording
from reportgen.authoring.bmaimport import parse_export
from reportgen.authoring.naming import check_year, code_pattern
from reportgen.authoring.template import indicator_text
from reportgen.authoring.writer import write_content_file
from reportgen.commands import Line, Outcome, Problems, Shown
from reportgen.content.project import load_document, load_documents
from reportgen.content.validate import placeholder, placeholder_warnings
from reportgen.errors import ContentError, Problem, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, YAML_SUFFIXES
from reportgen.linebreak import load_dictionary
from reportgen.model import Indicator

logger = logging.getLogger(__name__)

#: The largest export imported: the reference export is 10 KB, a long form a few times that.
MAX_EXPORT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ImportReport:
    """What ``import`` wrote, from which export, and the warnings (export lines, then placeholders left)."""

    path: PurePosixPath
    source: str
    warnings: tuple[Problem, ...]
    placeholders: int

    def summary(self, lang: str = "th") -> str:
        message, hint = wording.render(
            "import_wrote", {"source": self.source, "path": self.path, "warnings": len(self.warnings)}, lang
        )
        return f"{message}: {hint}" if hint else message


def import_form(root: Path, export: Path, year: int, *, code: str | None = None) -> ImportReport:
    """Import ``export`` as the form of fiscal ``year`` (see the module docstring)."""
    root = Path(root).resolve()
    check_year(year)
    site, _ = load_documents(root, [])
    shown = Path(export).name
    try:
        with Path(export).open("rb") as file:
            data = file.read(MAX_EXPORT_BYTES + 1)
        if len(data) > MAX_EXPORT_BYTES:
            raise UsageError("import_too_large", file=shown, limit=f"{MAX_EXPORT_BYTES // 1024 // 1024} MB")
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError("import_unreadable", reason=getattr(error, "strerror", None) or str(error)) from None
    agency = site.model.agency if site.ok else placeholder(Indicator.model_fields["agency"].description or "")
    words = load_dictionary(root / CONTENT_DIR)
    imported = parse_export(text, Path(shown), year=year, agency=agency, code=code, words=words)
    if not imported.code or not re.fullmatch(code_pattern(), imported.code):
        raise UsageError("import_no_code")
    values = imported.values | {"code": imported.code}
    relative = PurePosixPath(INDICATORS_DIR, str(year), f"{imported.code}.yaml")
    target = PurePosixPath(CONTENT_DIR) / relative
    for suffix in YAML_SUFFIXES:
        if (root / CONTENT_DIR / relative.with_suffix(suffix)).exists():
            raise UsageError("import_exists", path=target.with_suffix(suffix))
    yaml_text = indicator_text(values, year=year, source=PurePosixPath(shown))
    doc = load_document(yaml_text, Indicator, target)
    if not doc.ok:  # text the form cannot take (too long, too many items): the field's own rule, said of the export
        errors = [problem for problem in doc.problems if problem.severity == "error"]
        raise ContentError([replace(problem, file=Path(shown), line=None, column=None, source_line=None)
                            for problem in errors])
    placeholders = list(placeholder_warnings(doc))
    write_content_file(root, relative, yaml_text.encode("utf-8"), replace=False)
    logger.info(wording.message("import_wrote", source=shown, path=target, warnings=len(imported.warnings)))
    return ImportReport(target, shown, tuple(imported.warnings), len(placeholders))


def run(root: Path, export: Path, year: int, *, code: str | None = None, lang: str = "th") -> Outcome:
    """``reportgen import``: the warnings (stderr: each with the export's line), then what was written."""
    report = import_form(root, export, year, code=code)
    shown: list[Shown] = [Problems(report.warnings)] if report.warnings else []
    shown.append(Line(report.summary(lang)))
    return Outcome(tuple(shown))
