from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class OperationState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted to the working party")
    PLANNING = "planning", _l("Planning")
    OPERATIONAL = "operational", _l("Operational phase")
    POST_OPERATIONAL = "post_operational", _l("Post-operational phase")
    EVALUATION = "evaluation", _l("Evaluation")
    CLOSED = "closed", _l("Closed")
    REJECTED = "rejected", _l("Rejected")
    CANCELLED = "cancelled", _l("Cancelled")


APPROVED_STATES = ("planning", "operational", "post_operational", "evaluation", "closed")
STARTED_STATES = ("operational", "post_operational", "evaluation", "closed")
ENDED_STATES = ("post_operational", "evaluation", "closed")


def _in(states):
    return ", ".join(f"'{s}'" for s in states)


class HandlingMarking(LabelledEnum):
    """The planner holds LIMITE and unmarked information only, never EU classified information."""

    LIMITE = "LIMITE", _l("LIMITE")
    NONE = "NONE", _l("No marking")


class Operation(db.Model):
    __tablename__ = "operation"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        CheckConstraint(f"state IN ({sql_in(OperationState)})", name="state_known"),
        CheckConstraint(f"handling_marking IN ({sql_in(HandlingMarking)})", name="marking_known"),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
        CheckConstraint(
            f"state NOT IN ({_in(APPROVED_STATES)}) OR (approved_at IS NOT NULL AND approved_by_id IS NOT NULL)",
            name="approved_has_approver",
        ),
        CheckConstraint(f"state NOT IN ({_in(STARTED_STATES)}) OR actual_start_at IS NOT NULL", name="started_has_start"),
        CheckConstraint(f"state NOT IN ({_in(ENDED_STATES)}) OR actual_end_at IS NOT NULL", name="ended_has_end"),
        # An operation of an earlier year recorded by the secretariat afterwards is closed from the start.
        CheckConstraint("NOT recorded_afterwards OR (state = 'closed' AND closed_at IS NOT NULL)",
                        name="recorded_afterwards_closed"),
        Index("ix_operation_year_state", "year", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # JSO-<year>-<nn>
    sequence: Mapped[int]
    code_name: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    lead_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    handling_marking: Mapped[str] = mapped_column(String(20), default=HandlingMarking.LIMITE.value)
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=OperationState.DRAFT.value)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actual_start_at: Mapped[object | None] = mapped_column(UTCDateTime)
    actual_end_at: Mapped[object | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # No result of the operation appears in anything public before this date (the coordinator sets it; each
    # record may carry its own embargo too).
    results_embargo_until: Mapped[date | None] = mapped_column(Date)
    # Recorded afterwards by the secretariat, directly as closed, with its results imported on behalf of its
    # participants (planner.past_operations): the pages say so.
    recorded_afterwards: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)

    lead = relationship("Organisation", foreign_keys=[lead_id], lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    participations = relationship(
        "Participation", back_populates="operation", cascade="all, delete-orphan", order_by="Participation.id"
    )
    transitions = relationship(
        "OperationTransition", back_populates="operation", cascade="all, delete-orphan",
        order_by="OperationTransition.id",
    )

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"{self.reference} {self.code_name}"

    @property
    def state_enum(self) -> OperationState:
        return OperationState(self.state)

    @property
    def co_organisers(self):
        return [p.organisation for p in self.participations if p.is_co_organiser and p.status == "accepted"]

    def participation_of(self, organisation_id):
        return next((p for p in self.participations if p.organisation_id == organisation_id), None)


class OperationTransition(db.Model):
    """Who moved the operation from which state to which, when, and why."""

    __tablename__ = "operation_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the scheduler
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    operation = relationship("Operation", back_populates="transitions")
    user = relationship("User")
