from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "eldercare.benefits"
    label = "benefits"
    verbose_name = "Benefits and subsidies"

    def ready(self) -> None:
        from eldercare.benefits import policy_keys  # noqa: F401  (registers the benefits policy schemas)
