from django.urls import path

from eldercare.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/commit/", views.batch_commit, name="batch_commit"),
    path("batches/<int:batch_id>/report.csv", views.batch_report, name="batch_report"),
]
