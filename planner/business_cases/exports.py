"""The business case as a Council note (PDF), built with planner.core.pdf; the risk matrix drawn with
reportlab.graphics."""
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from planner.business_cases.content import COORDINATION_MODELS, SECTION_LABELS, risk_level, with_derived
from planner.business_cases.services import document_number
from planner.core.clock import utcnow
from planner.core.pdf import CouncilNote, NoteCover
from planner.vocab.codes import COMMODITY_CATEGORY, Equipment, TransportMode
from planner.vocab.countries import country_name
from planner.vocab.queries import label_of

LEVEL_COLOURS = {"low": colors.HexColor("#b7e1a1"), "medium": colors.HexColor("#ffe08a"),
                 "high": colors.HexColor("#f7a35c"), "critical": colors.HexColor("#e06666")}


def risk_matrix_drawing(likelihood, impact, cell=22):
    """A 5 × 5 matrix (impact across, likelihood up), coloured by level, the case's cell marked with X."""
    left, bottom = 70, 40
    drawing = Drawing(left + 5 * cell + 20, bottom + 5 * cell + 20)
    for li in range(1, 6):
        for im in range(1, 6):
            _score, code, _label = risk_level(li, im)
            x, y = left + (im - 1) * cell, bottom + (li - 1) * cell
            drawing.add(Rect(x, y, cell, cell, fillColor=LEVEL_COLOURS[code], strokeColor=colors.white))
            if li == likelihood and im == impact:
                drawing.add(String(x + cell / 2, y + cell / 2 - 4, "X", fontName="Helvetica-Bold", fontSize=12,
                                   textAnchor="middle"))
        drawing.add(String(left - 6, bottom + (li - 1) * cell + cell / 2 - 3, str(li), fontSize=8, textAnchor="end"))
    for im in range(1, 6):
        drawing.add(String(left + (im - 1) * cell + cell / 2, bottom - 12, str(im), fontSize=8, textAnchor="middle"))
    drawing.add(String(left + 5 * cell / 2, bottom - 26, _("Impact"), fontSize=9, textAnchor="middle"))
    drawing.add(String(4, bottom + 5 * cell / 2, _("Likelihood"), fontSize=9))
    return drawing


def _countries(codes):
    return ", ".join(f"{country_name(c)} ({c})" for c in codes) or "—"


def business_case_pdf(operation, case, version=None):
    """(pdf bytes, document number) of a frozen version, or of the working copy when `version` is None."""
    content = with_derived(version.content if version else (case.content if case else {}))
    number = document_number(operation, case, version)
    day = version.submitted_at.date() if version else utcnow().date()
    cover = NoteCover(
        number=number, date=day, sender=f"{operation.lead.name} ({operation.lead.code})",
        recipient=_("Customs Cooperation Working Party"),
        subject=_("Business case for the joint customs operation %(code)s (%(reference)s)",
                  code=operation.code_name, reference=operation.reference),
        marking=operation.handling_marking if operation.handling_marking != "NONE" else "",
        labels={"from": _("From:"), "to": _("To:"), "subject": _("Subject:"), "number": _("Document number:"),
                "file_code": _("File code:"), "previous": _("Previous document:"),
                "page": _("page %(page)d of %(pages)d")},  # no arguments: the canvas fills them in
    )
    note = CouncilNote(cover, author=operation.lead.code)
    if version is None:
        note.markup(f"<i>{_('Working copy, not submitted.')}</i>")

    ta = content["threat_assessment"]
    note.section(SECTION_LABELS["threat_assessment"])
    note.paragraph(ta.get("narrative"))
    note.key_values([(_("Sources"), ta.get("sources")), (_("Working-party objective or risk area"),
                                                         ta.get("objective_ref"))])

    note.section(SECTION_LABELS["targeted_goods"])
    note.table([_("Commodity category"), _("HS codes")],
               [[label_of(COMMODITY_CATEGORY, g["category"]), ", ".join(g["hs_codes"]) or "—"]
                for g in content["targeted_goods"]] or [["—", "—"]], col_widths=[70, 100])

    note.section(SECTION_LABELS["transport_sectors"])
    note.bullets([str(TransportMode(s).label) for s in content["transport_sectors"]])

    note.section(SECTION_LABELS["routes"])
    routes = content["routes"]
    note.key_values([(_("Countries of origin"), _countries(routes.get("origin", []))),
                     (_("Countries of transit"), _countries(routes.get("transit", []))),
                     (_("Countries of destination"), _countries(routes.get("destination", []))),
                     (_("Entry and exit points"), ", ".join(content["places"]) or "—")])

    note.section(SECTION_LABELS["risk"])
    risk = content["risk"]
    level = risk_level(risk.get("likelihood"), risk.get("impact"))
    note.key_values([(_("Likelihood (1–5)"), risk.get("likelihood")), (_("Impact (1–5)"), risk.get("impact")),
                     (_("Risk level"), f"{level[2]} ({_('score')} {level[0]})" if level else "—")])
    note.paragraph(risk.get("justification"))
    if level:
        note.drawing(risk_matrix_drawing(risk["likelihood"], risk["impact"]), _("Risk matrix"))

    note.section(SECTION_LABELS["risk_indicators"])
    note.bullets(content["risk_indicators"])

    note.section(SECTION_LABELS["objectives"])
    note.table([_("Indicator"), _("Target")],
               [[o["indicator"], "—" if o.get("target") is None else str(o["target"])] for o in content["objectives"]]
               or [["—", "—"]], col_widths=[130, 40], align_right=(1,))

    note.section(SECTION_LABELS["participants"])
    note.key_values([(_("Proposed participants"), ", ".join(content["proposed_participants"]) or "—"),
                     (_("Proposed observers"), ", ".join(content["proposed_observers"]) or "—")])

    note.section(SECTION_LABELS["planning"])
    window, coordination = content["window"], content["coordination"]
    model = COORDINATION_MODELS.get(coordination.get("model") or "")
    note.key_values([(_("Preparation from"), window.get("preparation_start")),
                     (_("Operational phase"), f"{window.get('operational_start') or '—'} – "
                                              f"{window.get('operational_end') or '—'}"),
                     (_("Coordination"), f"{model}{' (' + coordination['host'] + ')' if coordination.get('host') else ''}"
                      if model else "—")])

    note.section(SECTION_LABELS["resources"])
    resources = content["resources"]
    note.key_values([(_("Officers"), resources.get("officers")), (_("Liaison officers"),
                                                                  resources.get("liaison_officers")),
                     (_("Equipment"), ", ".join(str(Equipment(e).label) for e in resources.get("equipment", [])))])

    note.section(SECTION_LABELS["budget"])
    budget = content["budget"]
    rows = [[line["item"], line["amount_eur"]] for line in budget["lines"]]
    rows.append([_("Total of the cost lines"), budget["lines_total_eur"]])
    note.table([_("Cost"), _("EUR")], rows, col_widths=[130, 40], align_right=(1,), total_row=True)
    note.key_values([(_("Funding requested (EUR)"), budget.get("requested_eur")),
                     (_("Programme asked"), budget.get("programme"))])

    note.section(SECTION_LABELS["communication_plan"])
    note.paragraph(content["communication_plan"])
    return note.build(), number
