"""Demo step before "start": every accepted participant nominates its contact points, liaison officers and
control locations (real places of the seed list), through the same service as the pages."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step
from planner.extensions import db
from planner.participants.services import participants_without_contact_point, save_nomination, save_sharing
from planner.vocab.queries import place_by_code

# organisation code -> [(UN/LOCODE, transport sectors)]
CONTROL_LOCATIONS = {
    "LT": [("LTMDK", ["road"]), ("LTKEN", ["rail"]), ("LTPLM", ["sea_container", "sea_other"])],
    "PL": [("PLKUB", ["road"]), ("PLMAA", ["rail"]), ("PLGDY", ["sea_container"])],
    "LV": [("LVTER", ["road"]), ("LVZLP", ["rail"]), ("LVRIX", ["sea_container"])],
    "DE": [("DEHAM", ["sea_container"]), ("DEPOM", ["road"]), ("DEFFO", ["rail"])],
    "NL": [("NLRTM", ["sea_container"]), ("NLHZK", ["road"])],
}
LANGUAGES = {"LT": ["lt", "en", "ru"], "PL": ["pl", "en"], "LV": ["lv", "en", "ru"], "DE": ["de", "en"],
             "NL": ["nl", "en"], "OLAF": ["en", "fr"]}
EQUIPMENT = {"LT": ["scanner", "detector_dog", "mobile_unit"], "PL": ["scanner", "detector_dog"],
             "LV": ["detector_dog", "mobile_unit"], "DE": ["scanner", "number_plate_reader"], "NL": ["scanner"]}


def _people(organisation_id):
    return db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.is_active_account.is_(True),
                           User.is_service_account.is_(False),
                           User.role.in_(("contact_point", "coordinator"))).order_by(User.role, User.id)
    ).all()


@demo_step("start")
def nominate_participants(operation, actor, now):
    for participation in participants_without_contact_point(operation):
        people = _people(participation.organisation_id)
        if not people:
            continue
        code = participation.organisation.code
        editor = people[0]
        start = (now or operation.created_at).date()
        data = {
            "contact_points": [{"user": u.email, "phone": f"+000 {1000 + u.id:04d} {i}", "available_24_7": i == 0}
                               for i, u in enumerate(people[:2])],
            "external_contacts": [{"name": f"{code} customs duty desk", "email": "",
                                   "phone": f"+000 {9000 + participation.id}"}],
            "officers_deployed": 10 + 5 * len(CONTROL_LOCATIONS.get(code, [])),
            "equipment": EQUIPMENT.get(code, []),
            "languages": LANGUAGES.get(code, ["en"]),
            "control_locations": [{"code": c, "transport_sectors": s} for c, s in CONTROL_LOCATIONS.get(code, [])
                                  if place_by_code(c) is not None],
        }
        if participation.is_lead or code in ("PL", "DE"):
            data["liaison_officers"] = [{"name": f"Liaison officer of {code}",
                                         "from": start.isoformat(), "to": (start + timedelta(days=11)).isoformat()}]
        save_nomination(editor, operation, code, data, now=now)
        if participation.organisation.kind == "agency" or code == "DE":
            save_sharing(editor, operation, code, {"share_with_agencies": True}, now=now)
