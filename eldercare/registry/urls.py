from django.urls import path

from eldercare.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.elder_list, name="elder_list"),
    path("export.xlsx", views.elder_export, name="elder_export"),
    path("new/", views.elder_create_view, name="elder_create"),
    path("<int:elder_id>/", views.elder_detail, name="elder_detail"),
    path("<int:elder_id>/edit/", views.elder_edit, name="elder_edit"),
    path("<int:elder_id>/reveal/", views.elder_reveal, name="elder_reveal"),
    path("<int:elder_id>/contacts/", views.contact_add_view, name="contact_add"),
    path("<int:elder_id>/consents/", views.consent_add, name="consent_add"),
    path("<int:elder_id>/groups/", views.groups_edit, name="groups_edit"),
    path("<int:elder_id>/events/", views.life_event_add, name="life_event_add"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/commit/", views.import_commit_view, name="import_commit"),
    path("imports/<int:batch_id>/report.csv", views.import_report, name="import_report"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:item_id>/", views.review_resolve_view, name="review_resolve"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:candidate_id>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:candidate_id>/dismiss/", views.duplicate_dismiss_view, name="duplicate_dismiss"),
    path("overpayments/", views.overpayment_list, name="overpayment_list"),
]
