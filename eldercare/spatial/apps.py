from django.apps import AppConfig


class SpatialConfig(AppConfig):
    name = "eldercare.spatial"
    label = "spatial"
    verbose_name = "Spatial planning"

    def ready(self) -> None:
        from eldercare.spatial import policy_keys  # noqa: F401  (registers the spatial policy schemas)
