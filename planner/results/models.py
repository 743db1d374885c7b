"""Results of the operational phase: seizures (DOMAIN.md c.5) and controls, with their attachments and comments.

A seizure is one record of one reporting administration; its items carry the goods, each with one or more
quantities kept as entered and, beside them, normalised (mass in kg, volume in litres; DESIGN.md §2c).
Quantities and money are ExactDecimal (whole numbers of 10^-scale units), so sums are exact on every database.
Records are never deleted: a withdrawn record keeps its reason."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import ExactDecimal, UTCDateTime
from planner.extensions import db
from planner.vocab.codes import DetectionMethod, LocationType, SelectionBasis, TransportMode
from planner.vocab.units import UNITS

QUANTITY_SCALE = 3  # decimals of a value as entered: three decimals of a tonne survive every round trip
NORMALISED_SCALE = 6  # 0.001 g is 0.000001 kg
MONEY_SCALE = 2


class RecordStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class RouteRole(LabelledEnum):
    ORIGIN = "origin", _l("Origin")
    LOADING = "loading", _l("Loading")
    TRANSIT = "transit", _l("Transit")
    DESTINATION = "destination", _l("Destination")


class OffenderRole(LabelledEnum):
    DRIVER = "driver", _l("Driver")
    PASSENGER = "passenger", _l("Passenger")
    COURIER = "courier", _l("Courier")
    CREW = "crew", _l("Crew member")
    CONSIGNOR = "consignor", _l("Consignor")
    CONSIGNEE = "consignee", _l("Consignee")
    DECLARANT = "declarant", _l("Declarant or forwarder")
    OTHER = "other", _l("Other")


# Conveyance details by transport mode (the CIS means-of-transport items, DOMAIN.md c.1): key -> label.
CONVEYANCE_FIELDS = {
    "container_number": _l("Container number"),
    "bill_of_lading": _l("Bill of lading"),
    "vessel_name": _l("Vessel name"),
    "vessel_flag": _l("Vessel flag"),
    "imo_number": _l("IMO number"),
    "vehicle_plate": _l("Vehicle plate"),
    "vehicle_nationality": _l("Vehicle nationality"),
    "trailer_plate": _l("Trailer plate"),
    "train_number": _l("Train number"),
    "wagon_number": _l("Wagon number"),
    "flight_number": _l("Flight number"),
    "air_waybill": _l("Air waybill"),
    "courier": _l("Courier"),
    "tracking_number": _l("Tracking number"),
}
CONVEYANCE_BY_MODE = {
    TransportMode.SEA_CONTAINER.value: ("container_number", "bill_of_lading", "vessel_name", "vessel_flag",
                                        "imo_number"),
    TransportMode.SEA_OTHER.value: ("vessel_name", "vessel_flag", "imo_number", "bill_of_lading"),
    TransportMode.ROAD.value: ("vehicle_plate", "vehicle_nationality", "trailer_plate"),
    TransportMode.RAIL.value: ("train_number", "wagon_number"),
    TransportMode.AIR_CARGO.value: ("flight_number", "air_waybill"),
    TransportMode.AIR_PASSENGER.value: ("flight_number",),
    TransportMode.POSTAL.value: ("courier", "tracking_number"),
}
CONVEYANCE_COUNTRY_FIELDS = ("vessel_flag", "vehicle_nationality")


class Seizure(db.Model):
    __tablename__ = "seizure"
    __table_args__ = (
        UniqueConstraint("operation_id", "organisation_id", "national_reference"),
        CheckConstraint(f"status IN ({sql_in(RecordStatus)})", name="status_known"),
        CheckConstraint(f"location_type IN ({sql_in(LocationType)})", name="location_type_known"),
        CheckConstraint(f"detection_method IN ({sql_in(DetectionMethod)})", name="detection_method_known"),
        CheckConstraint(f"transport_mode IN ({sql_in(TransportMode)})", name="transport_mode_known"),
        CheckConstraint("arrests >= 0", name="arrests_not_negative"),
        CheckConstraint("length(national_reference) > 0", name="reference_given"),
        CheckConstraint("status <> 'withdrawn' OR (withdrawn_at IS NOT NULL AND length(withdrawn_reason) > 0)",
                        name="withdrawn_has_reason"),
        CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        Index("ix_seizure_operation_seized_at", "operation_id", "seized_at"),
        Index("ix_seizure_operation_status", "operation_id", "status", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the reporting one
    national_reference: Mapped[str] = mapped_column(String(40))
    seized_at: Mapped[object] = mapped_column(UTCDateTime)
    country: Mapped[str] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(200))
    location_code: Mapped[str | None] = mapped_column(String(5))  # UN/LOCODE of a known place
    location_type: Mapped[str] = mapped_column(String(20))
    detection_method: Mapped[str] = mapped_column(String(20))
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id"), index=True)
    transport_mode: Mapped[str] = mapped_column(String(20))
    conveyance: Mapped[dict] = mapped_column(JSON, default=dict)
    concealment: Mapped[str | None] = mapped_column(String(60), index=True)
    concealment_details: Mapped[str] = mapped_column(Text, default="")
    modus_operandi: Mapped[str] = mapped_column(Text, default="")
    offenders: Mapped[list] = mapped_column(JSON, default=list)  # [{"role", "nationality"}]: no names
    arrests: Mapped[int] = mapped_column(default=0)
    investigation_opened: Mapped[bool] = mapped_column(default=False)
    share_with_eu_member_states: Mapped[bool] = mapped_column(default=True)
    share_with_third_countries: Mapped[bool] = mapped_column(default=False)
    share_with_agencies: Mapped[bool] = mapped_column(default=False)
    public_statistics: Mapped[bool] = mapped_column(default=False)
    embargo_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=RecordStatus.DRAFT.value)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[object | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="")  # what an import compares
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")
    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    warning = relationship("WarningMessage", foreign_keys=[warning_id])
    items = relationship("SeizureItem", back_populates="seizure", cascade="all, delete-orphan",
                         order_by="SeizureItem.position")
    route = relationship("RouteStep", back_populates="seizure", cascade="all, delete-orphan",
                         order_by="RouteStep.position")
    comments = relationship("SeizureComment", back_populates="seizure", cascade="all, delete-orphan",
                            order_by="SeizureComment.id")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"seizure {self.national_reference}"

    @property
    def status_label(self):
        return RecordStatus(self.status).label


class RouteStep(db.Model):
    __tablename__ = "seizure_route_step"
    __table_args__ = (CheckConstraint(f"role IN ({sql_in(RouteRole)})", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("seizure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    country: Mapped[str] = mapped_column(String(2), index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))

    seizure = relationship("Seizure", back_populates="route")


class SeizureItem(db.Model):
    __tablename__ = "seizure_item"
    __table_args__ = (
        CheckConstraint("estimated_value_eur IS NULL OR estimated_value_eur >= 0", name="value_not_negative"),
        CheckConstraint("duties_evaded_eur IS NULL OR duties_evaded_eur >= 0", name="duties_not_negative"),
        Index("ix_seizure_item_category", "category", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("seizure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    hs_code: Mapped[str | None] = mapped_column(String(10))
    brand: Mapped[str] = mapped_column(String(200), default="")
    counterfeit: Mapped[bool] = mapped_column(default=False)
    estimated_value_eur: Mapped[object | None] = mapped_column(ExactDecimal(MONEY_SCALE))
    duties_evaded_eur: Mapped[object | None] = mapped_column(ExactDecimal(MONEY_SCALE))

    seizure = relationship("Seizure", back_populates="items")
    quantities = relationship("Quantity", back_populates="item", cascade="all, delete-orphan",
                              order_by="Quantity.position")


class Quantity(db.Model):
    """A quantity as entered (value, unit) and normalised (normalised_value in base_unit: kg, l, pcs, EUR)."""

    __tablename__ = "seizure_quantity"
    __table_args__ = (
        CheckConstraint(f"unit IN ({', '.join(repr(u) for u in UNITS)})", name="unit_known"),
        CheckConstraint("base_unit IN ('kg', 'l', 'pcs', 'EUR')", name="base_unit_known"),
        CheckConstraint("value > 0 AND normalised_value > 0", name="value_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("seizure_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[object] = mapped_column(ExactDecimal(QUANTITY_SCALE))
    unit: Mapped[str] = mapped_column(String(3))
    normalised_value: Mapped[object] = mapped_column(ExactDecimal(NORMALISED_SCALE))
    base_unit: Mapped[str] = mapped_column(String(3))

    item = relationship("SeizureItem", back_populates="quantities")


class SeizureComment(db.Model):
    """Another administration's remark on a record, or a flag that it holds an error (Reg. 515/97 Art. 32:
    only the supplier amends; others tell it). The reporting administration marks a flag resolved."""

    __tablename__ = "seizure_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("seizure.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    body: Mapped[str] = mapped_column(Text)
    flags_error: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    seizure = relationship("Seizure", back_populates="comments")
    author = relationship("User", foreign_keys=[author_id])
    organisation = relationship("Organisation")


class ReferenceCounter(db.Model):
    """The last national reference number assigned per administration and year (`LT-2026-0042`)."""

    __tablename__ = "reference_counter"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class ControlRecord(db.Model):
    """How many controls one administration made on one day at one location, for one transport mode and one
    selection basis, and how many of them found something. Same sharing rules as seizures."""

    __tablename__ = "control_record"
    __table_args__ = (
        UniqueConstraint("operation_id", "organisation_id", "control_date", "location", "transport_mode",
                         "selection_basis"),
        CheckConstraint("status IN ('submitted', 'withdrawn')", name="status_known"),
        CheckConstraint(f"transport_mode IN ({sql_in(TransportMode)})", name="transport_mode_known"),
        CheckConstraint(f"selection_basis IN ({sql_in(SelectionBasis)})", name="selection_basis_known"),
        CheckConstraint("controls >= 0 AND hits >= 0 AND hits <= controls", name="hits_within_controls"),
        CheckConstraint("length(location) > 0", name="location_given"),
        Index("ix_control_record_operation_date", "operation_id", "control_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    control_date: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    location_code: Mapped[str | None] = mapped_column(String(5))
    transport_mode: Mapped[str] = mapped_column(String(20))
    selection_basis: Mapped[str] = mapped_column(String(20))
    controls: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    share_with_eu_member_states: Mapped[bool] = mapped_column(default=True)
    share_with_third_countries: Mapped[bool] = mapped_column(default=False)
    share_with_agencies: Mapped[bool] = mapped_column(default=False)
    public_statistics: Mapped[bool] = mapped_column(default=False)
    embargo_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=RecordStatus.SUBMITTED.value)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    operation = relationship("Operation")
    organisation = relationship("Organisation", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"controls of {self.organisation.code} on {self.control_date} at {self.location}"


class Attachment(db.Model):
    """A photo, X-ray image or scanned document on a seizure or a warning. The bytes live outside the database,
    under the instance folder, named by their SHA-256; served only to those who may see the record."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint("(seizure_id IS NULL) <> (warning_id IS NULL)", name="one_owner"),
        CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'application/pdf')", name="type_allowed"),
        CheckConstraint("size > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    seizure_id: Mapped[int | None] = mapped_column(ForeignKey("seizure.id", ondelete="CASCADE"), index=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by = relationship("User")
