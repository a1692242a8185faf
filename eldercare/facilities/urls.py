from django.urls import path

from eldercare.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="facility_list"),
    path("new/", views.facility_create, name="facility_create"),
    path("<int:facility_id>/", views.facility_detail, name="facility_detail"),
    path("<int:facility_id>/listing/", views.facility_listing, name="facility_listing"),
    path("<int:facility_id>/filings/new/", views.filing_create, name="filing_create"),
    path("<int:facility_id>/licences/new/", views.licence_add, name="licence_add"),
    path("<int:facility_id>/beds/", views.bed_list, name="bed_list"),
    path("<int:facility_id>/beds/new/", views.bed_add, name="bed_add"),
    path("<int:facility_id>/reports/new/", views.report_submit, name="report_submit"),
    path("<int:facility_id>/incidents/new/", views.incident_add, name="incident_add"),
    path("<int:facility_id>/rating/", views.rating_self, name="rating_self"),
    path("beds/<int:bed_id>/state/", views.bed_state, name="bed_state"),
    path("beds/<int:bed_id>/admit/", views.resident_admit, name="resident_admit"),
    path("residents/<int:residency_id>/discharge/", views.resident_discharge, name="resident_discharge"),
    path("residents/<int:residency_id>/risk/", views.risk_assessment_add, name="risk_assessment_add"),
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/<int:filing_id>/decide/", views.filing_decide, name="filing_decide"),
    path("licences/", views.licence_list, name="licence_list"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("ratings/", views.rating_list, name="rating_list"),
    path("ratings/<int:rating_id>/review/", views.rating_review, name="rating_review"),
    path("ratings/<int:rating_id>/publish/", views.rating_publish, name="rating_publish"),
    path("statistics/", views.statistics, name="statistics"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("waitlist/apply/<int:elder_id>/", views.application_create, name="application_create"),
    path("waitlist/<int:application_id>/", views.application_detail, name="application_detail"),
    path("waitlist/<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("offers/<int:offer_id>/respond/", views.offer_respond, name="offer_respond"),
    path("public/", views.public_list, name="public_list"),
    path("public/map/", views.public_map, name="public_map"),
    path("public/geo/<str:code>.geojson", views.public_geojson, name="public_geojson"),
]
