from django.urls import path

from eldercare.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("quality/", views.quality, name="quality"),
    path("quality/draw/", views.quality_draw, name="quality_draw"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("elders/<int:elder_id>/", views.elder_assessments, name="elder_assessments"),
    path("elders/<int:elder_id>/request/", views.request_create, name="request_create"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/schedule/", views.request_schedule, name="request_schedule"),
    path("requests/<int:request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("requests/<int:request_id>/start/", views.assessment_start, name="assessment_start"),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("<int:assessment_id>/fill/<int:step>/", views.assessment_fill, name="assessment_fill"),
    path("<int:assessment_id>/submit/", views.assessment_submit, name="assessment_submit"),
    path("<int:assessment_id>/review/", views.assessment_review, name="assessment_review"),
    path("<int:assessment_id>/report.pdf", views.assessment_report, name="assessment_report"),
    path("<int:assessment_id>/appeal/", views.appeal_create, name="appeal_create"),
]
