"""The pages' forms: each section's HTML form is read into the same JSON shape the API takes, so that one
validation (content.validate_content) serves both. Values stay as typed, so a refused form shows them again."""
import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from flask_babel import lazy_gettext as _l

from planner.business_cases.content import SECTION_KEYS

_SPLIT = re.compile(r"[\s,;]+")


class CsrfForm(FlaskForm):
    """Only the CSRF token: the section forms are read by read_section below."""

    version = HiddenField()


class CommentForm(FlaskForm):
    section = SelectField(_l("Section"), choices=[(k, k) for k in SECTION_KEYS])
    body = TextAreaField(_l("Comment"))


class FundingForm(FlaskForm):
    granted_eur = StringField(_l("Amount granted (EUR)"))
    programme = StringField(_l("Funding programme"))
    decided_on = StringField(_l("Decided on"), validators=[Optional()])
    version = HiddenField()


class CouncilNumberForm(FlaskForm):
    council_number = StringField(_l("Council document number"))


def _codes(value):
    return [c for c in _SPLIT.split(value or "") if c]


def _rows(form, prefix, fields):
    """Indexed rows `prefix-<i>-<field>` in index order; rows left entirely blank are dropped."""
    indexes = sorted({int(m.group(1)) for key in form for m in [re.fullmatch(rf"{prefix}-(\d{{1,3}})-\w+", key)] if m})
    rows = []
    for i in indexes:
        row = {f: (form.get(f"{prefix}-{i}-{f}") or "").strip() for f in fields}
        if any(row.values()):
            rows.append(row)
    return rows


def read_section(section, form):
    """The section's JSON fields from the submitted form (a MultiDict)."""
    if section == "threat_assessment":
        return {"threat_assessment": {"narrative": form.get("narrative", ""), "sources": form.get("sources", ""),
                                      "objective_ref": form.get("objective_ref") or None}}
    if section == "targeted_goods":
        return {"targeted_goods": [{"category": r["category"], "hs_codes": _codes(r["hs_codes"])}
                                   for r in _rows(form, "goods", ("category", "hs_codes"))]}
    if section == "transport_sectors":
        return {"transport_sectors": form.getlist("transport_sectors")}
    if section == "routes":
        return {"routes": {k: _codes(form.get(k)) for k in ("origin", "transit", "destination")},
                "places": _codes(form.get("places"))}
    if section == "risk":
        return {"risk": {"likelihood": form.get("likelihood") or None, "impact": form.get("impact") or None,
                         "justification": form.get("justification", "")}}
    if section == "risk_indicators":
        return {"risk_indicators": [line.strip() for line in (form.get("risk_indicators") or "").splitlines()
                                    if line.strip()]}
    if section == "objectives":
        return {"objectives": [{"indicator": r["indicator"], "target": r["target"] or None}
                               for r in _rows(form, "objectives", ("indicator", "target"))]}
    if section == "participants":
        return {"proposed_participants": _codes(form.get("proposed_participants")),
                "proposed_observers": _codes(form.get("proposed_observers"))}
    if section == "planning":
        return {"window": {k: form.get(k) or None for k in ("preparation_start", "operational_start", "operational_end")},
                "coordination": {"model": form.get("coordination_model") or None,
                                 "host": (form.get("coordination_host") or "").strip() or None}}
    if section == "resources":
        return {"resources": {"officers": form.get("officers") or None,
                              "liaison_officers": form.get("liaison_officers") or None,
                              "equipment": form.getlist("equipment")}}
    if section == "budget":
        return {"budget": {"lines": [{"item": r["item"], "amount_eur": r["amount_eur"] or None}
                                     for r in _rows(form, "budget", ("item", "amount_eur"))],
                           "programme": form.get("programme", ""), "requested_eur": form.get("requested_eur") or None}}
    if section == "communication_plan":
        return {"communication_plan": form.get("communication_plan", "")}
    raise KeyError(section)
