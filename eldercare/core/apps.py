from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "eldercare.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from eldercare.core import policy_keys  # noqa: F401  (registers the core policy schemas)
