"""An organisation's place in an operation. The lead is an accepted participant from creation."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class ParticipationRole(LabelledEnum):
    PARTICIPANT = "participant", _l("Participant")
    OBSERVER = "observer", _l("Observer")


class ParticipationStatus(LabelledEnum):
    INVITED = "invited", _l("Invited")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class Participation(db.Model):
    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("operation_id", "organisation_id"),
        CheckConstraint(f"role IN ({sql_in(ParticipationRole)})", name="role_known"),
        CheckConstraint(f"status IN ({sql_in(ParticipationStatus)})", name="status_known"),
        CheckConstraint("status = 'invited' OR answered_at IS NOT NULL", name="answered_has_time"),
        # A co-organiser acts as a coordinator of the operation: it takes part, it does not merely observe.
        CheckConstraint("NOT is_co_organiser OR role = 'participant'", name="co_organiser_participates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=ParticipationRole.PARTICIPANT.value)
    status: Mapped[str] = mapped_column(String(20), default=ParticipationStatus.INVITED.value)
    is_lead: Mapped[bool] = mapped_column(default=False)
    is_co_organiser: Mapped[bool] = mapped_column(default=False)
    respond_by: Mapped[date | None] = mapped_column(Date)
    invited_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[object | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    # Sharing defaults for this participant's records (DESIGN.md §2b); each record may override them.
    share_with_eu_member_states: Mapped[bool] = mapped_column(default=True)
    share_with_third_countries: Mapped[bool] = mapped_column(default=False)
    share_with_agencies: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation", back_populates="participations")
    organisation = relationship("Organisation", lazy="joined")
    nomination = relationship("Nomination", back_populates="participation", uselist=False,
                              cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"{self.organisation.code} in {self.operation.reference}"

    @property
    def is_accepted(self):
        return self.status == ParticipationStatus.ACCEPTED

    @property
    def is_participant(self):
        """Accepted, and taking part (not merely observing)."""
        return self.status == ParticipationStatus.ACCEPTED and self.role == ParticipationRole.PARTICIPANT

    @property
    def status_label(self):
        return ParticipationStatus(self.status).label

    @property
    def role_label(self):
        return ParticipationRole(self.role).label


# --- nominations: what each accepted participant commits ---------------------------------------------------

class Nomination(db.Model):
    """One per accepted participant: its people, equipment, languages and control locations.
    Several people of the organisation edit it: a version guards against silent overwrites."""

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint("officers_deployed IS NULL OR officers_deployed BETWEEN 0 AND 100000",
                        name="officers_deployed_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("participation.id", ondelete="CASCADE"), unique=True)
    officers_deployed: Mapped[int | None]
    equipment: Mapped[list] = mapped_column(JSON, default=list)  # Equipment codes
    languages: Mapped[list] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    participation = relationship("Participation", back_populates="nomination")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    contact_points = relationship("NominatedContactPoint", back_populates="nomination", cascade="all, delete-orphan",
                                  order_by="NominatedContactPoint.position")
    external_contacts = relationship("ExternalContact", back_populates="nomination", cascade="all, delete-orphan",
                                     order_by="ExternalContact.position")
    liaison_officers = relationship("LiaisonOfficer", back_populates="nomination", cascade="all, delete-orphan",
                                    order_by="LiaisonOfficer.position")
    control_locations = relationship("ControlLocation", back_populates="nomination", cascade="all, delete-orphan",
                                     order_by="ControlLocation.position")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"nomination of {self.participation}"

    @property
    def operation_id(self):
        return self.participation.operation_id


class NominatedContactPoint(db.Model):
    """A national contact point: a user account of the participant's organisation, so reminders reach it."""

    __tablename__ = "nominated_contact_point"
    __table_args__ = (UniqueConstraint("nomination_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    available_24_7: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    nomination = relationship("Nomination", back_populates="contact_points")
    user = relationship("User", lazy="joined")


class ExternalContact(db.Model):
    """Somebody to reach who has no account: listed on the roster, never notified."""

    __tablename__ = "external_contact"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    nomination = relationship("Nomination", back_populates="external_contacts")


class LiaisonOfficer(db.Model):
    """A liaison officer at the coordination unit, with the dates of presence."""

    __tablename__ = "liaison_officer"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_given"),
        CheckConstraint("date_to IS NULL OR date_from IS NULL OR date_to >= date_from", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)

    nomination = relationship("Nomination", back_populates="liaison_officers")


class ControlLocation(db.Model):
    """Where the participant controls (a place of the vocabulary) and the transport sectors controlled there."""

    __tablename__ = "control_location"
    __table_args__ = (UniqueConstraint("nomination_id", "place_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"), index=True)
    transport_sectors: Mapped[list] = mapped_column(JSON, default=list)  # TransportMode codes
    position: Mapped[int] = mapped_column(default=0)

    nomination = relationship("Nomination", back_populates="control_locations")
    place = relationship("Place", lazy="joined")
