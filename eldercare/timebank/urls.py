from django.urls import path

from eldercare.timebank import views

app_name = "timebank"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", views.volunteer_register, name="volunteer_register"),
    path("volunteers/<int:volunteer_id>/", views.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:volunteer_id>/card/", views.volunteer_card, name="volunteer_card"),
    path("volunteers/<int:volunteer_id>/relatives/", views.relative_add, name="relative_add"),
    path("proxies/", views.proxy_add, name="proxy_add"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/action/", views.request_action, name="request_action"),
    path("ledger/check/", views.ledger_check, name="ledger_check"),
    path("ledger/export.xlsx", views.export, name="export"),
    path("ledger/<int:transaction_id>/reverse/", views.reverse_transaction, name="reverse"),
    path("recognition/", views.recognition, name="recognition"),
    path("guarantee/", views.guarantee, name="guarantee"),
    path("me/", views.my, name="my"),
    path("me/card/", views.my_card, name="my_card"),
    path("me/action/", views.my_action, name="my_action"),
    path("me/transfer/", views.my_transfer, name="my_transfer"),
    path("me/donate/", views.my_donate, name="my_donate"),
    path("portal/", views.portal, name="portal"),
    path("portal/requests/<int:request_id>/confirm/", views.portal_confirm, name="portal_confirm"),
    path("public/", views.public_totals, name="public_totals"),
]
