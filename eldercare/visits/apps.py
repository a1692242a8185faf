from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "eldercare.visits"
    label = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from eldercare.visits import policy_keys  # noqa: F401 - registers the visits policy keys
