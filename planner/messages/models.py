"""Operational messages: the closed user group of an operation (as CENcomm and VOCU provide, DOMAIN.md a.3).

A warning sends a profile (consignment, container, vehicle, vessel, flight, passenger; route and indicators) to
one or more participants for control, with an urgency. Each addressee answers with feedback: not controlled
(and why), controlled and nothing found, or a seizure made (linked to the seizure record)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class ProfileType(LabelledEnum):
    CONSIGNMENT = "consignment", _l("Consignment")
    CONTAINER = "container", _l("Container")
    VEHICLE = "vehicle", _l("Vehicle")
    VESSEL = "vessel", _l("Vessel")
    FLIGHT = "flight", _l("Flight")
    PASSENGER = "passenger", _l("Passenger")


class Urgency(LabelledEnum):
    ROUTINE = "routine", _l("Routine")
    URGENT = "urgent", _l("Urgent")
    IMMEDIATE = "immediate", _l("Immediate (act now)")


class FeedbackOutcome(LabelledEnum):
    NOT_CONTROLLED = "not_controlled", _l("Not controlled")
    NOTHING_FOUND = "nothing_found", _l("Controlled, nothing found")
    SEIZURE = "seizure", _l("Seizure made")


class WarningMessage(db.Model):
    __tablename__ = "warning"
    __table_args__ = (
        UniqueConstraint("operation_id", "number"),
        CheckConstraint(f"profile_type IN ({sql_in(ProfileType)})", name="profile_type_known"),
        CheckConstraint(f"urgency IN ({sql_in(Urgency)})", name="urgency_known"),
        CheckConstraint("length(subject) > 0", name="subject_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # W-<n> within the operation
    sender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    subject: Mapped[str] = mapped_column(String(200))
    profile_type: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(20))
    profile: Mapped[dict] = mapped_column(JSON, default=dict)  # identifiers: container number, plate, flight…
    route: Mapped[list] = mapped_column(JSON, default=list)  # [{"country", "place", "role"}]
    indicators: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    expected_at: Mapped[object | None] = mapped_column(UTCDateTime)  # arrival or crossing expected
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    operation = relationship("Operation")
    sender_organisation = relationship("Organisation", lazy="joined")
    sender = relationship("User")
    addressees = relationship("WarningAddressee", back_populates="warning", cascade="all, delete-orphan",
                              order_by="WarningAddressee.id")

    def __str__(self):
        return f"warning W-{self.number}"

    @property
    def reference(self):
        return f"W-{self.number}"


class WarningAddressee(db.Model):
    """One participant a warning was sent to, and its feedback once given."""

    __tablename__ = "warning_addressee"
    __table_args__ = (
        UniqueConstraint("warning_id", "organisation_id"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({sql_in(FeedbackOutcome)})", name="outcome_known"),
        CheckConstraint("(outcome IS NULL) = (answered_at IS NULL)", name="answered_has_time"),
        CheckConstraint("outcome IS NULL OR outcome <> 'not_controlled' OR length(feedback) > 0",
                        name="not_controlled_has_reason"),
        CheckConstraint("(outcome = 'seizure') = (seizure_id IS NOT NULL)", name="seizure_outcome_has_seizure"),
        Index("ix_warning_addressee_open", "organisation_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    feedback: Mapped[str] = mapped_column(Text, default="")
    seizure_id: Mapped[int | None] = mapped_column(ForeignKey("seizure.id"), index=True)
    answered_at: Mapped[object | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    warning = relationship("WarningMessage", back_populates="addressees")
    organisation = relationship("Organisation", lazy="joined")
    seizure = relationship("Seizure")
    answered_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def outcome_label(self):
        return FeedbackOutcome(self.outcome).label if self.outcome else None
