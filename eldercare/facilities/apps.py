from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "eldercare.facilities"
    label = "facilities"
    verbose_name = "Institutions and facilities"

    def ready(self) -> None:
        from eldercare.facilities import policy_keys  # noqa: F401  (registers the facilities policy schemas)
