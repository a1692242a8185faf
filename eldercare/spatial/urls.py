from django.urls import path

from eldercare.spatial import views

app_name = "spatial"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage/run/", views.coverage_queue, name="coverage_queue"),
    path("siting/", views.siting, name="siting"),
    path("siting/run/", views.siting_queue, name="siting_queue"),
    path("siting/<int:run_id>/", views.siting_detail, name="siting_detail"),
    path("forecast/", views.forecast, name="forecast"),
    path("developments/", views.developments, name="developments"),
    path("developments/new/", views.development_create, name="development_create"),
    path("export/<str:table>.xlsx", views.export, name="export"),
]
