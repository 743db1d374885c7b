"""API: the concealment catalogue with its counts across operations (aggregates only)."""
from flask import jsonify

from planner.api.base import endpoint
from planner.results.figures import concealment_counts


@endpoint("/concealment-methods", permission="programme.view", tags=("results",),
          summary="The concealment catalogue, with how many seizures used each method")
def list_concealment_methods():
    """Every concealment method of the shared catalogue (programme item 19), with the number of submitted
    seizures of all operations that used it and in how many operations. For coordinators, the secretariat and
    admins: aggregated figures, never a record."""
    return jsonify({"items": [{"code": m.code, "label": m.label, "is_active": m.is_active, "seizures": m.seizures,
                               "operations": m.operations} for m in concealment_counts()]})
