"""Inbox reads: a person's own notifications and those of the units they work for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import person_scope
from gongzhi.notifications.models import Notification


def inbox_for(person: Person) -> QuerySet[Notification]:
    scope = person_scope(person)
    return (
        Notification.objects.filter(channel="in_app")
        .filter(Q(recipient_person=person) | Q(recipient_unit_id__in=scope.unit_ids))
        .select_related("order", "recipient_unit")
    )


def unread_count(person: Person) -> int:
    return inbox_for(person).filter(read_at__isnull=True).count()
