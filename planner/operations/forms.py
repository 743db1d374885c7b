from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from planner.operations.models import HandlingMarking

TIME_ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


class OperationForm(FlaskForm):
    """Field checks live in the service (one validation for the form and the API)."""

    code_name = StringField(_l("Code name"))
    year = IntegerField(_l("Year"), validators=[Optional()])
    lead = SelectField(_l("Lead administration"), choices=[])
    co_organisers = SelectMultipleField(_l("Co-organisers"), choices=[])
    time_zone = SelectField(_l("Time zone"), choices=[(z, z) for z in TIME_ZONES], default="Europe/Brussels")
    handling_marking = SelectField(_l("Handling marking"), choices=HandlingMarking.choices(), default="LIMITE")
    summary = TextAreaField(_l("Summary (shown to invited administrations)"), render_kw={"rows": 4})
    version = HiddenField()


class TransitionForm(FlaskForm):
    action = HiddenField()
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 2})
