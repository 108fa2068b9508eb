"""The insights pages, all in the namespace ``insights``: each part keeps its own routes."""

from django.urls import include, path

app_name = "insights"

urlpatterns = [
    path("", include("gongzhi.insights.dashboard.urls")),
    path("reports/", include("gongzhi.insights.reports.urls")),
    path("findings/", include("gongzhi.insights.pages.urls")),
]
