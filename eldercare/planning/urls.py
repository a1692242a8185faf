from django.urls import path

from eldercare.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("d/<str:code>/", views.dashboard, name="dashboard"),
    path("refresh/", views.refresh_view, name="refresh"),
    path("indicators/<str:indicator_code>/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path(
        "indicators/<str:indicator_code>/<str:code>/enter/",
        views.manual_entry_create,
        name="manual_entry_create",
    ),
    path("manual/<int:entry_id>/evidence/", views.manual_evidence, name="manual_evidence"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/update/", views.project_update, name="project_update"),
    path("funding/", views.funding_list, name="funding_list"),
    path("funding/new/", views.funding_create, name="funding_create"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:report_id>/status/", views.report_status, name="report_status"),
    path("reports/<int:report_id>/download/<str:fmt>/", views.report_download, name="report_download"),
    path("exchange/", views.exchange, name="exchange"),
    path("exchange/send/", views.exchange_send, name="exchange_send"),
    path("exchange/<int:message_id>/download/", views.exchange_download, name="exchange_download"),
    path("open-data/<str:fmt>/", views.open_data, name="open_data"),
]
