"""Labelled string enums: the code is stored, the label is shown (through gettext)."""
import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(str, enum.Enum):
    """A str enum whose members carry a translatable label: `Member = "code", _l("Label")`."""

    def __new__(cls, value, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label if label is not None else value
        return obj

    def __str__(self):
        return self.value

    @classmethod
    def codes(cls):
        return [m.value for m in cls]

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]

    @classmethod
    def get(cls, code):
        try:
            return cls(code)
        except ValueError:
            return None


class Role(LabelledEnum):
    """A user's role: a ceiling. What a user may do in one operation comes from its organisation's place."""

    ADMIN = "admin", _l("Administrator")
    SECRETARIAT = "secretariat", _l("Working-party secretariat")
    COORDINATOR = "coordinator", _l("Coordinator")
    CONTACT_POINT = "contact_point", _l("National contact point")
    OFFICER = "officer", _l("Field officer")
    ANALYST = "analyst", _l("Analyst")
    OBSERVER = "observer", _l("Observer")


# Roles a user may hand out to others in its own organisation: up to its own (DESIGN.md §2b).
ROLE_RANK = {
    Role.OBSERVER: 1,
    Role.ANALYST: 1,
    Role.OFFICER: 2,
    Role.CONTACT_POINT: 3,
    Role.COORDINATOR: 4,
    Role.SECRETARIAT: 5,
    Role.ADMIN: 6,
}


def sql_in(enum_cls):
    """The body of a CHECK constraint that keeps a column within an enum's codes."""
    return ", ".join(f"'{code}'" for code in enum_cls.codes())
