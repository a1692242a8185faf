from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "eldercare.planning"
    label = "planning"
    verbose_name = "Plan indicators and dashboards"

    def ready(self) -> None:
        from eldercare.planning import policy_keys  # noqa: F401  (registers planning.rag and plan.funding)
