"""Result reporting days are deadlines the planner tracks: an organisation meets one when it has a submitted
seizure or control record dated since the previous reporting day."""
from planner.extensions import db
from planner.results.controls import create_controls
from planner.results.services import create_seizure
from planner.scheduling.deadlines import MET, MISSING, DeadlineKind, operation_deadlines, preload_schedules
from tests.results.conftest import seizure_data


def _statuses(operation, preloaded=None):
    return {d.due.isoformat(): {org.code: s for org, s in d.status.items()}
            for d in operation_deadlines(operation, preloaded) if d.kind is DeadlineKind.RESULTS}


def test_a_reporting_day_is_met_by_a_submitted_result_dated_in_its_period(factory, running):
    days = _statuses(running)
    first, second = sorted(days)[:2]
    assert set(days[first].values()) == {MISSING}
    create_seizure(factory.user("LT", "officer"), running, seizure_data(seized_at=f"{first}T09:00:00+02:00"))
    create_seizure(factory.user("NL", "officer"), running, seizure_data(seized_at=f"{first}T09:00:00+02:00",
                                                                        status="draft"))  # a draft does not count
    create_controls(factory.user("PL", "officer"), running, [{
        "date": first, "location": "Terespol", "transport_mode": "road", "selection_basis": "random",
        "controls": 12, "hits": 0}])
    db.session.commit()
    days = _statuses(running)
    assert days[first] == {"LT": MET, "PL": MET, "NL": MISSING, "UA": MISSING}
    assert set(days[second].values()) == {MISSING}  # the next period starts after the first reporting day
    assert _statuses(running, preload_schedules([running])[running.id]) == days  # the dashboards' path agrees
