from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "eldercare.registry"
    label = "registry"
    verbose_name = "Registry"
