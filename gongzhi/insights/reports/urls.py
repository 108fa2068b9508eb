"""The monthly report (Excel and PDF, with ranking tables and charts) and the CSV export of
orders with personal data masked."""

from django.urls import path

from gongzhi.insights.reports import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("<str:month>.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<str:month>.pdf", views.report_pdf_view, name="report_pdf"),
    path("orders.csv", views.orders_csv, name="orders_csv"),
]
