from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "eldercare.homecare"
    label = "homecare"
    verbose_name = "Home and community services"

    def ready(self) -> None:
        from eldercare.homecare import policy_keys  # noqa: F401  (registers the home-care policy schemas)
