"""Pages over the findings: hotspots and clusters (with turning one into a proactive order or a
deliberation proposal), the monthly topic candidates, and the playbook beside an open order."""

from django.urls import URLPattern, URLResolver, path

from gongzhi.insights.pages import clusters, hotspots, playbook, topics

urlpatterns: list[URLPattern | URLResolver] = [
    path("hotspots/", hotspots.hotspots, name="hotspots"),
    path("hotspots/<int:pk>/", hotspots.hotspot, name="hotspot"),
    path("hotspots/<int:pk>/act/<str:action>/", hotspots.hotspot_action, name="hotspot_action"),
    path("clusters/", clusters.clusters, name="clusters"),
    path("clusters/<int:pk>/", clusters.cluster, name="cluster"),
    path("clusters/<int:pk>/act/<str:action>/", clusters.cluster_action, name="cluster_action"),
    path("topics/", topics.topics, name="topics"),
    path("topics/choose/", topics.topic_choose_view, name="topic_choose"),
    path("topics/<int:pk>/withdraw/", topics.topic_withdraw_view, name="topic_withdraw"),
    path("orders/<str:number>/playbook/", playbook.playbook, name="playbook"),
]
