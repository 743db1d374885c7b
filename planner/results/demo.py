"""Demo results, recorded through the same services as the pages: seizures with mixed units (sticks, tonnes,
litres), a draft, a withdrawn record, a flagged error, a follow-up seizure after the operational phase, and
controls per day. Before "end" the results of the operational phase of each operation; at "finish" the running
operation's (AMBER SHIELD) and a late follow-up seizure of PAPER LANTERN."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step
from planner.extensions import db
from planner.operations.models import Operation
from planner.results.controls import create_controls
from planner.results.services import comment_on_seizure, create_seizure, withdraw_seizure


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _officer(code):
    """Someone of the administration who logs results: its officer, else its contact point or coordinator."""
    from planner.organisations.services import resolve_organisation_code

    org = resolve_organisation_code(code)
    for role in ("officer", "contact_point", "coordinator"):
        user = db.session.scalar(select(User).where(User.organisation_id == org.id, User.role == role,
                                                    User.is_service_account.is_(False)).order_by(User.id))
        if user is not None:
            return user
    return None


def _seizure(code, operation, when, place, country, location_type, mode, detection, items, now, **extra):
    """Recorded an hour after it was made (or now, for one made within the last hour)."""
    data = {"seized_at": when.isoformat(), "country": country, "place": place, "location_type": location_type,
            "transport_mode": mode, "detection_method": detection, "items": items, **extra}
    return create_seizure(_officer(code), operation, data, now=min(when + timedelta(hours=1), now))


def _local_midnight(operation, moment):
    """The start of the operation's local day of `moment` (demo times read as hours of that day)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(operation.time_zone)
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _cigarettes(sticks, value=None):
    item = {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": str(sticks), "unit": "pcs"}]}
    if value:
        item.update({"estimated_value_eur": value, "duties_evaded_eur": str(int(value.split(".")[0]) // 2)})
    return item


def _warnings(op, start, now):
    """`start`: local midnight of the first day of the operational phase."""
    """Warnings of the operation: one answered with a seizure (by the Terespol seizure below), one controlled
    with nothing found, one still awaiting feedback."""
    from planner.messages.services import give_feedback, send_warning

    lt = _user("coordinator@customs.lt.example")
    to_pl = send_warning(lt, op, {
        "subject": "Lorry BR 55 120 heading for Terespol, spirits suspected", "profile_type": "vehicle",
        "urgency": "urgent", "addressees": ["PL"],
        "profile": {"vehicle_plate": "BR 55 120", "vehicle_nationality": "BY"},
        "route": [{"country": "BY", "place": "Brest", "role": "origin"}, {"country": "PL", "role": "transit"}],
        "indicators": "Empty return trip declared; fuel tank replaced last month."}, now=start + timedelta(days=2, hours=9))
    pl_to_lt = send_warning(_officer("PL"), op, {
        "subject": "Container train 3012: wagons re-sealed in transit", "profile_type": "consignment",
        "urgency": "routine", "addressees": ["LT"], "profile": {"train_number": "3012"},
        "indicators": "Seal numbers differ from the transit declaration."}, now=start + timedelta(days=3, hours=7))
    give_feedback(_user("ncp@customs.lt.example"), pl_to_lt, {
        "outcome": "nothing_found", "feedback": "Train 3012 scanned at Kybartai; images clean."},
        now=start + timedelta(days=3, hours=13))
    send_warning(_user("ncp@customs.pl.example"), op, {
        "subject": "Lorry UA 0917 with wood pellets, return leg through Ukraine", "profile_type": "vehicle",
        "urgency": "routine", "addressees": ["UA"], "profile": {"vehicle_plate": "UA 0917", "vehicle_nationality": "UA"},
        "indicators": "Same consignor as the Terespol seizure."}, now=start + timedelta(days=5, hours=8))
    send_warning(lt, op, {
        "subject": "Van with Latvian plates, hand-rolling tobacco", "profile_type": "vehicle", "urgency": "immediate",
        "addressees": ["LV"], "profile": {"vehicle_plate": "KX 4411", "vehicle_nationality": "LV"},
        "indicators": "Same van seen twice this week at Medininkai."}, now=now - timedelta(hours=30))
    return to_pl


def _amber_shield(op, now):
    start = op.actual_start_at
    midnight = _local_midnight(op, start)
    day = lambda n, h=10: midnight + timedelta(days=n, hours=h)  # noqa: E731
    to_pl = _warnings(op, midnight, now)
    _seizure("LT", op, day(1), "Medininkai", "LT", "land_border", "road", "scanner",
             [_cigarettes(2875000, "1437500.00")], now,
             conveyance={"vehicle_plate": "AB 1234", "vehicle_nationality": "BY"},
             route=[{"country": "BY", "role": "origin"}, {"country": "DE", "role": "destination"}],
             concealment="cover_load", concealment_details="Behind pallets of wood briquettes",
             offenders=[{"role": "driver", "nationality": "BY"}], arrests=1, investigation_opened=True,
             share_with_agencies=True, share_with_third_countries=True, public_statistics=True)
    rail = _seizure("LT", op, day(3, 6), "Kybartai", "LT", "rail_border", "rail", "risk_profile",
                    [_cigarettes(1200000, "600000.00"),
                     {"category": "tobacco", "type": "raw_tobacco", "quantities": [{"value": "2.350", "unit": "t"}]}],
                    now, conveyance={"train_number": "3012", "wagon_number": "29 72 485"},
                    route=[{"country": "RU", "role": "origin"}, {"country": "PL", "role": "transit"}],
                    concealment="built_in_compartment", concealment_details="False floor of a grain wagon")
    _seizure("PL", op, day(2, 14), "Terespol", "PL", "land_border", "road", "detector_dog",
             [{"category": "alcohol", "type": "spirits", "quantities": [{"value": "640.5", "unit": "l"}]},
              _cigarettes(48000)], now, conveyance={"vehicle_plate": "BR 55 120", "vehicle_nationality": "BY"},
             concealment="vehicle_manipulation", offenders=[{"role": "driver", "nationality": "UA"}], arrests=1,
             warning_id=to_pl.id)
    _seizure("LV", op, day(4, 9), "Terehova", "LV", "land_border", "road", "random", [_cigarettes(96000)], now,
             share_with_eu_member_states=True)
    _seizure("DE", op, day(5, 16), "Frankfurt (Oder)", "DE", "inland", "road", "intelligence",
             [{"category": "tobacco", "type": "water_pipe", "quantities": [{"value": "180", "unit": "kg"}]}], now,
             status="draft")
    wrong = _seizure("PL", op, day(6, 11), "Kuźnica", "PL", "land_border", "road", "scanner", [_cigarettes(10000)], now)
    withdraw_seizure(_officer("PL"), wrong, "Recorded twice; see the Terespol seizure.", wrong.version, now=now)
    comment_on_seizure(_user("coordinator@customs.pl.example"), rail,
                       "The wagon number reads 29 72 458 on our transit documents.", flags_error=True, now=now)
    for code, location, mode, days in (("LT", "Medininkai", "road", 6), ("PL", "Terespol", "road", 5),
                                       ("LV", "Terehova", "road", 4), ("LT", "Kybartai", "rail", 6)):
        create_controls(_officer(code), op, [
            {"date": (midnight + timedelta(days=d)).date().isoformat(), "location": location, "transport_mode": mode,
             "selection_basis": basis, "controls": controls + d, "hits": hits}
            for d in range(days) for basis, controls, hits in (("risk_profile", 30, 1 if d % 2 else 0),
                                                               ("random", 60, 1 if d == 2 else 0))
        ], now=now)


def _by_name(name):
    return db.session.scalar(select(Operation).where(Operation.code_name == name))


@demo_step("end")
def results_of_the_operational_phase(operation, actor, now):
    start = _local_midnight(operation, operation.actual_start_at)
    if operation.code_name == "PAPER LANTERN":
        _seizure("PL", operation, start + timedelta(days=2, hours=9), "Warsaw Chopin Airport", "PL", "airport",
                 "air_cargo", "risk_profile",
                 [{"category": "counterfeit", "type": "clothing", "brand": "(several)", "counterfeit": True,
                   "quantities": [{"value": "4200", "unit": "pcs"}, {"value": "1.250", "unit": "t"}],
                   "estimated_value_eur": "126000.00"}], now, conveyance={"flight_number": "LO 7911",
                                                                          "air_waybill": "080-1234 5675"},
                 route=[{"country": "CN", "role": "origin"}], concealment="misdeclaration", public_statistics=True)
        _seizure("NL", operation, start + timedelta(days=4, hours=15), "Amsterdam Schiphol", "NL", "airport",
                 "air_cargo", "document_check",
                 [{"category": "counterfeit", "type": "accessories", "counterfeit": True,
                   "quantities": [{"value": "950", "unit": "pcs"}]}], now, concealment="misdeclaration")
    elif operation.code_name == "LAST HARBOUR":
        _seizure("LT", operation, start + timedelta(days=3, hours=8), "Klaipėda", "LT", "seaport", "sea_container",
                 "scanner", [{"category": "tobacco", "type": "water_pipe",
                              "quantities": [{"value": "14.725", "unit": "t"}], "estimated_value_eur": "412300.00"}],
                 now, conveyance={"container_number": "MSCU 123456-5"}, concealment="cover_load")
        _seizure("LV", operation, start + timedelta(days=5, hours=13), "Riga", "LV", "seaport", "sea_container",
                 "risk_profile", [{"category": "tobacco", "type": "water_pipe",
                                   "quantities": [{"value": "3.100", "unit": "t"}]}], now)


@demo_step("finish")
def results_of_the_running_operations(_operation, _actor, now):
    amber = _by_name("AMBER SHIELD")
    if amber is not None and amber.state == "operational":
        _amber_shield(amber, now)
    lantern = _by_name("PAPER LANTERN")
    if lantern is not None and lantern.state == "post_operational":  # a follow-up seizure after the phase ended
        _seizure("PL", lantern, _local_midnight(lantern, lantern.actual_end_at) + timedelta(days=20, hours=11), "Warsaw Chopin Airport", "PL", "airport",
                 "air_cargo", "intelligence",
                 [{"category": "counterfeit", "type": "toys", "counterfeit": True,
                   "quantities": [{"value": "12000", "unit": "pcs"}]}], now, investigation_opened=True)
