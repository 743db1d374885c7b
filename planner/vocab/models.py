"""Vocabularies kept in the database, because admins manage them: places and controlled terms."""
from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db


class Place(db.Model):
    """A port, airport, border crossing or postal hub, identified by its UN/LOCODE (e.g. NLRTM)."""

    __tablename__ = "place"
    __table_args__ = (CheckConstraint("length(code) = 5", name="locode_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    location_type: Mapped[str] = mapped_column(String(20))
    subdivision: Mapped[str | None] = mapped_column(String(3))
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class VocabularyTerm(db.Model):
    """A term of a controlled vocabulary (commodity categories and types, concealment methods, …)."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self):
        return self.label
