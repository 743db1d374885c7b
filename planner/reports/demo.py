"""Demo final reports, written through the same services as the Final report tab. Before "close": the lead of
LAST HARBOUR writes its report, Latvia contributes, and the report is made final (closing needs it). At the end:
PAPER LANTERN, its follow-up over, goes into evaluation with its narrative written as a draft, Lithuania's
contribution submitted and the Netherlands' still a draft; it is left for a newcomer to make final."""
from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step, step
from planner.extensions import db
from planner.operations.models import Operation
from planner.reports.models import NarrativeSection
from planner.reports.services import final_report_of, issue_final_report, save_contribution, save_final_report

NARRATIVES = {
    "LAST HARBOUR": {
        "introduction": "LAST HARBOUR targeted water-pipe tobacco smuggled in deep-sea containers through the "
                        "Baltic ports of Klaipėda and Riga, following the rise in seizures reported by both "
                        "administrations the year before.",
        "legal_framework": "The operation was run under Article 19 of the Naples II Convention and Regulation "
                           "(EC) No 515/97 on mutual assistance; it is part of the action plan of the Customs "
                           "Cooperation Working Party.",
        "conduct": "Lithuania led the operation, with Poland and Latvia taking part. Containers were selected on "
                   "risk profiles built from the manifests and scanned on arrival; hits were shared through the "
                   "operation's messages within the hour.",
        "analysis": "Both seizures were misdeclared as molasses and used cover loads of the declared goods. The "
                    "consignments shared a forwarding agent registered in a free zone.",
        "lessons_learned": "Scanner images must be compared with the declared density of the goods; a shared list "
                           "of forwarding agents would have flagged the second container earlier.",
        "recommendations": "Keep the risk profile for water-pipe tobacco in the ports' targeting systems and "
                           "repeat the operation with the Polish ports of Gdańsk and Gdynia.",
    },
    "PAPER LANTERN": {
        "introduction": "PAPER LANTERN targeted counterfeit goods arriving as air cargo from East Asia at the hubs "
                        "of Warsaw and Amsterdam.",
        "legal_framework": "Regulation (EU) No 608/2013 on customs enforcement of intellectual property rights, "
                           "Regulation (EC) No 515/97 on mutual assistance.",
        "conduct": "Poland led the operation with Lithuania and the Netherlands. Air waybills were screened "
                   "against risk profiles before arrival; right holders were asked to confirm suspected "
                   "infringements within three working days.",
        "analysis": "Counterfeit clothing and toys were split across many small consignments under generic "
                    "descriptions (\"textile samples\", \"plastic articles\"). Misdeclaration was the only "
                    "concealment method seen.",
        "lessons_learned": "The three-day confirmation window of the right holders was too short for consignments "
                           "arriving on Fridays.",
        "recommendations": "Agree a standing confirmation procedure with the main right holders before the next "
                           "operation; share the consignor list with the other EU air cargo hubs.",
    },
}


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _by_name(name):
    return db.session.scalar(select(Operation).where(Operation.code_name == name))


def _plain_narrative(operation):
    return {s.value: f"{s.label} of {operation.code_name}." for s in NarrativeSection}


@demo_step("close")
def make_the_final_report_final(operation, actor, now):
    """Closing needs a final report that is final."""
    report = final_report_of(operation)
    if report is not None and report.is_final:
        return
    if operation.code_name == "LAST HARBOUR":
        save_contribution(operation, _user("ncp@customs.lv.example"),
                          "Latvia scanned 46 containers at Riga on risk profiles; one hit (3.1 t of water-pipe "
                          "tobacco behind a cover load of molasses drums).", submit=True, now=now)
    save_final_report(operation, actor, NARRATIVES.get(operation.code_name) or _plain_narrative(operation), now=now)
    issue_final_report(operation, actor, note="", now=now)


@demo_step("finish")
def paper_lantern_in_evaluation(_operation, _actor, now):
    lantern = _by_name("PAPER LANTERN")
    if lantern is None or lantern.state != "post_operational":
        return
    coordinator = _user("coordinator@customs.pl.example")
    step(coordinator, lantern, "evaluate", now=now)
    save_final_report(lantern, coordinator, NARRATIVES["PAPER LANTERN"], now=now)
    save_contribution(lantern, _user("ncp@customs.lt.example"),
                      "Lithuania screened the air waybills of the Vilnius hub against the operation's risk profiles; "
                      "no consignment of the targeted flights reached Vilnius.", submit=True, now=now)
    save_contribution(lantern, _user("ncp@customs.nl.example"),
                      "Schiphol: 950 counterfeit accessories found on a document check; the right holder confirmed "
                      "the infringement.", now=now)
