from django.apps import AppConfig


class PlayConfig(AppConfig):
    name = "trainer.play"
    label = "play"
    verbose_name = "Play"

    def ready(self) -> None:
        from trainer.play import signals  # noqa: F401  (connects the receivers)
