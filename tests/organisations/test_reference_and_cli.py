"""Reference data (organisations, EU membership over time) and the command line."""
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.auth.models import User
from planner.extensions import db
from planner.organisations.models import Organisation, SharingAudience, eu_members_on, is_eu_member
from planner.organisations.services import load_reference_organisations, resolve_organisation_code


def test_reference_organisations(app_ctx):
    codes = set(db.session.scalars(select(Organisation.code)))
    eu = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
          "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
    assert eu <= codes
    assert {"NO", "CH", "TR", "UA", "MD", "RS", "GB", "ME", "MK", "AL", "BA", "GE"} <= codes
    assert {"OLAF", "EUROPOL", "WCO", "FRONTEX", "INTERPOL", "CCWP"} <= codes
    assert any(c.startswith("RILO") for c in codes)
    assert resolve_organisation_code("el").code == "GR"
    assert resolve_organisation_code("UK").code == "GB"
    assert resolve_organisation_code("ZZ") is None
    # Loading again adds nothing (idempotent).
    before = db.session.scalar(select(func.count(Organisation.id)))
    assert load_reference_organisations() == 0
    assert db.session.scalar(select(func.count(Organisation.id))) == before


def test_membership_follows_the_year(app_ctx):
    assert len(eu_members_on(date(2019, 12, 31))) == 28
    assert len(eu_members_on(date(2020, 12, 31))) == 27
    assert is_eu_member("GB", date(2020, 1, 31)) and not is_eu_member("GB", date(2020, 2, 1))
    assert not is_eu_member("HR", date(2012, 12, 31)) and is_eu_member("HR", date(2013, 12, 31))
    gb = resolve_organisation_code("GB")
    assert gb.audience(date(2019, 6, 1)) is SharingAudience.EU_MEMBER_STATE
    assert gb.audience(date(2021, 6, 1)) is SharingAudience.THIRD_COUNTRY
    assert resolve_organisation_code("OLAF").audience(date(2021, 6, 1)) is SharingAudience.AGENCY


def test_cli_create_user_and_token_give_api_access(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "create-user", "New.Person@Customs.example", "--organisation", "lt",
                                 "--role", "coordinator", "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@customs.example"))
        assert user.organisation.code == "LT" and user.role == "coordinator" and user.password_hash
    result = runner.invoke(args=["planner", "create-token", "new.person@customs.example"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["email"] == "new.person@customs.example"


def test_cli_refuses_bad_input_with_field_messages(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "create-user", "not-an-address", "--organisation", "NOPE",
                                 "--role", "emperor", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    for field in ("email", "organisation", "role", "password"):
        assert f"{field}:" in result.output
    result = runner.invoke(args=["planner", "create-token", "nobody@x.example"])
    assert result.exit_code == 1


def test_seed_demo_builds_operations_in_many_states(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "coordinator@customs.lt.example" in result.output
    with app.app_context():
        from planner.operations.models import Operation

        states = set(db.session.scalars(select(Operation.state)))
        # PAPER LANTERN, post-operational until the demo's last step, ends in evaluation with a final report draft
        assert {"draft", "submitted", "planning", "operational", "evaluation", "closed", "cancelled"} <= states
    again = runner.invoke(args=["planner", "seed-demo", "--if-empty"])
    assert "Demo data present already." in again.output


@pytest.mark.parametrize("moment", ["2026-12-07T22:30:00+00:00", "2027-01-02T01:30:00+00:00"])
def test_seed_demo_works_whatever_the_hour(app, moment):
    """Late in the UTC evening the operations' local day (Vilnius, UTC+2) is already the next one: the demo's
    control records are dated by that local day, as the validation of a record's date reads it."""
    from datetime import datetime

    from planner.core.clock import freeze

    freeze(datetime.fromisoformat(moment))
    result = app.test_cli_runner().invoke(args=["planner", "seed-demo"])
    assert result.exit_code == 0, (result.output, getattr(result.exception, "errors", result.exception))
