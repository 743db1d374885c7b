"""The administrators' mail log (the outbox without a mail server): listed, filtered, read, sent again from the
page and through the API; nobody else reads it."""
import re

import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.mail import MailMessage
from planner.core.notifications import notify
from planner.extensions import db
from planner.participants.services import invite
from tests.api.helpers import assert_error

RESPOND_BY = "2099-03-01"


def _invited(factory, mail_server, server="off"):
    op = factory.operation_in("planning")
    contact_point = factory.user("DE", "contact_point", name="Dana Invited")
    getattr(mail_server, server)()
    invite(factory.coordinator("LT"), op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.commit()
    message = db.session.scalar(select(MailMessage).where(MailMessage.user_id == contact_point.id))
    return op, contact_point, message


def _admin(factory):
    return factory.user("CCWP", "admin")


def test_the_outbox_page_lists_the_message_and_says_why(client, login, factory, mail_server):
    op, contact_point, message = _invited(factory, mail_server)
    assert message.status == "outbox"
    login(_admin(factory))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Outbox" in page and "PLANNER_MAIL_SERVER" in page and "sends no mail" in page
    assert f"Invitation: {op.reference} {op.code_name}" in page and contact_point.email in page
    assert f'href="/admin/mail/{message.id}"' in page
    menu = client.get("/operations").get_data(as_text=True)
    assert 'href="/admin/mail"' in menu


def test_the_log_filters_by_status_and_recipient_and_pages_by_fifty(client, login, factory, mail_server):
    users = [factory.user("DE", "officer", email=f"person{i}@de.example") for i in range(3)]
    mail_server.off()
    for i in range(52):
        notify([users[i % 3]], "test.bulk", f"Bulk message {i:02d}", "Body")
    db.session.commit()
    login(_admin(factory))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Page 1 of 2" in page and "Bulk message 51" in page and "Bulk message 00" not in page
    assert "Bulk message 00" in client.get("/admin/mail?page=2").get_data(as_text=True)
    only = client.get("/admin/mail?recipient=PERSON1@").get_data(as_text=True)
    assert "person1@de.example" in only and "person2@de.example" not in only and "17 messages" in only
    assert "No messages match." in client.get("/admin/mail?status=sent").get_data(as_text=True)
    assert "52 messages" in client.get("/admin/mail?status=outbox").get_data(as_text=True)
    bad = client.get("/admin/mail?status=lost")
    assert bad.status_code == 400 and "choose one of" in bad.get_data(as_text=True)
    assert client.get("/admin/mail?recipient=%25").status_code == 200  # a LIKE wildcard is just a character
    assert "No messages match." in client.get("/admin/mail?recipient=%25").get_data(as_text=True)


def test_the_message_page_shows_both_parts_safely(client, login, factory, mail_server):
    user = factory.user("DE", "contact_point")
    mail_server.off()
    notify([user], "test.hostile", "Look <script>alert(1)</script>", "Body <script>alert(2)</script>",
           link="/operations/1")
    db.session.commit()
    message = db.session.scalar(select(MailMessage).where(MailMessage.user_id == user.id))
    login(_admin(factory))
    for url in ("/admin/mail", f"/admin/mail/{message.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert '<pre class="border p-2 bg-light" id="text-part">' in page and "&lt;script&gt;alert(2)" in page
    assert f'<iframe sandbox src="/admin/mail/{message.id}/html"' in page
    part = client.get(f"/admin/mail/{message.id}/html")
    assert part.status_code == 200 and part.mimetype == "text/html"
    csp = part.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'self'" in csp and part.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert part.get_data(as_text=True) == message.html_body and "<script>" not in message.html_body
    assert client.get("/admin/mail/999999").status_code == 404


def test_an_admin_sends_a_message_again_from_the_page(client, login, factory, mail_server):
    op, contact_point, message = _invited(factory, mail_server, "up")
    assert len(mail_server.received(contact_point.email)) == 1
    admin = _admin(factory)
    login(admin)
    response = client.post(f"/admin/mail/{message.id}/resend")
    assert response.status_code == 302
    copy = db.session.scalar(select(MailMessage).where(MailMessage.resent_from_id == message.id))
    assert response.headers["Location"].endswith(f"/admin/mail/{copy.id}")
    db.session.expire_all()
    assert copy.status == "sent" and copy.subject == message.subject and copy.text_body == message.text_body
    assert copy.recipient == contact_point.email and copy.operation_id == op.id
    received = mail_server.received(contact_point.email)
    assert len(received) == 2 and received[0]["Subject"] == received[1]["Subject"]
    assert received[0]["Message-ID"] != received[1]["Message-ID"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.resent"))
    assert (entry.object_type, entry.object_id, entry.user_id) == ("mail_message", message.id, admin.id)
    assert entry.data["copy_id"] == copy.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The message was sent again to {contact_point.email}." in page
    assert f'href="/admin/mail/{message.id}"' in page  # "copy of"
    original = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "mail.resent" in original and f'href="/admin/mail/{copy.id}"' in original


def test_without_a_server_the_copy_stays_in_the_outbox(client, login, factory, mail_server):
    _op, _contact_point, message = _invited(factory, mail_server)
    login(_admin(factory))
    page = client.post(f"/admin/mail/{message.id}/resend", follow_redirects=True).get_data(as_text=True)
    assert "kept in the outbox" in page
    copy = db.session.scalar(select(MailMessage).where(MailMessage.resent_from_id == message.id))
    assert copy.status == "outbox"


def test_resend_needs_the_csrf_token(app, client, login, factory, mail_server):
    _op, _contact_point, message = _invited(factory, mail_server)
    login(_admin(factory))
    app.config["WTF_CSRF_ENABLED"] = True  # (the next test starts with it off again)
    assert client.post(f"/admin/mail/{message.id}/resend").status_code == 400
    assert db.session.scalar(select(MailMessage).where(MailMessage.resent_from_id == message.id)) is None
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/mail/{message.id}/resend", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(MailMessage).where(MailMessage.resent_from_id == message.id)) is not None


@pytest.mark.parametrize("role", ["secretariat", "coordinator", "contact_point", "officer", "observer"])
def test_nobody_but_admins_reads_or_resends_mail(client, login, api, factory, mail_server, role):
    _op, _contact_point, message = _invited(factory, mail_server)
    org = {"secretariat": "CCWP", "observer": "EUROPOL"}.get(role, "DE")
    user = factory.user(org, role)
    login(user)
    for url in ("/admin/mail", f"/admin/mail/{message.id}", f"/admin/mail/{message.id}/html"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/mail/{message.id}/resend").status_code == 403
    assert_error(api("GET", "/mail", user), 403)
    assert_error(api("GET", f"/mail/{message.id}", user), 403)
    assert_error(api("POST", f"/mail/{message.id}/resend", user, json={}), 403)
    assert 'href="/admin/mail"' not in client.get("/operations").get_data(as_text=True)
    assert db.session.scalar(select(MailMessage).where(MailMessage.resent_from_id == message.id)) is None


def test_the_api_lists_reads_and_resends(api, factory, mail_server):
    op, contact_point, message = _invited(factory, mail_server, "up")
    admin = _admin(factory)
    listed = api("GET", f"/mail?status=sent&recipient={contact_point.email.upper()}", admin)
    assert listed.status_code == 200, listed.get_json()
    body = listed.get_json()
    assert body["total"] == 1 and body["mail_server_configured"] is True
    [item] = body["items"]
    assert item["id"] == message.id and item["status"] == "sent" and item["kind"] == "participation.invited"
    assert "text_body" not in item
    one = api("GET", f"/mail/{message.id}", admin).get_json()
    assert one["subject"] == f"Invitation: {op.reference} {op.code_name}"
    assert "Dana Invited" in one["text_body"] and one["html_body"].startswith("<!doctype html>")
    assert_error(api("GET", "/mail?status=lost&per_page=0", admin), 422, "status", "per_page")
    assert_error(api("GET", "/mail/999999", admin), 404)

    resent = api("POST", f"/mail/{message.id}/resend", admin, json={})
    assert resent.status_code == 201, resent.get_json()
    copy = resent.get_json()
    assert copy["resent_from_id"] == message.id and copy["status"] == "queued"
    assert resent.headers["Location"].endswith(f"/api/v1/mail/{copy['id']}")
    assert api("GET", f"/mail/{copy['id']}", admin).get_json()["status"] == "sent"
    assert len(mail_server.received(contact_point.email)) == 2
    assert api("POST", f"/mail/{message.id}/resend", admin).status_code == 201  # no body at all is fine too
    assert_error(api("POST", f"/mail/{message.id}/resend", admin, json={"to": "x@example.org"}), 422, "to")
    assert_error(api("POST", f"/mail/{message.id}/resend", admin, scopes=("read",)), 403)
    assert len(mail_server.received(contact_point.email)) == 3


def test_mail_to_a_deactivated_account_is_not_sent_again_and_a_changed_address_is_used(client, login, factory):
    from planner.core.errors import TransitionRefused
    from planner.core.mail import resend

    admin = factory.user("CCWP", "admin")
    person = factory.user("PL", "contact_point")
    notify([person], "test.kind", "Subject", "Body")
    db.session.commit()
    message = db.session.scalars(select(MailMessage).where(MailMessage.user_id == person.id)).one()
    person.email = "new.address@pl.example"
    db.session.commit()
    assert resend(message, admin).recipient == "new.address@pl.example"
    db.session.commit()
    person.is_active_account = False
    db.session.commit()
    with pytest.raises(TransitionRefused):
        resend(message, admin)
    db.session.rollback()
    login(admin)
    answer = client.post(f"/admin/mail/{message.id}/resend", follow_redirects=True)
    assert "deactivated" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MailMessage.id)).where(MailMessage.user_id == person.id)) == 2
