"""A generated year of operations for benchmarks/reports.py: operations through the real transitions (business
case, participants, final reports of the closed ones), then their records with bulk inserts, one operation at a
time so that the rows are never all in memory: seizures of one to three items, quantities in mixed units (kg,
tonnages with three decimals entered in t, l, pcs, EUR), route steps, concealment methods, controls, warnings and
their answers; and a previous year of a few closed operations."""
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

YEAR = 2026
PREVIOUS_OPERATIONS = 4
PREVIOUS_ITEMS = 2_000  # per operation of the previous year
LARGEST_SHARE = 4  # the first operation holds a quarter of the items
LEADS = ["LT", "PL", "DE", "NL", "FI", "BE", "ES", "IT"]
EU = ["LV", "EE", "SE", "DK", "FR", "AT", "CZ", "SK", "HU", "RO", "BG", "GR", "PT", "IE", "SI", "HR"]
THIRD = ["UA", "MD", "NO"]
ITEMS = [("cigarettes", "cigarettes", "pcs"), ("tobacco", "water_pipe", "t"), ("drugs", "cocaine", "kg"),
         ("alcohol", "spirits", "l"), ("fuel", "diesel", "l"), ("counterfeit", "clothing", "pcs"),
         ("cash", "banknotes", "EUR"), ("tobacco", "raw_tobacco", "kg"), ("drugs", "cannabis", "kg"),
         ("cigarettes", "cigarettes", "pcs"), ("medicines", "falsified_medicines", "pcs")]
MODES = [("road", "land_border"), ("sea_container", "seaport"), ("air_cargo", "airport"), ("rail", "rail_border"),
         ("postal", "postal_hub"), ("air_passenger", "airport")]
DETECTION = ["risk_profile", "intelligence", "scanner", "detector_dog", "random", "document_check", "mobile_unit"]
CONCEALMENT = ["cover_load", "built_in_compartment", "misdeclaration", "body_baggage", "rip_on_rip_off",
               "vehicle_manipulation", "refrigeration_unit", "postal_parcel", "inside_goods", None]
ORIGINS = ["CN", "BY", "RU", "AE", "TR", "CO", "EC", "VN", "IN", "UA", "MA", "BR"]
BASES = ["risk_profile", "intelligence", "random"]
PHASE_DAYS = 14
CHUNK = 5000


def _states(count):
    """Most operations run (a third closed), a few in planning, a few cancelled; the first (largest) is in
    evaluation."""
    cancelled, planning = max(1, count // 10) if count > 3 else 0, max(1, count // 20) if count > 4 else 0
    started = count - cancelled - planning
    run = ["evaluation" if n == 0 else ("closed", "evaluation", "post_operational")[n % 3] for n in range(started)]
    return run + ["planning"] * planning + ["cancelled"] * cancelled


def _operation(factory, n, year, state, users):
    from planner.core.clock import utcnow
    from planner.extensions import db
    from planner.operations.services import take_transition
    from planner.reports.models import FinalReport, NarrativeSection

    lead = LEADS[n % len(LEADS)]
    participants = [c for c in LEADS if c != lead][:2] + [EU[(n + k) % len(EU)] for k in range(4)]
    if n % 4 == 1:
        participants.append(THIRD[n % len(THIRD)])
    op = factory.operation_in("evaluation" if state == "closed" else state, lead=lead,
                              participants=participants, code_name=f"BENCH {year} {n:02d}", year=year)
    if state in ("post_operational", "evaluation", "closed") and n % 2 == 0:
        factory.accept(op, "OLAF", role="observer")
    if state == "closed":
        coordinator = factory.coordinator(lead)
        text = {code.value: f"{code.label} of operation {n}: what was learned and what to do next."
                for code in NarrativeSection}
        db.session.add(FinalReport(operation_id=op.id, status="final", sections=text, finalised_at=utcnow(),
                                   finalised_by_id=coordinator.id))
        db.session.flush()
        take_transition(coordinator, op, "close")
        db.session.commit()
    start = datetime(year, 2, 1, 6, tzinfo=timezone.utc) + timedelta(days=7 * n)
    if op.actual_start_at is not None:
        op.actual_start_at, op.actual_end_at = start, start + timedelta(days=PHASE_DAYS)
    db.session.commit()
    members = [p.organisation for p in op.participations if p.status == "accepted" and p.role == "participant"]
    for org in members:
        if org.code not in users:
            users[org.code] = factory.user(org.code, "officer").id
    return op.id, start, [(org.id, org.code, org.country or org.code) for org in members]


def _quantity(rng, unit):
    if unit == "pcs":
        return Decimal(rng.randint(1, 3_000_000))
    if unit == "t":
        return Decimal(rng.randint(1, 300_000_000)) / 1000  # 283671.925 t
    if unit == "EUR":
        return Decimal(rng.randint(100, 50_000_000)) / 100
    return Decimal(rng.randint(1, 5_000_000)) / 1000


def _insert(model_or_table, rows):
    from sqlalchemy import insert

    from planner.extensions import db

    for n in range(0, len(rows), CHUNK):
        db.session.execute(insert(model_or_table), rows[n:n + CHUNK])


def _records(op_id, start, members, users, item_count, ids, rng):
    """Insert one operation's records; `ids` holds the next seizure, item and warning ids."""
    from planner.extensions import db
    from planner.messages.models import WarningAddressee, WarningMessage
    from planner.results.models import ControlRecord, Quantity, RouteStep, Seizure, SeizureItem
    from planner.vocab.units import normalise

    warnings = []
    for w in range(max(2, item_count // 500)):
        org_id, code, _country = members[w % len(members)]
        warnings.append({"id": ids["warning"], "operation_id": op_id, "number": w + 1, "sender_organisation_id": org_id,
                         "sender_id": users[code], "subject": f"Container expected W-{w + 1}",
                         "profile_type": "container", "urgency": "urgent", "profile": {}, "route": [],
                         "created_at": start + timedelta(hours=w)})
        ids["warning"] += 1
    _insert(WarningMessage, warnings)

    seizures, items, quantities, steps = [], [], [], []
    done, n = 0, 0
    while done < item_count:
        sid = ids["seizure"]
        ids["seizure"] += 1
        org_id, code, country = members[n % len(members)]
        mode, location = MODES[n % len(MODES)]
        status = "draft" if n % 40 == 39 else "withdrawn" if n % 97 == 96 else "submitted"
        at = start + timedelta(minutes=rng.randint(0, (PHASE_DAYS + 3) * 24 * 60))  # some in the follow-up
        seizures.append({
            "id": sid, "operation_id": op_id, "organisation_id": org_id, "national_reference": f"{code}-{sid:07d}",
            "seized_at": at, "country": country, "place": f"Border crossing {n % 23}", "location_type": location,
            "detection_method": DETECTION[n % len(DETECTION)], "transport_mode": mode, "conveyance": {},
            "concealment": CONCEALMENT[n % len(CONCEALMENT)], "concealment_details": "", "offenders": [],
            "modus_operandi": "", "arrests": n % 3, "investigation_opened": n % 5 == 0,
            "warning_id": warnings[n % len(warnings)]["id"] if n % 50 == 0 else None,
            "share_with_eu_member_states": n % 4 != 0, "share_with_third_countries": n % 7 == 0,
            "share_with_agencies": n % 3 == 0, "public_statistics": n % 2 == 0, "status": status,
            "submitted_at": None if status == "draft" else at, "withdrawn_at": at if status == "withdrawn" else None,
            "withdrawn_reason": "Entered twice" if status == "withdrawn" else None, "content_hash": "",
            "created_at": at, "created_by_id": users[code], "version": 1})
        if n % 10:
            steps.append({"seizure_id": sid, "position": 0, "country": ORIGINS[n % len(ORIGINS)], "place": "",
                          "role": "origin"})
        if n % 3 == 0:
            steps.append({"seizure_id": sid, "position": 1, "country": "BY", "place": "", "role": "transit"})
        for k in range(min(1 + n % 3, item_count - done)):
            iid = ids["item"]
            ids["item"] += 1
            category, kind, unit = ITEMS[(n + k) % len(ITEMS)]
            description = '=HYPERLINK("http://example.org","x")' if iid % 1000 == 0 else f"Item {k + 1} of {sid}"
            items.append({"id": iid, "seizure_id": sid, "position": k, "category": category, "type": kind,
                          "description": description, "brand": "", "counterfeit": kind == "clothing",
                          "estimated_value_eur": Decimal(rng.randint(100, 10_000_000)) / 100})
            value = _quantity(rng, unit)
            normalised, base = normalise(value, unit)
            quantities.append({"item_id": iid, "position": 0, "value": value, "unit": unit,
                               "normalised_value": normalised, "base_unit": base})
            if unit == "pcs" and iid % 4 == 0:  # a second quantity: the weight of the pieces
                weight = Decimal(rng.randint(1, 900_000)) / 1000
                quantities.append({"item_id": iid, "position": 1, "value": weight, "unit": "kg",
                                   "normalised_value": weight, "base_unit": "kg"})
            done += 1
        n += 1
    for model, rows in ((Seizure, seizures), (SeizureItem, items), (Quantity, quantities), (RouteStep, steps)):
        _insert(model, rows)

    addressees, answered = [], start + timedelta(days=1)
    for w, warning in enumerate(warnings):
        for k, (org_id, code, _country) in enumerate(m for m in members if m[0] != warning["sender_organisation_id"]):
            if k >= 3:
                break
            outcome = (None, "nothing_found", "seizure", "not_controlled")[(w + k) % 4]
            addressees.append({"warning_id": warning["id"], "organisation_id": org_id, "outcome": outcome,
                               "feedback": "No officers on duty" if outcome == "not_controlled" else "",
                               "seizure_id": seizures[(w * 7 + k) % len(seizures)]["id"] if outcome == "seizure"
                               else None, "answered_at": answered if outcome else None,
                               "answered_by_id": users[code] if outcome else None, "version": 1})
    _insert(WarningAddressee, addressees)

    controls = []
    for m, (org_id, code, _country) in enumerate(members):
        for day in range(PHASE_DAYS):
            for b, basis in enumerate(BASES):
                total = rng.randint(20, 200)
                controls.append({"operation_id": op_id, "organisation_id": org_id,
                                 "control_date": (start + timedelta(days=day)).date(), "location": f"BCP {m}",
                                 "transport_mode": MODES[(m + b) % len(MODES)][0], "selection_basis": basis,
                                 "controls": total, "hits": rng.randint(0, total // (3 + 5 * b)),
                                 "share_with_eu_member_states": True, "share_with_third_countries": False,
                                 "share_with_agencies": False, "public_statistics": False,
                                 "embargo_until": date(start.year + 1, 1, 1) if m == 0 else None,
                                 "status": "submitted", "created_at": start, "created_by_id": users[code],
                                 "version": 1})
    _insert(ControlRecord, controls)
    db.session.commit()


def build(app, item_count, operation_count):
    from benchmarks.common import fresh_schema
    from planner.core.clock import freeze
    from tests.factories import Factory

    rng = random.Random(7)
    with app.app_context():
        fresh_schema()
        freeze(datetime(YEAR, 12, 20, 9, tzinfo=timezone.utc))
        factory, users = Factory(), {}
        current = [_operation(factory, n, YEAR, state, users) for n, state in enumerate(_states(operation_count))]
        previous = [_operation(factory, n, YEAR - 1, "closed", users) for n in range(PREVIOUS_OPERATIONS)]
        started = [op for op in current if op[2] and _started(op[0])]
        largest = item_count // LARGEST_SHARE if len(started) > 1 else item_count
        rest = item_count - largest
        ids = {"seizure": 1, "item": 1, "warning": 1}
        for n, (op_id, start, members) in enumerate(started):
            share = largest if n == 0 else rest // (len(started) - 1) + (n <= rest % (len(started) - 1))
            _records(op_id, start, members, users, share, ids, rng)
        for op_id, start, members in previous:
            _records(op_id, start, members, users, PREVIOUS_ITEMS, ids, rng)
        freeze(None)


def _started(operation_id):
    from planner.extensions import db
    from planner.operations.models import Operation

    return db.session.get(Operation, operation_id).actual_start_at is not None


def describe(app):
    """(id of the largest operation, a one-line summary of the data)."""
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.operations.models import Operation
    from planner.results.models import ControlRecord, Quantity, Seizure, SeizureItem

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    current = select(Operation.id).where(Operation.year == YEAR)
    per_op = (select(Seizure.operation_id, func.count(SeizureItem.id)).join(SeizureItem, SeizureItem.seizure_id == Seizure.id)
              .where(Seizure.operation_id.in_(current)).group_by(Seizure.operation_id)
              .order_by(func.count(SeizureItem.id).desc()))
    largest, largest_items = db.session.execute(per_op).first()
    items = count(SeizureItem, SeizureItem.seizure_id.in_(select(Seizure.id).where(Seizure.operation_id.in_(current))))
    return largest, (f"{YEAR}: {count(Operation, Operation.year == YEAR)} operations, "
                     f"{count(Seizure, Seizure.operation_id.in_(current))} seizures, {items} items "
                     f"({largest_items} in the largest operation), {count(Quantity)} quantities (both years), "
                     f"{count(ControlRecord)} control records; {YEAR - 1}: "
                     f"{count(Operation, Operation.year == YEAR - 1)} operations")
