from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "eldercare.emergency"
    verbose_name = _("Emergency centre")

    def ready(self) -> None:
        from eldercare.emergency import policy_keys  # noqa: F401
