from django.urls import URLPattern, URLResolver, path

from gongzhi.deliberation.views import cases, ledger, meetings, orders, proposals

app_name = "deliberation"
urlpatterns: list[URLPattern | URLResolver] = [
    # Cases and their five steps.
    path("", cases.case_list, name="cases"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/act/<str:action>/", cases.case_action, name="case_action"),
    path("projects/<int:pk>/", cases.project_detail, name="project"),
    path("visits/photos/<int:pk>/", cases.visit_photo, name="visit_photo"),
    # 集: proposals (金点子).
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.propose, name="propose"),
    path("proposals/<int:pk>/support/", proposals.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/<str:action>/", proposals.proposal_screen, name="proposal_screen"),
    # 议: meetings and the secretary's console.
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", meetings.meeting_console, name="meeting"),
    path("meetings/<int:pk>/act/<str:action>/", meetings.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/photos/<int:seq>/", meetings.meeting_photo, name="meeting_photo"),
    # The projects of a work order, for the order page.
    path("orders/<str:number>/projects/", orders.order_projects, name="order_projects"),
    # The public ledger of practical matters, and supervision.
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger.xlsx", ledger.ledger_export, name="ledger_export"),
    path("supervision/", ledger.supervision, name="supervision"),
]
