"""Demo data: a believable year of work, so that a newcomer sees the product at work (`planner seed-demo`).
Every operation is built through the same services as the pages, so the demo obeys every rule."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import User
from planner.auth.services import create_user, issue_token
from planner.core.clock import utcnow
from planner.extensions import db
from planner.operations.services import create_operation, take_transition
from planner.organisations.services import load_reference_organisations, resolve_organisation_code
from planner.participants.services import invite, respond, withdraw

DEMO_PASSWORD = "demo-password-2026"

# What the demo does before a transition, so that every guard is met with believable data. A capability that
# adds a guard registers its step from its own module (imported at the bottom of this file):
# `@demo_step("submit") def f(operation, actor, now): ...` (e.g. writes a complete business case).
DEMO_STEPS = {}


def demo_step(action):
    def decorator(func):
        DEMO_STEPS.setdefault(action, []).append(func)
        return func

    return decorator


def step(actor, operation, action, comment=None, now=None):
    """Run the capabilities' demo steps for `action`, then take the transition."""
    for func in DEMO_STEPS.get(action, []):
        func(operation, actor, now)
    return take_transition(actor, operation, action, comment, now=now)

# (email, name, organisation, role)
DEMO_USERS = [
    ("admin@planner.example", "Ada Admin", "CCWP", "admin"),
    ("secretariat@ccwp.example", "Sofia Secretariat", "CCWP", "secretariat"),
    ("coordinator@customs.lt.example", "Lina Coordinator", "LT", "coordinator"),
    ("ncp@customs.lt.example", "Jonas Contact-Point", "LT", "contact_point"),
    ("officer@customs.lt.example", "Rasa Officer", "LT", "officer"),
    ("coordinator@customs.pl.example", "Piotr Coordinator", "PL", "coordinator"),
    ("ncp@customs.pl.example", "Anna Contact-Point", "PL", "contact_point"),
    ("officer@customs.pl.example", "Marek Officer", "PL", "officer"),
    ("coordinator@customs.nl.example", "Daan Coordinator", "NL", "coordinator"),
    ("ncp@customs.nl.example", "Eva Contact-Point", "NL", "contact_point"),
    ("coordinator@customs.de.example", "Jan Coordinator", "DE", "coordinator"),
    ("ncp@customs.de.example", "Greta Contact-Point", "DE", "contact_point"),
    ("ncp@customs.lv.example", "Ilze Contact-Point", "LV", "contact_point"),
    ("ncp@customs.ua.example", "Olena Contact-Point", "UA", "contact_point"),
    ("coordinator@olaf.example", "Oscar Coordinator", "OLAF", "coordinator"),
    ("analyst@olaf.example", "Olga Analyst", "OLAF", "analyst"),
    ("observer@europol.example", "Erik Observer", "EUROPOL", "observer"),
    ("ncp@europol.example", "Elena Contact-Point", "EUROPOL", "contact_point"),
]


def demo_logins():
    return [(email, role, org) for email, _name, org, role in DEMO_USERS]


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _answerer(code):
    """A coordinator or contact point of the organisation: they answer its invitations."""
    org = resolve_organisation_code(code)
    return db.session.scalar(select(User).where(User.organisation_id == org.id,
                                                User.role.in_(("coordinator", "contact_point"))).order_by(User.id))


def _invite(operation, code, actor, now, respond_by, role="participant"):
    """An invitation through the participants service (the answer date fixed when sent)."""
    invite(actor, operation, {"organisations": [code], "role": role, "respond_by": respond_by}, now=now)


def _accept(operation, code, actor, now, role="participant"):
    """Invited, then accepted by the organisation's own contact point or coordinator."""
    _invite(operation, code, actor, now, (now + timedelta(days=21)).date(), role=role)
    respond(_answerer(code), operation, code, True, now=now + timedelta(days=3))


def seed_demo(now=None):
    now = now or utcnow()
    year = now.year
    load_reference_organisations()
    for email, name, org, role in DEMO_USERS:
        if _user(email) is None:
            create_user(None, {"email": email, "name": name, "organisation": org, "role": role,
                               "password": DEMO_PASSWORD})
    db.session.flush()
    lt, pl, nl = _user("coordinator@customs.lt.example"), _user("coordinator@customs.pl.example"), \
        _user("coordinator@customs.nl.example")
    de, sec = _user("coordinator@customs.de.example"), _user("secretariat@ccwp.example")

    def at(days):
        return now - timedelta(days=days)

    # 1. AMBER SHIELD (LT, OLAF co-organising): cigarettes by road and rail on the eastern border, operational.
    amber = create_operation(lt, {"code_name": "AMBER SHIELD", "year": year, "lead": "LT", "co_organisers": ["OLAF"],
                                  "time_zone": "Europe/Vilnius",
                                  "summary": "Cigarette smuggling by road and rail across the eastern land border "
                                             "(BY/RU → LT, LV, PL → DE, NL)."}, now=at(200))
    step(lt, amber, "submit", now=at(190))
    step(sec, amber, "approve", "Approved at the working-party meeting.", now=at(170))
    for code in ("PL", "LV", "DE"):
        _accept(amber, code, lt, at(160))
    _accept(amber, "EUROPOL", lt, at(160), role="observer")
    _accept(amber, "UA", lt, at(150))  # a third country: it sees only what is shared with third countries
    _invite(amber, "NL", lt, at(160), respond_by=at(140).date())
    respond(_answerer("NL"), amber, "NL", False, "No staff available during the operational window.", now=at(150))
    step(lt, amber, "start", now=at(10))

    # 2. NORTH STAR (NL): sea containers into the North Sea ports, planning.
    north = create_operation(nl, {"code_name": "NORTH STAR", "year": year, "lead": "NL",
                                  "summary": "Cocaine in deep-sea containers from South America into North Sea ports."},
                             now=at(120))
    step(nl, north, "submit", now=at(110))
    step(sec, north, "approve", now=at(95))
    _accept(north, "DE", nl, at(90))
    _invite(north, "LT", nl, at(60), respond_by=(now + timedelta(days=14)).date())
    _accept(north, "PL", nl, at(80))
    withdraw(_answerer("PL"), north, "PL", "Staff reassigned to the eastern border.", now=at(40))

    # 3. SILENT RIVER (PL): submitted, waiting for the working party.
    silent = create_operation(pl, {"code_name": "SILENT RIVER", "year": year, "lead": "PL",
                                   "summary": "Counterfeit medicines in postal and express-courier parcels."},
                              now=at(40))
    step(pl, silent, "submit", now=at(30))

    # 4. GREY HERON (DE): a draft returned once by the secretariat.
    heron = create_operation(de, {"code_name": "GREY HERON", "year": year, "lead": "DE",
                                  "summary": "Illicit fuel by road from the Western Balkans."}, now=at(50))
    step(de, heron, "submit", now=at(45))
    step(sec, heron, "return", "Section on routes: name the border crossings of interest.", now=at(35))

    # 5. LAST HARBOUR (LT, last year): closed.
    harbour = create_operation(lt, {"code_name": "LAST HARBOUR", "year": year - 1, "lead": "LT",
                                    "summary": "Water-pipe tobacco in sea containers through the Baltic ports."},
                               now=at(500))
    step(lt, harbour, "submit", now=at(490))
    step(sec, harbour, "approve", now=at(470))
    _accept(harbour, "PL", lt, at(460))
    _accept(harbour, "LV", lt, at(460))
    step(lt, harbour, "start", now=at(400))
    step(lt, harbour, "end", now=at(390))
    step(lt, harbour, "evaluate", now=at(300))
    step(lt, harbour, "close", "Final report sent to the working party.", now=at(250))

    # 6. PAPER LANTERN (PL): post-operational; and 7. DRY DOCK (NL): cancelled in planning.
    lantern = create_operation(pl, {"code_name": "PAPER LANTERN", "year": year, "lead": "PL",
                                    "summary": "Counterfeit goods in air cargo from East Asia."}, now=at(150))
    step(pl, lantern, "submit", now=at(145))
    step(sec, lantern, "approve", now=at(130))
    _accept(lantern, "LT", pl, at(120))
    _accept(lantern, "NL", pl, at(120))
    step(pl, lantern, "start", now=at(60))
    step(pl, lantern, "end", now=at(50))

    dock = create_operation(nl, {"code_name": "DRY DOCK", "year": year, "lead": "NL",
                                 "summary": "Waste shipments misdeclared as second-hand goods."}, now=at(100))
    step(nl, dock, "submit", now=at(98))
    step(sec, dock, "approve", now=at(90))
    step(nl, dock, "cancel", "The participating ports could not commit staff this year.", now=at(80))

    issue_token(_user("ncp@customs.lt.example"), "LT national seizure system (demo)", ["read", "write_results"],
                organisation=resolve_organisation_code("LT"))
    db.session.flush()
    # What the capabilities do once the year is in place (e.g. the reminders due by now have gone out).
    for func in DEMO_STEPS.get("finish", []):
        func(None, None, now)


# Demo steps of the capabilities (one import each).
import planner.business_cases.demo  # noqa: F401,E402
import planner.participants.demo  # noqa: F401,E402
import planner.scheduling.demo  # noqa: F401,E402
import planner.results.demo  # noqa: F401,E402
import planner.past_operations.demo  # noqa: F401,E402
import planner.reports.public_demo  # noqa: F401,E402
import planner.reports.annual_demo  # noqa: F401,E402
import planner.reports.demo  # noqa: F401,E402
