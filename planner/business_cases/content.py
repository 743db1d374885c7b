"""The business case as a JSON document: its sections, its completeness rules (the submit guard), the risk level
and the derived figures. Its one validation is in validation.py (`validate_content`).

A draft may be incomplete; `missing_elements(content)` lists what a submission still needs, section by section."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


# (section key, label, top-level JSON fields it holds) in the order of the document.
SECTIONS = [
    ("threat_assessment", _l("Threat assessment"), ("threat_assessment",)),
    ("targeted_goods", _l("Targeted goods"), ("targeted_goods",)),
    ("transport_sectors", _l("Transport sectors"), ("transport_sectors",)),
    ("routes", _l("Routes and places"), ("routes", "places")),
    ("risk", _l("Perceived risk"), ("risk",)),
    ("risk_indicators", _l("Risk indicators and targeting criteria"), ("risk_indicators",)),
    ("objectives", _l("Objectives and expected results"), ("objectives",)),
    ("participants", _l("Proposed participants and observers"), ("proposed_participants", "proposed_observers")),
    ("planning", _l("Planned window and coordination"), ("window", "coordination")),
    ("resources", _l("Resources"), ("resources",)),
    ("budget", _l("Budget"), ("budget",)),
    ("communication_plan", _l("Communication plan"), ("communication_plan",)),
]
SECTION_KEYS = [key for key, _label, _fields in SECTIONS]
SECTION_LABELS = {key: label for key, label, _fields in SECTIONS}
SECTION_FIELDS = {key: fields for key, _label, fields in SECTIONS}
FIELDS = [f for _key, _label, fields in SECTIONS for f in fields]
FIELD_SECTION = {f: key for key, _label, fields in SECTIONS for f in fields}

COORDINATION_MODELS = {"physical": _l("Physical coordination unit"), "virtual": _l("Virtual coordination unit")}


def empty_content():
    return {
        "threat_assessment": {"narrative": "", "sources": "", "objective_ref": None},
        "targeted_goods": [],
        "transport_sectors": [],
        "routes": {"origin": [], "transit": [], "destination": []},
        "places": [],
        "risk": {"likelihood": None, "impact": None, "justification": ""},
        "risk_indicators": [],
        "objectives": [],
        "proposed_participants": [],
        "proposed_observers": [],
        "window": {"preparation_start": None, "operational_start": None, "operational_end": None},
        "coordination": {"model": None, "host": None},
        "resources": {"officers": None, "liaison_officers": None, "equipment": []},
        "budget": {"lines": [], "programme": "", "requested_eur": None},
        "communication_plan": "",
    }


# --- risk ---------------------------------------------------------------------------------------------------

RISK_LEVELS = [(1, 4, "low", _l("Low")), (5, 9, "medium", _l("Medium")), (10, 16, "high", _l("High")),
               (17, 25, "critical", _l("Critical"))]


def risk_level(likelihood, impact):
    """(score, code, label) of likelihood × impact, or None when either is missing."""
    if not isinstance(likelihood, int) or not isinstance(impact, int):
        return None
    score = likelihood * impact
    for low, high, code, label in RISK_LEVELS:
        if low <= score <= high:
            return score, code, label
    return None


def merge(current, partial):
    """The current document with the top-level fields of `partial` replaced (saving a section never loses the
    others)."""
    merged = dict(empty_content())
    merged.update(current or {})
    merged.update({k: v for k, v in partial.items() if k in FIELDS})
    return merged


# --- completeness (the submit guard) ----------------------------------------------------------------------

def missing_elements(content):
    """{section key: [what is missing]} for a submission; empty when complete."""
    c = merge(content, {})
    missing = {}

    def need(section, condition, message):
        if not condition:
            missing.setdefault(section, []).append(str(message))

    ta = c["threat_assessment"] or {}
    need("threat_assessment", ta.get("narrative"), _("the narrative of the threat"))
    need("threat_assessment", ta.get("sources"), _("the sources it rests on"))
    need("targeted_goods", c["targeted_goods"], _("at least one commodity category"))
    need("transport_sectors", c["transport_sectors"], _("at least one transport sector"))
    routes = c["routes"] or {}
    need("routes", routes.get("origin"), _("at least one country of origin"))
    need("routes", routes.get("destination"), _("at least one country of destination"))
    risk = c["risk"] or {}
    need("risk", risk.get("likelihood"), _("the likelihood (1–5)"))
    need("risk", risk.get("impact"), _("the impact (1–5)"))
    need("risk", risk.get("justification"), _("the justification of the risk"))
    need("risk_indicators", c["risk_indicators"], _("at least one risk indicator or targeting criterion"))
    need("objectives", any(o.get("target") is not None for o in c["objectives"]),
         _("at least one measurable objective (an indicator with a target)"))
    need("participants", c["proposed_participants"], _("at least one proposed participant"))
    window = c["window"] or {}
    need("planning", window.get("preparation_start"), _("the start of the preparation"))
    need("planning", window.get("operational_start"), _("the start of the operational phase"))
    need("planning", window.get("operational_end"), _("the end of the operational phase"))
    coordination = c["coordination"] or {}
    need("planning", coordination.get("model"), _("the coordination model (physical or virtual)"))
    if coordination.get("model") == "physical":
        need("planning", coordination.get("host"), _("the host of the physical coordination unit"))
    resources = c["resources"] or {}
    need("resources", resources.get("officers") is not None, _("the number of officers"))
    budget = c["budget"] or {}
    need("budget", budget.get("requested_eur") is not None, _("the funding requested (EUR)"))
    need("budget", budget.get("programme"), _("the funding programme asked"))
    need("communication_plan", c["communication_plan"], _("what may be published, and when"))
    return missing


def missing_messages(content):
    """Every missing element as "Section: element", in document order."""
    missing = missing_elements(content)
    return [_("%(section)s: %(element)s is missing.", section=SECTION_LABELS[key], element=element)
            for key in SECTION_KEYS for element in missing.get(key, [])]


def lines_total(content):
    total = sum((Decimal(line["amount_eur"]) for line in (content.get("budget") or {}).get("lines", [])),
                Decimal("0.00"))
    return str(total.quantize(Decimal("0.01")))


def with_derived(content):
    """The document as the API and pages show it: risk score/level and the total of the cost lines added."""
    out = merge(content, {})
    risk = dict(out["risk"] or {})
    level = risk_level(risk.get("likelihood"), risk.get("impact"))
    risk["score"], risk["level"] = (level[0], level[1]) if level else (None, None)
    out["risk"] = risk
    budget = dict(out["budget"] or {})
    budget["lines_total_eur"] = lines_total(out)
    out["budget"] = budget
    return out


def section_content(content, key):
    c = merge(content, {})
    return {f: c[f] for f in SECTION_FIELDS[key]}
