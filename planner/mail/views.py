"""The administrators' mail log (the outbox when no mail server is configured): every message, newest first,
filtered and paged in the database; one message with its text and HTML parts; send one again.
Thin: load-or-404, one service call, redirect."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.errors import PlannerError
from planner.core.mail import MailStatus, mail_server_configured, resend
from planner.core.permissions import requires
from planner.extensions import db
from planner.mail.forms import ResendForm
from planner.mail.queries import (
    FILTER_LABELS, PAGE_SIZE, get_visible_mail_message, history_of, mail_log_page, parse_mail_filters, resends_of,
)

bp = Blueprint("mail", __name__)

# The HTML part of a message is somebody's mail, shown in a sandboxed frame of the message page: no script, no
# form, no request anywhere; its inline styles only.
HTML_PART_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@bp.route("/admin/mail")
@requires("admin.mail")
def index():
    values, errors = parse_mail_filters(request.args)
    messages, total, page, pages = [], 0, 1, 1
    if not errors:
        messages, total, page, pages = mail_log_page(
            current_user, values["status"] or None, values["recipient"] or None,
            page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE,
        )
    return render_template(
        "mail/index.html", messages=messages, total=total, page=page, pages=pages, values=values,
        errors=errors.errors, labels=FILTER_LABELS, statuses=list(MailStatus),
        filter_args={k: v for k, v in values.items() if v}, smtp=mail_server_configured(),
        mail_server=current_app.config.get("MAIL_SERVER"), resend_form=ResendForm(),
    ), 400 if errors else 200


@bp.route("/admin/mail/<int:message_id>")
@requires("admin.mail")
def show(message_id):
    message = get_visible_mail_message(current_user, message_id)
    return render_template(
        "mail/show.html", message=message, resends=resends_of(message), history=history_of(message),
        smtp=mail_server_configured(), sender=current_app.config.get("MAIL_SENDER"), resend_form=ResendForm(),
    )


@bp.route("/admin/mail/<int:message_id>/html")
@requires("admin.mail")
def html_part(message_id):
    """The message's HTML part on its own, for the frame of the message page."""
    message = get_visible_mail_message(current_user, message_id)
    response = Response(message.html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_PART_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/admin/mail/<int:message_id>/resend", methods=["POST"])
@requires("admin.mail")
def resend_message(message_id):
    message = get_visible_mail_message(current_user, message_id)
    if not ResendForm().validate_on_submit():
        abort(400)
    try:
        copy = resend(message, current_user)
    except PlannerError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("mail.show", message_id=message.id))
    db.session.commit()  # the copy goes out now, after the commit
    status = copy.status  # reloaded: the delivery stamped it in a transaction of its own
    if status == MailStatus.SENT.value:
        flash(_("The message was sent again to %(to)s.", to=copy.recipient), "success")
    elif status == MailStatus.OUTBOX.value:
        flash(_("No mail server is configured: the copy for %(to)s is kept in the outbox.", to=copy.recipient),
              "warning")
    elif status == MailStatus.FAILED.value:
        flash(_("The copy for %(to)s could not be sent: %(error)s. It will be tried again.", to=copy.recipient,
                error=copy.last_error or ""), "error")
    else:
        flash(_("The copy for %(to)s is queued.", to=copy.recipient), "success")
    return redirect(url_for("mail.show", message_id=copy.id))
