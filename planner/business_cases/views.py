"""Pages of the business case (a tab of the operation page), its versions and comparison, its PDF, the funding
decision, and the annual programme. Thin: load-or-404/403, one service call, redirect."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.business_cases import services
from planner.business_cases.content import (
    COORDINATION_MODELS, RISK_LEVELS, SECTION_KEYS, SECTION_LABELS, SECTIONS, merge, missing_elements, risk_level,
    section_content, with_derived,
)
from planner.business_cases.forms import CommentForm, CouncilNumberForm, CsrfForm, FundingForm, read_section
from planner.business_cases.queries import (
    PRIORITY_GOODS, annual_programme, evidence_for, get_case_for_viewing, get_version, operation_summary,
)
from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.operations.models import APPROVED_STATES
from planner.operations.queries import get_visible_operation
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.vocab.codes import COMMODITY_CATEGORY, Equipment, TransportMode
from planner.vocab.queries import choices, label_of

bp = Blueprint("business_cases", __name__)

register_tab("business_case", _l("Business case"), "business_cases.show", 20, lambda a: a.sees_full)


@bp.app_context_processor
def business_case_helpers():
    return {"operation_case_summary": operation_summary, "commodity_label": _commodity_label,
            "sector_label": _sector_label}


def _commodity_label(code):
    return label_of(COMMODITY_CATEGORY, code)


def _sector_label(code):
    member = TransportMode.get(code)
    return member.label if member else code


def _vocab_context():
    return {
        "sections": SECTIONS, "section_labels": SECTION_LABELS, "categories": choices(COMMODITY_CATEGORY),
        "sectors": TransportMode.choices(), "equipment_choices": Equipment.choices(),
        "coordination_models": COORDINATION_MODELS, "risk_levels": RISK_LEVELS, "risk_level": risk_level,
        "priority_goods": PRIORITY_GOODS,
    }


def _editable(operation, access):
    return access.coordinates and operation.state == "draft"


@bp.route("/operations/<int:operation_id>/business-case")
@requires("authenticated")
def show(operation_id):
    operation, access, case = get_case_for_viewing(current_user, operation_id)
    content = with_derived(case.content if case else {})
    latest = case.latest_version if case else None
    # Comments beside each section: those on the version under review, or on the version last returned.
    comments = services.comments_by_section(latest)
    funding = services.funding_of(operation)
    return operation_page(
        "business_cases/show.html", operation, access, tab="business_case", case=case, content=content,
        latest=latest, comments=comments, missing=missing_elements(content), editable=_editable(operation, access),
        evidence=evidence_for(operation, [g["category"] for g in content["targeted_goods"]],
                              content["transport_sectors"]),
        comment_form=CommentForm(), funding=funding, funding_form=_funding_form(funding),
        number_form=CouncilNumberForm(council_number=case.council_number if case else ""),
        may_fund=access.reviews and operation.state in APPROVED_STATES,
        may_comment=access.reviews and operation.state == "submitted" and latest is not None,
        document_number=services.document_number(operation, case, None if operation.state == "draft" else latest),
        **_vocab_context(),
    )


def _funding_form(funding):
    if funding is None:
        return FundingForm(decided_on=utcnow().date().isoformat())
    return FundingForm(granted_eur=f"{funding.granted_eur:.2f}", programme=funding.programme,
                       decided_on=funding.decided_on.isoformat(), version=funding.version)


@bp.route("/operations/<int:operation_id>/business-case/sections/<section>", methods=["GET", "POST"])
@requires("authenticated")
def edit_section(operation_id, section):
    operation, access = get_visible_operation(current_user, operation_id)
    if section not in SECTION_KEYS:
        abort(404)
    if not access.coordinates:
        abort(403)
    if operation.state != "draft":
        return render_template("errors/error.html", status=409, errors={},
                               message=_("The business case can be edited while the operation is in draft only.")), 409
    case = services.case_of(operation)
    form = CsrfForm()
    message, errors, status = None, {}, 200
    values = merge(case.content if case else {}, {})
    version = case.version if case else None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        partial = read_section(section, request.form)
        try:
            services.save_business_case(current_user, operation, partial,
                                        expected_version=form.version.data or None)
        except PlannerError as exc:
            db.session.rollback()
            message, errors, status = exc.message, exc.errors, exc.status
            operation, access = get_visible_operation(current_user, operation_id)
            values = merge(values, partial)
        else:
            db.session.commit()
            flash(_("Section “%(section)s” saved.", section=SECTION_LABELS[section]), "success")
            return redirect(url_for("business_cases.show", operation_id=operation.id, _anchor=f"section-{section}"))
    latest = case.latest_version if case else None
    derived = with_derived(values) if not errors else values
    return operation_page(
        "business_cases/edit_section.html", operation, access, tab="business_case", section=section,
        values=values, derived=derived, version=version, form=form, message=message, errors=errors,
        comments=services.comments_by_section(latest).get(section, []),
        evidence=evidence_for(operation, [g.get("category") for g in values["targeted_goods"]
                                          if isinstance(g, dict) and isinstance(g.get("category"), str)],
                              [s for s in values["transport_sectors"] if isinstance(s, str)])
        if section in ("targeted_goods", "transport_sectors") else None,
        **_vocab_context(),
    ), status


@bp.route("/operations/<int:operation_id>/business-case/evidence")
@requires("authenticated")
def evidence(operation_id):
    """The evidence panel for the goods and sectors being chosen (a fragment the section form fetches while the
    coordinator picks them; aggregates only)."""
    operation, access, _case = get_case_for_viewing(current_user, operation_id)
    categories = {code for code, _label in choices(COMMODITY_CATEGORY)}
    goods = [g for g in dict.fromkeys(request.args.getlist("goods")) if g in categories][:20]
    sectors = [s for s in dict.fromkeys(request.args.getlist("sectors")) if s in TransportMode.codes()]
    return render_template("business_cases/_evidence.html", evidence=evidence_for(operation, goods, sectors))


@bp.route("/operations/<int:operation_id>/business-case/comments", methods=["POST"])
@requires("authenticated")
def comment(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.add_comment(current_user, operation, form.section.data, form.body.data)
    except PlannerError as exc:
        db.session.rollback()
        flash(exc.message + " " + " ".join(m for ms in exc.errors.values() for m in ms), "error")
        if exc.status in (403, 404):
            abort(exc.status)
    else:
        db.session.commit()
        flash(_("Comment added to “%(section)s”.", section=SECTION_LABELS[form.section.data]), "success")
    return redirect(url_for("business_cases.show", operation_id=operation.id, _anchor=f"section-{form.section.data}"))


@bp.route("/operations/<int:operation_id>/business-case/council-number", methods=["POST"])
@requires("programme.view")
def council_number(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    form = CouncilNumberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_council_number(current_user, operation, form.council_number.data)
    except PlannerError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Document number saved."), "success")
    return redirect(url_for("business_cases.show", operation_id=operation.id))


@bp.route("/operations/<int:operation_id>/funding", methods=["POST"])
@requires("programme.view")
def funding(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    form = FundingForm()
    if not form.validate_on_submit():
        abort(400)
    data = {"granted_eur": form.granted_eur.data, "programme": form.programme.data, "decided_on": form.decided_on.data}
    try:
        services.record_funding(current_user, operation, data, expected_version=form.version.data or None)
    except PlannerError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(exc.message + " " + "; ".join(f"{k}: {m}" for k, ms in exc.errors.items() for m in ms), "error")
    else:
        db.session.commit()
        flash(_("Funding decision saved."), "success")
    return redirect(url_for("business_cases.show", operation_id=operation.id, _anchor="funding"))


@bp.route("/operations/<int:operation_id>/business-case/versions/<int:number>")
@requires("authenticated")
def version(operation_id, number):
    operation, access, case = get_case_for_viewing(current_user, operation_id)
    frozen = get_version(case, number)
    return operation_page(
        "business_cases/version.html", operation, access, tab="business_case", case=case, version=frozen,
        content=with_derived(frozen.content), comments=services.comments_by_section(frozen),
        document_number=services.document_number(operation, case, frozen), **_vocab_context(),
    )


@bp.route("/operations/<int:operation_id>/business-case/compare")
@requires("authenticated")
def compare(operation_id):
    operation, access, case = get_case_for_viewing(current_user, operation_id)
    numbers = [v.number for v in (case.versions if case else [])]
    a = request.args.get("a", type=int) or (numbers[-2] if len(numbers) > 1 else (numbers[0] if numbers else None))
    b = request.args.get("b", type=int) or (numbers[-1] if numbers else None)
    if a is None or b is None:
        return operation_page("business_cases/compare.html", operation, access, tab="business_case", case=case,
                              rows=[], a=None, b=None, numbers=numbers, **_vocab_context())
    left, right = get_version(case, a), get_version(case, b)
    rows = compare_versions(left, right)
    return operation_page("business_cases/compare.html", operation, access, tab="business_case", case=case,
                          rows=rows, a=left, b=right, numbers=numbers, **_vocab_context())


def compare_versions(left, right):
    """[(section key, label, left section, right section, changed)] in document order."""
    rows = []
    for key in SECTION_KEYS:
        l_content = section_content(left.content, key)
        r_content = section_content(right.content, key)
        rows.append((key, SECTION_LABELS[key], with_derived(left.content), with_derived(right.content),
                     l_content != r_content))
    return rows


@bp.route("/operations/<int:operation_id>/business-case.pdf")
@requires("authenticated")
def pdf(operation_id):
    from planner.business_cases.exports import business_case_pdf

    operation, access, case = get_case_for_viewing(current_user, operation_id)
    number = request.args.get("version", type=int)
    frozen = get_version(case, number) if number else None
    body, document = business_case_pdf(operation, case, frozen)
    log_action(case or operation, "document.downloaded", current_user,
               data={"document": document, "marking": operation.handling_marking, "format": "pdf"},
               operation_id=operation.id)
    db.session.commit()
    filename = document.replace(" ", "_").replace("/", "-") + ".pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


# --- the annual programme -------------------------------------------------------------------------------------

@bp.route("/programme")
@requires("programme.view")
def programme_now():
    return redirect(url_for("business_cases.programme", year=utcnow().year))


@bp.route("/programme/<int:year>")
@requires("programme.view")
def programme(year):
    if not 1990 <= year <= 2100:
        abort(404)
    data = annual_programme(current_user, year)
    return render_template("programme/show.html", programme=data, year=year, **_vocab_context())
