"""Forms of the vocabulary admin pages. Field checks live in the services (one validation for pages and API)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField

from planner.vocab.codes import MANAGED_VOCABULARY_LABELS, LocationType


class PlaceForm(FlaskForm):
    code = StringField(_l("UN/LOCODE"), render_kw={"maxlength": 5, "autocomplete": "off"})
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    location_type = SelectField(_l("Location type"), choices=[], validate_choice=False)
    subdivision = StringField(_l("Subdivision (optional, e.g. ZH)"),
                              render_kw={"maxlength": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from planner.vocab.countries import country_choices

        self.country.choices = [("", _l("Choose…"))] + country_choices()
        self.location_type.choices = [("", _l("Choose…"))] + LocationType.choices()


class PlaceImportForm(FlaskForm):
    file = FileField(_l("UN/LOCODE CSV file (.csv)"), render_kw={"accept": ".csv,text/csv"})
    only_transport = BooleanField(
        _l("Only ports, airports, border crossings and postal exchange offices (leave out other locations)"),
        default=True)


class StatusForm(FlaskForm):
    """A button that activates or deactivates a row; only CSRF is posted."""


class TermForm(FlaskForm):
    vocabulary = SelectField(_l("List"), choices=list(MANAGED_VOCABULARY_LABELS.items()), validate_choice=False)
    parent_code = SelectField(_l("Category (for a commodity type)"), choices=[], validate_choice=False)
    code = StringField(_l("Code (lower case, e.g. glass_eels; it cannot be changed later)"),
                       render_kw={"maxlength": 60, "autocomplete": "off"})
    label = StringField(_l("Label"), render_kw={"maxlength": 200})


class RenameTermForm(FlaskForm):
    label = StringField(_l("New label"), render_kw={"maxlength": 200})
