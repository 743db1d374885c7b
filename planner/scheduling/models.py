"""The operation's schedule: one row per phase (issue 5 builds on it; the business case's approval creates the
initial preparation and operational phases from the planned window). Dates are local dates in the operation's
time zone."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.enums import LabelledEnum, sql_in
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
