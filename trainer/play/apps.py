from django.apps import AppConfig


class PlayConfig(AppConfig):
    name = "trainer.play"
    label = "play"
    verbose_name = "Play"
