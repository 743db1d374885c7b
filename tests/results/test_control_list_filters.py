"""The control records list narrows to a selection basis, a transport mode and a status, as the final report's
hit-rate figures link to it; unknown values are named and ignored."""
import re

from planner.extensions import db
from planner.reports.final_dataset import final_report_dataset
from planner.results.controls import create_controls
from planner.operations.access import operation_access
from tests.results.conftest import running  # noqa: F401


def _control(basis, mode, controls, hits):
    return {"date": "2026-05-08", "location": f"{basis} {mode}", "transport_mode": mode, "selection_basis": basis,
            "controls": controls, "hits": hits}


def _sum_of_controls(html):
    table = html.split('id="control-records"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>', table)
    return sum(int(c) for c, _h in cells), sum(int(h) for _c, h in cells)


def test_the_list_follows_the_figure_that_links_to_it(running, factory, client, login):
    lt = factory.user("LT", "officer")
    create_controls(lt, running, [_control("risk_profile", "road", 40, 6), _control("risk_profile", "rail", 10, 1),
                                  _control("random", "road", 100, 2)])
    db.session.commit()
    coordinator = factory.user("LT", "coordinator")
    dataset = final_report_dataset(running, operation_access(coordinator, running))
    table = dataset.table("controls_by_basis")
    row = dict(zip(table.row_keys, table.rows))["risk_profile"]
    link = dict(zip(table.row_keys, table.links))["risk_profile"]
    login(coordinator)
    args = {k: v for k, v in link.items() if k != "list"}
    html = client.get(f"/operations/{running.id}/controls", query_string=args).get_data(as_text=True)
    assert _sum_of_controls(html) == (row[1], row[2]) == (50, 7)
    html = client.get(f"/operations/{running.id}/controls",
                      query_string={**args, "transport_mode": "rail"}).get_data(as_text=True)
    assert _sum_of_controls(html) == (10, 1)
    html = client.get(f"/operations/{running.id}/controls",
                      query_string={"selection_basis": "<script>"}).get_data(as_text=True)
    assert "is not a known value" in html and "<script>" not in html.split("</nav>", 1)[-1]
    assert _sum_of_controls(html) == (150, 9)
