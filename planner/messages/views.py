"""Pages of the Messages tab: warnings, their addressees' feedback, and what awaits an answer."""
from flask import Blueprint

bp = Blueprint("messages", __name__)
