from django.urls import URLPattern, URLResolver

app_name = "workorders"
urlpatterns: list[URLPattern | URLResolver] = []
