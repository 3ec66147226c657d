"""A field's YAML path → its name in the officer's words: ``quarters.q1.result`` → ``ไตรมาสที่ 1 › ผลงาน``.

Messages name the field a problem is in by its path as written in the file (``evidence[2].url``, list items
counted from 1), which reads like code to the person who fills the form in. ``FIELD_LABELS`` is the one table
that names every field of the content model (indicator files and ``site.yaml``) by a catalogue entry;
``field_label`` joins the names of a path's parts with " › ", and ``describe_field`` puts the path beside it, as
messages show it: ``ไตรมาสที่ 1 › ผลงาน (quarters.q1.result)``.
"""

from __future__ import annotations

import re

from reportgen import wording

#: Field path pattern → catalogue code of its name. ``q{n}`` is a quarter, ``[{n}]`` a list item (counted from 1);
#: both put their number in the name. A pattern maps to None when its parts name themselves (``quarters.q1`` is
#: "quarter 1", not "quarterly reports › quarter 1"), so the container's name is left out of a longer path.
FIELD_LABELS: dict[str, str] = {
    # indicator files (reportgen.model.Indicator)
    "code": "field_code",
    "fiscal_year": "field_fiscal_year",
    "agency": "field_agency",
    "name": "field_name",
    "bma_pid": "field_bma_pid",
    "result_type": "field_result_type",
    "plan": "field_plan",
    "plan.strategy": "field_plan_strategy",
    "plan.sub_strategy": "field_plan_sub_strategy",
    "plan.goal": "field_plan_goal",
    "definition": "field_definition",
    "calculation": "field_calculation",
    "target": "field_target",
    "target.value": "field_target_value",
    "target.unit": "field_target_unit",
    "target.direction": "field_target_direction",
    "target.plan": "field_target_plan",
    "target.plan.q{n}": "field_quarter",
    "result": "field_result",
    "quarters": "field_quarters",
    "quarters.q{n}": "field_quarter",
    "quarters.q{n}.report": "field_quarter_report",
    "quarters.q{n}.result": "field_quarter_result",
    "quarters.summary": "field_quarters_summary",
    "supporting_factors": "field_supporting_factors",
    "obstacles": "field_obstacles",
    "evidence": "field_evidence",
    "evidence[{n}]": "field_evidence_item",
    "evidence[{n}].title": "field_evidence_title",
    "evidence[{n}].url": "field_evidence_url",
    "evidence[{n}].file": "field_evidence_file",
    "officer": "field_officer",
    "officer.name": "field_person_name",
    "officer.position": "field_person_position",
    "officer.contact": "field_officer_contact",
    "signoff": "field_signoff",
    "signoff.name": "field_person_name",
    "signoff.position": "field_person_position",
    "signoff.date": "field_signoff_date",
    "signoff.digest": "field_signoff_digest",
    # content/site.yaml (reportgen.model.SiteSettings); "agency" is shared with the indicator files
    "site_title": "field_site_title",
    "base_url": "field_base_url",
    "digits": "field_digits",
    "data_license": "field_data_license",
    "publisher": "field_publisher",
    "publisher.name": "field_person_name",
    "publisher.email": "field_publisher_email",
    "publisher.url": "field_publisher_url",
    "release_strict": "field_release_strict",
    "show_officers": "field_show_officers",
}

#: Containers left out of a longer path because their parts name themselves.
_SELF_NAMED_PARTS = frozenset({"quarters", "evidence"})

_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")
_QUARTER = re.compile(r"q([1-4])")


def _parts(path: str) -> list[tuple[str, int | None]] | None:
    """``evidence[2].url`` → [("evidence", None), ("[{n}]", 2), ("url", None)]; None if it is not a field path."""
    parts: list[tuple[str, int | None]] = []
    position = 0
    while position < len(path):
        match = _PART.match(path, position)
        if match is None or match.group(0).startswith(".") != (position > 0 and match[1] is not None):
            return None
        key, index = match.groups()
        if index is not None:
            parts.append(("[{n}]", int(index)))
        elif quarter := _QUARTER.fullmatch(key):
            parts.append(("q{n}", int(quarter[1])))
        else:
            parts.append((key, None))
        position = match.end()
    return parts or None


def field_label(path: str | None, lang: str = "th") -> str | None:
    """The officer's name of the field at ``path`` (``ไตรมาสที่ 1 › ผลงาน``), or None when some part of it is not
    a field of the model (a misspelt key is shown by its path alone)."""
    if not path:
        return None
    parts = _parts(path)
    if parts is None:
        return None
    names: list[str] = []
    pattern = ""
    for depth, (part, number) in enumerate(parts):
        pattern += part if part.startswith("[") or not pattern else "." + part
        code = FIELD_LABELS.get(pattern)
        if code is None:
            return None
        if pattern in _SELF_NAMED_PARTS and depth + 1 < len(parts):
            continue
        names.append(wording.message(code, lang, number=number))
    return " › ".join(names)


def describe_field(path: str | None, lang: str = "th") -> str | None:
    """``ไตรมาสที่ 1 › ผลงาน (quarters.q1.result)``; the path alone when it has no name; None without a path."""
    if not path:
        return None
    label = field_label(path, lang)
    return f"{label} ({path})" if label else path
