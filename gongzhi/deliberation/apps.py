from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "gongzhi.deliberation"
    verbose_name = _("共商共治")

    def ready(self) -> None:
        # The notification texts of this app join the notifications catalogue (one dict of
        # event → template); registering them here keeps them next to the services that send.
        from gongzhi.deliberation.notices import register

        register()
