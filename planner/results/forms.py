"""The seizure forms (quick and full) map their inputs into the seizure's JSON shape; the one validation
(validation.py) answers with dotted paths, which are the inputs' names, so each error shows beside its input.

Inputs are named by the dotted path of the JSON shape (`items.0.quantities.1.unit`); the full form offers a
fixed number of rows (ITEM_ROWS items with QUANTITY_ROWS quantities, ROUTE_ROWS route steps, OFFENDER_ROWS
offenders): a blank row is left out."""
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Optional

from planner.results.models import CONVEYANCE_FIELDS

ITEM_ROWS = 3
QUANTITY_ROWS = 2
ROUTE_ROWS = 4
OFFENDER_ROWS = 4
BOOLEANS = ("counterfeit", "investigation_opened", "share_with_eu_member_states", "share_with_third_countries",
            "share_with_agencies", "public_statistics")


class ActionForm(FlaskForm):
    """CSRF only (withdraw, resolve)."""


class WithdrawForm(FlaskForm):
    reason = TextAreaField("reason")
    version = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField("body")
    flags_error = HiddenField(validators=[Optional()])


class EmbargoForm(FlaskForm):
    embargo_until = StringField("embargo_until", validators=[Optional()])


def _value(form, name):
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else value


def _flag(form, name):
    return form.get(name) in ("y", "on", "true", "1", "yes")


def seizure_from_form(form, quick=False) -> dict:
    """The JSON shape of a seizure from the posted inputs. The date and time are local to the operation."""
    day, clock = _value(form, "seized_date"), _value(form, "seized_time") or "12:00"
    data = {
        "seized_at": f"{day}T{clock}" if day else "",
        "country": _value(form, "country"),
        "place": _value(form, "place"),
        "location_type": _value(form, "location_type"),
        "detection_method": _value(form, "detection_method"),
        "transport_mode": _value(form, "transport_mode"),
        "warning_id": _value(form, "warning_id") or None,
        "status": "draft" if form.get("action") == "draft" else "submitted",
    }
    if quick:
        category, _sep, kind = _value(form, "commodity").partition(":")
        data["items"] = [{"category": category, "type": kind, "quantities": [
            {"value": _value(form, "items.0.quantities.0.value"), "unit": _value(form, "items.0.quantities.0.unit")}]}]
        return data
    for key in ("national_reference", "location_code", "concealment", "concealment_details", "modus_operandi",
                "arrests", "embargo_until"):
        data[key] = _value(form, key) or None
    for key in BOOLEANS:
        if key != "counterfeit":
            data[key] = _flag(form, key)
    data["conveyance"] = {k: _value(form, f"conveyance.{k}") for k in CONVEYANCE_FIELDS
                          if _value(form, f"conveyance.{k}")}
    data["route"] = [
        {"country": _value(form, f"route.{i}.country"), "place": _value(form, f"route.{i}.place"),
         "role": _value(form, f"route.{i}.role")}
        for i in posted_rows(form, "route") if _value(form, f"route.{i}.country") or _value(form, f"route.{i}.role")
    ]
    data["offenders"] = [
        {"role": _value(form, f"offenders.{i}.role"), "nationality": _value(form, f"offenders.{i}.nationality") or None}
        for i in posted_rows(form, "offenders") if _value(form, f"offenders.{i}.role")
    ]
    items = []
    for i in posted_rows(form, "items"):
        p = f"items.{i}"
        quantities = [{"value": _value(form, f"{p}.quantities.{j}.value"),
                       "unit": _value(form, f"{p}.quantities.{j}.unit")}
                      for j in posted_rows(form, f"{p}.quantities")
                      if _value(form, f"{p}.quantities.{j}.value") or (j == 0 and _value(form, f"{p}.category"))]
        if not _value(form, f"{p}.category") and not quantities and i > 0:
            continue
        items.append({
            "category": _value(form, f"{p}.category"), "type": _value(form, f"{p}.type"),
            "description": _value(form, f"{p}.description"), "hs_code": _value(form, f"{p}.hs_code") or None,
            "brand": _value(form, f"{p}.brand"), "counterfeit": _flag(form, f"{p}.counterfeit"),
            "quantities": quantities,
            "estimated_value_eur": _value(form, f"{p}.estimated_value_eur") or None,
            "duties_evaded_eur": _value(form, f"{p}.duties_evaded_eur") or None,
        })
    data["items"] = items
    return data


MAX_FORM_ROWS = 200  # no list of a seizure is longer (validation.py caps them lower still)


def posted_rows(form, prefix) -> list:
    """The row numbers posted under `prefix` (`items` → 0, 1, 2 … from `items.<n>.…`), in order: the form has as
    many rows as the record needs, so none is dropped on a save."""
    head = prefix + "."
    rows = set()
    for name in form.keys():
        if name.startswith(head):
            number = name[len(head):].split(".", 1)[0]
            if number.isascii() and number.isdigit() and int(number) < MAX_FORM_ROWS:
                rows.add(int(number))
    return sorted(rows)


def form_rows(values) -> dict:
    """How many rows of each list the full form offers: the defaults, or what the record holds plus a blank one."""
    def count(prefix):
        return len(posted_rows(values, prefix))

    items = max(ITEM_ROWS, count("items") + 1)
    quantities = max([QUANTITY_ROWS] + [count(f"items.{i}.quantities") + 1 for i in range(items)])
    return {"items": items, "quantities": quantities, "route": max(ROUTE_ROWS, count("route") + 1),
            "offenders": max(OFFENDER_ROWS, count("offenders") + 1)}


def form_values(seizure_body, zone) -> dict:
    """Flat {input name: value} of a stored seizure (its JSON shape) for the edit form."""
    values = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}.{i}", v)
        else:
            values[prefix] = value

    walk("", seizure_body)
    moment = datetime.fromisoformat(seizure_body["seized_at"]).astimezone(zone)
    values["seized_date"] = moment.date().isoformat()
    values["seized_time"] = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    return values


def values_from_post(form) -> dict:
    """What the user typed, to show the form again with the errors."""
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "action")}
    for key in BOOLEANS:
        for name in list(values):
            if name == key or name.endswith(f".{key}"):
                values[name] = _flag(form, name)
    return values


def field_label(path) -> str:
    """A dotted error path in words for the error summary: `items.1.quantities.0.unit` → "Item 2, quantity 1:
    unit"."""
    from flask_babel import gettext as _

    names = {
        "seized_at": _("Date and time"), "national_reference": _("National reference"), "country": _("Country"),
        "place": _("Place"), "location_code": _("Location code"), "location_type": _("Location type"),
        "detection_method": _("Detection method"), "warning_id": _("Warning"), "transport_mode": _("Transport mode"),
        "concealment": _("Concealment method"), "concealment_details": _("Concealment details"),
        "modus_operandi": _("Modus operandi"), "arrests": _("Arrests"), "embargo_until": _("Embargo"),
        "status": _("Status"), "items": _("Goods"), "route": _("Route"), "offenders": _("Offenders"),
        "category": _("commodity category"), "type": _("commodity type"), "description": _("description"),
        "hs_code": _("HS code"), "brand": _("brand"), "value": _("quantity"), "unit": _("unit"),
        "estimated_value_eur": _("estimated value"), "duties_evaded_eur": _("duties evaded"), "role": _("role"),
        "nationality": _("nationality"), "quantities": _("quantities"), "date": _("Day"), "location": _("Location"),
        "controls": _("controls"), "hits": _("found something"), "commodity": _("Commodity"),
    }
    parts = str(path).split(".")
    words, rest = [], parts
    while len(rest) >= 2 and rest[1].isdigit():
        n = int(rest[1]) + 1
        words.append({"items": _("Item %(n)d", n=n), "quantities": _("quantity %(n)d", n=n),
                      "route": _("Route step %(n)d", n=n), "offenders": _("Offender %(n)d", n=n)}.get(
            rest[0], f"{rest[0]} {n}"))
        rest = rest[2:]
    if len(rest) == 4 and rest[0] == "counts":  # the controls grid: counts.<mode>.<basis>.<field>
        from planner.vocab.queries import label_of

        return _("%(mode)s, %(basis)s: %(field)s", mode=label_of("transport_mode", rest[1]),
                 basis=label_of("selection_basis", rest[2]), field=names.get(rest[3], rest[3]))
    if rest and rest[0] == "conveyance" and len(rest) == 2:
        rest = [str(CONVEYANCE_FIELDS.get(rest[1], rest[1]))]
    tail = " ".join(names.get(p, p) for p in rest)
    if not words:
        return tail
    return ", ".join(words) + (f": {tail}" if tail else "")
