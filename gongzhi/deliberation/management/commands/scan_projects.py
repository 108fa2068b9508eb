from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.deliberation.services.scan import projects_scan


class Command(BaseCommand):
    help = (
        "Warn the responsible units before and after practical-matter project deadlines, and "
        "decide the evaluations whose window has ended. Run hourly by one scheduler; safe if "
        "two runs overlap."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = projects_scan()
        self.stdout.write(
            f"warned {len(result.warned)}, overdue {len(result.overdue)}, closed "
            f"{len(result.closed)}, reopened {len(result.reopened)}, waiting for ratings "
            f"{len(result.waiting_for_ratings)}"
        )
