"""The open data's tables and the site settings → the files that describe them: ``datapackage.json`` (a Frictionless
Data Package with a Table Schema per table), ``ckan.json`` (a dataset for a CKAN portal, with the extra fields of
data.go.th) and ``dcat.jsonld`` (DCAT, for harvesters).

All three are drawn from the same settings (``site.data_license``, ``site.publisher``, ``site.base_url``) and from
``opendata.TABLES``, so they never disagree with each other or with the data page. The licence and the publisher
are carried in each, and in ``indicators.json`` (``about``). Nothing here depends on the time of the build: the
same content gives the same bytes.

data.go.th runs CKAN with the ``ckanext-thai_gdc`` schema; ``ckan.json`` fills its fields with the values of its
choice lists (``data_type`` ข้อมูลสถิติ, ``update_frequency_unit`` ไตรมาส, ``geo_coverage`` จังหวัด, …) and can be
sent as it is to CKAN's ``package_create`` with the portal's ``owner_org`` added (README: "Publishing to
data.go.th").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from reportgen import thai, wording
from reportgen.model import Entry, SiteSettings
from reportgen.render import opendata
from reportgen.render.opendata import Column, Table
from reportgen.standing import Reporting

DATAPACKAGE_NAME = "datapackage.json"
CKAN_NAME = "ckan.json"
DCAT_NAME = "dcat.jsonld"
DATA_PAGE = "data/index.html"


#: data.go.th's ``license_id`` value for a licence its choice list does not name ("other"): the portal's own value.
CKAN_OTHER_LICENSE = "อื่นๆ"


@dataclass(frozen=True)
class License:
    """A licence the open data can carry: its identifier (SPDX where there is one), the catalog key of its name
    (``title`` in Thai, ``title_en``), its text, and the value of data.go.th's ``license_id`` choice list
    (``CKAN_OTHER_LICENSE``, then named in ``license_id_other``)."""

    id: str
    title_key: str
    url: str
    ckan_id: str

    @property
    def title(self) -> str:
        return wording.label(self.title_key, "th")

    @property
    def title_en(self) -> str:
        return wording.label(self.title_key, "en")


#: ``site.data_license`` → the licence. CC-BY-4.0 is the default: attribution only, one of data.go.th's own choices
#: ("Creative Commons Attributions"), and known by its URL to every harvester.
LICENSES: dict[str, License] = {
    license.id: license
    for license in (
        License("CC-BY-4.0", "datacatalog_license_cc_by", "https://creativecommons.org/licenses/by/4.0/",
                "Creative Commons Attributions"),
        License("CC-BY-SA-4.0", "datacatalog_license_cc_by_sa", "https://creativecommons.org/licenses/by-sa/4.0/",
                "Creative Commons Attribution Share-Alike"),
        License("CC0-1.0", "datacatalog_license_cc0", "https://creativecommons.org/publicdomain/zero/1.0/",
                CKAN_OTHER_LICENSE),
        License("DGA-OGL", "datacatalog_license_dga_ogl", "https://www.data.go.th/pages/dga-open-government-license",
                CKAN_OTHER_LICENSE),
    )
}

#: What the dataset is, for the portals (the site title is its Thai title).
DESCRIPTION = wording.label("datacatalog_description", "th")
DESCRIPTION_EN = wording.label("datacatalog_description", "en")
TITLE_EN = wording.label("datacatalog_title", "en")
KEYWORDS = (
    wording.label("datacatalog_keyword_indicators", "th"), "KPI", wording.label("datacatalog_keyword_results", "th"),
    wording.label("datacatalog_keyword_libraries", "th"), wording.label("datacatalog_keyword_bangkok", "th"),
)
CSV_NOTE = wording.label("datacatalog_csv_note", "th")
CSV_NOTE_EN = wording.label("datacatalog_csv_note", "en")

#: data.go.th's fields (ckanext-thai_gdc), from its choice lists: what this data is, the same for every project. The
#: Thai values are the portal's own choices (ข้อมูลสถิติ, ไตรมาส, …), not words of reportgen's: kept as the portal
#: spells them.
CKAN_FIELDS = {
    "data_type": "ข้อมูลสถิติ",
    "objective": ["พันธกิจหน่วยงาน"],
    "update_frequency_unit": "ไตรมาส",
    "update_frequency_interval": "1",
    "geo_coverage": "จังหวัด",  # Bangkok, a province-level administration
    "data_format": ["CSV", "JSON"],
    "data_category": "ข้อมูลสาธารณะ",
    "data_language": ["ไทย"],
    "disaggregate": ["ไม่มี"],
    "unit_of_measure": wording.label("datacatalog_unit_of_measure", "th"),
    "calculation_method": wording.label("datacatalog_calculation_method", "th"),
    "allow_harvest": "True",
}


@dataclass(frozen=True)
class PublisherInfo:
    """Who publishes the data: ``site.publisher``, or the agency and the site when it is not set."""

    name: str
    email: str | None
    url: str


def license_of(site: SiteSettings) -> License:
    return LICENSES[site.data_license]


def publisher_of(site: SiteSettings) -> PublisherInfo:
    if site.publisher is None:
        return PublisherInfo(site.agency, None, site.base_url)
    return PublisherInfo(site.publisher.name, site.publisher.email, site.publisher.url or site.base_url)


def dataset_name(site: SiteSettings) -> str:
    """A name for the dataset that CKAN and Data Packages accept (lowercase, digits, ``-``), from ``base_url``:
    ``https://www.bangkoklibrary.go.th/kpi/`` → ``bangkoklibrary-go-th-kpi``."""
    parts = urlsplit(site.base_url)
    host = (parts.hostname or "").removeprefix("www.")
    name = re.sub(r"[^a-z0-9]+", "-", f"{host}{parts.path}".lower()).strip("-")
    return (name or "kpi")[:100]


def about(site: SiteSettings) -> dict:
    """The licence and the publisher, as ``indicators.json`` carries them beside its title."""
    license, publisher = license_of(site), publisher_of(site)
    return {
        "license": {"id": license.id, "title": license.title, "title_en": license.title_en, "url": license.url},
        "publisher": {"name": publisher.name, "email": publisher.email, "url": publisher.url},
    }


# --- Frictionless Data Package -----------------------------------------------------------------------------------


def schema_field(column: Column) -> dict:
    """A Table Schema field: the type (a space-separated integer list in CSV, an array in JSON, both read by the
    ``list`` type), Thai title and description, English beside them, and the constraints."""
    field: dict = {"name": column.name}
    if column.type == "integer list":
        field |= {"type": "list", "itemType": "integer", "delimiter": " "}
    else:
        field["type"] = column.type
    if column.type == "boolean":
        field |= {"trueValues": [opendata.TRUE], "falseValues": [opendata.FALSE]}
    field |= {
        "title": column.title,
        "description": column.description,
        "title_en": column.title_en,
        "description_en": column.description_en,
        "example": column.example,
    }
    if column.constraints:
        field["constraints"] = dict(column.constraints)
    return field


def table_schema(table: Table, referenced_resource: str | None) -> dict:
    schema: dict = {
        "fields": [schema_field(column) for column in table.columns],
        "missingValues": [opendata.MISSING],
        "primaryKey": list(table.primary_key),
    }
    if referenced_resource:
        key = ["fiscal_year", "code"]
        schema["foreignKeys"] = [{"fields": key, "reference": {"resource": referenced_resource, "fields": key}}]
    return schema


def _integrity(data: bytes) -> dict:
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _resource_name(table: Table, kind: str) -> str:
    return table.name if kind == "csv" else f"{table.name}-json"


def _resources(tables: Sequence[Table], files: dict[str, bytes], empty: frozenset[str]) -> list[dict]:
    by_name = {table.name: table for table in tables}
    resources = []
    for kind in ("csv", "json"):
        for table in tables:
            if kind == "json" and table.name in empty:
                # frictionless cannot read a table from an empty JSON array (it finds no row to learn its shape);
                # the CSV, with its header row, still describes the table.
                continue
            path = table.csv_name if kind == "csv" else table.json_name
            referenced = _resource_name(by_name[table.references], kind) if table.references else None
            resource = {
                "name": _resource_name(table, kind),
                "path": path,
                "profile": "tabular-data-resource",
                "title": f"{table.title} ({kind.upper()})",
                "title_en": f"{table.title_en} ({kind.upper()})",
                "description": table.description + (f" {CSV_NOTE}" if kind == "csv" else ""),
                "description_en": table.description_en + (f" {CSV_NOTE_EN}" if kind == "csv" else ""),
                "format": kind,
                "mediatype": "text/csv" if kind == "csv" else "application/json",
                "encoding": "utf-8",
                "schema": table_schema(table, referenced),
            }
            if kind == "csv":
                # Size and hash let a reader (and ``frictionless validate``) tell a file from another build. Not on
                # the JSON files: frictionless reads them with a streaming parser that counts no bytes, and would
                # report every JSON file as not matching.
                resource |= _integrity(files[path])
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
            resources.append(resource)
    return resources


def datapackage(site: SiteSettings, files: dict[str, bytes], empty: frozenset[str] = frozenset()) -> dict:
    """The Data Package of the tables (``files``: the data files by name, for their size and hash; ``empty``: the
    tables without a row)."""
    license, publisher = license_of(site), publisher_of(site)
    contributor = {"title": publisher.name, "path": publisher.url, "role": "publisher"}
    if publisher.email:
        contributor["email"] = publisher.email
    return {
        "profile": "tabular-data-package",
        "name": dataset_name(site),
        "id": opendata.site_url(site.base_url, f"data/{DATAPACKAGE_NAME}"),
        "title": site.site_title,
        "title_en": TITLE_EN,
        "description": DESCRIPTION,
        "description_en": DESCRIPTION_EN,
        "homepage": opendata.site_url(site.base_url, DATA_PAGE),
        "keywords": list(KEYWORDS),
        "licenses": [{"name": license.id, "path": license.url, "title": license.title_en}],
        "contributors": [contributor],
        "resources": _resources(opendata.TABLES, files, empty),
    }


# --- CKAN (data.go.th) -------------------------------------------------------------------------------------------


def _years(entries: Sequence[Entry]) -> list[int]:
    return sorted({entry.indicator.fiscal_year for entry in entries})


def _distributions(site: SiteSettings) -> list[dict]:
    """Every data file of the package, for CKAN's resources and DCAT's distributions."""
    files = []
    for table in opendata.TABLES:
        for kind, name in (("CSV", table.csv_name), ("JSON", table.json_name)):
            files.append({
                "title": f"{table.title} ({kind})", "title_en": f"{table.title_en} ({kind})",
                "description": table.description, "description_en": table.description_en,
                "url": opendata.site_url(site.base_url, f"data/{name}"), "format": kind,
                "mediatype": "text/csv" if kind == "CSV" else "application/json",
            })
    files.append({
        "title": wording.label("datacatalog_datapackage_title", "th"),
        "title_en": wording.label("datacatalog_datapackage_title", "en"),
        "description": wording.label("datacatalog_datapackage", "th"),
        "description_en": wording.label("datacatalog_datapackage", "en"),
        "url": opendata.site_url(site.base_url, f"data/{DATAPACKAGE_NAME}"), "format": "JSON",
        "mediatype": "application/json",
    })
    return files


def ckan_dataset(site: SiteSettings, entries: Sequence[Entry]) -> dict:
    """A dataset as CKAN's ``package_create`` takes it, with data.go.th's fields (``owner_org`` is the portal's)."""
    license, publisher = license_of(site), publisher_of(site)
    dataset: dict = {
        "name": dataset_name(site),
        "title": site.site_title,
        "notes": f"{DESCRIPTION}\n\n{DESCRIPTION_EN}",
        "url": opendata.site_url(site.base_url, DATA_PAGE),
        "author": site.agency,
        "maintainer": publisher.name,
        "maintainer_email": publisher.email or "",
        "license_id": license.ckan_id,
        "tags": [{"name": keyword} for keyword in KEYWORDS],
        "data_source": site.agency,
        "accessible_condition": wording.message(
            "datacatalog_accessible_condition", "th", license=license.title, url=license.url, publisher=publisher.name
        ),
        **CKAN_FIELDS,
    }
    if license.ckan_id == CKAN_OTHER_LICENSE:
        dataset["license_id_other"] = f"{license.title} {license.url}"
    years = _years(entries)
    if years:
        dataset["first_year_of_data"], dataset["last_year_of_data"] = str(years[0]), str(years[-1])
    dataset["resources"] = [
        {"name": file["title"], "description": file["description"], "url": file["url"], "format": file["format"],
         "mimetype": file["mediatype"]}
        for file in _distributions(site)
    ]
    return dataset


# --- DCAT (JSON-LD) ----------------------------------------------------------------------------------------------

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LANGUAGE_THAI = "http://publications.europa.eu/resource/authority/language/THA"
QUARTERLY = "http://publications.europa.eu/resource/authority/frequency/QUARTERLY"
BANGKOK = "https://sws.geonames.org/1609350/"


def _texts(thai_text: str, english_text: str) -> list[dict]:
    return [{"@value": thai_text, "@language": "th"}, {"@value": english_text, "@language": "en"}]


def _date(value) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def release_dates(entries: Sequence[Entry], reporting: Reporting) -> tuple[dt.date, dt.date]:
    """When the dataset was first issued and last modified (DCAT's ``dct:issued`` and ``dct:modified``): the first
    sign-off of a form it holds (the day its figures were first official; without any, the day they are as of), and
    the later of the last sign-off and the day the figures are as of (the end of the newest year's last ended
    quarter, as the pages print it). Both come from the content and the build's reporting date, so they change only
    when a form is signed or a quarter ends, and a build made again gives the same bytes."""
    years = _years(entries)
    as_of = reporting.period(years[-1]).date if years else reporting.today
    signed = sorted(entry.indicator.signoff.date for entry in entries if entry.indicator.signoff is not None)
    return (signed[0] if signed else as_of), max([as_of, *signed[-1:]])


def dcat_dataset(site: SiteSettings, entries: Sequence[Entry], reporting: Reporting | None = None) -> dict:
    """The dataset in DCAT: titles in Thai and English, publisher and contact, licence, period, when it was issued
    and last modified (as of ``reporting``, default now), distributions."""
    license, publisher = license_of(site), publisher_of(site)
    agent: dict = {"@type": "foaf:Organization", "foaf:name": publisher.name, "foaf:homepage": {"@id": publisher.url}}
    contact: dict = {"@type": "vcard:Organization", "vcard:fn": publisher.name, "vcard:hasURL": {"@id": publisher.url}}
    if publisher.email:
        agent["foaf:mbox"] = {"@id": f"mailto:{publisher.email}"}
        contact["vcard:hasEmail"] = {"@id": f"mailto:{publisher.email}"}
    dataset: dict = {
        "@context": DCAT_CONTEXT,
        "@id": opendata.site_url(site.base_url, DATA_PAGE),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset_name(site),
        "dct:title": _texts(site.site_title, TITLE_EN),
        "dct:description": _texts(DESCRIPTION, DESCRIPTION_EN),
        "dcat:keyword": [{"@value": keyword, "@language": "th"} for keyword in KEYWORDS],
        "dct:publisher": agent,
        "dcat:contactPoint": contact,
        "dct:license": {"@id": license.url},
        "dct:language": {"@id": LANGUAGE_THAI},
        "dct:accrualPeriodicity": {"@id": QUARTERLY},
        "dct:spatial": {"@id": BANGKOK},
        "dcat:landingPage": {"@id": opendata.site_url(site.base_url, DATA_PAGE)},
    }
    issued, modified = release_dates(entries, reporting or Reporting.now())
    dataset["dct:issued"], dataset["dct:modified"] = _date(issued), _date(modified)
    years = _years(entries)
    if years:
        start, _ = thai.quarter_period(years[0], 1)
        _, end = thai.quarter_period(years[-1], 4)
        dataset["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": _date(start),
                                   "dcat:endDate": _date(end)}
    dataset["dcat:distribution"] = [
        {
            "@id": file["url"],
            "@type": "dcat:Distribution",
            "dct:title": _texts(file["title"], file["title_en"]),
            "dct:description": _texts(file["description"], file["description_en"]),
            "dcat:downloadURL": {"@id": file["url"]},
            "dcat:accessURL": {"@id": file["url"]},
            "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{file['mediatype']}"},
            "dct:format": file["format"],
            "dct:license": {"@id": license.url},
        }
        for file in _distributions(site)
    ]
    return dataset


# --- The files ---------------------------------------------------------------------------------------------------


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def data_files(site: SiteSettings, entries: Sequence[Entry], *, reporting: Reporting | None = None) -> dict[str, bytes]:
    """Every file of ``data/`` by name: the tables as CSV and JSON, ``indicators.json``, and the three metadata
    files, the Data Package last (it records the size and hash of each table file)."""
    indicators = opendata.indicator_records(entries, site.base_url, reporting=reporting)
    quarters = opendata.quarter_records(entries)
    base_url = site.base_url.rstrip("/") + "/"
    tables: dict[str, bytes] = {}
    empty = set()
    for table, records in ((opendata.INDICATORS, indicators), (opendata.QUARTERS, quarters)):
        tables[table.csv_name] = opendata.table_csv(table, records)
        tables[table.json_name] = opendata.table_json(table, records)
        if not records:
            empty.add(table.name)
    return {
        **tables,
        opendata.JSON_NAME: opendata.indicators_json(
            indicators, site_title=site.site_title, base_url=base_url, about=about(site)
        ),
        CKAN_NAME: _json(ckan_dataset(site, entries)),
        DCAT_NAME: _json(dcat_dataset(site, entries, reporting)),
        DATAPACKAGE_NAME: _json(datapackage(site, tables, frozenset(empty))),
    }
