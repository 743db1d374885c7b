from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField

from planner.operations.forms import TIME_ZONES
from planner.operations.models import HandlingMarking


class PastOperationForm(FlaskForm):
    """Field checks live in the service (one validation for the page and the API); the choices are filled by the
    view, and a value outside them is the service's to refuse, naming the field."""

    code_name = StringField(_l("Code name"))
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})
    lead = SelectField(_l("Lead administration"), choices=[], validate_choice=False)
    participants = SelectMultipleField(_l("Participating administrations (besides the lead)"), choices=[],
                                       validate_choice=False, render_kw={"size": 8})
    observers = SelectMultipleField(_l("Observers"), choices=[], validate_choice=False, render_kw={"size": 5})
    operational_start = StringField(_l("Start of the operational phase"), render_kw={"type": "date"})
    operational_end = StringField(_l("End of the operational phase"), render_kw={"type": "date"})
    targeted_goods = SelectMultipleField(_l("Targeted goods"), choices=[], validate_choice=False,
                                         render_kw={"size": 6})
    transport_sectors = SelectMultipleField(_l("Transport sectors"), choices=[], validate_choice=False,
                                            render_kw={"size": 7})
    requested_eur = StringField(_l("Funding requested (EUR, optional)"), render_kw={"inputmode": "decimal"})
    granted_eur = StringField(_l("Funding granted (EUR, optional)"), render_kw={"inputmode": "decimal"})
    time_zone = SelectField(_l("Time zone"), choices=[(z, z) for z in TIME_ZONES], default="Europe/Brussels",
                            validate_choice=False)
    handling_marking = SelectField(_l("Handling marking"), choices=HandlingMarking.choices(), default="LIMITE",
                                   validate_choice=False)
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})

    FIELDS = ("code_name", "year", "lead", "participants", "observers", "operational_start", "operational_end",
              "targeted_goods", "transport_sectors", "requested_eur", "granted_eur", "time_zone",
              "handling_marking", "summary")

    def data_for_service(self):
        """The fields as the service takes them (blank optional amounts: none)."""
        data = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("requested_eur", "granted_eur"):
            data[name] = (data[name] or "").strip() or None
        return data
