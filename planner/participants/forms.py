"""Forms of the participants pages. Field checks live in the services (one validation for pages and API);
these forms carry the CSRF token and the simple fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Optional

from planner.participants.models import ParticipationRole


class ActionForm(FlaskForm):
    """A form with nothing but the CSRF token (buttons, and the nomination form whose rows the view reads)."""

    version = HiddenField()


class InviteForm(FlaskForm):
    organisations = SelectMultipleField(_l("Organisations to invite"), choices=[])
    role = SelectField(_l("Invited as"), choices=ParticipationRole.choices(), default="participant")
    respond_by = DateField(_l("Answer by"), validators=[Optional()])


class AnswerForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to decline)"), render_kw={"rows": 3})


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2})


class SharingForm(FlaskForm):
    share_with_eu_member_states = BooleanField(_l("EU Member State participants may see our results"))
    share_with_third_countries = BooleanField(_l("Third-country participants may see our results"))
    share_with_agencies = BooleanField(_l("Agencies may see our results"))
    version = HiddenField()
