from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "trainer.backups"
    label = "backups"
    verbose_name = "Backups"
