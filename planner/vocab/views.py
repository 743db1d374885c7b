"""Admin pages of the vocabularies: places (list, add, deactivate, UN/LOCODE import) and the managed terms
(commodity categories and types, concealment methods). Every route needs admin.vocab."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.vocab import queries
from planner.vocab.codes import (
    COMMODITY_CATEGORY, CONCEALMENT_METHOD, FIXED_VOCABULARIES, FIXED_VOCABULARY_LABELS, MANAGED_VOCABULARY_LABELS,
    LocationType,
)
from planner.vocab.countries import country_name, is_country
from planner.vocab.forms import PlaceForm, PlaceImportForm, RenameTermForm, StatusForm, TermForm
from planner.vocab.models import Place, PlaceSource, VocabularyTerm
from planner.vocab.places import describe_row_error
from planner.vocab.services import (
    DEFAULT_IMPORT_MAX_BYTES, add_place, add_term, import_unlocode, rename_term, set_place_active, set_term_active,
)
from planner.vocab.units import DIMENSION_LABELS, UNITS

bp = Blueprint("vocab", __name__, url_prefix="/admin/vocab")

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 200


@bp.app_template_global()
def vocab_label(name, code, parent=None):
    """{{ vocab_label('location_type', record.location_type) }} in any template (each admin-managed vocabulary is
    read once per request)."""
    return queries.term_label(name, code, parent)


@bp.route("/")
@requires("admin.vocab")
def index():
    return redirect(url_for("vocab.places"))


# --- places -----------------------------------------------------------------------------------------------

def _place_filters():
    country = (request.args.get("country") or "").strip().upper()
    location_type = request.args.get("type") or ""
    status = request.args.get("status") or "active"
    return {
        "country": country if is_country(country) else "",
        "type": location_type if location_type in LocationType.codes() else "",
        "q": (request.args.get("q") or "").strip()[:100],
        "status": status if status in queries.STATUS_FILTERS else "active",
    }


@bp.route("/places")
@requires("admin.vocab")
def places():
    filters = _place_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = queries.filter_places(filters["country"] or None, filters["type"] or None, filters["q"] or None,
                                 filters["status"])
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    rows = db.session.scalars(stmt.order_by(Place.country, Place.name, Place.code)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    countries = [(c, f"{country_name(c)} ({c})") for c in queries.place_countries()]
    return render_template(
        "vocab/places.html", places=rows, total=total, page=page, pages=pages, filters=filters,
        countries=countries, location_types=list(LocationType), statuses=queries.STATUS_FILTERS,
        sources={s.value: s.label for s in PlaceSource},
    )


def _page_window(page, pages, width=4):
    """Page numbers to link, with None where numbers are left out (1 … 7 8 9 … 40)."""
    shown = sorted({1, pages, *range(max(page - width, 1), min(page + width, pages) + 1)})
    window, previous = [], 0
    for p in shown:
        if p - previous > 1:
            window.append(None)
        window.append(p)
        previous = p
    return window


bp.add_app_template_global(_page_window, "vocab_page_window")


@bp.route("/places/new", methods=["GET", "POST"], endpoint="add_place")
@requires("admin.vocab")
def add_place_view():
    form = PlaceForm()
    message, errors = None, {}
    if form.validate_on_submit():
        try:
            place = add_place(current_user, {
                "code": form.code.data, "name": form.name.data, "country": form.country.data,
                "location_type": form.location_type.data, "subdivision": form.subdivision.data,
            })
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            flash(_("Place %(code)s %(name)s added.", code=place.code, name=place.name), "success")
            return redirect(url_for("vocab.places", q=place.code, status="all"))
    elif form.errors:
        message, errors = _("The place was not added."), form.errors
    return render_template("vocab/place_form.html", form=form, message=message, errors=errors), \
        (422 if message else 200)



def _back_to_places():
    target = request.form.get("next") or ""
    if target.startswith(url_for("vocab.places")) and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(url_for("vocab.places"))


def _set_place(place_id, active):
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    place = db.session.get(Place, place_id)
    if place is None:
        abort(404)
    set_place_active(current_user, place, active)
    db.session.commit()
    if active:
        flash(_("%(place)s is active again.", place=str(place)), "success")
    else:
        flash(_("%(place)s is deactivated: it is no longer offered for new records.", place=str(place)), "success")
    return _back_to_places()


@bp.route("/places/<int:place_id>/deactivate", methods=["POST"])
@requires("admin.vocab")
def deactivate_place(place_id):
    return _set_place(place_id, False)


@bp.route("/places/<int:place_id>/reactivate", methods=["POST"])
@requires("admin.vocab")
def reactivate_place(place_id):
    return _set_place(place_id, True)


def _import_max_bytes():
    return current_app.config.get("VOCAB_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


def _row_errors(errors):
    """[(line or None, column, message)] sorted by line, for the error list of an import."""
    rows = []
    for key, messages in errors.items():
        line, column = describe_row_error(key)
        for message in messages:
            rows.append((line, column, message))
    rows.sort(key=lambda r: (r[0] is not None, r[0] or 0))
    return rows


@bp.route("/places/import", methods=["GET", "POST"])
@requires("admin.vocab")
def import_places():
    form = PlaceImportForm()
    max_bytes = _import_max_bytes()
    message, row_errors, result = None, [], None
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            message, row_errors = _("Nothing was imported."), [(None, "file", _("Choose a .csv file to upload."))]
        else:
            content = upload.stream.read(max_bytes + 1)
            try:
                result = import_unlocode(current_user, upload.filename, content,
                                         only_transport=form.only_transport.data, max_bytes=max_bytes)
            except PlannerError as exc:
                db.session.rollback()
                message, row_errors = exc.message, _row_errors(exc.errors)
            else:
                db.session.commit()
                flash(_("UN/LOCODE import of %(file)s: %(added)d places added, %(present)d already in the list, "
                        "%(other)d other locations left out, %(skipped)d rows skipped (country headings, "
                        "references, entries marked for deletion).", file=upload.filename, added=result.added,
                        present=result.already_present, other=result.not_transport, skipped=result.skipped),
                      "success")
                return redirect(url_for("vocab.import_places"))
    elif form.errors:
        message = _("Nothing was imported.")
        row_errors = [(None, field, m) for field, msgs in form.errors.items() for m in msgs]
    status = 422 if message else 200
    return render_template("vocab/import.html", form=form, message=message, row_errors=row_errors[:MAX_ERRORS_SHOWN],
                           more_errors=max(len(row_errors) - MAX_ERRORS_SHOWN, 0),
                           max_mb=max_bytes / (1024 * 1024)), status


# --- terms ------------------------------------------------------------------------------------------------

def _term_form(formdata=None):
    form = TermForm() if formdata is None else TermForm(formdata=formdata)
    form.parent_code.choices = [("", _("— (not a commodity type)"))] + queries.choices(COMMODITY_CATEGORY)
    return form


def _terms_page(form, message=None, errors=None, status=200):
    fixed = [(FIXED_VOCABULARY_LABELS[name], list(enum)) for name, enum in FIXED_VOCABULARIES.items()]
    return render_template(
        "vocab/terms.html", form=form, message=message, errors=errors or {},
        tree=queries.commodity_tree(include_inactive=True),
        concealment=db.session.scalars(select(VocabularyTerm).where(
            VocabularyTerm.vocabulary == CONCEALMENT_METHOD).order_by(VocabularyTerm.sort_order,
                                                                       VocabularyTerm.id)).all(),
        fixed=fixed, units=list(UNITS.values()), dimensions=DIMENSION_LABELS,
        display_label=queries.display_label, list_labels=MANAGED_VOCABULARY_LABELS,
    ), status


@bp.route("/terms")
@requires("admin.vocab")
def terms():
    return _terms_page(_term_form())


@bp.route("/terms/new", methods=["POST"], endpoint="add_term")
@requires("admin.vocab")
def add_term_view():
    form = _term_form()
    if not form.validate_on_submit():
        return _terms_page(form, _("The term was not added."), form.errors, 422)
    try:
        term = add_term(current_user, {"vocabulary": form.vocabulary.data, "parent_code": form.parent_code.data,
                                       "code": form.code.data, "label": form.label.data})
    except PlannerError as exc:
        db.session.rollback()
        return _terms_page(form, exc.message, exc.errors, 422)
    db.session.commit()
    flash(_("Term %(code)s “%(label)s” added.", code=term.code, label=term.label), "success")
    return redirect(url_for("vocab.terms") + f"#term-{term.id}")



def _get_term(term_id):
    term = db.session.get(VocabularyTerm, term_id)
    if term is None:
        abort(404)
    return term


@bp.route("/terms/<int:term_id>/edit", methods=["GET", "POST"])
@requires("admin.vocab")
def edit_term(term_id):
    term = _get_term(term_id)
    form = RenameTermForm()
    if request.method == "GET":
        form.label.data = term.label
    message, errors = None, {}
    if form.validate_on_submit():
        try:
            rename_term(current_user, term, form.label.data)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("vocab.terms") + f"#term-{term.id}")
    return render_template("vocab/term_form.html", form=form, term=term, message=message, errors=errors,
                           list_labels=MANAGED_VOCABULARY_LABELS), (422 if message else 200)


def _set_term(term_id, active):
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    term = _get_term(term_id)
    set_term_active(current_user, term, active)
    db.session.commit()
    label = queries.display_label(term)
    if active:
        flash(_("“%(label)s” is active again.", label=label), "success")
    else:
        flash(_("“%(label)s” is deactivated: records that use it keep it; it is no longer offered.", label=label),
              "success")
    return redirect(url_for("vocab.terms") + f"#term-{term.id}")


@bp.route("/terms/<int:term_id>/deactivate", methods=["POST"])
@requires("admin.vocab")
def deactivate_term(term_id):
    return _set_term(term_id, False)


@bp.route("/terms/<int:term_id>/reactivate", methods=["POST"])
@requires("admin.vocab")
def reactivate_term(term_id):
    return _set_term(term_id, True)
