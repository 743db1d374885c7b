"""The stored side of reports: the final report's narrative and status, each participant's contribution, and
every issued (frozen) document with its dataset and SHA-256."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db


class FinalReportStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    FINAL = "final", _l("Final")


class NarrativeSection(LabelledEnum):
    """The sections the coordinator writes, in the order of a final report to the working party."""

    INTRODUCTION = "introduction", _l("Introduction")
    LEGAL_FRAMEWORK = "legal_framework", _l("Legal framework")
    CONDUCT = "conduct", _l("Conduct of the operation")
    ANALYSIS = "analysis", _l("Analysis and modus operandi")
    LESSONS_LEARNED = "lessons_learned", _l("Lessons learned")
    RECOMMENDATIONS = "recommendations", _l("Recommendations")


class ReportKind(LabelledEnum):
    FINAL = "final", _l("Final report")
    ANNUAL = "annual", _l("Consolidated annual report")


class FinalReport(db.Model):
    """The final report of one operation: the coordinator's narrative, draft until made final. Making it final
    issues revision 0 (an `IssuedReport`); a correction reopens it as a draft and the next final makes REV 1."""

    __tablename__ = "final_report"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(FinalReportStatus)})", name="status_known"),
        CheckConstraint("status <> 'final' OR finalised_at IS NOT NULL", name="final_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=FinalReportStatus.DRAFT.value)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)  # NarrativeSection code -> text
    finalised_at: Mapped[object | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")
    finalised_by = relationship("User", foreign_keys=[finalised_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_final(self):
        return self.status == FinalReportStatus.FINAL.value


class ReportContribution(db.Model):
    """What one participating administration writes for its own part of the final report."""

    __tablename__ = "report_contribution"
    __table_args__ = (UniqueConstraint("operation_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)  # None: still a draft
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    organisation = relationship("Organisation", lazy="joined")
    updated_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}


class IssuedReport(db.Model):
    """One frozen revision of a report: the dataset it was made of (to compare revisions), the xlsx and the PDF
    exactly as issued, with their SHA-256. Later data changes never touch it; a correction is a new revision."""

    __tablename__ = "issued_report"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ReportKind)})", name="kind_known"),
        CheckConstraint("(kind = 'annual' AND year IS NOT NULL AND operation_id IS NULL) OR "
                        "(kind = 'final' AND operation_id IS NOT NULL)", name="subject_given"),
        CheckConstraint("revision >= 0", name="revision_positive"),
        UniqueConstraint("kind", "year", "revision"),
        UniqueConstraint("kind", "operation_id", "revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int | None]
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(default=0)  # 0: the first issue; 1: REV 1 …
    number: Mapped[str] = mapped_column(String(60))  # the document number on the cover
    dataset: Mapped[dict] = deferred(mapped_column(JSON, nullable=False))
    changes: Mapped[list] = mapped_column(JSON, default=list)  # figures changed since the previous revision
    xlsx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    xlsx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # what this revision corrects

    issued_by = relationship("User")
    operation = relationship("Operation")

    @property
    def revision_label(self):
        return f"REV {self.revision}" if self.revision else ""

    def __str__(self):
        return self.number
