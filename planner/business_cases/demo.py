"""Demo steps: a believable, complete business case for each demo operation before it is submitted, the
secretariat's comments on the returned GREY HERON case, and funding decisions on approved operations."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import User
from planner.business_cases.services import add_comment, record_funding, save_business_case
from planner.core.clock import utcnow
from planner.demo import demo_step

# code name -> (case content without the window, (preparation, operational start, operational end) in days
# after the submission)
CASES = {
    "AMBER SHIELD": ({
        "threat_assessment": {
            "narrative": "Cigarettes produced in Belarus without excise marks are smuggled by lorry and by rail "
                         "freight across the eastern land border, hidden behind cover loads of timber and fertiliser, "
                         "for the markets of Germany, the Netherlands and the United Kingdom.",
            "sources": "RILO-ECE analysis 2025; OLAF intelligence report; national seizure data of LT, LV and PL.",
            "objective_ref": "CCWP AP11/3"},
        "targeted_goods": [{"category": "cigarettes", "hs_codes": ["240220"]},
                           {"category": "tobacco", "hs_codes": ["240319"]}],
        "transport_sectors": ["road", "rail"],
        "routes": {"origin": ["BY", "RU"], "transit": ["LT", "LV", "PL"], "destination": ["DE", "NL", "GB"]},
        "places": ["LTMDK", "LTKEN", "LVTER", "PLKUB", "PLBOB"],
        "risk": {"likelihood": 5, "impact": 4,
                 "justification": "Seizures on the eastern border doubled in two years; losses of excise and "
                                  "customs duties estimated at EUR 30 million a year."},
        "risk_indicators": ["new consignee with no history", "cover load of low value (timber, fertiliser)",
                            "lorry registered in a third country returning empty", "rail wagons re-sealed in transit"],
        "objectives": [{"indicator": "lorries and wagons controlled", "target": 1500},
                       {"indicator": "seizures of cigarettes", "target": 25}],
        "proposed_participants": ["LT", "LV", "PL", "DE"], "proposed_observers": ["EUROPOL"],
        "coordination": {"model": "physical", "host": "OLAF"},
        "resources": {"officers": 240, "liaison_officers": 6, "equipment": ["scanner", "detector_dog", "mobile_unit"]},
        "budget": {"lines": [{"item": "travel and subsistence of liaison officers", "amount_eur": "18000.00"},
                             {"item": "mobile scanner transport", "amount_eur": "6500.00"}],
                   "programme": "Union Anti-Fraud Programme (AFIS, JCO support)", "requested_eur": "24500.00"},
        "communication_plan": "A joint OLAF/Presidency press release after the debriefing; no figures before the "
                              "follow-up investigations are closed.",
    }, (40, 180, 195)),
    "NORTH STAR": ({
        "threat_assessment": {
            "narrative": "Cocaine from South America reaches the North Sea ports in deep-sea containers, by "
                         "rip-on/rip-off and in refrigerated fruit consignments.",
            "sources": "MAOC-N reporting; Europol EU SOCTA; NL and DE port seizure data.", "objective_ref": None},
        "targeted_goods": [{"category": "drugs", "hs_codes": ["293972"]}],
        "transport_sectors": ["sea_container"],
        "routes": {"origin": ["EC", "CO", "BR"], "transit": ["PA"], "destination": ["NL", "DE", "BE"]},
        "places": ["NLRTM", "DEHAM", "BEANR"],
        "risk": {"likelihood": 5, "impact": 5, "justification": "Record seizures in the three ports; violence "
                                                                "linked to port infiltration."},
        "risk_indicators": ["reefer container from a high-risk port", "seal number mismatch",
                            "consignee registered less than six months ago"],
        "objectives": [{"indicator": "containers scanned", "target": 3000}],
        "proposed_participants": ["NL", "DE", "BE"], "proposed_observers": ["EUROPOL"],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 300, "liaison_officers": 4, "equipment": ["scanner", "detector_dog"]},
        "budget": {"lines": [{"item": "liaison officers at the coordination unit", "amount_eur": "9000.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "9000.00"},
        "communication_plan": "Joint press release by NL and DE customs when the operation ends.",
    }, (20, 125, 139)),
    "SILENT RIVER": ({
        "threat_assessment": {
            "narrative": "Falsified and unauthorised medicines (erectile dysfunction, slimming, doping) ordered "
                         "online arrive in small postal and express parcels; counterfeit goods travel the same way.",
            "sources": "WCO/Interpol Pangea results; PL postal seizure data.", "objective_ref": "CCWP AP11/5"},
        "targeted_goods": [{"category": "medicines", "hs_codes": ["300490"]}, {"category": "counterfeit", "hs_codes": []}],
        "transport_sectors": ["postal"],
        "routes": {"origin": ["IN", "CN"], "transit": ["AE"], "destination": ["PL", "DE", "LT"]},
        "places": ["PLWAW", "DELEJ"],
        "risk": {"likelihood": 4, "impact": 3, "justification": "Public-health risk; volumes of parcels growing."},
        "risk_indicators": ["parcel declared as a gift or sample", "sender in a known source region"],
        "objectives": [{"indicator": "parcels checked", "target": 20000}],
        "proposed_participants": ["PL", "LT", "DE"], "proposed_observers": [],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 80, "liaison_officers": 0, "equipment": ["scanner", "spectrometer"]},
        "budget": {"lines": [{"item": "field test kits", "amount_eur": "4000.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "4000.00"},
        "communication_plan": "Public-health message with the medicines agencies after the operation.",
    }, (15, 90, 104)),
    "GREY HERON": ({
        "threat_assessment": {
            "narrative": "Marked heating oil and untaxed diesel travel by road tanker from the Western Balkans.",
            "sources": "DE and SI seizure data.", "objective_ref": None},
        "targeted_goods": [{"category": "fuel", "hs_codes": ["271019"]}],
        "transport_sectors": ["road"],
        "routes": {"origin": ["RS", "BA"], "transit": ["HR", "SI", "AT"], "destination": ["DE"]},
        "places": [],
        "risk": {"likelihood": 3, "impact": 3, "justification": "Revenue losses; limited data so far."},
        "risk_indicators": ["tanker declared as empty", "fuel tank modified"],
        "objectives": [{"indicator": "tankers controlled", "target": 400}],
        "proposed_participants": ["DE", "HR", "SI"], "proposed_observers": [],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 60, "liaison_officers": 2, "equipment": ["density_meter", "mobile_unit"]},
        "budget": {"lines": [{"item": "sampling and laboratory", "amount_eur": "7000.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "7000.00"},
        "communication_plan": "None before the evaluation.",
    }, (20, 120, 130)),
    "LAST HARBOUR": ({
        "threat_assessment": {
            "narrative": "Water-pipe tobacco declared as molasses or fruit paste in sea containers through the "
                         "Baltic ports.",
            "sources": "LT, LV and PL port seizure data.", "objective_ref": None},
        "targeted_goods": [{"category": "tobacco", "hs_codes": ["240311"]}],
        "transport_sectors": ["sea_container"],
        "routes": {"origin": ["AE", "EG"], "transit": ["TR"], "destination": ["LT", "LV", "PL"]},
        "places": ["LTPLM", "LVRIX", "PLGDY"],
        "risk": {"likelihood": 4, "impact": 3, "justification": "High excise; misdeclaration frequent."},
        "risk_indicators": ["declared as molasses", "low declared value per kilogram"],
        "objectives": [{"indicator": "containers controlled", "target": 600}],
        "proposed_participants": ["LT", "LV", "PL"], "proposed_observers": [],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 90, "liaison_officers": 3, "equipment": ["scanner"]},
        "budget": {"lines": [{"item": "travel", "amount_eur": "5000.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "5000.00"},
        "communication_plan": "Press release by LT customs at the close.",
    }, (20, 90, 100)),
    "PAPER LANTERN": ({
        "threat_assessment": {
            "narrative": "Counterfeit clothing, toys and electronics arrive as air cargo from East Asia through "
                         "hub airports.",
            "sources": "EUIPO/OECD studies; PL and NL air-cargo seizures.", "objective_ref": None},
        "targeted_goods": [{"category": "counterfeit", "hs_codes": ["950300", "851762"]}],
        "transport_sectors": ["air_cargo"],
        "routes": {"origin": ["CN", "HK"], "transit": [], "destination": ["PL", "NL", "LT"]},
        "places": ["PLWAW", "DELEJ"],
        "risk": {"likelihood": 4, "impact": 2, "justification": "Consumer safety (toys, chargers)."},
        "risk_indicators": ["consolidated shipment with vague description", "brand goods at low unit value"],
        "objectives": [{"indicator": "air waybills checked", "target": 5000}],
        "proposed_participants": ["PL", "LT", "NL"], "proposed_observers": [],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 70, "liaison_officers": 1, "equipment": ["scanner"]},
        "budget": {"lines": [{"item": "right-holder expertise", "amount_eur": "3000.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "3000.00"},
        "communication_plan": "Joint release with the right holders' associations.",
    }, (15, 85, 95)),
    "DRY DOCK": ({
        "threat_assessment": {
            "narrative": "Plastic and electronic waste leaves the EU by sea misdeclared as second-hand goods.",
            "sources": "IMPEL reports; NL inspection data.", "objective_ref": None},
        "targeted_goods": [{"category": "waste", "hs_codes": ["391590"]}],
        "transport_sectors": ["sea_container", "sea_other"],
        "routes": {"origin": ["NL", "BE", "DE"], "transit": [], "destination": ["MY", "NG", "GH"]},
        "places": ["NLRTM", "BEANR"],
        "risk": {"likelihood": 3, "impact": 4, "justification": "Environmental harm; Basel Convention breaches."},
        "risk_indicators": ["declared as second-hand goods", "exporter without a waste permit"],
        "objectives": [{"indicator": "containers inspected", "target": 400}],
        "proposed_participants": ["NL", "BE", "DE"], "proposed_observers": [],
        "coordination": {"model": "virtual", "host": None},
        "resources": {"officers": 50, "liaison_officers": 0, "equipment": ["scanner"]},
        "budget": {"lines": [{"item": "inspector exchange", "amount_eur": "2500.00"}],
                   "programme": "Union Anti-Fraud Programme", "requested_eur": "2500.00"},
        "communication_plan": "None.",
    }, (20, 60, 74)),
}

HERON_COMMENTS = {
    "routes": "Name the border crossings of interest (e.g. Bregana, Obrežje), so that participants can plan staff.",
    "budget": "Split the laboratory costs by participating administration.",
}

FUNDED = {"AMBER SHIELD": ("20000.00", "Union Anti-Fraud Programme (AFIS)"),
          "LAST HARBOUR": ("4500.00", "Union Anti-Fraud Programme")}


@demo_step("submit")
def write_business_case(operation, actor, now):
    now = now or utcnow()
    known = CASES.get(operation.code_name)
    if known is None:
        return
    content, (prep, start, end) = known
    day = now.date()
    document = dict(content, window={"preparation_start": (day + timedelta(days=prep)).isoformat(),
                                     "operational_start": (day + timedelta(days=start)).isoformat(),
                                     "operational_end": (day + timedelta(days=end)).isoformat()})
    save_business_case(actor, operation, document, partial=False, now=now)


@demo_step("return")
def comment_before_returning(operation, actor, now):
    if operation.code_name == "GREY HERON":
        for section, body in HERON_COMMENTS.items():
            add_comment(actor, operation, section, body, now=now)


@demo_step("start")
def record_funding_decision(operation, actor, now):
    from planner.extensions import db

    funded = FUNDED.get(operation.code_name)
    if funded is None:
        return
    secretariat = db.session.scalar(select(User).where(User.role == "secretariat").order_by(User.id).limit(1))
    decided = (operation.approved_at or now or utcnow()) + timedelta(days=7)
    record_funding(secretariat, operation, {"granted_eur": funded[0], "programme": funded[1],
                                            "decided_on": decided.date().isoformat()}, now=now)
