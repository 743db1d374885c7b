"""API: operations and their lifecycle."""
from flask import jsonify, request
from flask_login import current_user

from planner.api.base import bp, endpoint, json_body
from planner.extensions import db
from planner.operations.queries import filter_operations, get_visible_operation, visible_operations
from planner.operations.models import Operation
from planner.operations.services import create_operation, take_transition, update_operation
