"""Attachments of seizures and warnings: checked by content, stored by hash outside the database, served only to
those who see the record, through the pages and the API."""
import hashlib
import io
import itertools
import logging
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.messages.models import WarningAddressee, WarningMessage
from planner.results.attachments import blob_path, detect_content_type, safe_filename
from planner.results.models import Attachment
from planner.results.services import create_seizure
from planner.core.errors import ValidationError
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.results.conftest import seizure_data

_n = itertools.count(1)


# --- files ------------------------------------------------------------------------------------------------

def jpeg_bytes():
    """A real JPEG (Pillow), different at every call so that each test has its own file on disk."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8 + next(_n), 6), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (5 + next(_n), 4), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def pdf_bytes():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, f"Scanned bill of lading {next(_n)}")
    pdf.save()
    return buf.getvalue()


def _chunk(kind, data):
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<rect width="10" height="10"/></svg>')


def storage_files(app):
    root = Path(app.config["INSTANCE_DIR"]) / "attachments"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- the world of these tests -------------------------------------------------------------------------------

@pytest.fixture
def world(factory, running):
    """PL records a submitted seizure (shared with EU Member States by default, not with third countries or
    agencies) and a draft; the users who meet them."""
    users = {
        "pl_officer": factory.user("PL", "officer"),
        "pl_analyst": factory.user("PL", "analyst"),
        "lead": factory.coordinator("LT"),
        "lead_officer": factory.user("LT", "officer"),
        "nl": factory.user("NL", "contact_point"),
        "ua": factory.user("UA", "contact_point"),
        "observer": factory.user("EUROPOL", "observer"),
        "outsider": factory.coordinator("FR"),
        "secretariat": factory.secretariat(),
    }
    submitted = create_seizure(users["pl_officer"], running, seizure_data(country="PL", status="submitted"))
    draft = create_seizure(users["pl_officer"], running, seizure_data(country="PL", status="draft"))
    db.session.commit()
    return {"op": running, "users": users, "seizure": submitted, "draft": draft}


def _page_upload(client, op, seizure, content, name, mimetype="application/octet-stream", **extra):
    data = {"file": (io.BytesIO(content), name, mimetype), **extra}
    return client.post(f"/operations/{op.id}/seizures/{seizure.id}/attachments", data=data,
                       content_type="multipart/form-data")


def _api_upload(api, path, user, content, name, mimetype="application/octet-stream", scopes=("read", "write")):
    return api("POST", path, user, data={"file": (io.BytesIO(content), name, mimetype)},
               content_type="multipart/form-data", scopes=scopes)


def _attachment_count():
    return db.session.scalar(select(func.count()).select_from(Attachment))


# --- the content check ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make,name,expected", [
    (jpeg_bytes, "seal.jpg", "image/jpeg"), (png_bytes, "x-ray.png", "image/png"),
    (pdf_bytes, "bill of lading.pdf", "application/pdf"),
])
def test_jpeg_png_and_pdf_are_accepted_and_read_back_identical(app, world, login, client, make, name, expected):
    op, seizure, officer = world["op"], world["seizure"], world["users"]["pl_officer"]
    content = make()
    login(officer)
    response = _page_upload(client, op, seizure, content, name, mimetype="text/plain")  # the header is ignored
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/operations/{op.id}/seizures/{seizure.id}#attachments")
    attachment = db.session.scalar(select(Attachment))
    sha = hashlib.sha256(content).hexdigest()
    assert (attachment.content_type, attachment.size, attachment.sha256) == (expected, len(content), sha)
    assert (attachment.seizure_id, attachment.warning_id, attachment.filename) == (seizure.id, None, name)
    assert attachment.organisation_id == officer.organisation_id and attachment.uploaded_by_id == officer.id
    assert blob_path(sha).read_bytes() == content  # outside the database, under its hash
    assert blob_path(sha).relative_to(Path(app.config["INSTANCE_DIR"])).parts == ("attachments", sha[:2], sha)

    download = client.get(f"/operations/{op.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == expected
    assert download.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(download.data).hexdigest() == sha

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.added"))
    assert (entry.object_type, entry.object_id, entry.operation_id) == ("seizure", seizure.id, op.id)
    assert entry.data["sha256"] == sha and entry.data["size"] == len(content) and entry.data["filename"] == name


@pytest.mark.parametrize("content,name,problem", [
    (HTML, "photo.jpg", "text markup (HTML, SVG or XML)"),
    (SVG, "x-ray.png", "text markup (HTML, SVG or XML)"),
    (b"MZ\x90\x00 an executable", "scan.pdf", "is not a JPEG image, a PNG image or a PDF document"),
    ("truncated_png", "x-ray.png", "The PNG image is incomplete or damaged"),
    ("pdf_without_eof", "scan.pdf", "no end-of-file marker (%%EOF)"),
    ("truncated_jpeg", "seal.jpg", "The JPEG image is incomplete or damaged"),
    (b"", "empty.jpg", "The file is empty."),
])
def test_hostile_or_broken_files_are_refused_and_nothing_is_stored(app, world, login, client, api, content, name,
                                                                   problem):
    if content == "truncated_png":
        content = png_bytes()[:-20]
    elif content == "pdf_without_eof":
        content = pdf_bytes().replace(b"%%EOF", b"%%END")
    elif content == "truncated_jpeg":
        content = jpeg_bytes()[:-40]
    op, seizure, officer = world["op"], world["seizure"], world["users"]["pl_officer"]
    before = storage_files(app)

    body = assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, name,
                                    mimetype="image/jpeg"), 422, "file")
    assert problem in body["errors"]["file"][0] and problem in body["error"]

    login(officer)
    response = _page_upload(client, op, seizure, content, name, mimetype="image/jpeg")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file was refused" in page and problem in page

    assert _attachment_count() == 0 and storage_files(app) == before
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.added")) is None


def test_a_file_over_the_configured_size_is_refused_before_it_is_stored(app, world, api, login, client,
                                                                        monkeypatch):
    from planner.config import Config

    assert Config().PLANNER_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024  # the default
    content = jpeg_bytes()
    monkeypatch.setitem(app.config, "PLANNER_ATTACHMENT_MAX_BYTES", len(content) - 1)
    before = storage_files(app)
    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    body = assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "big.jpg"),
                        422, "file")
    assert "larger than the limit" in body["errors"]["file"][0]
    login(officer)
    page = client.get(_page_upload(client, world["op"], seizure, content, "big.jpg").headers["Location"])
    assert "larger than the limit" in page.get_data(as_text=True)
    assert _attachment_count() == 0 and storage_files(app) == before
    monkeypatch.setitem(app.config, "PLANNER_ATTACHMENT_MAX_BYTES", len(content))  # exactly the limit: accepted
    assert _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "big.jpg").status_code == 201


def test_the_content_decides_the_type_never_the_name_or_the_header(world, api):
    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    content = png_bytes()
    response = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "photo.jpg",
                           mimetype="image/jpeg")
    assert response.status_code == 201
    body = response.get_json()
    assert body["content_type"] == "image/png" and body["filename"] == "photo.jpg.png"
    served = api("GET", body["download_url"].removeprefix("/api/v1"), officer)
    assert served.mimetype == "image/png" and served.data == content
    assert served.headers["Content-Disposition"] == "attachment; filename*=UTF-8''photo.jpg.png"


def test_structural_checks_of_each_type():
    png = png_bytes()
    assert detect_content_type(png) == "image/png"
    assert detect_content_type(png + b"\0\0\0") == "image/png"  # zero padding is harmless
    signature, ihdr = png[:8], png[8:33]
    with pytest.raises(ValidationError, match="IHDR"):  # IHDR must come first
        detect_content_type(signature + _chunk(b"tEXt", b"Comment\0hi") + png[8:])
    with pytest.raises(ValidationError, match="checksum"):
        detect_content_type(png[:30] + bytes([png[30] ^ 0xFF]) + png[31:])
    with pytest.raises(ValidationError, match="after its IEND"):  # a file appended behind the image
        detect_content_type(png + b"PK\x03\x04 a zip")
    with pytest.raises(ValidationError, match="before its IEND"):
        detect_content_type(signature + ihdr)
    jpeg = jpeg_bytes()
    assert detect_content_type(jpeg + b"\0" * 16) == "image/jpeg"
    with pytest.raises(ValidationError, match="JPEG end marker"):
        detect_content_type(jpeg + b"<html>")
    pdf = pdf_bytes()
    assert detect_content_type(pdf) == "application/pdf"
    with pytest.raises(ValidationError, match="%%EOF"):  # %%EOF far from the end does not count
        detect_content_type(pdf + b"\n%" + b"x" * 2000)
    with pytest.raises(ValidationError, match="version"):
        detect_content_type(b"%PDF-<html>" + pdf[8:])
    with pytest.raises(ValidationError, match="markup"):
        detect_content_type(b"\xef\xbb\xbf  \n<svg/>")


def test_only_a_safe_display_name_is_kept():
    assert safe_filename("../../etc/passwd.png", "image/png") == "passwd.png"
    assert safe_filename("C:\\Users\\agent\\Desktop\\seal 1.JPG", "image/jpeg") == "seal 1.JPG"
    assert safe_filename("invoice\u202egpj.pdf", "application/pdf") == "invoicegpj.pdf"  # right-to-left override
    assert safe_filename("line\r\nbreak\x00.pdf", "application/pdf") == "linebreak.pdf"
    assert safe_filename("page.html", "application/pdf") == "page.html.pdf"
    assert safe_filename("", "image/png") == "attachment.png"
    assert safe_filename("...", "image/png") == "attachment.png"
    assert safe_filename(None, "image/png") == "attachment.png"
    long = safe_filename("x" * 300 + ".jpeg", "image/jpeg")
    assert len(long) == 200 and long.endswith(".jpeg")


def test_the_filename_is_escaped_on_the_page_and_quoted_in_the_download(world, api, login, client):
    op, seizure, officer = world["op"], world["seizure"], world["users"]["pl_officer"]
    path = f"/seizures/{seizure.id}/attachments"
    cut = _api_upload(api, path, officer, pdf_bytes(), "<script>alert(1)</script>.pdf").get_json()
    assert cut["filename"] == "script>.pdf"  # a slash is a path separator: only the last part is kept
    name = "<img src=x onerror=alert(1)> =HYPERLINK(1) été.pdf"
    response = _api_upload(api, path, officer, pdf_bytes(), name)
    assert response.status_code == 201 and response.get_json()["filename"] == name
    login(officer)
    page = client.get(f"/operations/{op.id}/seizures/{seizure.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    download = client.get(f"/operations/{op.id}/attachments/{response.get_json()['id']}")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''") and '"' not in disposition
    assert disposition.endswith("%C3%A9t%C3%A9.pdf") and " " not in disposition.split("''", 1)[1]


def test_the_same_bytes_are_stored_once_and_each_upload_is_its_own_row(app, world, api):
    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    content = jpeg_bytes()
    before = storage_files(app)
    first = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "front.jpg").get_json()
    second = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "again.jpg").get_json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert storage_files(app) - before == {blob_path(first["sha256"])}
    assert not [p for p in blob_path(first["sha256"]).parent.iterdir() if p.name.startswith(".upload-")]
    listed = api("GET", f"/seizures/{seizure.id}/attachments", officer).get_json()["items"]
    assert [a["filename"] for a in listed] == ["front.jpg", "again.jpg"]


# --- the API -----------------------------------------------------------------------------------------------------

def test_the_api_answers_with_the_attachment_and_lists_it(world, api):
    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    content = pdf_bytes()
    response = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "bill.pdf")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "filename", "content_type", "size", "sha256", "uploaded_at", "organisation",
                         "download_url"}
    assert body == {**body, "filename": "bill.pdf", "content_type": "application/pdf", "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(), "organisation": "PL",
                    "uploaded_at": "2026-05-10T12:00:00+00:00", "download_url": f"/api/v1/attachments/{body['id']}"}
    assert response.headers["Location"].endswith(body["download_url"])
    assert api("GET", f"/seizures/{seizure.id}/attachments", officer).get_json() == {"items": [body]}
    served = api("GET", f"/attachments/{body['id']}", officer)
    assert served.status_code == 200 and served.data == content and served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and served.headers["Cache-Control"] == "no-store"


def test_the_api_wants_one_file_in_a_multipart_body(world, api):
    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    path = f"/seizures/{seizure.id}/attachments"
    assert_error(api("POST", path, officer, json={"file": "aGVsbG8="}), 400)
    assert_error(api("POST", path, officer, data={"note": "x"}, content_type="multipart/form-data"), 422,
                 "file", "note")
    two = {"file": [(io.BytesIO(jpeg_bytes()), "a.jpg"), (io.BytesIO(jpeg_bytes()), "b.jpg")]}
    assert_error(api("POST", path, officer, data=two, content_type="multipart/form-data"), 422, "file")
    assert_error(_api_upload(api, path, officer, jpeg_bytes(), "a.jpg", scopes=("read",)), 403)
    assert _api_upload(api, path, officer, jpeg_bytes(), "a.jpg", scopes=("read", "write_results")).status_code == 201
    assert _attachment_count() == 1


# --- who may see ---------------------------------------------------------------------------------------------

SEES_SUBMITTED = {"pl_officer": True, "pl_analyst": True, "lead": True, "lead_officer": True, "nl": True,
                  "ua": False, "observer": False, "outsider": False, "secretariat": False}


def test_downloads_follow_the_visibility_of_the_record(world, api, login, client):
    op, seizure = world["op"], world["seizure"]
    content = jpeg_bytes()
    attachment_id = _api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["pl_officer"], content,
                                "seal.jpg").get_json()["id"]
    for who, sees in SEES_SUBMITTED.items():
        user = world["users"][who]
        expected = 200 if sees else 404
        served = api("GET", f"/attachments/{attachment_id}", user)
        assert served.status_code == expected, (who, served.status_code)
        assert (served.data == content) is sees
        assert api("GET", f"/seizures/{seizure.id}/attachments", user).status_code == expected, who
        login(user)
        page = client.get(f"/operations/{op.id}/attachments/{attachment_id}")
        assert page.status_code == expected, (who, page.status_code)
        assert (page.data == content) is sees
        # the attachment id under another operation is not found either
        other = op.id + 1000
        assert client.get(f"/operations/{other}/attachments/{attachment_id}").status_code == 404


def test_consent_opens_the_record_and_its_attachments_to_a_third_country_and_agencies(factory, running, api):
    officer = factory.user("PL", "officer")
    seizure = create_seizure(officer, running, seizure_data(country="PL", status="submitted",
                                                            share_with_third_countries=True,
                                                            share_with_agencies=True))
    db.session.commit()
    body = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, png_bytes(), "x.png").get_json()
    for user in (factory.user("UA", "contact_point"), factory.user("EUROPOL", "observer"), factory.secretariat()):
        assert api("GET", f"/attachments/{body['id']}", user).status_code == 200, user.email


def test_a_draft_seizures_attachment_is_invisible_to_the_lead(world, api, login, client):
    op, draft, officer = world["op"], world["draft"], world["users"]["pl_officer"]
    created = _api_upload(api, f"/seizures/{draft.id}/attachments", officer, jpeg_bytes(), "draft.jpg")
    assert created.status_code == 201
    attachment_id = created.get_json()["id"]
    assert api("GET", f"/attachments/{attachment_id}", officer).status_code == 200
    lead = world["users"]["lead"]
    assert_error(api("GET", f"/attachments/{attachment_id}", lead), 404)
    assert_error(api("GET", f"/seizures/{draft.id}/attachments", lead), 404)
    login(lead)
    assert client.get(f"/operations/{op.id}/attachments/{attachment_id}").status_code == 404


# --- who may add ------------------------------------------------------------------------------------------------

def test_another_organisation_cannot_attach_to_a_record(app, world, api, login, client):
    op, seizure = world["op"], world["seizure"]
    before = storage_files(app)
    body = assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["lead"],
                                    jpeg_bytes(), "mine.jpg"), 403)
    assert "reporting administration" in body["error"]
    assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["nl"], jpeg_bytes(),
                             "mine.jpg"), 403)
    # who does not see the record is not told it exists
    assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["ua"], jpeg_bytes(),
                             "mine.jpg"), 404)
    assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["outsider"],
                             jpeg_bytes(), "mine.jpg"), 404)
    # an analyst of the reporting administration reads but does not report
    assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", world["users"]["pl_analyst"],
                             jpeg_bytes(), "mine.jpg"), 403)
    login(world["users"]["lead"])
    assert _page_upload(client, op, seizure, jpeg_bytes(), "mine.jpg").status_code == 403
    login(world["users"]["ua"])
    assert _page_upload(client, op, seizure, jpeg_bytes(), "mine.jpg").status_code == 404
    assert _attachment_count() == 0 and storage_files(app) == before


def test_a_withdrawn_record_takes_no_more_attachments(world, api):
    from planner.results.services import withdraw_seizure

    seizure, officer = world["seizure"], world["users"]["pl_officer"]
    withdraw_seizure(officer, seizure, "Recorded twice.", seizure.version)
    db.session.commit()
    body = assert_error(_api_upload(api, f"/seizures/{seizure.id}/attachments", officer, jpeg_bytes(), "a.jpg"),
                        403)
    assert body["error"]
    assert _attachment_count() == 0


def test_the_page_upload_needs_its_csrf_token(app, world, login, client, monkeypatch):
    login(world["users"]["pl_officer"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = storage_files(app)
    response = _page_upload(client, world["op"], world["seizure"], jpeg_bytes(), "a.jpg")
    assert response.status_code == 400
    assert _attachment_count() == 0 and storage_files(app) == before


def test_the_page_asks_for_a_file_when_none_was_chosen(world, login, client):
    op, seizure = world["op"], world["seizure"]
    login(world["users"]["pl_officer"])
    response = client.post(f"/operations/{op.id}/seizures/{seizure.id}/attachments",
                           data={"file": (io.BytesIO(b""), "")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert "Choose a file to upload." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _attachment_count() == 0


def test_the_page_returns_to_a_page_of_the_operation_only(world, login, client):
    op, seizure = world["op"], world["seizure"]
    login(world["users"]["pl_officer"])
    back = f"/operations/{op.id}/seizures/{seizure.id}"
    response = _page_upload(client, op, seizure, jpeg_bytes(), "a.jpg", back_to=back + "?tab=x")
    assert response.headers["Location"].endswith(back + "?tab=x#attachments")
    for hostile in ("https://evil.example/", "//evil.example/operations/1/", f"/operations/{op.id + 1}/x",
                    "/\\evil.example"):
        response = _page_upload(client, op, seizure, jpeg_bytes(), "a.jpg", back_to=hostile)
        assert response.headers["Location"].endswith(back + "#attachments"), hostile


def test_the_seizure_page_lists_attachments_and_offers_the_form_to_its_editors(world, api, login, client):
    op, seizure = world["op"], world["seizure"]
    officer = world["users"]["pl_officer"]
    body = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, pdf_bytes(), "manifest.pdf").get_json()
    login(officer)
    page = client.get(f"/operations/{op.id}/seizures/{seizure.id}").get_data(as_text=True)
    assert 'id="attachments"' in page and "manifest.pdf" in page and "PDF document" in page
    assert f'href="/operations/{op.id}/attachments/{body["id"]}"' in page
    assert officer.name in page and "(PL)" in page
    assert 'id="attachment-upload"' in page and 'enctype="multipart/form-data"' in page
    assert '<label class="form-label" for="file">' in page and "at most 10.0 MB" in page
    login(world["users"]["lead"])
    page = client.get(f"/operations/{op.id}/seizures/{seizure.id}").get_data(as_text=True)
    assert "manifest.pdf" in page and 'id="attachment-upload"' not in page


# --- integrity -------------------------------------------------------------------------------------------------

def test_a_tampered_or_missing_file_is_refused_and_logged(world, api, login, client, caplog):
    op, seizure, officer = world["op"], world["seizure"], world["users"]["pl_officer"]
    content = jpeg_bytes()
    body = _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "seal.jpg").get_json()
    path = blob_path(body["sha256"])
    path.write_bytes(content[:-2] + b"<script>alert(1)</script>\xff\xd9")
    login(officer)
    with caplog.at_level(logging.ERROR, logger="planner.results.attachments"):
        page = client.get(f"/operations/{op.id}/attachments/{body['id']}")
        served = api("GET", f"/attachments/{body['id']}", officer)
    assert page.status_code == 409 and b"<script>alert(1)" not in page.data
    assert "does not match its fingerprint" in page.get_data(as_text=True)
    assert_error(served, 409)
    assert "does not match its fingerprint" in served.get_json()["error"]
    assert any("does not match its SHA-256" in r.getMessage() and str(body["id"]) in r.getMessage()
               for r in caplog.records)
    path.unlink()
    assert_error(api("GET", f"/attachments/{body['id']}", officer), 409)
    # the same bytes uploaded again put the right file back in place
    assert _api_upload(api, f"/seizures/{seizure.id}/attachments", officer, content, "seal.jpg").status_code == 201
    assert api("GET", f"/attachments/{body['id']}", officer).data == content


# --- warnings ----------------------------------------------------------------------------------------------------

@pytest.fixture
def warning(world, factory):
    """W-1 from PL to NL, built directly."""
    op = world["op"]
    sender = world["users"]["pl_officer"]
    row = WarningMessage(operation_id=op.id, number=1, sender_organisation_id=sender.organisation_id,
                         sender_id=sender.id, subject="Container MSCU1234565", profile_type="container",
                         urgency="urgent", profile={"container_number": "MSCU1234565"})
    row.addressees = [WarningAddressee(organisation_id=factory.org("NL").id)]
    db.session.add(row)
    db.session.commit()
    return row


def test_warnings_take_attachments_from_their_sender_and_addressees(world, warning, api, login, client):
    op, users = world["op"], world["users"]
    path = f"/warnings/{warning.id}/attachments"
    from_nl = _api_upload(api, path, users["nl"], jpeg_bytes(), "container.jpg")
    assert from_nl.status_code == 201 and from_nl.get_json()["organisation"] == "NL"
    login(users["pl_officer"])
    content = pdf_bytes()
    page = f"/operations/{op.id}/messages/{warning.id}"
    response = client.post(f"{page}/attachments", data={"file": (io.BytesIO(content), "profile.pdf"), "back_to": page},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{page}#attachments")
    response = client.post(f"{page}/attachments", data={"file": (io.BytesIO(content), "again.pdf")},
                           content_type="multipart/form-data")  # without a page to return to: the warning's
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{page}#attachments")
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(r.warning_id, r.seizure_id, r.filename) for r in rows] == [
        (warning.id, None, "container.jpg"), (warning.id, None, "profile.pdf"), (warning.id, None, "again.pdf")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.added",
                                                       AuditEntry.object_type == "warning").limit(1))
    assert entry.object_id == warning.id
    # the lead's coordinator sees the warning but neither sent nor received it
    assert_error(_api_upload(api, path, users["lead"], jpeg_bytes(), "x.jpg"), 403)
    for who in ("ua", "lead_officer", "observer", "outsider"):  # they do not see the warning at all
        assert_error(_api_upload(api, path, users[who], jpeg_bytes(), "x.jpg"), 404)
    assert _attachment_count() == 3
    login(users["nl"])  # the warning's page lists them, with the form for an addressee
    shown = client.get(page).get_data(as_text=True)
    assert "container.jpg" in shown and "profile.pdf" in shown and 'id="attachment-upload"' in shown


def test_warning_attachments_are_served_to_those_who_see_the_warning(world, warning, api, login, client):
    op, users = world["op"], world["users"]
    content = png_bytes()
    body = _api_upload(api, f"/warnings/{warning.id}/attachments", users["pl_officer"], content, "x.png").get_json()
    sees = {"pl_officer": True, "pl_analyst": True, "nl": True, "lead": True, "lead_officer": False, "ua": False,
            "observer": False, "outsider": False, "secretariat": False}
    for who, visible in sees.items():
        expected = 200 if visible else 404
        assert api("GET", f"/attachments/{body['id']}", users[who]).status_code == expected, who
        listed = api("GET", f"/warnings/{warning.id}/attachments", users[who])
        assert listed.status_code == expected, who
        if visible:
            assert [a["sha256"] for a in listed.get_json()["items"]] == [hashlib.sha256(content).hexdigest()]
        login(users[who])
        page = client.get(f"/operations/{op.id}/attachments/{body['id']}")
        assert page.status_code == expected and (page.data == content) is visible, who
