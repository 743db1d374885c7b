from flask import Blueprint

bp = Blueprint("vocab", __name__, url_prefix="/admin/vocab")
