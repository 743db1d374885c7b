"""Forms of the mail pages: they carry the CSRF token."""
from flask_wtf import FlaskForm


class ResendForm(FlaskForm):
    """Send a message of the log again (a new copy to the same recipient)."""
