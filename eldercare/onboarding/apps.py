from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "eldercare.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding"
