"""Deny by default: every route declares a permission, and every role meets every route with the expected
answer (200, 302 to the login page, 401, 403 or 404)."""
import re

import pytest

from planner.core.permissions import ROLE_PERMISSIONS, declared_permission
from planner.core.enums import Role
from planner.extensions import db

IGNORED_ENDPOINTS = {"static", "bootstrap.static"}


def test_every_route_declares_a_permission(app):
    missing = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in IGNORED_ENDPOINTS and declared_permission(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_the_check_catches_an_undeclared_route(app):
    """The walk above would fail on a route without a permission (proved on a copy of the map)."""
    from flask import Flask

    probe = Flask("probe")

    @probe.route("/naked")
    def naked():
        return "x"

    assert declared_permission(probe.view_functions["naked"]) is None


# --- the world every principal meets --------------------------------------------------------------------

PRINCIPALS = [
    "anonymous", "admin", "secretariat", "lead_coordinator", "lead_contact_point", "lead_officer",
    "lead_analyst", "participant_coordinator", "participant_officer", "invited_contact_point", "observer",
    "co_organiser_coordinator", "outsider_coordinator", "declined_coordinator",
]


@pytest.fixture
def world(factory):
    op = factory.operation_in("planning", lead="LT", participants=(), co_organisers=["OLAF"])
    factory.accept(op, "PL")
    factory.invite(op, "UA")
    factory.accept(op, "EUROPOL", role="observer")
    factory.invite(op, "DE")
    from planner.core.clock import utcnow

    declined = op.participation_of(factory.org("DE").id)
    declined.status, declined.answered_at = "declined", utcnow()
    db.session.commit()
    users = {
        "admin": factory.user("CCWP", "admin"),
        "secretariat": factory.secretariat(),
        "lead_coordinator": factory.coordinator("LT"),
        "lead_contact_point": factory.user("LT", "contact_point"),
        "lead_officer": factory.user("LT", "officer"),
        "lead_analyst": factory.user("LT", "analyst"),
        "participant_coordinator": factory.coordinator("PL"),
        "participant_officer": factory.user("PL", "officer"),
        "invited_contact_point": factory.user("UA", "contact_point"),
        "observer": factory.user("EUROPOL", "observer"),
        "co_organiser_coordinator": factory.coordinator("OLAF"),
        "outsider_coordinator": factory.coordinator("FR"),
        "declined_coordinator": factory.coordinator("DE"),
    }
    from planner.vocab.models import Place, VocabularyTerm

    params = {
        "operation_id": op.id,
        "user_id": users["lead_officer"].id,
        "organisation_id": factory.org("LT").id,
        "place_id": db.session.query(Place.id).limit(1).scalar(),
        "term_id": db.session.query(VocabularyTerm.id).limit(1).scalar(),
        "section": "risk",  # a section of the business case
        "number": 1,  # the business case's first submitted version
        "year": op.year,
        "org": "PL",
        "token": "not-the-secret-of-anybody-at-all",  # the calendar feed's secret
        "reminder_id": 1,
        "control_id": 2**30,  # no such control record (the operation is in planning: none exists)
        "seizure_id": 2**30,  # no such record (the operation is in planning: none exists)
        "warning_id": 2**30,  # no such warning either
        "attachment_id": 2**30,  # nor attachment
        "comment_id": 2**30,
    }
    tokens = {who: factory.token(user, ("read",)) for who, user in users.items()}
    from planner.auth.models import ApiToken

    params["token_id"] = db.session.query(ApiToken.id).limit(1).scalar()
    from planner.core.mail import queue_mail

    message = queue_mail(users["lead_officer"], "test.world", "A message of the mail log", "Its body.",
                         f"/operations/{op.id}", op.id)
    db.session.commit()
    params["message_id"] = message.id  # the mail log's pages (admins only)
    return {"operation": op, "users": users, "params": params, "tokens": tokens}


# Expected answer of a GET page per rule; `place` is the principal's place in the world's operation.
SEES_OPERATION = {"admin", "secretariat", "lead_coordinator", "lead_contact_point", "lead_officer", "lead_analyst",
                  "participant_coordinator", "participant_officer", "invited_contact_point", "observer",
                  "co_organiser_coordinator"}
SEES_FULL = SEES_OPERATION - {"invited_contact_point", "observer"}
SEES_PARTICIPANTS = SEES_FULL | {"observer"}
SEES_HISTORY = {"admin", "secretariat", "lead_coordinator", "lead_contact_point", "lead_officer", "lead_analyst",
                "co_organiser_coordinator"}
COORDINATES = {"lead_coordinator", "co_organiser_coordinator"}

ROLE_OF = {
    "admin": Role.ADMIN, "secretariat": Role.SECRETARIAT, "lead_coordinator": Role.COORDINATOR,
    "lead_contact_point": Role.CONTACT_POINT, "lead_officer": Role.OFFICER, "lead_analyst": Role.ANALYST,
    "participant_coordinator": Role.COORDINATOR, "participant_officer": Role.OFFICER,
    "invited_contact_point": Role.CONTACT_POINT, "observer": Role.OBSERVER,
    "co_organiser_coordinator": Role.COORDINATOR, "outsider_coordinator": Role.COORDINATOR,
    "declined_coordinator": Role.COORDINATOR,
}


def role_rule(permission):
    return lambda who: 200 if permission in ROLE_PERMISSIONS[ROLE_OF[who]] else 403


def operation_rule(allowed):
    return lambda who: 200 if who in allowed else (404 if who not in SEES_OPERATION else 403)


def nomination_rule(who):
    """PL's nomination: PL and the organisers read it; those who see the list of organisations learn only that
    it is not theirs to read (403); everyone else must not even learn that PL takes part (404)."""
    if who in SEES_FULL - {"admin", "secretariat"}:
        return 200
    return 403 if who in SEES_PARTICIPANTS else 404


def same_org_user_rule(who):
    """A page about a user of LT: admins, and LT's coordinators/contact points; other managers get 404."""
    if who == "admin" or who in ("lead_coordinator", "lead_contact_point"):
        return 200
    return 404 if "users.manage_own_org" in ROLE_PERMISSIONS[ROLE_OF[who]] else 403


# The annual report: the secretariat and admins read the draft; coordinators and contact points of EU Member State
# administrations and agencies (LT, PL, OLAF, FR, DE) only issued revisions (none in the world: 404); others 403.
READS_ANNUAL_DRAFT = {"admin", "secretariat"}
READS_ANNUAL_ISSUED = READS_ANNUAL_DRAFT | {"lead_coordinator", "lead_contact_point", "participant_coordinator",
                                            "co_organiser_coordinator", "outsider_coordinator", "declined_coordinator"}


def annual_rule(who):
    return 200 if who in READS_ANNUAL_DRAFT else 404 if who in READS_ANNUAL_ISSUED else 403


def annual_revision_rule(who):
    return 404 if who in READS_ANNUAL_ISSUED else 403


# endpoint -> rule for GET; every GET endpoint of the application must be listed here.
GET_RULES = {
    "auth.login": lambda who: 200 if who == "anonymous" else 302,
    "auth.health": lambda who: 200,
    "auth.change_password": role_rule("authenticated"),
    "auth.tokens": role_rule("authenticated"),
    "auth.notifications": role_rule("authenticated"),
    "operations.dashboard": role_rule("authenticated"),
    "operations.index": role_rule("authenticated"),
    "operations.new": role_rule("operations.create"),
    "past_operations.new": role_rule("operations.record_past"),  # the secretariat and admins
    "operations.show": operation_rule(SEES_OPERATION),
    "participants.roster": operation_rule(SEES_PARTICIPANTS),
    "participants.invite_page": operation_rule(COORDINATES),
    "participants.answer": operation_rule({"invited_contact_point"}),
    # <org> is PL, an accepted participant: PL itself and the organisers; contact details stay in the operation.
    "participants.nomination": operation_rule(SEES_FULL - {"admin", "secretariat"}),
    "participants.roster_xlsx": operation_rule(SEES_PARTICIPANTS),
    "participants.roster_pdf": operation_rule(SEES_PARTICIPANTS),
    "operations.history": operation_rule(SEES_HISTORY),
    "operations.edit": operation_rule(COORDINATES),
    "audit.index": role_rule("admin.audit"),
    "mail.index": role_rule("admin.mail"),
    "mail.show": role_rule("admin.mail"),
    "mail.html_part": role_rule("admin.mail"),
    "organisations.admin_organisations": role_rule("admin.organisations"),
    "organisations.admin_organisation_new": role_rule("admin.organisations"),
    "organisations.admin_organisation_edit": role_rule("admin.organisations"),
    "organisations.admin_users": role_rule("admin.users"),
    "organisations.admin_user_new": role_rule("admin.users"),
    "organisations.admin_user_edit": role_rule("admin.users"),
    "organisations.org_users": role_rule("users.manage_own_org"),
    "organisations.org_user_new": role_rule("users.manage_own_org"),
    "organisations.org_user_edit": same_org_user_rule,
    "vocab.index": lambda who: 302 if role_rule("admin.vocab")(who) == 200 else 403,  # to the places list
    "vocab.places": role_rule("admin.vocab"),
    "vocab.add_place": role_rule("admin.vocab"),
    "vocab.import_places": role_rule("admin.vocab"),
    "vocab.terms": role_rule("admin.vocab"),
    "vocab.edit_term": role_rule("admin.vocab"),
    "business_cases.show": operation_rule(SEES_FULL),
    # the world's operation is in planning: the case is frozen (409) even for its coordinators
    "business_cases.edit_section": lambda who: 409 if who in COORDINATES else operation_rule(set())(who),
    "business_cases.version": operation_rule(SEES_FULL),
    "business_cases.compare": operation_rule(SEES_FULL),
    "business_cases.evidence": operation_rule(SEES_FULL),
    "business_cases.pdf": operation_rule(SEES_FULL),
    "business_cases.programme_now": lambda who: 302 if role_rule("programme.view")(who) == 200 else 403,
    "business_cases.programme": role_rule("programme.view"),
    "scheduling.show": operation_rule(SEES_FULL),
    "scheduling.operation_ics": operation_rule(SEES_FULL),
    "scheduling.calendar_now": lambda who: 302,
    "scheduling.calendar": role_rule("authenticated"),
    "scheduling.feed_page": role_rule("authenticated"),
    "scheduling.feed": lambda who: 404,  # a wrong secret, whoever asks
    # Reminders name who has not met a deadline: the organisers' staff and the oversight.
    "scheduling.reminders": operation_rule(SEES_HISTORY),
    # The API answers to bearer tokens only.
    "api.openapi_json": lambda who: 200,
    "api.me": role_rule("authenticated"),
    "api.list_operations": role_rule("authenticated"),
    "api.list_organisations": role_rule("authenticated"),
    "api.list_tokens": role_rule("authenticated"),
    "api.get_operation": operation_rule(SEES_OPERATION),
    "api.operation_history": operation_rule(SEES_HISTORY),
    "api.get_business_case": operation_rule(SEES_FULL),
    "api.list_business_case_versions": operation_rule(SEES_FULL),
    "api.get_business_case_version": operation_rule(SEES_FULL),
    "api.list_business_case_comments": operation_rule(SEES_FULL),
    "api.business_case_pdf": operation_rule(SEES_FULL),
    "api.get_funding": operation_rule(SEES_FULL),
    "api.get_programme": role_rule("programme.view"),
    "api.list_invitations": operation_rule(SEES_OPERATION),
    "api.get_nomination": nomination_rule,
    "api.get_sharing": nomination_rule,
    "api.get_roster": operation_rule(SEES_PARTICIPANTS),
    "api.get_roster_xlsx": operation_rule(SEES_PARTICIPANTS),
    "api.get_roster_pdf": operation_rule(SEES_PARTICIPANTS),
    "api.get_phases": operation_rule(SEES_FULL),
    "api.get_operation_ics": operation_rule(SEES_FULL),
    "api.list_deadlines": role_rule("authenticated"),
    "api.get_calendar": role_rule("authenticated"),
    "api.list_mail": role_rule("admin.mail"),
    "api.get_mail": role_rule("admin.mail"),
    "api.list_reminders": operation_rule(SEES_HISTORY),
    # Excel import: for those who may record results (nobody in the world's operation, which is in planning); the
    # marked workbook answers only to its uploader's signed token (404 for any other).
    "results.template": operation_rule(set()),
    "results.import_page": operation_rule(set()),
    "results.import_feedback": lambda who: 404,
    "api.get_seizures_template": operation_rule(set()),
    "api.get_controls_template": operation_rule(set()),
    # The results API: members, observers and the oversight see the lists (an invited organisation: 403); the
    # world holds no record, so a record's URL answers 404 to everybody (tests/results/test_visibility.py walks
    # the visibility of real ones).
    "api.list_seizures": operation_rule(SEES_PARTICIPANTS),
    "api.get_seizure": lambda who: 404,
    "api.list_seizure_comments": lambda who: 404,
    "api.list_controls": operation_rule(SEES_PARTICIPANTS),
    "api.get_control_summary": operation_rule(SEES_PARTICIPANTS),
    "api.get_control": lambda who: 404,
    # Results: the world's operation is in planning, so nobody records yet and no record exists (404 inside).
    "results.concealment_catalogue": role_rule("programme.view"),
    "api.list_concealment_methods": role_rule("programme.view"),
    "results.live_page": operation_rule(SEES_PARTICIPANTS),
    "results.seizures": operation_rule(SEES_PARTICIPANTS),
    "results.seizures_xlsx": operation_rule(SEES_PARTICIPANTS),
    "results.controls": operation_rule(SEES_PARTICIPANTS),
    "results.new_seizure": operation_rule(set()),
    "results.seizure": lambda who: 404 if who in SEES_PARTICIPANTS else operation_rule(set())(who),
    "results.edit_seizure": lambda who: 404 if who in SEES_PARTICIPANTS else operation_rule(set())(who),
    # Attachments: none exists in the world, and whoever asks is not told more than that (404).
    "results.download_attachment": lambda who: 404,
    "api.list_seizure_attachments": lambda who: 404,
    "api.list_warning_attachments": lambda who: 404,
    "api.get_attachment": lambda who: 404,
    # Messages: the members' tab; warnings are sent only while the operation runs (the world's is in planning: 403),
    # and the world holds no warning (404 for everybody; tests/messages walks the visibility of a real one).
    "messages.index": operation_rule(SEES_FULL - {"admin", "secretariat"}),
    "messages.new": operation_rule(set()),
    "messages.warning": lambda who: 404,
    "api.list_warnings": operation_rule(SEES_FULL - {"admin", "secretariat"}),
    "api.get_warning": lambda who: 404,
    # The annual report on the world's year (its operation is in planning; nothing issued).
    "annual_reports.index": lambda who: 200 if who in READS_ANNUAL_ISSUED else 403,
    "annual_reports.show": annual_rule,
    "annual_reports.download_xlsx": annual_rule,
    "annual_reports.download_pdf": annual_rule,
    "annual_reports.revision": annual_revision_rule,
    "annual_reports.revision_xlsx": annual_revision_rule,
    "annual_reports.revision_pdf": annual_revision_rule,
    "annual_reports.records": lambda who: 200 if who in READS_ANNUAL_DRAFT else 403,
    "annual_reports.control_records": lambda who: 200 if who in READS_ANNUAL_DRAFT else 403,
    "api.get_annual_report": annual_rule,
    "api.get_annual_report_xlsx": annual_rule,
    "api.get_annual_report_pdf": annual_rule,
    "api.list_annual_report_revisions": lambda who: 200 if who in READS_ANNUAL_ISSUED else 403,
    "api.get_annual_report_revision_xlsx": annual_revision_rule,
    "api.get_annual_report_revision_pdf": annual_revision_rule,
    # Public summaries: an operation's for those who see it in full, but the world's operation has not started
    # (409); a year's for the programme.view roles (it holds public figures only).
    "public_summaries.operation_summary": lambda who: 409 if who in SEES_FULL else operation_rule(set())(who),
    "public_summaries.operation_summary_pdf": lambda who: 409 if who in SEES_FULL else operation_rule(set())(who),
    "public_summaries.year_summary": role_rule("programme.view"),
    "public_summaries.year_summary_pdf": role_rule("programme.view"),
    "api.get_public_operation_summary": lambda who: 409 if who in SEES_FULL else operation_rule(set())(who),
    "api.get_public_operation_summary_pdf": lambda who: 409 if who in SEES_FULL else operation_rule(set())(who),
    "api.get_public_year_summary": role_rule("programme.view"),
    "api.get_public_year_summary_pdf": role_rule("programme.view"),
    # The final report: read once the operation has started (the world's is in planning: 403 for those who see it);
    # tests/reports/test_final_report_access.py walks a started one.
    "final_reports.show": operation_rule(set()),
    "final_reports.live_xlsx": operation_rule(set()),
    "final_reports.live_pdf": operation_rule(set()),
    "final_reports.revision_xlsx": operation_rule(set()),
    "final_reports.revision_pdf": operation_rule(set()),
    "api.get_final_report": operation_rule(set()),
    "api.get_final_report_xlsx": operation_rule(set()),
    "api.get_final_report_pdf": operation_rule(set()),
    "api.list_final_report_revisions": operation_rule(set()),
    "api.get_final_report_revision_xlsx": operation_rule(set()),
    "api.get_final_report_revision_pdf": operation_rule(set()),
}
PUBLIC_ENDPOINTS = {"auth.login", "auth.health", "api.openapi_json", "scheduling.feed"}


def _get_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS or "GET" not in rule.methods:
            continue
        rules.append(rule)
    return rules


def test_every_page_is_in_the_matrix(app):
    unknown = sorted({r.endpoint for r in _get_rules(app)} - set(GET_RULES))
    assert unknown == [], "add these pages to GET_RULES in tests/test_permissions.py"


@pytest.mark.parametrize("who", PRINCIPALS)
def test_matrix_of_roles_and_pages(app, world, client, login, who):
    if who != "anonymous":
        login(world["users"][who])
    bearer = {"Authorization": f"Bearer {world['tokens'][who]}"} if who != "anonymous" else {}
    failures = []
    for rule in _get_rules(app):
        if rule.endpoint not in GET_RULES:
            continue
        url = _url(rule, world["params"])
        is_api = rule.rule.startswith("/api/")
        status = client.get(url, headers=bearer if is_api else {}).status_code
        if who == "anonymous" and rule.endpoint not in PUBLIC_ENDPOINTS:
            expected = 401 if is_api else 302
        else:
            expected = GET_RULES[rule.endpoint](who)
        if status != expected:
            failures.append(f"{who} GET {url} ({rule.endpoint}): {status}, expected {expected}")
    assert failures == []


def _url(rule, params):
    def sub(match):
        name = match.group(2)
        assert name in params, f"no value for <{name}> in {rule.rule}"
        return str(params[name])

    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", sub, rule.rule)


def test_write_routes_refuse_anonymous(app, world, client, login):
    """Without a login (pages) or a token (API), no POST, PATCH or DELETE gets through; a logged-in browser
    session does not authenticate the API."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods & {"POST", "PATCH", "DELETE"}):
            status = client.open(_url(rule, world["params"]), method=method).status_code
            expected = (401,) if rule.rule.startswith("/api/") else (302,)
            assert status in expected, f"anonymous {method} {rule.rule}: {status}"
    login(world["users"]["admin"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.endpoint not in PUBLIC_ENDPOINTS:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status = client.open(_url(rule, world["params"]), method=method).status_code
                assert status == 401, f"session-only {method} {rule.rule}: {status}"
