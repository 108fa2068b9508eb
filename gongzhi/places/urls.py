from django.urls import path

from gongzhi.places import views

app_name = "places"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("subdistricts/<int:pk>/", views.subdistrict, name="subdistrict"),
    path("communities/<int:pk>/", views.community, name="community"),
    path("compounds/<int:pk>/", views.compound, name="compound"),
    path("geo/outline.geojson", views.geo_outline, name="geo_outline"),
    path("geo/subdistricts.geojson", views.geo_subdistricts, name="geo_subdistricts"),
    path("geo/communities.geojson", views.geo_communities, name="geo_communities"),
    path("geo/compounds.geojson", views.geo_compounds, name="geo_compounds"),
]
