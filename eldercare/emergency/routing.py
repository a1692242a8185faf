from django.urls import path

from eldercare.emergency.consumers import AlarmConsumer

websocket_urlpatterns = [path("ws/emergency/alarms/", AlarmConsumer.as_asgi())]
