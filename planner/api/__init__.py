"""The JSON API under /api/v1: bearer tokens, the same services and queries as the pages.
The routes register themselves on import (planner/api/base.py: `@endpoint`)."""
from planner.api.base import bp  # noqa: F401
import planner.api.operations  # noqa: F401,E402
import planner.api.accounts  # noqa: F401,E402
import planner.api.participants  # noqa: F401,E402
import planner.api.openapi  # noqa: F401,E402
import planner.api.business_cases  # noqa: F401,E402
import planner.api.scheduling  # noqa: F401,E402
import planner.api.mail  # noqa: F401,E402
import planner.api.results  # noqa: F401,E402
import planner.api.attachments  # noqa: F401,E402
import planner.api.messages  # noqa: F401,E402
import planner.api.results_import  # noqa: F401,E402
import planner.api.concealment  # noqa: F401,E402
import planner.api.past_operations  # noqa: F401,E402
import planner.api.public_summaries  # noqa: F401,E402
import planner.api.annual_reports  # noqa: F401,E402
import planner.api.final_reports  # noqa: F401,E402
