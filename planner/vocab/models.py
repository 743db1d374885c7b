"""Vocabularies kept in the database, because admins manage them: places and controlled terms."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.enums import LabelledEnum, sql_in
from planner.extensions import db
from planner.vocab.codes import COMMODITY_TYPE, MANAGED_VOCABULARIES, LocationType


class PlaceSource(LabelledEnum):
    """Where a place came from."""

    SEED = "seed", _l("Planner seed list")
    ADMIN = "admin", _l("Added by an administrator")
    UNLOCODE_IMPORT = "unlocode_import", _l("UN/LOCODE import")


class Place(db.Model):
    """A port, airport, border crossing or postal hub, identified by its UN/LOCODE (e.g. NLRTM)."""

    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint("length(code) = 5", name="locode_length"),
        CheckConstraint("code = upper(code)", name="locode_upper"),
        CheckConstraint("substr(code, 1, 2) = country", name="locode_country"),
        CheckConstraint(f"location_type IN ({sql_in(LocationType)})", name="location_type_known"),
        CheckConstraint(f"source IN ({sql_in(PlaceSource)})", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    location_type: Mapped[str] = mapped_column(String(20), index=True)
    subdivision: Mapped[str | None] = mapped_column(String(3))
    is_active: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(20), default=PlaceSource.ADMIN.value,
                                        server_default=PlaceSource.ADMIN.value)

    @property
    def location_type_enum(self):
        return LocationType.get(self.location_type)

    def __str__(self):
        return f"{self.code} {self.name}"


class VocabularyTerm(db.Model):
    """A term of an admin-managed vocabulary: commodity categories, commodity types (parent: their category),
    concealment methods. The code never changes once used; the label may be renamed; a term no longer wanted is
    deactivated (records that use it keep it)."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (
        UniqueConstraint("vocabulary", "parent_code", "code"),
        CheckConstraint(f"vocabulary IN ({', '.join(repr(v) for v in MANAGED_VOCABULARIES)})",
                        name="vocabulary_known"),
        # Commodity types hang under a category; the other vocabularies are flat ('' rather than NULL, so that
        # the unique constraint holds for them too).
        CheckConstraint(
            f"(vocabulary = '{COMMODITY_TYPE}' AND parent_code <> '') OR "
            f"(vocabulary <> '{COMMODITY_TYPE}' AND parent_code = '')",
            name="parent_matches_vocabulary",
        ),
        CheckConstraint("length(code) > 0 AND code = lower(code)", name="code_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str] = mapped_column(String(60), default="", server_default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def key(self):
        return self.parent_code, self.code

    def __str__(self):
        return f"{self.vocabulary}:{self.parent_code + '.' if self.parent_code else ''}{self.code}"
