"""Leaders' dashboards: the district or subdistrict on one screen, a map coloured by rate or
hotspot, trend and category charts, and drill-down from district to order."""

from django.urls import path

from gongzhi.insights.dashboard import views

urlpatterns = [
    path("", views.district, name="dashboard"),
    path("subdistricts/<int:pk>/", views.subdistrict, name="subdistrict"),
    path("communities/<int:pk>/", views.community, name="community"),
    path("communities/<int:pk>/orders/", views.community_orders, name="community_orders"),
    path("map.json", views.map_values, name="map_values"),
]
