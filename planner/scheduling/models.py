"""The operation's schedule: one row per phase (issue 5 builds on it; the business case's approval creates the
initial preparation and operational phases from the planned window). Dates are local dates in the operation's
time zone."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class PhaseKind(LabelledEnum):
    PREPARATION = "preparation", _l("Preparation")
    BRIEFING = "briefing", _l("Pre-operational briefing")
    OPERATIONAL = "operational", _l("Operational phase")
    POST_OPERATIONAL = "post_operational", _l("Post-operational phase")
    DEBRIEFING = "debriefing", _l("Debriefing")
    FINAL_REPORT_DUE = "final_report_due", _l("Final report due")


class Phase(db.Model):
    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("operation_id", "kind"),
        CheckConstraint(f"kind IN ({sql_in(PhaseKind)})", name="phase_kind_known"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="phase_end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_enum(self):
        return PhaseKind(self.kind)

    def to_json(self):
        body = {"kind": self.kind, "start": self.start_date.isoformat()}
        if self.end_date is not None:
            body["end"] = self.end_date.isoformat()
        if self.place:
            body["place"] = self.place
        return body


class ReportingFrequency(LabelledEnum):
    DAILY = "daily", _l("Daily")
    WEEKLY = "weekly", _l("Weekly")


class Schedule(db.Model):
    """The schedule's settings and its version (optimistic locking of the phases as a whole: the Schedule tab
    and `PUT /phases` replace every phase at once). No row yet: version 0, weekly reporting."""

    __tablename__ = "schedule"
    __table_args__ = (
        CheckConstraint(f"reporting_frequency IN ({sql_in(ReportingFrequency)})", name="reporting_frequency_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), unique=True)
    reporting_frequency: Mapped[str] = mapped_column(String(10), default=ReportingFrequency.WEEKLY.value)
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CalendarFeed(db.Model):
    """A user's secret iCalendar feed: only the SHA-256 of the token is stored; regenerating replaces it."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class ReminderOrigin(LabelledEnum):
    DEFAULT = "default", _l("By default")
    ADDED = "added", _l("Added by a coordinator")
    SENT_NOW = "sent_now", _l("Sent at once by a coordinator")


class ReminderOutcome(LabelledEnum):
    SENT = "sent", _l("Sent")
    NOBODY = "nobody", _l("Not needed: everybody had met the deadline")
    SUPERSEDED = "superseded", _l("Not sent: a later reminder of the same deadline went out instead")
    CANCELLED = "cancelled", _l("Cancelled")
    SKIPPED = "skipped", _l("Not sent: its day had passed when the deadline was set")


class Reminder(db.Model):
    """A reminder of one deadline of an operation (or of the annual report): when it goes out (`due_at`), what about (`deadline_key`), to
    whom (`recipients`, the organisations that had not met the deadline when it went out) and when it was
    handled. Rows a job scans: the job takes the due, unhandled ones, stamps them and commits, so running it
    twice sends nothing twice. `days_before` counts from the deadline (negative: days after it, the overdue
    notice); a reminder of a deadline that moves moves with it until it has gone out."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("operation_id", "deadline_key", "deadline_due", "days_before",
                         name="once_per_deadline_date"),
        CheckConstraint(f"origin IN ({sql_in(ReminderOrigin)})", name="origin_known"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({sql_in(ReminderOutcome)})", name="outcome_known"),
        CheckConstraint("(handled_at IS NULL) = (outcome IS NULL)", name="handled_has_outcome"),
        CheckConstraint("(origin = 'sent_now') = (days_before IS NULL)", name="sent_now_has_no_offset"),
        CheckConstraint("days_before IS NULL OR days_before BETWEEN -60 AND 365", name="offset_in_range"),
        CheckConstraint("(operation_id IS NULL) = (deadline_kind = 'annual_report')",
                        name="annual_report_has_no_operation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the annual report to the Council, which belongs to a year, not to an operation
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    deadline_kind: Mapped[str] = mapped_column(String(30))
    deadline_key: Mapped[str] = mapped_column(String(80))
    deadline_due: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int | None] = mapped_column()
    due_at: Mapped[object] = mapped_column(UTCDateTime, index=True)
    origin: Mapped[str] = mapped_column(String(10), default=ReminderOrigin.DEFAULT.value)
    message: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    handled_at: Mapped[object | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))
    recipients: Mapped[str | None] = mapped_column(String(1000))  # organisation codes, comma-separated
    recipient_count: Mapped[int] = mapped_column(default=0)  # people it went to

    operation = relationship("Operation")
    created_by = relationship("User")

    @property
    def origin_enum(self):
        return ReminderOrigin(self.origin)

    @property
    def outcome_enum(self):
        return ReminderOutcome(self.outcome) if self.outcome else None

    @property
    def recipient_codes(self):
        return [c for c in (self.recipients or "").split(",") if c]
