"""Mail goes out through a real SMTP server after the commit, lands in the outbox without one, is never sent by
a rolled-back transaction, survives a server that is down (the request still succeeds; the scheduler job sends it
later, once) and keeps hostile text out of the HTML part."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.core.clock import utcnow
from planner.core.mail import MAX_ATTEMPTS, MailMessage, deliver_queued_mail, send_messages
from planner.core.notifications import Notification, notify
from planner.extensions import db
from planner.participants.services import invite
from tests.mail.conftest import BASE_URL, SENDER

RESPOND_BY = "2099-03-01"


def _messages_to(user):
    db.session.expire_all()  # the delivery stamps rows in transactions of its own
    return db.session.scalars(select(MailMessage).where(MailMessage.user_id == user.id).order_by(MailMessage.id)).all()


def _invite_de(factory, name="Dana Invited"):
    op = factory.operation_in("planning")
    contact_point = factory.user("DE", "contact_point", name=name)
    return op, contact_point


def test_an_invitation_is_mailed_after_its_commit_with_text_and_html(factory, mail_server):
    op, contact_point = _invite_de(factory)
    mail_server.up()
    invite(factory.coordinator("LT"), op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.flush()
    queued = _messages_to(contact_point)
    assert [m.status for m in queued] == ["queued"]
    assert mail_server.received(contact_point.email) == []  # nothing before the commit

    db.session.commit()

    [envelope] = mail_server.envelopes(contact_point.email)
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == [contact_point.email]
    [received] = mail_server.received(contact_point.email)
    subject = f"Invitation: {op.reference} {op.code_name}"
    assert received["Subject"] == subject
    assert received["To"] == contact_point.email and received["From"] == SENDER
    assert received["Message-ID"] and received["Date"] and received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    link = f"{BASE_URL}/operations/{op.id}/invitation"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Hello Dana Invited," in text and subject in text and link in text
    assert f"invites DE to take part in {op.code_name}" in text and "2099-03-01" in text
    assert "Joint Operations Planner" in text
    assert "Hello Dana Invited," in html and f'href="{link}"' in html and subject in html
    assert "<script" not in html and "http://" not in html.replace(BASE_URL, "")  # nothing external

    [message] = _messages_to(contact_point)
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert message.last_error is None and message.recipient == contact_point.email
    assert message.kind == "participation.invited" and message.operation_id == op.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == contact_point.id))
    assert message.notification_id == note.id
    assert deliver_queued_mail() == 0  # nothing left to send
    assert len(mail_server.received(contact_point.email)) == 1


def test_without_a_mail_server_the_message_stays_in_the_outbox(factory, mail_server):
    op, contact_point = _invite_de(factory)
    mail_server.off()
    invite(factory.coordinator("LT"), op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.commit()
    [message] = _messages_to(contact_point)
    assert message.status == "outbox" and message.attempts == 0 and message.sent_at is None
    assert f"{BASE_URL}/operations/{op.id}/invitation" in message.text_body
    assert deliver_queued_mail() == 0  # the job sends nothing either
    assert _messages_to(contact_point)[0].status == "outbox"


def test_a_rolled_back_change_sends_nothing(factory, mail_server):
    op, contact_point = _invite_de(factory)
    mail_server.up()
    invite(factory.coordinator("LT"), op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.rollback()
    factory.user("FR", "officer")  # a later commit must not send what was rolled back
    assert _messages_to(contact_point) == []
    assert mail_server.received(contact_point.email) == []


def test_a_refused_api_request_sends_nothing(api, factory, mail_server):
    op, contact_point = _invite_de(factory)
    mail_server.up()
    response = api("POST", f"/operations/{op.id}/invitations", factory.coordinator("LT"),
                   json={"organisations": ["DE", "XX"], "respond_by": RESPOND_BY})
    assert response.status_code == 422
    assert _messages_to(contact_point) == [] and mail_server.received(contact_point.email) == []


def test_a_server_that_is_down_fails_nothing_and_the_job_sends_the_message_later_once(api, factory, mail_server):
    op, contact_point = _invite_de(factory)
    mail_server.down()
    response = api("POST", f"/operations/{op.id}/invitations", factory.coordinator("LT"),
                   json={"organisations": ["DE"], "respond_by": RESPOND_BY})
    assert response.status_code == 201, response.get_json()  # the request succeeds all the same
    [message] = _messages_to(contact_point)
    assert message.status == "failed" and message.attempts == 1 and message.sent_at is None
    assert "refused" in message.last_error.lower()

    assert deliver_queued_mail() == 0  # too soon: a failed message waits before the next try
    mail_server.up()
    later = utcnow() + timedelta(minutes=6)
    assert deliver_queued_mail(now=later) == 1
    assert deliver_queued_mail(now=later) == 0  # run twice: still sent once
    assert deliver_queued_mail(now=later + timedelta(hours=1)) == 0
    [received] = mail_server.received(contact_point.email)
    assert received["Subject"] == f"Invitation: {op.reference} {op.code_name}"
    [message] = _messages_to(contact_point)
    assert message.status == "sent" and message.attempts == 2 and message.last_error is None


def test_a_failing_message_is_tried_at_most_five_times(factory, mail_server):
    user = factory.user("DE", "contact_point")
    mail_server.down()
    notify([user], "test.failing", "Never arrives", "Body")
    db.session.commit()
    now = utcnow()
    for _attempt in range(MAX_ATTEMPTS + 2):
        now += timedelta(hours=2)
        deliver_queued_mail(now=now)
    [message] = _messages_to(user)
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    mail_server.up()
    assert deliver_queued_mail(now=now + timedelta(days=1)) == 0  # given up: an administrator may resend it
    assert mail_server.received(user.email) == []


def test_a_message_claimed_by_another_process_is_not_sent_again(factory, mail_server):
    user = factory.user("DE", "contact_point")
    mail_server.off()
    notify([user], "test.claimed", "Claimed elsewhere", "Body")
    db.session.commit()
    [message] = _messages_to(user)
    # Another process has claimed it and is sending it right now.
    claimed_at = utcnow()
    message.status, message.attempts, message.last_attempt_at = "sending", 1, claimed_at
    db.session.commit()
    mail_server.up()
    assert send_messages([message.id]) == 0
    assert deliver_queued_mail(now=claimed_at + timedelta(minutes=5)) == 0
    assert mail_server.received(user.email) == []
    # That process died without stamping it: after a while the claim is taken again, and it goes out once.
    assert deliver_queued_mail(now=claimed_at + timedelta(minutes=20)) == 1
    assert deliver_queued_mail(now=claimed_at + timedelta(minutes=40)) == 0
    assert len(mail_server.received(user.email)) == 1
    assert _messages_to(user)[0].status == "sent"


def test_hostile_text_is_escaped_in_the_html_part(factory, mail_server):
    user = factory.user("DE", "contact_point", name="Eve <b>Bold</b>")
    mail_server.up()
    notify([user], "test.hostile", 'Look <script>alert("s")</script>\r\nBcc: victim@example.org',
           'Body <script>alert("b")</script> & <img src=x onerror=alert(1)>\n\nSecond paragraph',
           link='/operations/1"><script>alert(1)</script>')
    db.session.commit()
    [received] = mail_server.received(user.email)
    assert received["Bcc"] is None  # no header injection through the subject
    assert "\n" not in received["Subject"] and "Bcc: victim@example.org" in received["Subject"]
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<script" not in html and "<img" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&#34;b&#34;)&lt;/script&gt;" in html and "Eve &lt;b&gt;Bold&lt;/b&gt;" in html
    assert "Second paragraph" in html
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert 'Body <script>alert("b")</script>' in text  # text is text: shown as written, never run


def test_mail_is_rendered_from_the_named_template_with_extra_values(factory, mail_server):
    user = factory.user("DE", "contact_point", name="Tom Template")
    mail_server.off()
    notify([user], "test.template", "Subject", "Body", template="notification", context={"recipient_name": "T."})
    db.session.commit()
    [message] = _messages_to(user)
    assert "Hello T.," in message.text_body and "Hello T.," in message.html_body
    with pytest.raises(ValueError):
        notify([factory.user("DE", "officer")], "test.template", "S", "B", template="../base")
    db.session.rollback()


def test_inactive_users_and_service_accounts_get_no_mail(factory, mail_server):
    user = factory.user("DE", "contact_point")
    user.is_active_account = False
    db.session.commit()
    mail_server.up()
    notify([user], "test.inactive", "Subject", "Body")
    db.session.commit()
    assert _messages_to(user) == [] and mail_server.received() == []
