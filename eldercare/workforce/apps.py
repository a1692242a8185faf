from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "eldercare.workforce"
    label = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from eldercare.workforce import policy_keys  # noqa: F401  (registers the workforce policy schemas)
