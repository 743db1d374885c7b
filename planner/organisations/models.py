from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class OrganisationKind(LabelledEnum):
    CUSTOMS = "customs", _l("Customs administration")
    LAW_ENFORCEMENT = "law_enforcement", _l("Other law-enforcement service")
    AGENCY = "agency", _l("Agency or international organisation")
    SECRETARIAT = "secretariat", _l("Working-party secretariat")


class SharingAudience(LabelledEnum):
    """Whom a participant's records may be shown to (DESIGN.md §2b)."""

    EU_MEMBER_STATE = "eu_member_state", _l("EU Member State participants")
    THIRD_COUNTRY = "third_country", _l("Third-country participants")
    AGENCY = "agency", _l("Agencies")


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(OrganisationKind)})", name="kind_known"),
        # National services carry a country; agencies and the secretariat may not.
        CheckConstraint("kind NOT IN ('customs', 'law_enforcement') OR country IS NOT NULL", name="national_has_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    users = relationship("User", back_populates="organisation", lazy="select")

    def __repr__(self):
        return f"<Organisation {self.code}>"

    def __str__(self):
        return self.code

    @property
    def kind_label(self):
        return OrganisationKind(self.kind).label

    def audience(self, on: date) -> SharingAudience:
        """Which sharing audience this organisation falls in on a date (EU membership changes over time)."""
        if self.kind in (OrganisationKind.AGENCY, OrganisationKind.SECRETARIAT):
            return SharingAudience.AGENCY
        if self.country and is_eu_member(self.country, on):
            return SharingAudience.EU_MEMBER_STATE
        return SharingAudience.THIRD_COUNTRY


class EuMembership(db.Model):
    """Who was a Member State when: a report on year Y uses the membership of 31 December of Y."""

    __tablename__ = "eu_membership"
    __table_args__ = (CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),)

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)  # the last day of membership (GB: 2020-01-31)


def is_eu_member(country: str, on: date) -> bool:
    row = db.session.get(EuMembership, country)
    return bool(row and row.joined_on <= on and (row.left_on is None or on <= row.left_on))


def eu_members_on(on: date) -> list[str]:
    stmt = select(EuMembership.country).where(
        EuMembership.joined_on <= on, (EuMembership.left_on.is_(None)) | (EuMembership.left_on >= on)
    )
    return sorted(db.session.scalars(stmt))
