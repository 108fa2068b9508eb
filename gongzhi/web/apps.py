from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "gongzhi.web"
    verbose_name = _("网页外壳")

    def ready(self) -> None:
        from gongzhi.web import checks  # noqa: F401  (registers the database checks)
