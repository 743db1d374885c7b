from planner.operations.models import Operation


def test_operation_in_every_state(factory):
    for state in ("draft", "submitted", "planning", "operational", "post_operational", "evaluation", "closed",
                  "rejected", "cancelled"):
        op = factory.operation_in(state)
        assert op.state == state


def test_login_and_dashboard(factory, client, login):
    user = factory.coordinator("LT")
    op = factory.operation_in("planning")
    login(user)
    page = client.get("/")
    assert page.status_code == 200
    assert op.code_name in page.get_data(as_text=True)
