"""Inbox reads: a person's own notifications and those of the units they work for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import person_scope
from gongzhi.notifications.models import Notification


def inbox_filter(person: Person) -> Q:
    """The in-app rows addressed to the person or to a unit they work for."""
    scope = person_scope(person)
    return Q(channel="in_app") & (
        Q(recipient_person=person) | Q(recipient_unit_id__in=scope.unit_ids)
    )


def inbox_for(person: Person) -> QuerySet[Notification]:
    """The person's inbox, newest first, with what the page shows loaded."""
    return Notification.objects.filter(inbox_filter(person)).select_related(
        "order", "recipient_unit"
    )


def unread_count(person: Person) -> int:
    """Unread rows in the inbox (one COUNT query once the person's scope is known)."""
    if not person.is_authenticated:
        return 0
    return Notification.objects.filter(inbox_filter(person), read_at__isnull=True).count()
