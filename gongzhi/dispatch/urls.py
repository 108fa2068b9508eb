from django.urls import URLPattern, path

from gongzhi.dispatch import views

app_name = "dispatch"
urlpatterns: list[URLPattern] = [
    path("intake/suggest/", views.intake_suggest, name="intake_suggest"),
]
