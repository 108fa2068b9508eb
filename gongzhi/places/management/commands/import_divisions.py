from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.places.divisions import divisions_import
from gongzhi.places.errors import DivisionImportError
from gongzhi.places.models import Community, District, Subdistrict


class Command(BaseCommand):
    help = "Load an official division list (code,name,parent_code,level,kind). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            report = divisions_import(path=path)
        except DivisionImportError as exc:
            raise CommandError(f"{path}: refused, nothing written — {exc}") from exc
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )
        self.stdout.write(
            f"registry: {District.objects.count()} district, "
            f"{Subdistrict.objects.count()} subdistricts, {Community.objects.count()} communities"
        )
