from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("gongzhi.web.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("places/", include("gongzhi.places.urls")),
    path("orders/", include("gongzhi.workorders.urls")),
    path("dispatch/", include("gongzhi.dispatch.urls")),
    path("deliberation/", include("gongzhi.deliberation.urls")),
    path("insights/", include("gongzhi.insights.urls")),
    path("notifications/", include("gongzhi.notifications.urls")),
    path("open311/", include("gongzhi.open311.urls")),
    path("api/v1/", include("gongzhi.workorders.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
if settings.GONGZHI_BENCH_FLOORS:  # the intake benchmark's floors (gongzhi bench intake)
    urlpatterns.append(path("bench/", include("gongzhi.workorders.bench.urls")))
