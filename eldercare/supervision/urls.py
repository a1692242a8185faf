from django.urls import path

from eldercare.supervision import views

app_name = "supervision"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/action/", views.campaign_action, name="campaign_action"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:inspection_id>/record/", views.inspection_record, name="inspection_record"),
    path("findings/<int:finding_id>/photo/", views.finding_photo, name="finding_photo"),
    path("findings/<int:finding_id>/photo/view/", views.finding_photo_view, name="finding_photo_view"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path(
        "rectifications/<int:rectification_id>/reinspect/", views.reinspection_plan, name="reinspection_plan"
    ),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_intake, name="complaint_intake"),
    path("complaints/portal/", views.complaint_portal, name="complaint_portal"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:complaint_id>/action/", views.complaint_action, name="complaint_action"),
    path("credit/", views.credit_ranking, name="credit_ranking"),
    # public (一公开), no sign-in, no personal data
    path("public/", views.public_index, name="public_index"),
    path("public/campaigns/<int:campaign_id>/", views.public_campaign, name="public_campaign"),
    path("public/campaigns/<int:campaign_id>.json", views.public_campaign_json, name="public_campaign_json"),
    path("public/complaints/", views.complaint_public, name="complaint_public"),
    path("public/complaints/follow/", views.complaint_follow, name="complaint_follow"),
]
