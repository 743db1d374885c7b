"""The JSON API under /api/v1: bearer tokens, the same services and queries as the pages."""
from planner.api.base import bp  # noqa: F401
import planner.api.operations  # noqa: F401,E402
