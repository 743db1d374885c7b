"""The concealment catalogue (programme item 19: a catalogue of concealment methods circulated to all Member
States): every method with how many seizures of all operations used it. Admins manage the methods on the
vocabulary page; coordinators, the secretariat and admins read the catalogue."""
from flask import render_template

from planner.core.permissions import requires
from planner.results.figures import concealment_counts
from planner.results.views import bp


@bp.route("/concealment-methods")
@requires("programme.view")
def concealment_catalogue():
    return render_template("results/concealment_catalogue.html", methods=concealment_counts())
