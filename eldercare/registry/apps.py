from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "eldercare.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from eldercare.registry import policy_keys  # noqa: F401 - registers the registry's policy keys
