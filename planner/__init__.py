"""The Joint Operations Planner: create_app() builds the Flask application."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from planner.config import Config
from planner.extensions import babel, bootstrap, csrf, db, login_manager, migrate


def _select_locale():
    from flask import has_request_context

    if not has_request_context():
        return "en"
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    from flask import current_app

    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def create_app(config=None):
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config or Config())
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(__import__("pathlib").Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    bootstrap.init_app(app)

    _import_models()
    from planner.core import mail, notifications, security

    notifications.init_app(app)
    mail.init_app(app)
    security.init_app(app)

    from planner.auth.views import bp as auth_bp
    from planner.audit.views import bp as audit_bp
    from planner.operations.views import bp as operations_bp
    from planner.organisations.views import bp as organisations_bp
    from planner.vocab.views import bp as vocab_bp
    from planner.participants.views import bp as participants_bp
    from planner.api import bp as api_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(vocab_bp)
    app.register_blueprint(participants_bp)
    from planner.business_cases.views import bp as business_cases_bp

    app.register_blueprint(business_cases_bp)
    from planner.scheduling.views import bp as scheduling_bp

    app.register_blueprint(scheduling_bp)
    from planner.mail.views import bp as mail_bp
    from planner.results.views import bp as results_bp
    from planner.messages.views import bp as messages_bp

    app.register_blueprint(mail_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(messages_bp)
    from planner.past_operations.views import bp as past_operations_bp

    app.register_blueprint(past_operations_bp)
    from planner.reports.public_views import bp as public_summaries_bp

    app.register_blueprint(public_summaries_bp)
    import planner.reports.services  # noqa: F401  (the report guards of the lifecycle)
    from planner.reports.annual_views import bp as annual_reports_bp

    app.register_blueprint(annual_reports_bp)
    from planner.reports.final_views import bp as final_reports_bp

    app.register_blueprint(final_reports_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)

    from planner.cli import register_cli

    register_cli(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    from planner.core import scheduler

    scheduler.init_app(app)
    return app


def _import_models():
    """Every model module, so that metadata (and Alembic) knows every table."""
    import planner.auth.models  # noqa: F401
    import planner.business_cases.models  # noqa: F401
    import planner.scheduling.models  # noqa: F401
    import planner.core.audit  # noqa: F401
    import planner.core.scheduler  # noqa: F401
    import planner.core.notifications  # noqa: F401
    import planner.core.mail  # noqa: F401
    import planner.operations.models  # noqa: F401
    import planner.organisations.models  # noqa: F401
    import planner.participants.models  # noqa: F401
    import planner.vocab.models  # noqa: F401
    import planner.messages.models  # noqa: F401
    import planner.results.models  # noqa: F401
    import planner.reports.models  # noqa: F401
    import planner.api.idempotency  # noqa: F401


def _register_error_pages(app):
    from planner.core.errors import PlannerError

    def wants_json():
        return request.path.startswith("/api/")

    @app.before_request
    def refuse_nul_characters():
        """NUL is never meaningful text, and PostgreSQL refuses it: answer 400 before anything is stored."""
        from flask import abort

        values = list(request.args.values())
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.values())
        if any("\x00" in v for v in values):
            abort(400, description=_("The request contains a NUL character, which no field accepts."))
        if request.is_json and b"\\u0000" in (request.get_data(cache=True) or b"").lower():
            abort(400, description=_("The request contains a NUL character, which no field accepts."))

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def concurrent_change(exc):
        """Two people saved the same record at the same moment: the second is refused, nothing is lost."""
        db.session.rollback()
        message = _("Somebody else changed this record at the same moment. Reload the page and try again.")
        if wants_json():
            return jsonify({"error": message, "errors": {}}), 409
        return render_template("errors/error.html", status=409, message=message, errors={}), 409

    @app.errorhandler(PlannerError)
    def planner_error(exc):
        db.session.rollback()
        if wants_json():
            return jsonify(exc.to_json()), exc.status
        return render_template("errors/error.html", status=exc.status, message=exc.message, errors=exc.errors), exc.status

    for status, message in (
        (400, _("The request could not be understood.")),
        (401, _("Authentication is required.")),
        (403, _("You may not do this.")),
        (404, _("Not found.")),
        (405, _("This method is not allowed here.")),
        (409, _("Conflict.")),
        (413, _("The upload is too large.")),
        (500, _("Something went wrong on our side. Nothing was saved.")),
    ):
        def handler(exc, status=status, message=message):
            if status == 500:
                db.session.rollback()
            text = getattr(exc, "description", None) if status in (400, 413) else None
            if wants_json():
                return jsonify({"error": str(text or message)}), status
            return render_template("errors/error.html", status=status, message=text or message, errors={}), status

        app.register_error_handler(status, handler)


def _register_template_helpers(app):
    from planner.core.permissions import has_permission

    @app.context_processor
    def helpers():
        return {"has_permission": lambda perm: has_permission(current_user, perm)}

    @app.template_filter("dt")
    def format_datetime(value, fmt="%Y-%m-%d %H:%M"):
        return value.strftime(fmt) + " UTC" if value else ""
