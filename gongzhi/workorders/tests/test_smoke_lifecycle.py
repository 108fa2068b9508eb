from gongzhi.workorders.models import EventKind, Status
from gongzhi.workorders.tests.factories import order_in


def test_an_order_walks_the_main_line_and_records_every_step(world):
    order = order_in(world, Status.CLOSED)

    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
        EventKind.ACCEPTED,
        EventKind.CONTACTED,
        EventKind.RESOLVED,
        EventKind.CALLBACK,
        EventKind.CLOSED,
    ]
