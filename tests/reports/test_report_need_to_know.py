"""Need-to-know in reports: the issued final report (every record, every contribution) goes to the organisers
and the oversight only; every other reader gets the report of what it may see; the coordinator's narrative is
LIMITE (never a third country); a contribution is read as its administration shares; the annual report never
names an operation that was not approved."""
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from planner.extensions import db
from planner.reports.annual_dataset import annual_report_dataset
from planner.reports.models import NarrativeSection
from planner.reports.services import issue_final_report, save_contribution, save_final_report

SECRET = "PL contribution: the informant in Terespol"


def _issue(operation, factory):
    coordinator = factory.coordinator("LT")
    save_final_report(operation, coordinator, {s.value: f"{s.value} text" for s in NarrativeSection})
    save_contribution(operation, factory.coordinator("PL"), SECRET, submit=True)
    issued = issue_final_report(operation, coordinator)
    db.session.commit()
    return issued


def _participants_sheet(response):
    workbook = load_workbook(BytesIO(response.data))
    sheet = workbook["Seizures by participant"]
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_issued_final_report_goes_only_to_the_organisers_and_the_oversight(evaluated, factory, api):
    issued = _issue(evaluated, factory)
    path = f"/operations/{evaluated.id}/final-report"
    lead = api("GET", path + ".xlsx", factory.coordinator("LT"))
    assert lead.headers["X-Report-SHA256"] == issued.xlsx_sha256 and "PL" in _participants_sheet(lead)
    secretariat = api("GET", path + ".xlsx", factory.secretariat())
    assert secretariat.headers["X-Report-SHA256"] == issued.xlsx_sha256
    for reader in (factory.coordinator("NL"), factory.user("EUROPOL", "observer"), factory.coordinator("UA")):
        live = api("GET", path + ".xlsx", reader)
        assert live.status_code == 200 and "X-Report-SHA256" not in live.headers, reader.organisation.code
        assert "PL" not in _participants_sheet(live)  # PL shares its seizure with nobody
        assert api("GET", path + "/revisions/0.xlsx", reader).status_code == 403
        assert api("GET", path + "/revisions/0.pdf", reader).status_code == 403
        body = api("GET", path, reader).get_json()
        assert body["revisions"] == [] and body["may"]["read_issued"] is False


def test_the_narrative_is_limite_and_a_contribution_is_read_as_its_administration_shares(evaluated, factory, api):
    _issue(evaluated, factory)
    path = f"/operations/{evaluated.id}/final-report"

    def contributions(user):
        return [c["organisation"] for c in api("GET", path, user).get_json()["contributions"]]

    nl = api("GET", path, factory.coordinator("NL")).get_json()
    assert nl["sections"]["analysis"] == "analysis text"
    assert contributions(factory.coordinator("NL")) == ["PL"]  # PL shares with EU Member States by default
    ua = api("GET", path, factory.coordinator("UA")).get_json()
    assert ua["sections"] == {} or not any(ua["sections"].values())
    assert not any(s["key"] == "analysis" or s["text"] for s in ua["dataset"]["sections"]
                   if s["key"] in NarrativeSection.codes())
    assert contributions(factory.coordinator("UA")) == []  # PL does not share with third countries
    assert contributions(factory.user("EUROPOL", "observer")) == []  # nor with agencies
    pdf = PdfReader(BytesIO(api("GET", path + ".pdf", factory.coordinator("UA")).data))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Seizures by participant" in text and "informant" not in text and "analysis text" not in text
    participation = evaluated.participation_of(factory.coordinator("PL").organisation_id)
    participation.share_with_eu_member_states = False
    db.session.commit()
    assert contributions(factory.coordinator("NL")) == []
    assert contributions(factory.coordinator("LT")) == ["PL"]  # the organisers read every contribution


def test_the_annual_report_never_names_an_operation_that_was_not_approved(evaluated, factory):
    draft = factory.operation_in("draft", lead="PL")
    draft.code_name = "SECRET DRAFT"
    db.session.commit()
    dataset = annual_report_dataset(evaluated.year)
    named = {row[1] for row in dataset.table("operations").rows}
    assert evaluated.code_name in named and "SECRET DRAFT" not in named
    assert "SECRET DRAFT" not in str(dataset.to_json())
    assert draft.reference not in [c.key for c in dataset.table("participation_matrix").columns]
    assert dataset.fact("not_approved").value >= 1
