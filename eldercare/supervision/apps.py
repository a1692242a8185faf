from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "eldercare.supervision"
    label = "supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        from eldercare.supervision import policy_keys  # noqa: F401  (registers the supervision policy schemas)
