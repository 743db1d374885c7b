"""Forms for organisations and user accounts. Field checks live in the services (one validation for the pages
and the API): the select fields accept any value (validate_choice=False) so that the service names the problem."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired

from planner.organisations.models import OrganisationKind
from planner.vocab.countries import country_choices


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code"), render_kw={"maxlength": 20, "autocomplete": "off"})
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    kind = SelectField(_l("Kind"), choices=OrganisationKind.choices(), validate_choice=False)
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    is_active = BooleanField(_l("Active (may take part in operations)"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("No country (agency or secretariat)"))] + list(country_choices())

    def to_data(self):
        data = {"name": self.name.data, "kind": self.kind.data, "country": self.country.data,
                "is_active": self.is_active.data}
        if self.code is not None:
            data["code"] = self.code.data
        return data


class NewUserForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    email = EmailField(_l("E-mail address"), render_kw={"maxlength": 254, "autocomplete": "off"})
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    # The pages always give an initial password (the service also allows accounts without one, e.g. single sign-on).
    password = PasswordField(_l("Initial password (at least 12 characters)"),
                             validators=[DataRequired(message=_l("An initial password is required."))],
                             render_kw={"autocomplete": "new-password"})

    def to_data(self):
        data = {"name": self.name.data, "email": self.email.data, "role": self.role.data,
                "password": self.password.data or ""}
        if self.organisation is not None:
            data["organisation"] = self.organisation.data
        return data


class EditUserForm(FlaskForm):
    """Fields that do not apply (organisation on the own-organisation pages, password and unlock for a service
    account, unlock for an account that is not locked) are removed by the view."""

    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    email = EmailField(_l("E-mail address"), render_kw={"maxlength": 254, "autocomplete": "off"})
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    is_active = BooleanField(_l("Active (may log in)"))
    password = PasswordField(_l("New password (leave empty to keep the current one)"),
                             render_kw={"autocomplete": "new-password"})
    unlock = BooleanField(_l("Unlock the account (clears the failed login attempts)"))

    def to_data(self):
        data = {"name": self.name.data, "is_active": self.is_active.data}
        for name in ("email", "role", "organisation"):
            field = getattr(self, name, None)
            if field is not None:
                data[name] = field.data
        if getattr(self, "password", None) is not None and self.password.data:
            data["password"] = self.password.data
        if getattr(self, "unlock", None) is not None and self.unlock.data:
            data["unlock"] = True
        return data
