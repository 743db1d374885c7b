"""Hostile or wrong files: each is refused with a message that says what is wrong, and nothing is stored (every
workbook below also holds a valid seizure row, which must not get in)."""
import os
import zipfile
from io import BytesIO

import pytest

from planner.results.models import Seizure
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.results.test_import_template import count, filled_workbook, seizure_row, upload


def rezip(content, add=(), replace=None, compression=zipfile.ZIP_DEFLATED):
    source = zipfile.ZipFile(BytesIO(content))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, data in add:
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def good(running, factory):
    return filled_workbook(running, factory.org("LT"), [seizure_row()])


def _refused(api, running, factory, content, *words, status=422):  # noqa: F811
    response = upload(api, running, factory.user("LT", "officer"), content)
    body = assert_error(response, status, "file")
    for word in words:
        assert word in body["error"], body
    assert body["errors"]["file"]
    assert count(Seizure) == 0
    return body


def test_a_file_that_is_not_a_zip_is_refused(running, factory, api):  # noqa: F811
    _refused(api, running, factory, b"Just some text, not a workbook at all.", "not an Excel workbook (.xlsx)")


def test_a_csv_named_xlsx_is_refused(running, factory, api):  # noqa: F811
    csv = b"national_reference,seized_at,country\nLT-IMP-1,2026-05-06 14:30,LT\n"
    _refused(api, running, factory, csv, "CSV", "nothing was imported")


def test_an_empty_file_an_old_xls_and_a_damaged_zip_are_refused(running, factory, api, good):  # noqa: F811
    _refused(api, running, factory, b"", "empty")
    _refused(api, running, factory, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls", "password")
    _refused(api, running, factory, good[: len(good) // 2], "damaged")


def test_a_zip_that_is_not_a_workbook_is_refused(running, factory, api):  # noqa: F811
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    _refused(api, running, factory, out.getvalue(), "xl/workbook.xml")


def test_a_zip_bomb_is_refused_by_its_inflation_ratio(running, factory, api, good):  # noqa: F811
    bomb = rezip(good, add=[("xl/worksheets/sheet9.xml", b"\0" * (8 * 1024 * 1024))])
    assert len(bomb) < 100_000  # eight megabytes in a few kilobytes
    _refused(api, running, factory, bomb, "zip bomb")


def test_a_workbook_inflating_beyond_the_cap_is_refused(running, factory, api, good):  # noqa: F811
    block = os.urandom(16 * 1024)
    member = block * 64  # 1 MB that compresses about sixty times: below the ratio, but 55 of them are 55 MB
    bomb = rezip(good, add=[(f"xl/media/part{i}.bin", member) for i in range(55)])
    assert len(bomb) < 2 * 1024 * 1024
    _refused(api, running, factory, bomb, "inflates to", "50 MB")


def test_a_formula_cell_is_refused_with_its_reference(running, factory, api):  # noqa: F811
    def formula(workbook):
        workbook["Seizures"]["U3"] = "=1+2"
        workbook["Instructions"]["H40"] = "=HYPERLINK(\"http://x\")"

    content = filled_workbook(running, factory.org("LT"), [seizure_row()], edit=formula)
    body = _refused(api, running, factory, content, "2 formulas", "Seizures!U3", "Instructions!H40", "values")
    assert "paste as values" in body["error"]


def test_macros_are_refused(running, factory, api, good):  # noqa: F811
    _refused(api, running, factory, rezip(good, add=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")]),
             "macros", ".xlsm")
    types = zipfile.ZipFile(BytesIO(good)).read("[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    _refused(api, running, factory, rezip(good, replace={"[Content_Types].xml": types}), "macros")


def test_links_to_other_files_and_embedded_objects_are_refused(running, factory, api, good):  # noqa: F811
    _refused(api, running, factory, rezip(good, add=[("xl/externalLinks/externalLink1.xml", b"<externalLink/>")]),
             "links to other files")
    _refused(api, running, factory, rezip(good, add=[("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0")]),
             "embedded objects")


def test_xml_entities_are_refused(running, factory, api, good):  # noqa: F811
    workbook_xml = zipfile.ZipFile(BytesIO(good)).read("xl/workbook.xml")
    crafted = b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>' + workbook_xml.split(b"?>")[-1]
    _refused(api, running, factory, rezip(good, replace={"xl/workbook.xml": crafted}), "XML entities")


def test_an_over_size_file_is_refused(app, running, factory, api, client, login, good):  # noqa: F811
    app.config["PLANNER_IMPORT_MAX_BYTES"] = len(good) - 1
    try:
        body = _refused(api, running, factory, good, "larger than", status=413)
        assert "nothing was imported" in body["error"]
        # announced by Content-Length beyond the limit and the form's allowance: refused before it is read
        body = _refused(api, running, factory, good + b"\0" * (200 * 1024), "larger than", status=413)
        officer = factory.user("LT", "officer")
        login(officer)
        page = client.post(f"/operations/{running.id}/results/import", data={
            "sheet": "seizures", "file": (BytesIO(good), "mine.xlsx")}, content_type="multipart/form-data")
        assert page.status_code == 413 and "larger than" in page.get_data(as_text=True)
        page = client.post(f"/operations/{running.id}/results/import", data={
            "sheet": "seizures", "file": (BytesIO(good + b"\0" * (200 * 1024)), "mine.xlsx")},
            content_type="multipart/form-data")
        assert page.status_code == 413 and "larger than" in page.get_data(as_text=True)
    finally:
        app.config["PLANNER_IMPORT_MAX_BYTES"] = 10 * 1024 * 1024
    assert count(Seizure) == 0


def test_the_import_limit_applies_even_where_the_general_upload_limit_is_lower(app, running, factory, api,  # noqa: F811
                                                                              good):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = upload(api, running, factory.user("LT", "officer"), good)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    assert response.status_code == 200 and response.get_json()["imported"] == 1


def test_the_page_says_why_a_file_is_refused(running, factory, client, login):
    def formula(workbook):
        workbook["Seizures"]["D3"] = "=A1"

    login(factory.user("LT", "officer"))
    content = filled_workbook(running, factory.org("LT"), [seizure_row()], edit=formula)
    page = client.post(f"/operations/{running.id}/results/import", data={
        "sheet": "seizures", "file": (BytesIO(content), "mine.xlsx")}, content_type="multipart/form-data")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Seizures!D3" in text and "import-feedback" not in text
    nothing = client.post(f"/operations/{running.id}/results/import", data={"sheet": "seizures"},
                          content_type="multipart/form-data")
    assert nothing.status_code == 422 and "Choose the filled-in template" in nothing.get_data(as_text=True)
    assert count(Seizure) == 0


def test_a_sheet_that_is_not_the_templates_is_refused(running, factory, api):  # noqa: F811
    def rename_key(workbook):
        workbook["Seizures"]["C2"] = "nationality"

    content = filled_workbook(running, factory.org("LT"), [seizure_row()], edit=rename_key)
    body = _refused(api, running, factory, content, "not those of the planner's template")
    assert any("nationality" in m for m in body["errors"]["file"])

    def no_keys(workbook):
        for cell in workbook["Seizures"][2]:
            cell.value = None

    _refused(api, running, factory, filled_workbook(running, factory.org("LT"), [seizure_row()], edit=no_keys),
             "no Seizures sheet of the planner's template")

    def twice(workbook):
        workbook.copy_worksheet(workbook["Seizures"])

    _refused(api, running, factory, filled_workbook(running, factory.org("LT"), [seizure_row()], edit=twice),
             "two Seizures sheets")


def test_too_many_rows_are_refused(running, factory, api, monkeypatch):  # noqa: F811
    import planner.results.import_sheets as import_sheets

    monkeypatch.setattr(import_sheets, "MAX_ROWS", 2)
    rows = [seizure_row(national_reference=f"LT-IMP-{n}") for n in range(3)]
    _refused(api, running, factory, filled_workbook(running, factory.org("LT"), rows), "more than 2 rows")
