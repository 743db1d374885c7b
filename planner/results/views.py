"""Pages of the Results tab: the live operation page, seizures (list, quick and full forms, record, edit,
withdraw, comments) and controls. Thin: load-or-404/403, one service call, redirect."""
from flask import Blueprint

bp = Blueprint("results", __name__)
