from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    name = "trainer.throttle"
    label = "throttle"
    verbose_name = "Throttle"
