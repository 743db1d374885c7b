"""Import of the UNECE UN/LOCODE code list (CSV, no header): all or nothing, bad rows named by line."""
import io

import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.vocab.models import Place
from planner.vocab.places import location_type_for_function, parse_unlocode_csv

# Change, Country, Location, Name, NameWoDiacritics, Subdivision, Status, Function, Date, IATA, Coordinates, Remarks
GOOD_CSV = """\
,"NL",,".NETHERLANDS",".NETHERLANDS",,,,,,,
,"NL","AMS","Amsterdam","Amsterdam","NH","AI","12345---","0701","AMS","5222N 00454E",""
,"NL","EEM","Eemshaven","Eemshaven","GR","AI","1-3-----","9501",,"5327N 00650E",""
,"NL","BNA","Baarle-Nassau","Baarle-Nassau","NB","RL","--3----B","0001",,,""
,"NL","ZEV","Zevenaar","Zevenaar","GE","RL","-23----B","0001",,,""
,"NL","OLD","Oldenzaal","Oldenzaal","OV","RL","-2-----B","0001",,,""
,"NL","NWG","Nieuwegein","Nieuwegein","UT","RL","----5---","0001",,,""
,"NL","UTC","Utrecht","Utrecht","UT","AI","-23-----","0001",,,""
"=","NL",,"Den Haag = 's-Gravenhage","Den Haag = 's-Gravenhage",,,,,,,
"X","NL","XXX","Old entry","Old entry",,"XX","--3-----","0001",,,""
,"NL","RTM","Rotterdam (new name)","Rotterdam (new name)","ZH","AI","12345---","0001","RTM",,""
,"XZ","TRL","Troll A platform","Troll A platform",,"RL","1-------","0001",,,""
"""


def _upload(client, text, filename="nl.csv", encoding="utf-8", only_transport=True, raw=None):
    data = {"file": (io.BytesIO(raw if raw is not None else text.encode(encoding)), filename)}
    if only_transport:
        data["only_transport"] = "y"
    return client.post("/admin/vocab/places/import", data=data, content_type="multipart/form-data")


def _place(code):
    db.session.expire_all()
    return db.session.scalar(select(Place).where(Place.code == code))


def _count():
    return db.session.scalar(select(func.count(Place.id)))


@pytest.mark.parametrize("function, expected", [
    ("1-------", "seaport"), ("12345---", "seaport"), ("---4----", "airport"), ("--3----B", "land_border"),
    ("-23----B", "land_border"), ("-2-----B", "rail_border"), ("-------B", "land_border"), ("----5---", "postal_hub"),
    ("-23-----", "inland"), ("0-------", "inland"), ("", "inland"), ("1--4---B", "land_border"),
])
def test_function_to_location_type(function, expected):
    assert location_type_for_function(function) == expected


def test_good_file_is_imported(app_ctx, admin_client):
    before = _count()
    response = _upload(admin_client, GOOD_CSV)
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6 places added, 1 already in the list, 1 other locations left out, 4 rows skipped" in page
    assert _count() == before + 6
    expected = {"NLAMS": "seaport", "NLEEM": "seaport", "NLBNA": "land_border", "NLZEV": "land_border",
                "NLOLD": "rail_border", "NLNWG": "postal_hub"}
    for code, kind in expected.items():
        place = _place(code)
        assert (place.location_type, place.source, place.country) == (kind, "unlocode_import", "NL"), code
    assert _place("NLAMS").subdivision == "NH"
    assert _place("NLUTC") is None  # inland, left out
    assert _place("NLXXX") is None  # marked for deletion
    assert _place("NLRTM").name == "Rotterdam"  # an existing code is left as it is
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "place.imported"))
    assert entry.data["added"] == 6 and entry.data["filename"] == "nl.csv" and len(entry.data["sha256"]) == 64


def test_inland_places_on_request(app_ctx, admin_client):
    assert _upload(admin_client, GOOD_CSV, only_transport=False).status_code == 302
    assert _place("NLUTC").location_type == "inland"


def test_latin1_file(app_ctx, admin_client):
    text = ',"DE","ZZA","Müllheim-Baden Süd","Muellheim-Baden Sued","BW","RL","--3----B","0001",,,""\n'
    assert _upload(admin_client, text, encoding="latin-1").status_code == 302
    assert _place("DEZZA").name == "Müllheim-Baden Süd"


def test_one_bad_row_imports_nothing_and_names_the_line(app_ctx, admin_client):
    before = _count()
    lines = GOOD_CSV.splitlines()
    lines[2] = ',"NL","EE1","Eemshaven","Eemshaven","GR","AI","1-3-----","9501",,,""'  # line 3: bad location
    lines[4] = ',"QQ","ZEV","Zevenaar","Zevenaar","GE","RL","-23----B","0001",,,""'  # line 5: no such country
    response = _upload(admin_client, "\n".join(lines) + "\n")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 2 rows have errors" in page
    assert "Line 3" in page and "EE1" in page
    assert "Line 5" in page and "QQ" in page
    assert "Line 2" not in page
    assert _count() == before
    assert _place("NLAMS") is None


def test_duplicate_codes_in_the_file(app_ctx, admin_client):
    text = GOOD_CSV + ',"NL","AMS","Amsterdam again","Amsterdam again","NH","AI","1-------","0701",,,""\n'
    response = _upload(admin_client, text)
    assert response.status_code == 422
    assert "Line 13" in response.get_data(as_text=True) and "line 2" in response.get_data(as_text=True)
    assert _place("NLAMS") is None


def test_short_rows_and_bad_functions(app_ctx, admin_client):
    text = ',"NL","AMS","Amsterdam"\n,"NL","EEM","Eemshaven","Eemshaven","GR","AI","1-3","9501",,,""\n'
    page = _upload(admin_client, text).get_data(as_text=True)
    assert "Line 1" in page and "columns" in page
    assert "Line 2" in page and "function" in page


@pytest.mark.parametrize("filename, raw, message", [
    ("places.xlsx", b"PK\x03\x04 not a csv", "Only .csv files are accepted"),
    ("places.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
    ("places.csv", b"   \n", "The file is empty"),
    ("places.csv", b",\"NL\",,\".NETHERLANDS\",\".NETHERLANDS\",,,,,,,\n", "no UN/LOCODE rows"),
])
def test_uploads_that_are_not_a_code_list(app_ctx, admin_client, filename, raw, message):
    before = _count()
    response = _upload(admin_client, None, filename=filename, raw=raw)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count() == before


def test_size_limit(app, app_ctx, admin_client):
    app.config["VOCAB_IMPORT_MAX_BYTES"] = 200
    try:
        response = _upload(admin_client, GOOD_CSV)
    finally:
        app.config.pop("VOCAB_IMPORT_MAX_BYTES")
    assert response.status_code == 422
    assert "larger than" in response.get_data(as_text=True)
    assert _place("NLAMS") is None


def test_no_file(admin_client):
    response = admin_client.post("/admin/vocab/places/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a .csv file" in response.get_data(as_text=True)


def test_parser_reports_every_problem():
    result = parse_unlocode_csv(',"NL","A","X","X",,,"1-------",,,,\n,"NL","BBB","","",,,"1-------",,,,\n'
                                ',"NL","CCC","Ok","Ok","TOOLONG",,"1-------",,,,\n')
    assert set(result.errors.errors) == {"rows.1.location", "rows.2.name", "rows.3.subdivision"}


def test_import_page_explains_the_format(admin_client):
    page = admin_client.get("/admin/vocab/places/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="form-label" for="file"' in page
    assert "NameWoDiacritics" in page
