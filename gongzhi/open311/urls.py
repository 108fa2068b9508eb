"""Open311 GeoReport v2 under /open311/v2/. Every resource ends in .json or .xml."""

from django.urls import path, register_converter

from gongzhi.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("v2/discovery.<fmt:fmt>", views.discovery, name="discovery"),
    path("v2/services.<fmt:fmt>", views.services, name="services"),
    path("v2/services/<str:service_code>.<fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<fmt:fmt>", views.requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<fmt:fmt>", views.request_one, name="request"),
    path("v2/tokens/<str:token>.<fmt:fmt>", views.token, name="token"),
]
