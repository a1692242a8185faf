from django.urls import path

from eldercare.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.worker_list, name="worker_list"),
    path("hire/", views.hire, name="hire"),
    path("<int:worker_id>/", views.worker_detail, name="worker_detail"),
    path("<int:worker_id>/staff/", views.worker_staff_action, name="worker_staff_action"),
    path("<int:worker_id>/credit/", views.worker_credit_action, name="worker_credit_action"),
    path("blacklist/", views.listing_list, name="listing_list"),
    path("blacklist/<int:listing_id>/", views.listing_action, name="listing_action"),
    path("training/", views.training, name="training"),
    path("training/providers/new/", views.provider_create, name="provider_create"),
    path("training/courses/new/", views.course_create, name="course_create"),
    path("ratios/", views.ratios, name="ratios"),
]
