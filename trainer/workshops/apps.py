from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "trainer.workshops"
    label = "workshops"
    verbose_name = "Workshops"
