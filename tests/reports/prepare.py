"""Before "close", operation_in writes the six sections of the final report and makes it final through the
services (the close guard of planner/reports needs a final report)."""
from planner.extensions import db
from planner.reports.models import NarrativeSection
from planner.reports.services import final_report_of, issue_final_report, save_final_report
from tests.factories import preparer


def narrative(**overrides):
    """A complete narrative: one paragraph per section."""
    texts = {s.value: f"{s.label}: what the coordinator writes about it." for s in NarrativeSection}
    texts.update(overrides)
    return texts


@preparer("close")
def write_and_issue_the_final_report(factory, operation):
    report = final_report_of(operation)
    if operation.state != "evaluation" or (report is not None and report.is_final):
        return
    coordinator = factory.coordinator(operation.lead.code)
    save_final_report(operation, coordinator, narrative())
    issue_final_report(operation, coordinator)
    db.session.commit()
