from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.notifications.services import notifications_send_due
from gongzhi.workorders.services.deadlines import deadlines_scan


class Command(BaseCommand):
    help = (
        "Warn before work order deadlines and mark overdue orders, then retry due "
        "notifications. Run every minute by one scheduler; safe if two runs overlap."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = deadlines_scan()
        sent = notifications_send_due()
        self.stdout.write(
            f"contact warned {len(result.contact_warned)}, contact overdue "
            f"{len(result.contact_overdue)}, warned {len(result.warned)}, overdue "
            f"{len(result.overdue)}; notifications attempted {sent}"
        )
