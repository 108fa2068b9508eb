from django.urls import URLPattern, URLResolver, path

from gongzhi.workorders.views import desks, geo, intake, order, queue, ranking, resident

app_name = "workorders"
urlpatterns: list[URLPattern | URLResolver] = [
    # Residents, no login: file a request, follow it by number and phone, rate it.
    path("file/", resident.file_request, name="file"),
    path("file/places/", resident.file_places, name="file_places"),
    path("file/map.geojson", geo.filing_map, name="file_map"),
    path("file/<str:number>/done/", resident.filed, name="filed"),
    path("track/", resident.track, name="track"),
    path("track/<str:number>/", resident.track_order, name="track_order"),
    path("track/<str:number>/rate/", resident.track_rate, name="track_rate"),
    # Staff.
    path("", queue.queue, name="queue"),
    path("intake/", intake.intake, name="intake"),
    path("intake/places/", intake.intake_places, name="intake_places"),
    path("intake/duplicates/", intake.intake_duplicates, name="intake_duplicates"),
    path("desk/dispatch/", desks.dispatch_desk, name="dispatch_desk"),
    path("desk/dispatch/<str:number>/dispatch/", desks.desk_dispatch, name="desk_dispatch"),
    path("desk/dispatch/<str:number>/merge/", desks.desk_merge, name="desk_merge"),
    path("desk/dispatch/<str:number>/decline/", desks.desk_decline, name="desk_decline"),
    path("desk/extensions/<int:pk>/", desks.desk_extension, name="desk_extension"),
    path("desk/callback/", desks.callback_desk_page, name="callback_desk"),
    path("desk/callback/<str:number>/", desks.desk_callback, name="desk_callback"),
    path("ranking/", ranking.ranking, name="ranking"),
    path("<str:number>/", order.order_page, name="order"),
    path("<str:number>/act/<str:action>/", order.order_action, name="order_action"),
    path("<str:number>/reveal/", order.reveal, name="reveal"),
    path("<str:number>/photos/<int:seq>/", order.photo, name="photo"),
    path(
        "<str:number>/whistle/<int:call_id>/<str:step>/",
        order.whistle_step,
        name="whistle_step",
    ),
]
