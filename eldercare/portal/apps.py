from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "eldercare.portal"
    label = "portal"
    verbose_name = "Elder and family portal"

    def ready(self) -> None:
        from eldercare.portal import policy_keys  # noqa: F401  (registers the portal policy schemas)
