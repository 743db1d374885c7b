"""Forms of the schedule pages. The phase rows are read by the view and validated by the service (one
validation for the page and the API); these forms carry the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField


class ScheduleForm(FlaskForm):
    version = HiddenField()


class FeedForm(FlaskForm):
    """Regenerate the calendar feed's secret address."""


class ReminderForm(FlaskForm):
    """Add a reminder or send one now; the choices are the operation's deadlines (set by the view)."""

    deadline = SelectField(_l("Deadline"), choices=[], validate_choice=False)
    days_before = StringField(_l("Days before the deadline (negative: days after it)"))
    message = TextAreaField(_l("Message added to the reminder (optional)"), render_kw={"maxlength": 1000, "rows": 2})


class ReminderRemoveForm(FlaskForm):
    """Remove a reminder that has not gone out."""
