"""The one validation of a business case, used by the pages and the API: `validate_content(data)` returns the
clean document (missing fields empty) or raises ValidationError naming every dotted field
(`targeted_goods.0.hs_codes.1`). `FieldValidator` checks the primitives (text, amounts in EUR, dates, codes)
for other inputs of this feature too (the funding decision)."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from planner.business_cases.content import COORDINATION_MODELS, FIELDS, empty_content
from planner.core.errors import FieldErrors
from planner.vocab.codes import COMMODITY_CATEGORY, Equipment, TransportMode
from planner.vocab.countries import normalise_country
from planner.vocab.hs import hs_code_error, normalise_hs_code
from planner.vocab.queries import codes_of, place_by_code

MAX_TEXT, MAX_SHORT, MAX_LINE = 10000, 5000, 300
MAX_LIST = {"targeted_goods": 20, "hs_codes": 30, "countries": 60, "places": 50, "risk_indicators": 50,
            "objectives": 30, "organisations": 60, "equipment": 20, "budget_lines": 50}
MAX_EUR = Decimal("9999999999.99")


class FieldValidator:
    def __init__(self):
        self.errors = FieldErrors()
        self._categories = None

    def add(self, path, message):
        self.errors.add(path, message)

    def categories(self):
        if self._categories is None:
            self._categories = codes_of(COMMODITY_CATEGORY)
        return self._categories

    # primitives
    def text(self, value, path, limit=MAX_SHORT, null=False):
        if value is None:
            return None if null else ""
        if not isinstance(value, str):
            self.add(path, _("Give text."))
            return None if null else ""
        value = value.strip()
        if len(value) > limit:
            self.add(path, _("Use at most %(n)d characters.", n=limit))
        if "\x00" in value:
            self.add(path, _("The text holds a NUL character."))
        return value if (value or not null) else None

    def obj(self, value, path, keys):
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(path, _("Give an object with the fields %(keys)s.", keys=", ".join(keys)))
            return {}
        for key in value:
            if key not in keys:
                self.add(f"{path}.{key}", _("Unknown field; expected one of: %(keys)s.", keys=", ".join(keys)))
        return value

    def array(self, value, path, limit):
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, _("Give a list."))
            return []
        if len(value) > limit:
            self.add(path, _("Give at most %(n)d entries.", n=limit))
            return []
        return value

    def integer(self, value, path, low, high, null=True):
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
                value = int(value.strip())
            else:
                self.add(path, _("Give a whole number from %(low)d to %(high)d.", low=low, high=high))
                return None
        if not low <= value <= high:
            self.add(path, _("Give a whole number from %(low)d to %(high)d.", low=low, high=high))
            return None
        return value

    def eur(self, value, path):
        """An amount in EUR: a string (or whole number) with at most 2 decimals, ≥ 0; returned as "12000.00"."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, (str, int)):
            self.add(path, _("Give the amount as a string, e.g. \"12000.00\"."))
            return None
        raw = str(value).strip().replace(" ", "").replace("\u00a0", "")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            self.add(path, _("“%(value)s” is not an amount; write e.g. 12000.00.", value=raw[:30]))
            return None
        if not amount.is_finite() or "e" in raw.lower():
            self.add(path, _("“%(value)s” is not an amount; write e.g. 12000.00.", value=raw[:30]))
            return None
        if amount < 0:
            self.add(path, _("The amount cannot be negative."))
            return None
        if amount.as_tuple().exponent < -2:
            self.add(path, _("Use at most 2 decimal places (cents)."))
            return None
        if amount > MAX_EUR:
            self.add(path, _("The amount is too large."))
            return None
        return str(amount.quantize(Decimal("0.01")))

    def iso_date(self, value, path):
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.add(path, _("Give a date as YYYY-MM-DD."))
            return None
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            self.add(path, _("“%(value)s” is not a date; write YYYY-MM-DD.", value=value[:20]))
            return None
        if len(value.strip()) != 10 or not 2000 <= day.year <= 2100:
            self.add(path, _("Give a date as YYYY-MM-DD between 2000 and 2100."))
            return None
        return day.isoformat()

    def countries(self, value, path):
        out = []
        for i, code in enumerate(self.array(value, path, MAX_LIST["countries"])):
            country = normalise_country(code)
            if country is None:
                self.add(f"{path}.{i}", _("“%(code)s” is not an ISO 3166 country code.", code=str(code)[:10]))
            elif country not in out:
                out.append(country)
        return out

    def organisations(self, value, path):
        from planner.organisations.services import resolve_organisation_code

        out = []
        for i, code in enumerate(self.array(value, path, MAX_LIST["organisations"])):
            org = resolve_organisation_code(code) if isinstance(code, str) and len(code) <= 20 else None
            if org is None or not org.is_active:
                self.add(f"{path}.{i}", _("“%(code)s” is not an organisation code.", code=str(code)[:20]))
            elif org.code not in out:
                out.append(org.code)
        return out


def validate_content(data):
    """The clean, complete-shaped document from `data` (missing fields empty), or ValidationError."""
    v = FieldValidator()
    if not isinstance(data, dict):
        v.add("business_case", _("Give the business case as a JSON object."))
        v.errors.raise_if_any()
    for key in data:
        if key not in FIELDS and key not in ("version", "risk_level"):
            v.add(key, _("Unknown field; expected one of: %(fields)s.", fields=", ".join(FIELDS)))
    out = empty_content()

    ta = v.obj(data.get("threat_assessment"), "threat_assessment", ("narrative", "sources", "objective_ref"))
    out["threat_assessment"] = {
        "narrative": v.text(ta.get("narrative"), "threat_assessment.narrative", MAX_TEXT),
        "sources": v.text(ta.get("sources"), "threat_assessment.sources"),
        "objective_ref": v.text(ta.get("objective_ref"), "threat_assessment.objective_ref", 100, null=True),
    }

    goods, seen = [], set()
    for i, item in enumerate(v.array(data.get("targeted_goods"), "targeted_goods", MAX_LIST["targeted_goods"])):
        path = f"targeted_goods.{i}"
        item = v.obj(item, path, ("category", "hs_codes"))
        category = item.get("category")
        if not isinstance(category, str) or category not in v.categories():
            v.add(f"{path}.category", _("“%(code)s” is not a commodity category; use one of: %(known)s.",
                                        code=str(category)[:30], known=", ".join(sorted(v.categories()))))
            category = None
        elif category in seen:
            v.add(f"{path}.category", _("%(code)s is named twice.", code=category))
        seen.add(category)
        codes = []
        for j, code in enumerate(v.array(item.get("hs_codes"), f"{path}.hs_codes", MAX_LIST["hs_codes"])):
            if not isinstance(code, str):
                v.add(f"{path}.hs_codes.{j}", _("Give the HS code as a string of digits."))
                continue
            error = hs_code_error(code[:30])
            if error:
                v.add(f"{path}.hs_codes.{j}", error)
            elif normalise_hs_code(code) not in codes:
                codes.append(normalise_hs_code(code))
        if category:
            goods.append({"category": category, "hs_codes": codes})
    out["targeted_goods"] = goods

    sectors = []
    for i, code in enumerate(v.array(data.get("transport_sectors"), "transport_sectors", 7)):
        if code not in TransportMode.codes():
            v.add(f"transport_sectors.{i}", _("“%(code)s” is not a transport sector; use one of: %(known)s.",
                                              code=str(code)[:30], known=", ".join(TransportMode.codes())))
        elif code not in sectors:
            sectors.append(code)
    out["transport_sectors"] = sectors

    routes = v.obj(data.get("routes"), "routes", ("origin", "transit", "destination"))
    out["routes"] = {k: v.countries(routes.get(k), f"routes.{k}") for k in ("origin", "transit", "destination")}
    places = []
    for i, code in enumerate(v.array(data.get("places"), "places", MAX_LIST["places"])):
        place = place_by_code(code) if isinstance(code, str) and len(code) <= 10 else None
        if place is None:
            v.add(f"places.{i}", _("“%(code)s” is not a place in the list (a UN/LOCODE such as NLRTM).",
                                   code=str(code)[:20]))
        elif place.code not in places:
            places.append(place.code)
    out["places"] = places

    risk = v.obj(data.get("risk"), "risk", ("likelihood", "impact", "justification", "score", "level"))
    out["risk"] = {
        "likelihood": v.integer(risk.get("likelihood"), "risk.likelihood", 1, 5),
        "impact": v.integer(risk.get("impact"), "risk.impact", 1, 5),
        "justification": v.text(risk.get("justification"), "risk.justification"),
    }

    indicators = []
    for i, line in enumerate(v.array(data.get("risk_indicators"), "risk_indicators", MAX_LIST["risk_indicators"])):
        line = v.text(line, f"risk_indicators.{i}", MAX_LINE)
        if line:
            indicators.append(line)
    out["risk_indicators"] = indicators

    objectives = []
    for i, item in enumerate(v.array(data.get("objectives"), "objectives", MAX_LIST["objectives"])):
        item = v.obj(item, f"objectives.{i}", ("indicator", "target"))
        indicator = v.text(item.get("indicator"), f"objectives.{i}.indicator", MAX_LINE)
        target = v.integer(item.get("target"), f"objectives.{i}.target", 0, 10**9)
        if not indicator and item:
            v.add(f"objectives.{i}.indicator", _("Name the indicator."))
        if indicator:
            objectives.append({"indicator": indicator, "target": target})
    out["objectives"] = objectives

    out["proposed_participants"] = v.organisations(data.get("proposed_participants"), "proposed_participants")
    out["proposed_observers"] = v.organisations(data.get("proposed_observers"), "proposed_observers")

    window = v.obj(data.get("window"), "window", ("preparation_start", "operational_start", "operational_end"))
    w = {k: v.iso_date(window.get(k), f"window.{k}")
         for k in ("preparation_start", "operational_start", "operational_end")}
    if w["operational_start"] and w["operational_end"] and w["operational_end"] < w["operational_start"]:
        v.add("window.operational_end", _("The operational phase cannot end before it starts."))
    if w["preparation_start"] and w["operational_start"] and w["preparation_start"] >= w["operational_start"]:
        v.add("window.preparation_start", _("The preparation starts before the operational phase."))
    out["window"] = w

    coordination = v.obj(data.get("coordination"), "coordination", ("model", "host"))
    model = coordination.get("model") or None
    if model is not None and (not isinstance(model, str) or model not in COORDINATION_MODELS):
        v.add("coordination.model", _("Choose physical or virtual."))
        model = None
    hosts = v.organisations([coordination["host"]] if coordination.get("host") else [], "coordination.host")
    if "coordination.host.0" in v.errors.errors:
        v.errors.errors["coordination.host"] = v.errors.errors.pop("coordination.host.0")
    out["coordination"] = {"model": model, "host": (hosts[0] if hosts else None) if model == "physical" else None}

    resources = v.obj(data.get("resources"), "resources", ("officers", "liaison_officers", "equipment"))
    equipment = []
    for i, code in enumerate(v.array(resources.get("equipment"), "resources.equipment", MAX_LIST["equipment"])):
        if code not in Equipment.codes():
            v.add(f"resources.equipment.{i}", _("“%(code)s” is not equipment; use one of: %(known)s.",
                                                code=str(code)[:30], known=", ".join(Equipment.codes())))
        elif code not in equipment:
            equipment.append(code)
    out["resources"] = {
        "officers": v.integer(resources.get("officers"), "resources.officers", 0, 100000),
        "liaison_officers": v.integer(resources.get("liaison_officers"), "resources.liaison_officers", 0, 10000),
        "equipment": equipment,
    }

    budget = v.obj(data.get("budget"), "budget", ("lines", "programme", "requested_eur", "lines_total_eur"))
    lines = []
    for i, line in enumerate(v.array(budget.get("lines"), "budget.lines", MAX_LIST["budget_lines"])):
        line = v.obj(line, f"budget.lines.{i}", ("item", "amount_eur"))
        item = v.text(line.get("item"), f"budget.lines.{i}.item", 200)
        amount = v.eur(line.get("amount_eur"), f"budget.lines.{i}.amount_eur")
        if line and not item:
            v.add(f"budget.lines.{i}.item", _("Name the cost."))
        elif item and amount is None and f"budget.lines.{i}.amount_eur" not in v.errors.errors:
            v.add(f"budget.lines.{i}.amount_eur", _("Give the amount in EUR."))
        if item and amount is not None:
            lines.append({"item": item, "amount_eur": amount})
    out["budget"] = {
        "lines": lines,
        "programme": v.text(budget.get("programme"), "budget.programme", MAX_LINE),
        "requested_eur": v.eur(budget.get("requested_eur"), "budget.requested_eur"),
    }

    out["communication_plan"] = v.text(data.get("communication_plan"), "communication_plan")
    v.errors.raise_if_any(_("The business case is not valid."))
    return out
