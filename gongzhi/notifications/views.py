"""The in-app inbox: the notifications addressed to the person and to the units they work for.

Reading is a GET; marking read is a POST (one row, all rows, or opening a row, which marks it
read and goes to what it is about). Rows are found only through selectors.inbox_for, so a row
addressed to someone else is a 404. A unit's row is shared by its staff: when one of them has
read it, it is read for all of them (the unit has seen it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from gongzhi.notifications.models import Notification
from gongzhi.notifications.selectors import inbox_for, unread_count
from gongzhi.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 20


@dataclass(frozen=True)
class Entry:
    notification: Notification
    target: str  # the page the row is about, "" when none
    unit: str  # the unit it was addressed to, "" when addressed to the person


def target_of(n: Notification) -> str:
    """The page a notification is about: its work order, or a site path another app put in
    its parameters as "url" (e.g. a deliberation case). "" when there is none."""
    if n.order_id is not None and n.order is not None:
        return reverse("workorders:order", args=[n.order.number])
    url = str((n.params or {}).get("url", ""))
    if url.startswith("/") and not url.startswith("//"):
        return url
    return ""


def _entry(n: Notification) -> Entry:
    return Entry(n, target_of(n), n.recipient_unit.name if n.recipient_unit else "")


def _person(request: HttpRequest) -> Any:
    return request.user


def _row(request: HttpRequest, pk: int) -> Notification:
    n = inbox_for(_person(request)).filter(pk=pk).first()
    if n is None:
        raise Http404
    return n


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    only_unread = request.GET.get("show") == "unread"
    rows = inbox_for(person)
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "entries": [_entry(n) for n in page.object_list],
        "page": page,
        "only_unread": only_unread,
        "unread": unread_count(person),
        "query": "show=unread&" if only_unread else "",
        "here": request.get_full_path(),
    }
    return render(request, "notifications/inbox.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the inbox page the person came from (a local address only)."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("notifications:inbox")


@require_GET
def count(request: HttpRequest) -> HttpResponse:
    """The unread number beside the navigation entry (a fragment the page fetches with htmx
    and refreshes every minute). 204 without a session: a background poll must not turn the
    page into the login page."""
    person = _person(request)
    if not person.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_count.html", {"unread": unread_count(person)})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = notification_mark_read(notification=_row(request, pk), by=_person(request))
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "notifications/inbox.html#entry",
            {"entry": _entry(n), "here": reverse("notifications:inbox")},
        )
    return _back(request)


@login_required
@require_POST
def open_row(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the row read and go to what it is about (or back to the inbox)."""
    n = notification_mark_read(notification=_row(request, pk), by=_person(request))
    target = target_of(n)
    return redirect(target) if target else _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(person=_person(request))
    return _back(request)
