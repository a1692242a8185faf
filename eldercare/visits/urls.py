from django.urls import path

from eldercare.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plan/", views.plan_generate, name="plan_generate"),
    path("my/", views.my_visits, name="my_visits"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:task_id>/record/", views.record_create, name="record_create"),
    path("tasks/<int:task_id>/reveal/", views.task_reveal, name="task_reveal"),
    path("elders/<int:elder_id>/record/", views.record_create_for_elder, name="record_create_for_elder"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:record_id>/", views.record_detail, name="record_detail"),
    path("records/<int:record_id>/edit/", views.record_edit, name="record_edit"),
    path("conflicts/<int:conflict_id>/", views.conflict_detail, name="conflict_detail"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:elder_id>/", views.target_detail, name="target_detail"),
    path("targets/<int:elder_id>/tier/", views.tier_override, name="tier_override"),
    path("follow-ups/", views.followup_list, name="followup_list"),
    path("follow-ups/<int:follow_up_id>/", views.followup_detail, name="followup_detail"),
    path("follow-ups/<int:follow_up_id>/update/", views.followup_update, name="followup_update"),
    path("workload/", views.workload, name="workload"),
    path("visitors/", views.visitor_list, name="visitor_list"),
    path("notifications/", views.notification_list, name="notification_list"),
]
