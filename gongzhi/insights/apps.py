from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "gongzhi.insights"
    verbose_name = _("分析研判")

    def ready(self) -> None:
        # The hotspot models live with the hotspot code (models.py is the roll-ups').
        from gongzhi.insights.hotspots import models  # noqa: F401
