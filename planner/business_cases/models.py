"""The business case (one per operation), its frozen versions, the secretariat's comments per version and
section, and the funding decision beside it.

The case's content is the JSON document of the API (sections.py names its sections). The goods and transport
sectors are also kept in two small tables, rewritten on each save, so that the programme and the evidence from
past operations count them with SQL (GROUP BY), never by reading JSON in Python."""
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.business_cases.content import SECTION_KEYS
from planner.core.clock import utcnow
from planner.core.enums import sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db
from planner.vocab.codes import TransportMode

OUTCOMES = ("returned", "approved", "rejected")


def _codes(codes):
    return ", ".join(f"'{c}'" for c in codes)


class BusinessCase(db.Model):
    __tablename__ = "business_case"
    __table_args__ = (
        CheckConstraint("requested_eur IS NULL OR requested_eur >= 0", name="requested_not_negative"),
        CheckConstraint("operational_end IS NULL OR operational_start IS NULL OR operational_end >= operational_start",
                        name="case_window_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), unique=True)
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    # Denormalised from content, for SQL aggregation and the operation's summary.
    operational_start: Mapped[date | None] = mapped_column(Date)
    operational_end: Mapped[date | None] = mapped_column(Date)
    requested_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # The Council's own document number, when the secretariat sets one (else one is generated).
    council_number: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")
    updated_by = relationship("User")
    goods = relationship("BusinessCaseGoods", cascade="all, delete-orphan", back_populates="case")
    sectors = relationship("BusinessCaseSector", cascade="all, delete-orphan", back_populates="case")
    versions = relationship("BusinessCaseVersion", cascade="all, delete-orphan", back_populates="case",
                            order_by="BusinessCaseVersion.number")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"Business case of {self.operation}"

    @property
    def latest_version(self):
        return self.versions[-1] if self.versions else None


class BusinessCaseGoods(db.Model):
    __tablename__ = "business_case_goods"
    __table_args__ = (UniqueConstraint("case_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_case.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)

    case = relationship("BusinessCase", back_populates="goods")


class BusinessCaseSector(db.Model):
    __tablename__ = "business_case_sector"
    __table_args__ = (UniqueConstraint("case_id", "sector"),
                      CheckConstraint(f"sector IN ({sql_in(TransportMode)})", name="case_sector_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_case.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(30), index=True)

    case = relationship("BusinessCase", back_populates="sectors")


class BusinessCaseVersion(db.Model):
    """A submitted case, frozen: never updated after it is written."""

    __tablename__ = "business_case_version"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        CheckConstraint("number >= 1", name="version_positive"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_codes(OUTCOMES)})", name="version_outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("business_case.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the working party decided on this version: returned, approved, rejected (None while under review).
    outcome: Mapped[str | None] = mapped_column(String(20))

    case = relationship("BusinessCase", back_populates="versions")
    submitted_by = relationship("User")
    comments = relationship("ReviewComment", cascade="all, delete-orphan", back_populates="version",
                            order_by="ReviewComment.id")

    def __str__(self):
        return f"Business case v{self.number}"

    @property
    def operation_id(self):
        return self.case.operation_id


class ReviewComment(db.Model):
    """The secretariat's comment on one section of one submitted version."""

    __tablename__ = "business_case_comment"
    __table_args__ = (CheckConstraint(f"section IN ({_codes(SECTION_KEYS)})", name="comment_section_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("business_case_version.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    version = relationship("BusinessCaseVersion", back_populates="comments")
    author = relationship("User")


class FundingDecision(db.Model):
    """The amount granted, recorded by the secretariat from approval on; beside the case, not in its versions."""

    __tablename__ = "funding_decision"
    __table_args__ = (CheckConstraint("granted_eur >= 0", name="granted_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), unique=True)
    granted_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    programme: Mapped[str] = mapped_column(String(300), default="")
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")
    decided_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"Funding decision of {self.operation}"


@event.listens_for(BusinessCaseVersion, "before_update")
def _versions_are_frozen(mapper, connection, target):
    """A submitted version is never rewritten: only its outcome is set, once, when the review ends."""
    state = inspect(target)
    for name in ("content", "number", "case_id", "submitted_at", "submitted_by_id"):
        if state.attrs[name].history.has_changes():
            raise ValueError(f"business case version {target.number} is frozen: {name} cannot change")
    outcome = state.attrs["outcome"].history
    if outcome.has_changes() and outcome.deleted and outcome.deleted[0] is not None:
        raise ValueError(f"business case version {target.number} already has its outcome")
