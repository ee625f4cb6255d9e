from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "trainer.progress"
    label = "progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from trainer.progress import signals  # noqa: F401  (connects the receivers)
