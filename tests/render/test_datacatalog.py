"""datacatalog.py: the open data's metadata, read as a portal, a harvester and an analyst would — Frictionless validates
the Data Package and its tables, pandas and frictionless load the JSON tables, rdflib parses the DCAT — on the real
build and on the multi-year project (``projects.multi_year_files``), built through the real command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package
from projects import (
    build_site,
    multi_year_files,
    real_indicator,
    real_site,
    run_reportgen,
    shared_folder,
    signed_off,
    write_project,
)
from rdflib import Graph, Literal, Namespace, URIRef

from reportgen.render import datacatalog, opendata

# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BASE_URL = real_site()["base_url"]  # https://www.bangkoklibrary.go.th/kpi/
FRICTIONLESS = Path(sys.executable).with_name("frictionless")
DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def multi_year_with_a_draft() -> dict:
    """The multi-year project, with 2565/09 a draft (no sign-off) and 2565/10 signed off."""
    files = multi_year_files()
    for path in files:
        files[path].pop("signoff", None)
    files["indicators/2565/10.yaml"] = signed_off(files["indicators/2565/10.yaml"], position="บรรณารักษ์",
                                                  date="2022-10-20")
    return files


@pytest.fixture(scope="module")
def multi_year(tmp_path_factory) -> Path:
    """The data folder of the multi-year project with a draft, built once a run (tests only read it)."""
    built = shared_folder(tmp_path_factory, "catalog", lambda root: build_site(root, multi_year_with_a_draft()))
    return built / "output" / "html" / "data"


@pytest.fixture(params=["real", "multi-year"])
def data(request, real_build, multi_year) -> Path:
    return real_build / "output" / "html" / "data" if request.param == "real" else multi_year


def validate(datapackage: Path) -> subprocess.CompletedProcess:
    """``frictionless validate`` as a portal's operator runs it."""
    return subprocess.run([str(FRICTIONLESS), "validate", str(datapackage)], capture_output=True, text=True,
                          timeout=300)


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.e2e
def test_frictionless_validates_the_data_package_and_every_table(data):
    result = validate(data / "datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr
    package = read_json(data / "datapackage.json")
    names = {resource["name"]: resource["path"] for resource in package["resources"]}
    assert names == {"indicators": "indicators.csv", "quarters": "quarters.csv",
                     "indicators-json": "indicators-records.json", "quarters-json": "quarters.json"}


@pytest.mark.e2e
def test_validation_fails_on_a_table_that_breaks_its_schema(multi_year, tmp_path):
    """The validation above can fail: a quarter of an indicator that is not in the indicators table (foreign key),
    a code without its leading zero (pattern), and a CSV changed after the build (size and hash)."""
    broken = tmp_path / "data"
    shutil.copytree(multi_year, broken)
    records = read_json(broken / "quarters.json")
    records[0]["code"] = "99"
    (broken / "quarters.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    rows = read_json(broken / "indicators-records.json")
    rows[0]["code"] = "8!"
    (broken / "indicators-records.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    csv_path = broken / "indicators.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b",66.67,", b",66.68,"))
    result = validate(broken / "datapackage.json")
    assert result.returncode != 0
    for error in ("foreign-key", "constraint-error", "hash-count"):
        assert error in result.stdout, result.stdout


def test_frictionless_reads_every_type_as_declared(multi_year):
    package = Package(str(multi_year / "datapackage.json"))
    for name in ("indicators", "indicators-json"):
        rows = {(row["fiscal_year"], row["code"]): row for row in package.get_resource(name).read_rows()}
        assert set(rows) == {(2564, "08"), (2565, "08"), (2565, "09"), (2565, "10")}, "code stays text: 08"
        below, unreported, signed = rows[2565, "08"], rows[2565, "09"], rows[2565, "10"]
        assert below["percent_of_target"] == Decimal("66.67") and below["reported_quarters"] == [1, 2]
        assert unreported["result"] is None and unreported["signed_on"] is None
        assert unreported["signed"] is False and unreported["reported_quarters"] in (None, [])
        assert signed["signed"] is True and signed["signed_on"] == dt.date(2022, 10, 20)
    for name in ("quarters", "quarters-json"):
        rows = {(row["fiscal_year"], row["code"], row["quarter"]): row for row in package.get_resource(name).read_rows()}
        assert len(rows) == 16, "four quarters of each of the four indicators"
        assert rows[2565, "08", 2]["result"] == 2 and rows[2565, "08", 2]["reported"] is True
        assert rows[2565, "08", 2]["percent_of_target"] == Decimal("66.67")
        assert rows[2565, "08", 3]["reported"] is False and rows[2565, "08", 3]["result"] is None
        assert rows[2565, "08", 1]["quarter_start"] == dt.date(2021, 10, 1)
        assert rows[2565, "08", 1]["quarter_end"] == dt.date(2021, 12, 31)


def test_the_table_schema_documents_every_column_in_thai_and_english(multi_year):
    package = read_json(multi_year / "datapackage.json")
    for resource in package["resources"]:
        table = next(table for table in opendata.TABLES if resource["name"].startswith(table.name))
        schema = resource["schema"]
        assert [field["name"] for field in schema["fields"]] == list(table.column_names)
        assert all(field["title"] and field["description"] and field["title_en"] and field["description_en"]
                   for field in schema["fields"])
        assert schema["primaryKey"] == list(table.primary_key) and schema["missingValues"] == [""]
        assert resource["title"] and resource["title_en"] and resource["description_en"]
    indicators, quarters = package["resources"][:2]
    fields = {field["name"]: field for field in indicators["schema"]["fields"]}
    assert fields["code"]["type"] == "string" and fields["code"]["constraints"]["pattern"]
    assert fields["signed_on"]["type"] == "date" and fields["signed"]["type"] == "boolean"
    assert fields["reported_quarters"].items() >= {"type": "list", "itemType": "integer", "delimiter": " "}.items()
    assert quarters["schema"]["foreignKeys"] == [{"fields": ["fiscal_year", "code"], "reference": {
        "resource": "indicators", "fields": ["fiscal_year", "code"]}}]


def test_pandas_loads_every_json_table_without_arguments(data):
    indicators = pd.read_json(data / "indicators-records.json")
    assert list(indicators.columns) == list(opendata.COLUMN_NAMES)
    assert len(indicators) == len(read_json(data / "indicators.json")["indicators"])
    quarters = pd.read_json(data / "quarters.json")
    assert list(quarters.columns) == list(opendata.QUARTERS.column_names) and len(quarters) == 4 * len(indicators)
    assert quarters["reported"].dtype == bool and indicators["signed"].dtype == bool
    # pandas guesses types from values: "08" would become 8 unless told otherwise, as the README says.
    assert pd.read_json(data / "indicators-records.json", dtype={"code": str})["code"].iloc[0] == "08"
    assert pd.read_csv(data / "indicators.csv", dtype={"code": str})["code"].iloc[0] == "08"


def test_what_was_published_before_reads_as_before(multi_year):
    """``indicators.json`` keeps its shape (``columns``, ``indicators``), so ``DataFrame(d["indicators"])`` still
    works; it gains the licence, the publisher and the ``signed`` column; the CSV keeps its columns first."""
    document = read_json(multi_year / "indicators.json")
    assert {"title", "source", "columns", "indicators"} <= set(document)
    frame = pd.DataFrame(document["indicators"])
    assert list(frame.columns) == list(opendata.COLUMN_NAMES) and list(frame.columns)[-1] == "signed"
    assert frame["code"].tolist() == ["08", "08", "09", "10"]
    assert document["license"]["id"] == "CC-BY-4.0" and document["license"]["url"] == CC_BY
    assert document["publisher"] == real_site()["publisher"]
    header = (multi_year / "indicators.csv").read_text(encoding="utf-8-sig").split("\r\n")[0].split(",")
    assert header[:16] == ["fiscal_year", "code", "name", "agency", "result_type", "target", "unit", "result",
                           "percent_of_target", "status", "status_label", "last_quarter", "reported_quarters",
                           "signed_on", "page_url", "pdf_url"], "the columns published first keep their places"


def test_every_metadata_file_carries_the_licence_and_the_publisher(data):
    publisher = real_site()["publisher"]
    package = read_json(data / "datapackage.json")
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": CC_BY,
                                    "title": "Creative Commons Attribution 4.0 International"}]
    assert package["contributors"] == [{"title": publisher["name"], "path": publisher["url"], "role": "publisher",
                                        "email": publisher["email"]}]
    ckan = read_json(data / "ckan.json")
    assert ckan["license_id"] == "Creative Commons Attributions" and "license_id_other" not in ckan
    assert (ckan["maintainer"], ckan["maintainer_email"]) == (publisher["name"], publisher["email"])
    assert CC_BY in ckan["accessible_condition"]
    graph = Graph().parse(data / "dcat.jsonld", format="json-ld")
    dataset = URIRef(BASE_URL + "data/index.html")
    assert graph.value(dataset, DCT.license) == URIRef(CC_BY)
    agent = graph.value(dataset, DCT.publisher)
    assert graph.value(agent, FOAF.name) == Literal(publisher["name"])
    assert graph.value(agent, FOAF.mbox) == URIRef("mailto:" + publisher["email"])
    assert graph.value(graph.value(dataset, DCAT.contactPoint), VCARD.hasEmail) == URIRef("mailto:" + publisher["email"])
    for distribution in graph.objects(dataset, DCAT.distribution):
        assert graph.value(distribution, DCT.license) == URIRef(CC_BY)


def test_ckan_dataset_has_the_fields_of_data_go_th(multi_year):
    ckan = read_json(multi_year / "ckan.json")
    # The values of data.go.th's choice lists (ckanext-thai_gdc, ckan_dataset.json).
    assert ckan["data_type"] == "ข้อมูลสถิติ" and ckan["data_category"] == "ข้อมูลสาธารณะ"
    assert ckan["update_frequency_unit"] == "ไตรมาส" and ckan["update_frequency_interval"] == "1"
    assert ckan["geo_coverage"] == "จังหวัด" and ckan["data_language"] == ["ไทย"]
    assert ckan["data_format"] == ["CSV", "JSON"] and ckan["objective"] == ["พันธกิจหน่วยงาน"]
    assert (ckan["first_year_of_data"], ckan["last_year_of_data"]) == ("2564", "2565")
    assert ckan["name"] == "bangkoklibrary-go-th-kpi" and ckan["title"] == real_site()["site_title"]
    assert ckan["notes"].startswith("ผลการดำเนินงาน") and ckan["accessible_condition"]
    assert {tag["name"] for tag in ckan["tags"]} >= {"ตัวชี้วัด", "KPI"}
    urls = [resource["url"] for resource in ckan["resources"]]
    assert [url.removeprefix(BASE_URL + "data/") for url in urls] == [
        "indicators.csv", "indicators-records.json", "quarters.csv", "quarters.json", "datapackage.json"]
    assert all((multi_year / url.rsplit("/", 1)[1]).is_file() for url in urls)


#: Values from the choice lists of data.go.th's dataset schema (ckanext-thai_gdc, ``ckanext/thai_gdc/ckan_dataset.json``;
#: some lists are longer), for the fields ckan.json fills: a value outside them is refused by the portal.
THAI_GDC_CHOICES = {
    "data_type": {"ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"},
    "objective": {"ยุทธศาสตร์ชาติ", "พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน", "ดัชนี/ตัวชี้วัดระดับนานาชาติ", "อื่นๆ"},
    "update_frequency_unit": {"ไม่ทราบ", "ปี", "ครึ่งปี", "ไตรมาส", "เดือน", "สัปดาห์", "วัน", "อื่นๆ"},
    "geo_coverage": {"ไม่มี", "ประเทศ", "ภาค", "จังหวัด", "อำเภอ", "ตำบล", "อื่นๆ"},
    "data_format": {"Database", "CSV", "XML", "JSON", "HTML", "XLS", "PDF", "RDF", "อื่นๆ"},
    "data_category": {"ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง", "ข้อมูลความลับทางราชการ"},
    "data_language": {"ไทย", "อังกฤษ", "อื่นๆ"},
    "disaggregate": {"ไม่มี", "เพศ", "อายุ/กลุ่มอายุ", "อื่นๆ"},
    "license_id": {"License not specified", "Creative Commons Attributions", "Creative Commons Attribution Share-Alike",
                   "Creative Commons Non-Commercial (Any)", "Open Data Common", "GNU Free Documentation License", "อื่นๆ"},
}


def test_ckan_values_are_from_data_go_th_choice_lists_and_pass_its_validators(multi_year):
    ckan = read_json(multi_year / "ckan.json")
    for field_name, choices in THAI_GDC_CHOICES.items():
        values = ckan[field_name] if isinstance(ckan[field_name], list) else [ckan[field_name]]
        assert set(values) <= choices, field_name
    for license in datacatalog.LICENSES.values():
        assert license.ckan_id in THAI_GDC_CHOICES["license_id"]
    assert re.fullmatch(r"[a-z0-9_\-]{2,100}", ckan["name"]), "CKAN's name_validator"
    # thai_gdc's tag_name_validator, as it runs: ``match(value, re.U)`` passes re.U (32) as the start position, so
    # Thai tags (whose vowel marks core CKAN's \w refuses) pass when shorter than 32 characters.
    thai_gdc_tag = re.compile(r"[\w \-.]*$", re.UNICODE)
    for tag in ckan["tags"]:
        assert 2 <= len(tag["name"]) < 32 and thai_gdc_tag.match(tag["name"], re.U), tag


def test_dcat_has_thai_and_english_titles_a_period_and_every_distribution(multi_year):
    graph = Graph().parse(multi_year / "dcat.jsonld", format="json-ld")
    dataset = URIRef(BASE_URL + "data/index.html")
    assert (dataset, None, DCAT.Dataset) in graph
    titles = {title.language: str(title) for title in graph.objects(dataset, DCT.title)}
    assert titles == {"th": real_site()["site_title"], "en": datacatalog.TITLE_EN}
    period = graph.value(dataset, DCT.temporal)
    assert graph.value(period, DCAT.startDate).toPython() == dt.date(2020, 10, 1)
    assert graph.value(period, DCAT.endDate).toPython() == dt.date(2022, 9, 30)
    downloads = {str(graph.value(distribution, DCAT.downloadURL)) for distribution in
                 graph.objects(dataset, DCAT.distribution)}
    assert downloads == {BASE_URL + "data/" + name for name in (
        "indicators.csv", "indicators-records.json", "quarters.csv", "quarters.json", "datapackage.json")}


@pytest.mark.e2e
def test_another_licence_and_no_publisher(tmp_path):
    """CC0 is not one of data.go.th's named licences: CKAN gets "อื่นๆ" and the licence in license_id_other. With no
    publisher, the agency and the site stand in, and the contact e-mail is left empty for the portal to ask."""
    site = {key: value for key, value in real_site().items() if key != "publisher"} | {"data_license": "CC0-1.0"}
    data = build_site(tmp_path / "project", {"indicators/2564/08.yaml": real_indicator()}, site=site) / "data"
    assert validate(data / "datapackage.json").returncode == 0
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    ckan = read_json(data / "ckan.json")
    assert ckan["license_id"] == "อื่นๆ" and cc0 in ckan["license_id_other"]
    assert (ckan["maintainer"], ckan["maintainer_email"]) == (site["agency"], "")
    package = read_json(data / "datapackage.json")
    assert package["licenses"][0]["name"] == "CC0-1.0"
    assert package["contributors"] == [{"title": site["agency"], "path": site["base_url"], "role": "publisher"}]
    page = (data / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{cc0}" rel="license">' in page and "mailto:" not in page


@pytest.mark.e2e
def test_an_empty_project_still_has_a_valid_package(tmp_path):
    data = build_site(tmp_path / "project", {}) / "data"
    assert validate(data / "datapackage.json").returncode == 0
    # frictionless reads no table from an empty JSON array: the CSVs (a header row each) describe the tables.
    assert [resource["path"] for resource in read_json(data / "datapackage.json")["resources"]] == [
        "indicators.csv", "quarters.csv"]
    assert read_json(data / "quarters.json") == [] and read_json(data / "indicators-records.json") == []
    assert "first_year_of_data" not in read_json(data / "ckan.json")
    assert "dct:temporal" not in read_json(data / "dcat.jsonld")


@pytest.mark.parametrize("url, name", [
    ("https://www.bangkoklibrary.go.th/kpi/", "bangkoklibrary-go-th-kpi"),
    ("https://kpi.example.go.th", "kpi-example-go-th"),
    ("http://localhost:8000/a_b/", "localhost-a-b"),
])
def test_dataset_name_is_what_ckan_accepts(url, name):
    from reportgen.model import SiteSettings

    assert datacatalog.dataset_name(SiteSettings(agency="ก", site_title="ข", base_url=url)) == name


def test_dcat_says_when_the_data_was_issued_and_last_modified(tmp_path):
    files = {"indicators/2564/08.yaml": signed_off(real_indicator(), date="2021-10-20"),
             "indicators/2564/09.yaml": signed_off(real_indicator() | {"code": "09"}, date="2021-11-05"),
             "indicators/2565/08.yaml": real_indicator() | {"fiscal_year": 2565}}
    root = write_project(tmp_path / "p", files)
    run_reportgen("build", cwd=root, check=True, env={"SOURCE_DATE_EPOCH": "1644000000"})  # 5 February 2022
    dcat = (root / "output" / "html" / "data" / "dcat.jsonld").read_text(encoding="utf-8")
    dataset = json.loads(dcat)
    assert dataset["dct:issued"] == {"@value": "2021-10-20", "@type": "xsd:date"}  # the first sign-off
    # The last day the figures are as of (fiscal 2565's first quarter ended 31 December 2021), after the sign-offs.
    assert dataset["dct:modified"] == {"@value": "2021-12-31", "@type": "xsd:date"}
    graph = Graph().parse(data=dcat, format="json-ld")
    assert {str(value) for value in graph.objects(None, DCT.issued)} == {"2021-10-20"}
    assert {str(value) for value in graph.objects(None, DCT.modified)} == {"2021-12-31"}
