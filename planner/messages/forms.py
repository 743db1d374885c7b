"""Forms of the Messages tab. Field checks live in the services (one validation for the pages and the API): these
forms carry the CSRF token and the simple fields; choices are not checked here, the service names what is wrong.
The profile's identifiers and the route's rows are read by the view from `profile-<key>` and `route-<n>-<field>`."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from planner.messages.models import FeedbackOutcome, ProfileType, Urgency


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of labelled checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WarningForm(FlaskForm):
    subject = StringField(_l("Subject"), render_kw={"maxlength": 200})
    profile_type = SelectField(_l("Kind of profile"), choices=ProfileType.choices(), validate_choice=False)
    urgency = SelectField(_l("Urgency"), choices=Urgency.choices(), default=Urgency.ROUTINE.value,
                          validate_choice=False)
    addressees = CheckboxesField(_l("Send to"), choices=[], validate_choice=False)
    expected_at = StringField(_l("Expected arrival or crossing (local time of the operation)"),
                              render_kw={"type": "datetime-local"})
    indicators = TextAreaField(_l("Risk indicators"), render_kw={"rows": 3})
    details = TextAreaField(_l("Details"), render_kw={"rows": 4})


class FeedbackForm(FlaskForm):
    outcome = RadioField(_l("What the control found"), choices=FeedbackOutcome.choices(), validate_choice=False)
    feedback = TextAreaField(_l("Feedback (required when not controlled: say why)"), render_kw={"rows": 3})
    seizure_id = SelectField(_l("The seizure made"), choices=[], validate_choice=False)
    version = HiddenField()
