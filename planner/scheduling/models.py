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
