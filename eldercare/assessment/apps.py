from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "eldercare.assessment"
    label = "assessment"
    verbose_name = "Ability assessment"

    def ready(self) -> None:
        from eldercare.assessment import policy_keys  # noqa: F401  (registers the assessment policy schemas)
