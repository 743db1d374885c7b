import hashlib
import secrets

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import Role, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_in(Role)})", name="role_known"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[object | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # Room for single sign-on (an identity at an external provider) and for two-factor login.
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # A service account stands for a national system; it has no password and acts through tokens only.
    is_service_account: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation", back_populates="users", lazy="joined")

    def __repr__(self):
        return f"<User {self.email}>"

    def __str__(self):
        return self.name

    @property
    def is_active(self):  # Flask-Login: an inactive account cannot log in
        return self.is_active_account

    def get_id(self):
        """The session's user id carries the password's age, so changing the password ends other sessions."""
        stamp = int(self.password_changed_at.timestamp()) if self.password_changed_at else 0
        return f"{self.id}.{stamp}"

    def session_id_matches(self, session_id) -> bool:
        return self.get_id() == session_id

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now


class TokenScope:
    READ = "read"
    WRITE_RESULTS = "write_results"
    WRITE = "write"  # every step a user may take on a page
    ALL = (READ, WRITE_RESULTS, WRITE)


class ApiToken(db.Model):
    """A bearer token, stored hashed. It belongs to a user, or to an organisation as a service account:
    then `user` is the organisation's service-account user, so that audit and permissions treat both alike."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, so a token can be recognised
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated TokenScope values
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    service_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    service_organisation = relationship("Organisation", foreign_keys=[service_organisation_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "jop_" + secrets.token_urlsafe(32)

    @property
    def scope_list(self):
        return self.scopes.split()

    def is_valid(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
