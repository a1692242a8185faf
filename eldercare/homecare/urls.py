from django.urls import path

from eldercare.homecare import views

app_name = "homecare"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("indicators/", views.indicators, name="indicators"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/action/", views.order_action, name="order_action"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:provider_id>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:provider_id>/workers/", views.worker_add, name="worker_add"),
    path("providers/<int:provider_id>/statement/", views.statement, name="statement"),
    path("providers/<int:provider_id>/settle/", views.settlement_run, name="settlement_run"),
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/<int:settlement_id>/", views.settlement_detail, name="settlement_detail"),
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/<int:callback_id>/", views.callback_record, name="callback_record"),
    path("worker/", views.worker, name="worker"),
    path("worker/orders/<int:order_id>/", views.worker_order, name="worker_order"),
    path("worker/orders/<int:order_id>/action/", views.worker_action, name="worker_action"),
    path("portal/", views.portal, name="portal"),
    path("portal/orders/<int:order_id>/confirm/", views.portal_confirm, name="portal_confirm"),
    path("canteens/", views.canteen_list, name="canteen_list"),
    path("canteens/<int:canteen_id>/", views.canteen_detail, name="canteen_detail"),
    path("canteens/<int:canteen_id>/counter/", views.canteen_counter, name="canteen_counter"),
    path("canteens/<int:canteen_id>/inspections/", views.inspection_add, name="inspection_add"),
    path("beds/", views.bed_list, name="bed_list"),
    path("beds/<int:bed_id>/", views.bed_detail, name="bed_detail"),
    path("beds/<int:bed_id>/action/", views.bed_action, name="bed_action"),
    path("adaptations/", views.adaptation_list, name="adaptation_list"),
    path("adaptations/new/", views.adaptation_create, name="adaptation_create"),
    path("adaptations/<int:adaptation_id>/", views.adaptation_detail, name="adaptation_detail"),
    path("adaptations/<int:adaptation_id>/action/", views.adaptation_action, name="adaptation_action"),
]
