"""Forms of the schedule pages. The phase rows are read by the view and validated by the service (one
validation for the page and the API); these forms carry the CSRF token."""
from flask_wtf import FlaskForm
from wtforms import HiddenField


class ScheduleForm(FlaskForm):
    version = HiddenField()


class FeedForm(FlaskForm):
    """Regenerate the calendar feed's secret address."""
