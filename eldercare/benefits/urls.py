from django.urls import path

from eldercare.benefits import views

app_name = "benefits"

urlpatterns = [
    path("list", views.public_list, name="public_list"),
    path("elders/<int:elder_id>", views.elder_services, name="elder_services"),
    path("elders/<int:elder_id>/apply", views.application_create, name="application_create"),
    path("applications", views.application_list, name="application_list"),
    path("applications/<int:application_id>", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/decide", views.application_decide, name="application_decide"),
    path("applications/<int:application_id>/documents", views.document_add, name="document_add"),
    path("applications/<int:application_id>/objections", views.objection_add, name="objection_add"),
    path("objections/<int:objection_id>/resolve", views.objection_resolve, name="objection_resolve"),
    path("settlements", views.settlement_list, name="settlement_list"),
    path("settlements/run", views.settlement_run, name="settlement_run"),
    path("settlements/<str:period>", views.settlement_detail, name="settlement_detail"),
    path("settlements/<str:period>/lock", views.settlement_lock, name="settlement_lock"),
    path("settlements/<str:period>/export", views.settlement_export, name="settlement_export"),
    path("suspensions/<int:suspension_id>/decide", views.suspension_decide, name="suspension_decide"),
    path("batches/<int:batch_id>/return", views.batch_return, name="batch_return"),
    path("batches/<int:batch_id>/<str:fmt>", views.batch_download, name="batch_download"),
    path("funds", views.funds, name="funds"),
    path("funds/budget", views.budget_set, name="budget_set"),
]
