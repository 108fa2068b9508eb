"""A unit's queue: the orders its people lead or assist, first priority first, then the nearest
deadline (the domain's unit_queue / unit_assisting), with filters and deadline badges."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from gongzhi.accounts.selectors import units_of
from gongzhi.places.models import Community
from gongzhi.workorders.forms import QueueFilterForm
from gongzhi.workorders.models import HANDLING_STATUSES, Status, WorkOrder
from gongzhi.workorders.selectors import unit_assisting, unit_queue
from gongzhi.workorders.views.display import NEAR, deadline_of
from gongzhi.workorders.views.edge import person_of

PAGE_SIZE = 25
ALL_STATUSES = tuple(Status.values)


def _queue(units: list[Any]) -> QuerySet[WorkOrder]:
    """Every order the units lead (any status) or assist (while handled), in the domain's
    queue order. The union may join an order's assignments more than once: distinct."""
    combined: QuerySet[WorkOrder] | None = None
    for unit in units:
        part = unit_queue(unit, statuses=ALL_STATUSES) | unit_assisting(unit)
        combined = part if combined is None else combined | part
    return combined.distinct() if combined is not None else WorkOrder.objects.none()


def _deadline_filter(kind: str, now: Any) -> Q:
    """The rows whose badge (views.display.deadline_of) would show `kind`."""
    contact_pending = Q(contacted_at__isnull=True, contact_due_at__isnull=False)
    due_contact = contact_pending & Q(contact_due_at__lte=now)
    due_resolve = ~contact_pending & (Q(resolve_due_at__lte=now) | Q(overdue=True))
    if kind == "overdue":
        return due_contact | due_resolve
    if kind == "near":
        soon = now + NEAR
        return (contact_pending & Q(contact_due_at__gt=now, contact_due_at__lt=soon)) | (
            ~contact_pending & Q(overdue=False, resolve_due_at__gt=now, resolve_due_at__lt=soon)
        )
    return Q(deadline_provisional=True)


@login_required
@require_GET
@vary_on_headers("HX-Request")  # the page or, for htmx, its partial
def queue(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    units = list(units_of(person))
    if not units:  # residents, riders, volunteers: they follow their own requests elsewhere
        raise PermissionDenied
    unit_ids = {u.pk for u in units}
    orders = _queue(units)
    communities = Community.objects.filter(
        pk__in=orders.order_by().values("community_id")
    ).order_by("name")
    form = QueueFilterForm(request.GET or None, communities=communities)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status:
        orders = orders.filter(status=status)
    else:
        orders = orders.filter(status__in=HANDLING_STATUSES)
    now = timezone.now()
    if filters.get("deadline"):
        orders = orders.filter(_deadline_filter(filters["deadline"], now))
    if filters.get("category"):
        orders = orders.filter(
            Q(category__code=filters["category"]) | Q(category__parent__code=filters["category"])
        )
    if filters.get("community"):
        orders = orders.filter(community_id=filters["community"])

    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "order": o,
            "role": "lead" if o.lead_unit_id in unit_ids else "assist",
            "deadline": deadline_of(o, now),
        }
        for o in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "units": units,
        "filters": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    template = "workorders/queue.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)
