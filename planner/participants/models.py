"""An organisation's place in an operation. The lead is an accepted participant from creation."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
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

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"{self.organisation.code} in {self.operation.reference}"

    @property
    def is_accepted(self):
        return self.status == ParticipationStatus.ACCEPTED
