from django.urls import path

from eldercare.emergency import views

app_name = "emergency"
urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/open.json", views.console_open, name="console_open"),
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("alarms/<int:alarm_id>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:alarm_id>/take/", views.alarm_take, name="alarm_take"),
    path("alarms/<int:alarm_id>/call/", views.alarm_call, name="alarm_call"),
    path("alarms/<int:alarm_id>/dispatch/", views.alarm_dispatch, name="alarm_dispatch"),
    path("alarms/<int:alarm_id>/close/", views.alarm_close, name="alarm_close"),
    path("alarms/<int:alarm_id>/reveal/", views.alarm_reveal, name="alarm_reveal"),
    path("devices/", views.device_list, name="device_list"),
    path("devices/new/", views.device_create, name="device_create"),
    path("statistics/", views.stats, name="stats"),
    path("shifts/", views.shift_list, name="shift_list"),
    path("shifts/new/", views.shift_create, name="shift_create"),
    path("drills/", views.drill_list, name="drill_list"),
    path("drills/new/", views.drill_create, name="drill_create"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
]
