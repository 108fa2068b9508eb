from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.workorders.taxonomy import seed_categories, seed_matrix


class Command(BaseCommand):
    help = "Create the default 12345 category tree and responsibility matrix (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        categories = seed_categories()
        rules = seed_matrix()
        self.stdout.write(f"categories created: {categories}, matrix rules created: {rules}")
