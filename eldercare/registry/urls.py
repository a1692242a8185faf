from django.urls import path

from eldercare.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.elder_list, name="elder_list"),
    path("<int:elder_id>/", views.elder_detail, name="elder_detail"),
    path("<int:elder_id>/reveal/", views.elder_reveal, name="elder_reveal"),
]
