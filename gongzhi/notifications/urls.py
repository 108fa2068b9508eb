from django.urls import path

from gongzhi.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("count/", views.count, name="count"),
    path("<int:pk>/open/", views.open_row, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
]
