from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.workorders.taxonomy import seed_categories, seed_matrix, seed_time_limits


class Command(BaseCommand):
    help = (
        "Create the default 12345 category tree, responsibility matrix and time limits "
        "(idempotent; rows an administrator edited are kept)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        categories = seed_categories()
        rules = seed_matrix()
        limits = seed_time_limits()
        self.stdout.write(
            f"categories created: {categories}, matrix rules created: {rules}, "
            f"time limits created: {limits}"
        )
