from django.urls import path

from eldercare.core import ops_views, views

app_name = "core"
urlpatterns = [
    path("divisions/", views.division_list, name="division_list"),
    path("divisions/<str:code>/", views.division_detail, name="division_detail"),
    path("geo/<str:code>.geojson", views.division_geojson, name="division_geojson"),
    path("audit/", views.audit_list, name="audit_list"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<str:key>/", views.policy_detail, name="policy_detail"),
    path("policies/<str:key>/edit/", views.policy_edit, name="policy_edit"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("operations/tasks/", ops_views.task_list, name="task_list"),
    path("operations/tasks/<str:task_id>/retry/", ops_views.task_retry_view, name="task_retry"),
]
