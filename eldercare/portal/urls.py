from django.urls import path

from eldercare.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("follow/", views.link_request, name="link_request"),
    path("notices/", views.notices, name="notices"),
    path("office/", views.office, name="office"),
    path("receipts/<int:receipt_id>/", views.receipt, name="receipt"),
    path("e/<int:elder_id>/", views.elder_home, name="elder_home"),
    path("e/<int:elder_id>/done/", views.done, name="done"),
    path("e/<int:elder_id>/benefits/", views.entitlements, name="entitlements"),
    path("e/<int:elder_id>/benefits/<slug:programme_code>/apply/", views.apply, name="apply"),
    path("e/<int:elder_id>/applications/", views.applications, name="applications"),
    path(
        "e/<int:elder_id>/applications/<int:application_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path("e/<int:elder_id>/payments/", views.payments, name="payments"),
    path("e/<int:elder_id>/services/", views.home_services, name="services"),
    path("e/<int:elder_id>/services/order/", views.service_order, name="service_order"),
    path("e/<int:elder_id>/services/<int:order_id>/confirm/", views.service_confirm, name="service_confirm"),
    path("e/<int:elder_id>/services/<int:order_id>/rate/", views.service_rate, name="service_rate"),
    path("e/<int:elder_id>/assessment/", views.assessment, name="assessment"),
    path("e/<int:elder_id>/timebank/", views.timebank, name="timebank"),
    path("e/<int:elder_id>/emergency/", views.emergency, name="emergency"),
    path("e/<int:elder_id>/complaint/", views.complaint, name="complaint"),
    path("e/<int:elder_id>/facilities/", views.facilities, name="facilities"),
    path("e/<int:elder_id>/links/<int:link_id>/", views.link_decide, name="link_decide"),
]
