"""Fixtures of the report tests: the API client (tests/api), an operation under way with its participants
(tests/results) and an operation in evaluation with results for its final report (final_fixtures.py)."""
import tests.api.conftest as api_fixtures
import tests.results.conftest as results_fixtures
from tests.reports import final_fixtures

api = api_fixtures.api
running = results_fixtures.running
evaluated = final_fixtures.evaluated
