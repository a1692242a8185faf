from django.apps import AppConfig


class TimebankConfig(AppConfig):
    name = "eldercare.timebank"
    label = "timebank"
    verbose_name = "Time bank"

    def ready(self) -> None:
        from eldercare.timebank import policy_keys  # noqa: F401  (registers the time-bank policy schemas)
