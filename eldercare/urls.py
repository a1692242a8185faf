from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from eldercare.api import api
from eldercare.core import ops_views
from eldercare.core import views as core_views
from eldercare.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("docs/", ops_views.manual, name="manual"),
    path("docs/<path:path>", ops_views.manual, name="manual_page"),
    path("accounts/", include("eldercare.accounts.urls")),
    path("elders/", include("eldercare.registry.urls")),
    path("emergency/", include("eldercare.emergency.urls")),
    path("assessments/", include("eldercare.assessment.urls")),
    path("timebank/", include("eldercare.timebank.urls")),
    path("facilities/", include("eldercare.facilities.urls")),
    path("homecare/", include("eldercare.homecare.urls")),
    path("workforce/", include("eldercare.workforce.urls")),
    path("supervision/", include("eldercare.supervision.urls")),
    path("visits/", include("eldercare.visits.urls")),
    path("benefits/", include("eldercare.benefits.urls")),
    path("planning/", include("eldercare.planning.urls")),
    path("portal/", include("eldercare.portal.urls")),
    path("onboarding/", include("eldercare.onboarding.urls")),
    path("spatial/", include("eldercare.spatial.urls")),
    path("", include("eldercare.core.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
