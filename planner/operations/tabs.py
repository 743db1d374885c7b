"""The tabs of the operation page. Each capability registers its tab here from its own views module, so the
layout never needs editing: `register_tab("schedule", _l("Schedule"), "scheduling.show", order=40,
visible=lambda access: access.sees_full)`."""
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Tab:
    key: str
    label: object
    endpoint: str | None  # None: not built yet, shown disabled
    order: int
    visible: Callable


_TABS = {}


def register_tab(key, label, endpoint, order, visible):
    _TABS[key] = Tab(key, label, endpoint, order, visible)


def tabs_for(operation, access):
    """[(key, label, href or None)] of the tabs this user sees, in order."""
    result = []
    for tab in sorted(_TABS.values(), key=lambda t: t.order):
        if tab.visible(access):
            href = url_for(tab.endpoint, operation_id=operation.id) if tab.endpoint else None
            result.append((tab.key, tab.label, href))
    return result


# The foundation's tabs; a capability that builds one re-registers it with its endpoint.
register_tab("overview", _l("Overview"), "operations.show", 10, lambda a: a.sees_operation)
register_tab("business_case", _l("Business case"), None, 20, lambda a: a.sees_full)
register_tab("participants", _l("Participants"), "operations.participants", 30, lambda a: a.sees_participant_list)
register_tab("schedule", _l("Schedule"), None, 40, lambda a: a.sees_full)
register_tab("messages", _l("Messages"), None, 50, lambda a: a.sees_full)
register_tab("results", _l("Results"), None, 60, lambda a: a.sees_full)
register_tab("reports", _l("Reports"), None, 70, lambda a: a.sees_full)
register_tab("history", _l("History"), "operations.history", 90, lambda a: a.sees_history)
