"""Before "submit", operation_in writes a complete, valid business case (the submit guard needs one)."""
import copy

from planner.business_cases.services import save_business_case
from planner.extensions import db
from tests.factories import preparer

COMPLETE_CASE = {
    "threat_assessment": {"narrative": "Cigarettes smuggled by road and rail across the eastern land border.",
                          "sources": "RILO analysis; national seizure data", "objective_ref": "CCWP AP11/3"},
    "targeted_goods": [{"category": "cigarettes", "hs_codes": ["240220"]}],
    "transport_sectors": ["road", "rail"],
    "routes": {"origin": ["BY"], "transit": ["LT", "PL"], "destination": ["DE", "GB"]},
    "places": ["LTMDK", "PLKUB"],
    "risk": {"likelihood": 4, "impact": 4, "justification": "Seizures doubled in two years."},
    "risk_indicators": ["new consignee with no history", "route via a free zone"],
    "objectives": [{"indicator": "controls performed", "target": 500}],
    "proposed_participants": ["LT", "PL", "LV"], "proposed_observers": ["OLAF"],
    "window": {"preparation_start": "2026-03-01", "operational_start": "2026-05-04", "operational_end": "2026-05-15"},
    "coordination": {"model": "virtual", "host": None},
    "resources": {"officers": 120, "liaison_officers": 6, "equipment": ["scanner", "detector_dog"]},
    "budget": {"lines": [{"item": "travel", "amount_eur": "12000.00"}], "programme": "Union Anti-Fraud Programme",
               "requested_eur": "12000.00"},
    "communication_plan": "A joint press release after the debriefing; no figures before.",
}


def complete_case(**overrides):
    case = copy.deepcopy(COMPLETE_CASE)
    case.update(overrides)
    return case


@preparer("submit")
def write_complete_business_case(factory, operation):
    if operation.state != "draft":
        return
    save_business_case(factory.coordinator(operation.lead.code), operation, complete_case(), partial=False)
    db.session.commit()


def prepare(factory, operation, action):
    """Run every capability's preparer for `action` (for tests that take a transition themselves)."""
    from tests.factories import PREPARERS

    for func in PREPARERS.get(action, []):
        func(factory, operation)
