"""The benchmark floors, included by gongzhi/config/urls.py only with GONGZHI_BENCH_FLOORS=1."""

from django.urls import path

from gongzhi.workorders.bench import views

app_name = "bench"
urlpatterns = [
    path("floor/noop", views.noop, name="noop"),
    path("floor/write", views.bare_write, name="write"),
]
