"""`Idempotency-Key` on API POSTs: a retried request with the same key gets the answer of the first one and
changes nothing; the same key with a different request is refused (a client bug, never a silent replay).

The key is claimed by INSERT before the work runs, inside the request's transaction: two simultaneous requests
with one key cannot both do the work (the second waits on the unique constraint and then sees the stored
answer, or gets 409 while the first is still running)."""
import hashlib
import json

from flask import Response, request
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.clock import utcnow
from planner.core.errors import PlannerError, ValidationError
from planner.core.types import UTCDateTime
from planner.extensions import db

MAX_KEY_LENGTH = 200


class IdempotentRequest(db.Model):
    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyConflict(PlannerError):
    status = 422


def _request_hash():
    body = request.get_data(cache=True) or b""
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def idempotency_key():
    """The request's Idempotency-Key, checked; None when it has none."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(_("The Idempotency-Key header is not valid."),
                              {"Idempotency-Key": [_("Give 1 to %(n)d printable characters.", n=MAX_KEY_LENGTH)]})
    return key


def replay(user, key):
    """The stored answer to an earlier request with this key, or None when the key is new."""
    stored = db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.user_id == user.id,
                                                               IdempotentRequest.key == key))
    if stored is None:
        return None
    if stored.request_hash != _request_hash():
        raise IdempotencyConflict(
            _("This Idempotency-Key was used for a different request. Use a new key for a new request."),
            {"Idempotency-Key": [_("Already used for a different request.")]})
    response = Response(stored.response_body, status=stored.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(user, key, response):
    """Store the answer to a successful request (in the same transaction as its work)."""
    body = response.get_data(as_text=True)
    json.loads(body)  # only JSON answers are stored
    db.session.add(IdempotentRequest(user_id=user.id, key=key, request_hash=_request_hash(),
                                     status_code=response.status_code, response_body=body))
    db.session.flush()
